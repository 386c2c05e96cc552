/* Shared by the test plugins: log one line describing what a callback
   decoded, hex-encoded so tests can compare it byte for byte (format in
   tests/host/CONTRACT.md). Include after nd_ws.h. */
static char *hex(char *d, const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i;
    *d++ = ' ';
    if (!n) *d++ = '-';
    for (i = 0; i < n; i++) {
        *d++ = "0123456789abcdef"[s[i] >> 4];
        *d++ = "0123456789abcdef"[s[i] & 15];
    }
    return d;
}

static const char *report(const char *kind, nd_ws_str id, const void *p, size_t n, const int32_t *code)
{
    char *line = (char *)nd_ws_alloc(32 + 2 * (id.len + n)), *d = line, num[12], *q = num + sizeof num;
    if (!line) return "out of memory";
    while (*kind) *d++ = *kind++;
    d = hex(d, id.ptr, id.len);
    if (code) {
        uint32_t c = *code < 0 ? 0u - (uint32_t)*code : (uint32_t)*code;
        do *--q = (char)('0' + c % 10); while (c /= 10);
        if (*code < 0) *--q = '-';
        *d++ = ' ';
        while (q < num + sizeof num) *d++ = *q++;
    }
    d = hex(d, p, n);
    *d = 0;
    nd_ws_log_info(line);
    return n == 4 && ((const char *)p)[0] == 'f' && ((const char *)p)[1] == 'a' && ((const char *)p)[2] == 'i' &&
                   ((const char *)p)[3] == 'l'
               ? "asked to fail"
               : NULL;
}


/* The binary, error and close callbacks of the test plugins: report what
   they decoded, as above. */
static const char *report_binary(const nd_ws_binary_message *m) { return report("binary", m->connection_id, m->data.ptr, m->data.len, 0); }
static const char *report_error(const nd_ws_error *m) { return report("error", m->connection_id, m->error.ptr, m->error.len, 0); }
static const char *report_close(const nd_ws_close *m) { return report("close", m->connection_id, m->reason.ptr, m->reason.len, &m->code); }
ND_WS_ON_BINARY_MESSAGE(report_binary)
ND_WS_ON_ERROR(report_error)
ND_WS_ON_CLOSE(report_close)
