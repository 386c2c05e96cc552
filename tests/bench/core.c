/* tests/bench/core.c - nd_ws's decode and encode paths without a host.

   One source, two builds:
   - native (clang -O2): main() runs the whole matrix and prints one JSON
     object per measurement (tests/bench/bench.js turns them into the table);
   - wasm (the plugin flags, plus variants): bench.js calls the exports
     bench_prepare / bench_run / bench_check and times bench_run itself.

   Everything goes through nd_ws's public path: the Extism imports are
   defined here as an in-memory shim (in wasm too: a defined function is not
   imported), so a measurement is
     decode: nd_websocket_on_text_message / _on_binary_message on a Go-encoded
             input (read 8 bytes at a time + JSON scan + unescape or base64
             decode + output {"error":null});
     encode: nd_ws_send_text / nd_ws_send_binary from inside a callback whose
             input is tiny (JSON escaping or base64 encoding + copying the
             request into a block; the shim answers {} without reading it).
   Throughput is counted in wire bytes: the JSON input scanned (decode) or
   the request produced (encode). */
#if !defined(__wasm__) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#endif
#define ND_WS_STATIC
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"

#include <stdlib.h>
#include <string.h>

enum { OP_TEXT_DECODE, OP_BINARY_DECODE, OP_TEXT_ENCODE, OP_BINARY_ENCODE, N_OPS };
enum { K_ASCII, K_ESCAPES, K_UTF8, K_RANDOM, N_KINDS };

/* ---- The in-memory host --------------------------------------------------
   Blocks live in kb; a handle is an offset into it, with the block's length
   in the 8 bytes before it. No bounds checks: the bench sizes kb itself. */
static unsigned char *kb;
static size_t kb_cap, kb_top;
static const unsigned char *in_p;
static size_t in_n;
static uint64_t out_h, out_n, err_h, req_h, req_n;

uint64_t nd_ws_extism_input_length(void) { return in_n; }
uint32_t nd_ws_extism_input_load_u8(uint64_t o) { return in_p[o]; }
uint64_t nd_ws_extism_input_load_u64(uint64_t o)
{
    uint64_t v;
    memcpy(&v, in_p + o, 8);
    return v;
}
uint64_t nd_ws_extism_alloc(uint64_t n)
{
    size_t h = kb_top + 8;
    if (!n || h + n > kb_cap) return 0;
    memcpy(kb + kb_top, &n, 8);
    kb_top = h + (size_t)((n + 7) & ~(uint64_t)7);
    return h;
}
uint64_t nd_ws_extism_length(uint64_t h)
{
    uint64_t n;
    memcpy(&n, kb + h - 8, 8);
    return n;
}
uint32_t nd_ws_extism_load_u8(uint64_t at) { return kb[at]; }
uint64_t nd_ws_extism_load_u64(uint64_t at)
{
    uint64_t v;
    memcpy(&v, kb + at, 8);
    return v;
}
void nd_ws_extism_store_u8(uint64_t at, uint32_t v) { kb[at] = (unsigned char)v; }
void nd_ws_extism_store_u64(uint64_t at, uint64_t v) { memcpy(kb + at, &v, 8); }
void nd_ws_extism_output_set(uint64_t h, uint64_t n) { out_h = h, out_n = n; }
void nd_ws_extism_error_set(uint64_t h) { err_h = h; }
uint64_t nd_ws_extism_config_get(uint64_t key) { (void)key; return 0; }
void nd_ws_extism_log_info(uint64_t m) { (void)m; }
void nd_ws_extism_log_debug(uint64_t m) { (void)m; }
void nd_ws_extism_log_warn(uint64_t m) { (void)m; }
void nd_ws_extism_log_error(uint64_t m) { (void)m; }
static uint64_t respond(uint64_t h)
{
    uint64_t r = nd_ws_extism_alloc(2);
    req_h = h;
    req_n = nd_ws_extism_length(h);
    if (r) kb[r] = '{', kb[r + 1] = '}';
    return r;
}
uint64_t nd_ws_extism_websocket_connect(uint64_t h) { return respond(h); }
uint64_t nd_ws_extism_websocket_sendtext(uint64_t h) { return respond(h); }
uint64_t nd_ws_extism_websocket_sendbinary(uint64_t h) { return respond(h); }
uint64_t nd_ws_extism_websocket_closeconnection(uint64_t h) { return respond(h); }

/* ---- The plugin ---------------------------------------------------------- */
static int cur_op;
static unsigned char *payload;  /* the message / data */
static size_t payload_n;        /* its length */
static size_t decoded_n;        /* what nd_ws must hand the callback */
static const unsigned char *got_p;
static size_t got_n;

static const char *on_text(const nd_ws_text_message *m)
{
    if (cur_op == OP_TEXT_ENCODE) return nd_ws_send_text(m->connection_id.ptr, (const char *)payload, payload_n);
    if (cur_op == OP_BINARY_ENCODE) return nd_ws_send_binary(m->connection_id.ptr, payload, payload_n);
    got_p = (const unsigned char *)m->message.ptr;
    got_n = m->message.len;
    return NULL;
}
ND_WS_ON_TEXT_MESSAGE(on_text)

static const char *on_binary(const nd_ws_binary_message *m)
{
    got_p = m->data.ptr;
    got_n = m->data.len;
    return NULL;
}
ND_WS_ON_BINARY_MESSAGE(on_binary)

/* ---- Inputs -------------------------------------------------------------- */
static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static size_t put_utf8(unsigned char *d, uint32_t c)
{
    if (c < 0x80) return d[0] = (unsigned char)c, 1;
    if (c < 0x800) return d[0] = (unsigned char)(0xc0 | c >> 6), d[1] = (unsigned char)(0x80 | (c & 63)), 2;
    if (c < 0x10000) {
        d[0] = (unsigned char)(0xe0 | c >> 12);
        d[1] = (unsigned char)(0x80 | (c >> 6 & 63));
        d[2] = (unsigned char)(0x80 | (c & 63));
        return 3;
    }
    d[0] = (unsigned char)(0xf0 | c >> 18);
    d[1] = (unsigned char)(0x80 | (c >> 12 & 63));
    d[2] = (unsigned char)(0x80 | (c >> 6 & 63));
    d[3] = (unsigned char)(0x80 | (c & 63));
    return 4;
}

static void gen(int kind, unsigned char *d, size_t n)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:!?-_()'";
    static const char escapes[] = "\"\\\n\t\r<>&\x01\x1f\b";
    size_t i = 0;
    while (i < n) {
        uint32_t r = rnd();
        if (kind == K_ASCII) d[i++] = (unsigned char)plain[r % (sizeof plain - 1)];
        else if (kind == K_ESCAPES) /* about one character in three needs an escape */
            d[i++] = (unsigned char)(r % 3 ? plain[r % (sizeof plain - 1)] : escapes[(r >> 8) % (sizeof escapes - 1)]);
        else if (kind == K_RANDOM) d[i++] = (unsigned char)r;
        else {
            /* Cyrillic (2 bytes), CJK (3 bytes), emoji (4 bytes) */
            uint32_t c = r % 3 == 0 ? 0x400 + (r >> 8) % 0x100 : r % 3 == 1 ? 0x4e00 + (r >> 8) % 0x5200 : 0x1f300 + (r >> 8) % 0x300;
            unsigned char u[4];
            size_t k = put_utf8(u, c);
            if (i + k > n) d[i++] = 'a';
            else memcpy(d + i, u, k), i += k;
        }
    }
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t room)
{
    unsigned c = s[0];
    size_t n, i;
    if (c < 0x80) return 1;
    n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (!n || c > 0xf4 || n > room) return 0;
    for (i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) || (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
        return 0;
    return n;
}

/* What Go's json.Marshal writes for a string made of s (HTML escaping on,
   invalid UTF-8 as \ufffd, \b and \f short); *dec gets the decoded length. */
static size_t go_quote(const unsigned char *s, size_t n, unsigned char *d, size_t *dec)
{
    static const char hx[] = "0123456789abcdef";
    unsigned char *d0 = d;
    size_t i = 0, k;
    *dec = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            ++*dec;
            if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
                *d++ = (unsigned char)c;
                continue;
            }
            *d++ = '\\';
            if (c == '"' || c == '\\') *d++ = (unsigned char)c;
            else if (c == '\n') *d++ = 'n';
            else if (c == '\r') *d++ = 'r';
            else if (c == '\t') *d++ = 't';
            else if (c == '\b') *d++ = 'b';
            else if (c == '\f') *d++ = 'f';
            else *d++ = 'u', *d++ = '0', *d++ = '0', *d++ = (unsigned char)hx[c >> 4], *d++ = (unsigned char)hx[c & 15];
            continue;
        }
        k = utf8_len(s + i, n - i);
        if (!k) {
            memcpy(d, "\\ufffd", 6), d += 6, i++, *dec += 3;
            continue;
        }
        if (k == 3 && c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
            memcpy(d, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6), d += 6;
        } else {
            memcpy(d, s + i, k), d += k;
        }
        i += k;
        *dec += k;
    }
    return (size_t)(d - d0);
}

static size_t b64(const unsigned char *s, size_t n, unsigned char *d)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char *d0 = d;
    size_t i;
    for (i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        *d++ = (unsigned char)abc[v >> 18];
        *d++ = (unsigned char)abc[v >> 12 & 63];
        *d++ = (unsigned char)(i + 1 < n ? abc[v >> 6 & 63] : '=');
        *d++ = (unsigned char)(i + 2 < n ? abc[v & 63] : '=');
    }
    return (size_t)(d - d0);
}

static unsigned char *wire;
static size_t wire_n;
static const char tiny[] = "{\"connectionId\":\"bench\",\"message\":\"go\"}";

#if defined(__wasm__)
#define BENCH_EXPORT(name) __attribute__((export_name(name)))
#else
#define BENCH_EXPORT(name)
#endif

/* Set up measurement op on kind of size bytes; returns the wire bytes one
   call handles, 0 if out of memory. */
BENCH_EXPORT("bench_prepare") uint32_t bench_prepare(int op, int kind, uint32_t size)
{
    static const char pre_text[] = "{\"connectionId\":\"bench\",\"message\":\"";
    static const char pre_bin[] = "{\"connectionId\":\"bench\",\"data\":\"";
    size_t n = 0, kb_need;
    free(payload);
    free(wire);
    free(kb);
    cur_op = op;
    payload_n = size;
    payload = (unsigned char *)malloc(size + 1);
    wire = (unsigned char *)malloc(6 * (size_t)size + 128);
    if (!payload || !wire) return 0;
    gen(kind, payload, size);
    decoded_n = size;
    if (op == OP_TEXT_DECODE) {
        memcpy(wire, pre_text, sizeof pre_text - 1), n = sizeof pre_text - 1;
        n += go_quote(payload, size, wire + n, &decoded_n);
    } else if (op == OP_BINARY_DECODE) {
        memcpy(wire, pre_bin, sizeof pre_bin - 1), n = sizeof pre_bin - 1;
        n += b64(payload, size, wire + n);
    }
    if (op <= OP_BINARY_DECODE) {
        memcpy(wire + n, "\"}", 2), n += 2;
        in_p = wire, in_n = wire_n = n;
        kb_need = 4096;
    } else {
        in_p = (const unsigned char *)tiny, in_n = sizeof tiny - 1;
        kb_need = 6 * (size_t)size + 4096; /* the request, escaped */
    }
    kb = (unsigned char *)malloc(kb_need);
    kb_cap = kb_need;
    if (!kb) return 0;
    if (op > OP_BINARY_DECODE) { /* the request size, from one call */
        kb_top = 0;
        if (nd_websocket_on_text_message() || err_h) return 0;
        wire_n = (size_t)req_n;
    }
    return (uint32_t)wire_n;
}

/* iters calls; non-zero if one failed. */
BENCH_EXPORT("bench_run") int bench_run(uint32_t iters)
{
    int rc = 0;
    int32_t (*fn)(void) = cur_op == OP_BINARY_DECODE ? nd_websocket_on_binary_message : nd_websocket_on_text_message;
    while (iters--) {
        kb_top = 0;
        err_h = 0;
        rc |= fn() | (err_h != 0);
    }
    return rc;
}

/* After bench_run: 0 if the last call produced what it should. */
BENCH_EXPORT("bench_check") int bench_check(void)
{
    static const char pre[] = "{\"connectionId\":\"bench\",\"";
    if (err_h || out_n != 14 || memcmp(kb + out_h, "{\"error\":null}", 14)) return 1;
    if (cur_op <= OP_BINARY_DECODE) {
        if (got_n != decoded_n || got_p[got_n]) return 2;
        if (decoded_n == payload_n && memcmp(got_p, payload, payload_n)) return 3;
        return 0;
    }
    if (req_n < sizeof pre || memcmp(kb + req_h, pre, sizeof pre - 1) || kb[req_h + req_n - 1] != '}') return 4;
    if (cur_op == OP_BINARY_ENCODE) { /* compare with our own base64 */
        unsigned char *mine = (unsigned char *)malloc(payload_n / 3 * 4 + 8);
        size_t m = mine ? b64(payload, payload_n, mine) : 0;
        int bad = !mine || req_n != sizeof pre - 1 + 7 + m + 2 || memcmp(kb + req_h + sizeof pre - 1 + 7, mine, m);
        free(mine);
        return bad ? 5 : 0;
    }
    return 0;
}

#if !defined(__wasm__)
/* ---- Native driver --------------------------------------------------------
   core [--smoke] [--only OP KIND]: one JSON line per (op, kind, size) with
   the best of several runs, each run long enough to time. --only runs one
   row (for perf: perf record build/bench/core --only binary-decode random). */
#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    static const char *const ops[] = {"text-decode", "binary-decode", "text-encode", "binary-encode"};
    static const char *const kinds[] = {"ascii", "escapes", "utf8", "random"};
    static const uint32_t sizes[] = {1u << 10, 1u << 16, 1u << 20, 1u << 24};
    int smoke = argc > 1 && !strcmp(argv[1], "--smoke");
    const char *only_op = 0, *only_kind = 0;
    double run_s = smoke ? 0.002 : 0.02; /* minimum length of one timed run */
    int runs = smoke ? 2 : 7, op, kind, si, failed = 0, i;
    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--only") && i + 2 < argc) only_op = argv[i + 1], only_kind = argv[i + 2];
    for (op = 0; op < N_OPS; op++)
        for (kind = 0; kind < N_KINDS; kind++)
            for (si = smoke ? 1 : 0; si < (smoke ? 3 : 4); si++) {
                uint32_t size = sizes[si], iters = 1, w;
                double best = 1e30, t;
                int r, chk;
                if (only_op && (strcmp(only_op, ops[op]) || strcmp(only_kind, kinds[kind]))) continue;
                if (!(w = bench_prepare(op, kind, size))) {
                    fprintf(stderr, "core: out of memory preparing %s %s %u\n", ops[op], kinds[kind], size);
                    return 1;
                }
                /* calibrate: double until a run takes run_s */
                for (;;) {
                    t = now();
                    if (bench_run(iters)) break;
                    t = now() - t;
                    if (t >= run_s || iters >= 1u << 24) break;
                    iters *= t < run_s / 8 ? 8 : 2;
                }
                for (r = 0; r < (size >= 1u << 24 ? 3 : runs); r++) {
                    t = now();
                    if (bench_run(iters)) {
                        best = 0;
                        break;
                    }
                    t = (now() - t) / iters;
                    if (t < best) best = t;
                }
                chk = best > 0 ? bench_check() : 9;
                failed |= chk != 0;
                printf("{\"op\":\"%s\",\"kind\":\"%s\",\"size\":%u,\"wire\":%u,\"iters\":%u,\"ns\":%.1f,\"mbps\":%.1f,"
                       "\"check\":%d}\n",
                       ops[op], kinds[kind], size, w, iters, best * 1e9, best > 0 ? w / best / 1e6 : 0.0, chk);
                fflush(stdout);
            }
    return failed;
}
#endif
