/* Base64 both ways.
   (1) the input bytes as the "data" string of on_binary_message (JSON-escaped
       where needed): nd_ws accepts exactly what the reference strict decoder
       accepts, with the same bytes, and every accepted string is the
       re-encoding of its bytes;
   (2) the input bytes sent with nd_ws_send_binary: the request's "data" is the
       reference encoding, and nd_ws decodes it back to the input. */
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"
#include "shim.h"
#include "jsonref.h"
#include "fuzz_common.h"

static int calls;
static unsigned char *got;
static size_t got_len;
static const uint8_t *send_data;
static size_t send_size;
static const char *send_err;

static const char *on_binary(const nd_ws_binary_message *m)
{
    calls++;
    got = (unsigned char *)malloc(m->data.len + 1);
    memcpy(got, m->data.ptr, m->data.len);
    got_len = m->data.len;
    FUZZ_CHECK(m->data.ptr[m->data.len] == 0, "data not NUL-terminated");
    return 0;
}
ND_WS_ON_BINARY_MESSAGE(on_binary)

#ifdef ND_WS_TEST_CLIENT
static const char *on_text(const nd_ws_text_message *m)
{
    (void)m;
    send_err = nd_ws_send_binary("b", send_data, send_size);
    return 0;
}
ND_WS_ON_TEXT_MESSAGE(on_text)
#endif

/* {"connectionId":"b","data":"<s>"} with s JSON-escaped byte by byte */
static char *binary_input(const unsigned char *s, size_t n, int escape_all, size_t *len)
{
    char *buf = (char *)malloc(6 * n + 64), *o = buf;
    size_t i;
    o += sprintf(o, "{\"connectionId\":\"b\",\"data\":\"");
    for (i = 0; i < n; i++) {
        if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\' || (escape_all && s[i] < 0x80)) o += sprintf(o, "\\u%04x", s[i]);
        else *o++ = (char)s[i];
    }
    o += sprintf(o, "\"}");
    *len = (size_t)(o - buf);
    return buf;
}

static void decode_side(const unsigned char *s, size_t n, int escape_all)
{
    size_t len;
    char *in = binary_input(s, n, escape_all, &len);
    jr_event ev;
    int ref;
    int32_t rc;
    calls = 0;
    got = 0;
    shim_reset(in, len);
    rc = nd_websocket_on_binary_message();
    FUZZ_CHECK(shim.violations == 0 && shim.alloc_zero_calls == 0, "host memory misuse");
    ref = jr_decode_event(1, (const unsigned char *)in, len, 100, &ev);
    if (ref == 1) {
        char *again = (char *)malloc(4 * (got_len / 3) + 8);
        FUZZ_CHECK(rc == 0 && calls == 1, "reference accepts \"%s\", nd_ws: %s", fuzz_show(s, n), fuzz_show(shim.error.ptr, shim.error.len));
        FUZZ_CHECK(got_len == ev.value_len && !memcmp(got, ev.value, got_len), "decoded differently: \"%s\"", fuzz_show(s, n));
        jr_b64_encode(got, got_len, again);
        FUZZ_CHECK(strlen(again) == n && !memcmp(again, s, n), "accepted \"%s\" is not canonical", fuzz_show(s, n));
        free(again);
        jr_event_free(&ev);
    } else {
        FUZZ_CHECK(rc == 1 && calls == 0, "reference rejects \"%s\", nd_ws accepts", fuzz_show(s, n));
        FUZZ_CHECK(shim.error_calls == 1, "no error_set");
    }
    free(got);
    free(in);
}

#ifdef ND_WS_TEST_CLIENT
static void encode_side(const uint8_t *data, size_t size)
{
    static const char trigger[] = "{\"connectionId\":\"c\",\"message\":\"m\"}";
    jr_node *req;
    const jr_node *d;
    char *want = (char *)malloc(4 * (size / 3) + 8);
    size_t want_n = jr_b64_encode(data, size, want), len;
    char *in;
    send_data = data;
    send_size = size;
    send_err = "not called";
    shim_reset(trigger, sizeof trigger - 1);
    FUZZ_CHECK(nd_websocket_on_text_message() == 0, "trigger callback failed");
    FUZZ_CHECK(send_err == NULL, "send_binary: %s", send_err);
    FUZZ_CHECK(shim.n_requests == 1, "%d requests", shim.n_requests);
    req = jr_parse(shim.request[0].ptr, shim.request[0].len, 10, 0);
    FUZZ_CHECK(req && req->type == JR_OBJECT, "request not JSON: %s", fuzz_show(shim.request[0].ptr, shim.request[0].len));
    d = jr_get(req, "data");
    FUZZ_CHECK(d && d->type == JR_STRING && d->len == want_n && !memcmp(d->str, want, want_n), "data is not the encoding");
    /* and back through nd_ws's decoder */
    in = binary_input(d->str, d->len, 0, &len);
    calls = 0;
    got = 0;
    shim_reset(in, len);
    FUZZ_CHECK(nd_websocket_on_binary_message() == 0 && calls == 1, "own encoding rejected: %s",
               fuzz_show(shim.error.ptr, shim.error.len));
    FUZZ_CHECK(got_len == size && !memcmp(got, data, size), "round trip changed the bytes");
    free(got);
    free(in);
    jr_free(req);
    free(want);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) shim_defaults(), ready = 1;
    decode_side(data, size, 0);
    /* the same string with every ASCII character escaped: same result */
    if (size <= 64) decode_side(data, size, 1);
#ifdef ND_WS_TEST_CLIENT
    encode_side(data, size);
#endif
    return 0;
}
