/* Arbitrary bytes as the input of one callback export (FUZZ_KIND: 0 text,
   1 binary, 2 error, 3 close). Invariants:
   - the host memory is only touched inside blocks and the input, alloc(0)
     is never called;
   - the result agrees with the independent reference decoder (jsonref.c):
     accepted input -> handler called once with exactly the reference's
     fields, rc 0, output {"error":null}, no error_set;
     rejected input -> handler not called, rc 1, one error_set with
     "nd_ws: nd_websocket_on_<kind>: <detail>", output {"error":"<same>"};
   - a handler error (the value "fail") -> rc 1, error "<prefix>fail". */
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"
#include "shim.h"
#include "jsonref.h"
#include "fuzz_common.h"

#ifndef FUZZ_KIND
#define FUZZ_KIND 0
#endif

static const char *const names[4] = {"nd_websocket_on_text_message", "nd_websocket_on_binary_message",
                                     "nd_websocket_on_error", "nd_websocket_on_close"};

static struct {
    int calls;
    unsigned char *id, *val; /* room for the input's size */
    size_t cap, id_len, val_len;
    int32_t code;
    int terminated;
} seen;

static const char *record(nd_ws_str id, const void *val, size_t n, int32_t code)
{
    seen.calls++;
    FUZZ_CHECK(id.len <= seen.cap && n <= seen.cap, "view longer than the input");
    memcpy(seen.id, id.ptr, id.len);
    seen.id_len = id.len;
    memcpy(seen.val, val, n);
    seen.val_len = n;
    seen.code = code;
    seen.terminated = id.ptr[id.len] == 0 && ((const char *)val)[n] == 0;
    return n == 4 && !memcmp(val, "fail", 4) ? "fail" : 0;
}

static const char *on_text(const nd_ws_text_message *m) { return record(m->connection_id, m->message.ptr, m->message.len, 0); }
static const char *on_binary(const nd_ws_binary_message *m) { return record(m->connection_id, m->data.ptr, m->data.len, 0); }
static const char *on_error(const nd_ws_error *m) { return record(m->connection_id, m->error.ptr, m->error.len, 0); }
static const char *on_close(const nd_ws_close *m) { return record(m->connection_id, m->reason.ptr, m->reason.len, m->code); }
ND_WS_ON_TEXT_MESSAGE(on_text)
ND_WS_ON_BINARY_MESSAGE(on_binary)
ND_WS_ON_ERROR(on_error)
ND_WS_ON_CLOSE(on_close)

static int32_t call(int kind)
{
    switch (kind) {
    case 0: return nd_websocket_on_text_message();
    case 1: return nd_websocket_on_binary_message();
    case 2: return nd_websocket_on_error();
    default: return nd_websocket_on_close();
    }
}

/* the failure contract: one error_set starting with the prefix, and the
   output {"error": the same text} */
static void check_failure(int kind, const char *detail)
{
    char prefix[64];
    jr_node *o;
    const jr_node *e;
    sprintf(prefix, "nd_ws: %s: ", names[kind]);
    FUZZ_CHECK(shim.error_calls == 1, "error_set called %d times", shim.error_calls);
    FUZZ_CHECK(shim.error.len > strlen(prefix) && !memcmp(shim.error.ptr, prefix, strlen(prefix)),
               "error \"%s\"", fuzz_show(shim.error.ptr, shim.error.len));
    FUZZ_CHECK(!memchr(shim.error.ptr, 0, shim.error.len), "NUL in the error");
    if (detail)
        FUZZ_CHECK(!strcmp((const char *)shim.error.ptr + strlen(prefix), detail), "error \"%s\", want detail \"%s\"",
                   fuzz_show(shim.error.ptr, shim.error.len), detail);
    FUZZ_CHECK(shim.has_output && shim.output_calls == 1, "no output on failure");
    o = jr_parse(shim.output.ptr, shim.output.len, 8, 0);
    e = jr_get(o, "error");
    FUZZ_CHECK(o && o->type == JR_OBJECT && o->n == 1 && e && e->type == JR_STRING, "output \"%s\"",
               fuzz_show(shim.output.ptr, shim.output.len));
    FUZZ_CHECK(e->len == shim.error.len && !memcmp(e->str, shim.error.ptr, e->len), "output error differs from error_set");
    jr_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const int kind = FUZZ_KIND;
    jr_event ev;
    int ref;
    int32_t rc;
    /* an exactly-sized copy, so ASan catches any read past the input */
    unsigned char *in = (unsigned char *)malloc(size ? size : 1);
    if (size) memcpy(in, data, size);
    memset(&seen, 0, sizeof seen);
    seen.cap = size;
    seen.id = (unsigned char *)malloc(size + 1);
    seen.val = (unsigned char *)malloc(size + 1);
    shim_reset(in, size);
    rc = call(kind);
    FUZZ_CHECK(shim.violations == 0, "%d host memory violations", shim.violations);
    FUZZ_CHECK(shim.alloc_zero_calls == 0, "alloc(0) called");
    ref = jr_decode_event(kind, in, size, 100000, &ev);
    if (ref == 1) {
        FUZZ_CHECK(seen.calls == 1, "reference accepts, nd_ws rejects (rc %d): %s", (int)rc, fuzz_show(shim.error.ptr, shim.error.len));
        FUZZ_CHECK(seen.terminated, "a view is not NUL-terminated");
        FUZZ_CHECK(seen.id_len == ev.id_len && !memcmp(seen.id, ev.id, ev.id_len), "connectionId \"%s\"", fuzz_show(seen.id, seen.id_len));
        FUZZ_CHECK(seen.val_len == ev.value_len && !memcmp(seen.val, ev.value, ev.value_len), "value \"%s\" (len %d), reference len %d",
                   fuzz_show(seen.val, seen.val_len), (int)seen.val_len, (int)ev.value_len);
        FUZZ_CHECK(seen.code == ev.code, "code %d, reference %d", (int)seen.code, (int)ev.code);
        if (ev.value_len == 4 && !memcmp(ev.value, "fail", 4)) {
            FUZZ_CHECK(rc == 1, "handler error: rc %d", (int)rc);
            check_failure(kind, "fail");
        } else {
            FUZZ_CHECK(rc == 0, "rc %d on success", (int)rc);
            FUZZ_CHECK(shim.error_calls == 0, "error_set on success");
            FUZZ_CHECK(shim.has_output && shim.output.len == 14 && !memcmp(shim.output.ptr, "{\"error\":null}", 14),
                       "output \"%s\"", fuzz_show(shim.output.ptr, shim.output.len));
        }
        jr_event_free(&ev);
    } else if (ref == 0) {
        FUZZ_CHECK(seen.calls == 0, "reference rejects, nd_ws called the handler (id \"%s\")", fuzz_show(seen.id, seen.id_len));
        FUZZ_CHECK(rc == 1, "rc %d on rejected input", (int)rc);
        check_failure(kind, 0);
    }
    free(in);
    free(seen.id);
    free(seen.val);
    return 0;
}
