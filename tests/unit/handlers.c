/* handlers.c - the test plugin: the nd_ws implementation with every callback
   registered. Compiled with -DND_WS_ARENA_SIZE=n for the arena tests. */
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"

#include "plugin.h"
#include "check.h"
#include "jsonref.h"

#include <stdlib.h>
#include <string.h>

rec_t rec;
const char *handler_result;
hook_fn handler_hook;

const char *const export_name[5] = {"nd_websocket_on_text_message", "nd_websocket_on_binary_message",
                                    "nd_websocket_on_error", "nd_websocket_on_close", "nd_on_init"};

static unsigned char *dup_bytes(const void *p, size_t n)
{
    unsigned char *d = (unsigned char *)malloc(n + 1);
    if (!d) abort();
    if (n) memcpy(d, p, n);
    d[n] = 0;
    return d;
}

static void record(int kind, nd_ws_str id, const void *val, size_t val_len, int32_t code)
{
    free(rec.id);
    free(rec.val);
    rec.calls++;
    rec.kind = kind;
    rec.id = dup_bytes(id.ptr, id.len);
    rec.id_len = id.len;
    rec.val = dup_bytes(val, val_len);
    rec.val_len = val_len;
    rec.code = code;
    rec.nul_terminated = id.ptr[id.len] == 0 && ((const char *)val)[val_len] == 0;
}

static const char *result(int kind, const void *view)
{
    return handler_hook ? handler_hook(kind, view) : handler_result;
}

static const char *on_text(const nd_ws_text_message *m)
{
    record(K_TEXT, m->connection_id, m->message.ptr, m->message.len, 0);
    return result(K_TEXT, m);
}
static const char *on_binary(const nd_ws_binary_message *m)
{
    record(K_BINARY, m->connection_id, m->data.ptr, m->data.len, 0);
    return result(K_BINARY, m);
}
static const char *on_error(const nd_ws_error *m)
{
    record(K_ERROR, m->connection_id, m->error.ptr, m->error.len, 0);
    return result(K_ERROR, m);
}
static const char *on_close(const nd_ws_close *m)
{
    record(K_CLOSE, m->connection_id, m->reason.ptr, m->reason.len, m->code);
    return result(K_CLOSE, m);
}
static const char *on_init(void)
{
    nd_ws_str none = {"", 0};
    record(K_INIT, none, "", 0, 0);
    return result(K_INIT, 0);
}

ND_WS_ON_TEXT_MESSAGE(on_text)
ND_WS_ON_BINARY_MESSAGE(on_binary)
ND_WS_ON_ERROR(on_error)
ND_WS_ON_CLOSE(on_close)
ND_WS_ON_INIT(on_init)

int32_t call_export(int kind, const void *input, size_t len)
{
    int32_t rc;
    free(rec.id);
    free(rec.val);
    memset(&rec, 0, sizeof rec);
    shim_reset(input, len);
    switch (kind) {
    case K_TEXT: rc = nd_websocket_on_text_message(); break;
    case K_BINARY: rc = nd_websocket_on_binary_message(); break;
    case K_ERROR: rc = nd_websocket_on_error(); break;
    case K_CLOSE: rc = nd_websocket_on_close(); break;
    default: rc = nd_on_init(); break;
    }
    handler_result = 0; /* one call only */
    handler_hook = 0;
    return rc;
}

int32_t call_str(int kind, const char *input) { return call_export(kind, input, strlen(input)); }

int expect_success_at(const char *file, int line, int32_t rc)
{
    int before = check_case_failures;
    if (rc != 0) check_fail(file, line, "rc %d, want 0 (error: %s)", (int)rc, shim_error_str());
    if (shim.error_calls) check_fail(file, line, "error_set called on success: %s", shim_error_str());
    if (!shim.has_output || strcmp(shim_output_str(), "{\"error\":null}"))
        check_fail(file, line, "output \"%s\", want {\"error\":null}", check_show(shim.output.ptr, shim.output.len));
    if (shim.output_calls != 1) check_fail(file, line, "output_set called %d times", shim.output_calls);
    if (shim.violations) check_fail(file, line, "%d host memory violations", shim.violations);
    if (shim.alloc_zero_calls) check_fail(file, line, "alloc(0) called %d times", shim.alloc_zero_calls);
    return check_case_failures == before;
}

int expect_failure_at(const char *file, int line, int kind, int32_t rc, const char *phrase, int handler_called)
{
    int before = check_case_failures;
    char prefix[80];
    const char *err = shim_error_str();
    strcpy(prefix, "nd_ws: ");
    strcat(prefix, export_name[kind]);
    strcat(prefix, ": ");
    if (rc != 1) check_fail(file, line, "rc %d, want 1", (int)rc);
    if (shim.error_calls != 1) check_fail(file, line, "error_set called %d times, want 1", shim.error_calls);
    if (!check_starts(err, prefix)) check_fail(file, line, "error \"%s\" does not start with \"%s\"", err, prefix);
    if (strlen(err) <= strlen(prefix)) check_fail(file, line, "error \"%s\" has no detail", err);
    if (memchr(shim.error.ptr ? shim.error.ptr : (unsigned char *)"", 0, shim.error.len))
        check_fail(file, line, "error block holds a NUL byte");
    if (phrase && !check_contains(err, phrase)) check_fail(file, line, "error \"%s\" lacks \"%s\"", err, phrase);
    if (!handler_called && rec.calls) check_fail(file, line, "handler was called on rejected input");
    if (handler_called && rec.calls != 1) check_fail(file, line, "handler called %d times, want 1", rec.calls);
    if (shim.violations) check_fail(file, line, "%d host memory violations", shim.violations);
    if (shim.alloc_zero_calls) check_fail(file, line, "alloc(0) called %d times", shim.alloc_zero_calls);
    /* the output: {"error":"<the same text>"}, checked by the reference decoder */
    {
        jr_node *o = shim.has_output ? jr_parse(shim.output.ptr, shim.output.len, 10, 0) : 0;
        const jr_node *e = jr_get(o, "error");
        if (!shim.has_output) check_fail(file, line, "no output on failure");
        else if (!o || o->type != JR_OBJECT || o->n != 1 || !e || e->type != JR_STRING)
            check_fail(file, line, "output \"%s\" is not {\"error\":\"...\"}", check_show(shim.output.ptr, shim.output.len));
        else if (e->len != shim.error.len || memcmp(e->str, shim.error.ptr, e->len))
            check_fail(file, line, "output error \"%s\" differs from error_set \"%s\"", check_show(e->str, e->len), err);
        if (shim.output_calls > 1) check_fail(file, line, "output_set called %d times", shim.output_calls);
        jr_free(o);
    }
    return check_case_failures == before;
}

const char *error_detail(int kind)
{
    const char *err = shim_error_str();
    size_t n = strlen("nd_ws: ") + strlen(export_name[kind]) + strlen(": ");
    return strlen(err) >= n ? err + n : "";
}

long long error_number_after(const char *word)
{
    const char *p = strstr(shim_error_str(), word);
    long long v = 0;
    if (!p) return -1;
    p += strlen(word);
    if (*p < '0' || *p > '9') return -1;
    while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
    return v;
}
