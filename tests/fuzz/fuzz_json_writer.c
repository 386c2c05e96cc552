/* The JSON writer through the host-service client, and the response reader.
   The input is cut into parts (each: a length byte, then that many bytes):
   id, text, url, header name/value x2, reason, response, then 4 bytes of
   close code and a flags byte. Every request recorded by the shim must be
   valid JSON (independent reference decoder) holding exactly the bytes
   given (invalid UTF-8 included), the binary data as the
   reference base64; and the send_text response (taken from the input) must
   be read the way the reference reads it. */
#define ND_WS_IMPLEMENTATION
#include "../../nd_ws.h"
#include "shim.h"
#include "jsonref.h"
#include "fuzz_common.h"

typedef struct part { const unsigned char *p; size_t n; char *c; } part;
enum { P_ID, P_TEXT, P_URL, P_H1N, P_H1V, P_H2N, P_H2V, P_REASON, P_RESP, P_COUNT };
static part parts[P_COUNT];
static int32_t code;
static unsigned flags;
static const char *errs[4];
static nd_ws_str new_id;

static const char *on_text(const nd_ws_text_message *m)
{
    nd_ws_header hs[2];
    (void)m;
    hs[0].name = parts[P_H1N].c;
    hs[0].value = parts[P_H1V].c;
    hs[1].name = parts[P_H2N].c;
    hs[1].value = parts[P_H2V].c;
    new_id.ptr = 0;
    errs[0] = nd_ws_connect(parts[P_URL].c, flags & 3 ? hs : 0, flags & 3 ? (flags & 1) + 1 : 0,
                            flags & 4 ? 0 : parts[P_ID].c, &new_id);
    errs[1] = nd_ws_send_text(parts[P_ID].c, (const char *)parts[P_TEXT].p, parts[P_TEXT].n);
    errs[2] = nd_ws_send_binary(parts[P_ID].c, parts[P_TEXT].p, parts[P_TEXT].n);
    errs[3] = nd_ws_close_connection(parts[P_ID].c, code, parts[P_REASON].c);
    return 0;
}
ND_WS_ON_TEXT_MESSAGE(on_text)

static const char *respond(int func, const unsigned char *req, size_t len, void *ctx)
{
    (void)req;
    (void)len;
    (void)ctx;
    if (func == SHIM_CONNECT) return "{\"newConnectionId\":\"new\"}";
    if (func == SHIM_SENDTEXT) return parts[P_RESP].c;
    return "{}";
}

/* request i is an object with exactly these keys (NUL-separated), once each */
static jr_node *request(int i, const char *keys)
{
    jr_node *v;
    const char *k;
    size_t n = 0;
    FUZZ_CHECK(i < shim.n_requests, "request %d missing", i);
    v = jr_parse(shim.request[i].ptr, shim.request[i].len, 10, 0);
    FUZZ_CHECK(v && v->type == JR_OBJECT, "request %d is not a JSON object: %s", i, fuzz_show(shim.request[i].ptr, shim.request[i].len));
    for (k = keys; *k; k += strlen(k) + 1, n++)
        FUZZ_CHECK(jr_count(v, k) == 1, "request %d: key %s x%d: %s", i, k, (int)jr_count(v, k), fuzz_show(shim.request[i].ptr, shim.request[i].len));
    FUZZ_CHECK(v->n == n, "request %d: %d keys", i, (int)v->n);
    return v;
}

static void expect_str(const jr_node *obj, const char *key, const void *s, size_t n)
{
    const jr_node *v = jr_get(obj, key);
    FUZZ_CHECK(v && v->type == JR_STRING, "%s is not a string", key);
    FUZZ_CHECK(v->len == n && !memcmp(v->str, s, n), "%s: \"%s\"", key, fuzz_show(v->str, v->len));
}

/* how the reference reads a response: 0 success, 1 host error (text in
   *err), -1 invalid */
static int reference_response(const char *resp, const unsigned char **err, size_t *err_n)
{
    jr_node *v = resp ? jr_parse((const unsigned char *)resp, strlen(resp), 100000, 0) : 0;
    size_t i;
    int r = 0;
    if (!v || v->type != JR_OBJECT) {
        jr_free(v);
        return -1;
    }
    *err = 0;
    *err_n = 0;
    for (i = 0; i < v->n; i++) {
        const jr_node *k = v->keys[i], *x = v->vals[i];
        int is_err = k->len == 5 && !memcmp(k->str, "error", 5);
        int is_id = k->len == 15 && !memcmp(k->str, "newConnectionId", 15);
        if ((is_err || is_id) && x->type != JR_STRING && x->type != JR_NULL) r = -1;
    }
    if (r == 0) {
        const jr_node *e = jr_get(v, "error");
        if (e && e->type == JR_STRING && e->len) {
            static unsigned char copy[8192];
            memcpy(copy, e->str, e->len < sizeof copy ? e->len : sizeof copy);
            *err = copy;
            *err_n = e->len;
            r = 1;
        }
    }
    jr_free(v);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char trigger[] = "{\"connectionId\":\"c\",\"message\":\"m\"}";
    size_t at = 0, i;
    int32_t rc;
    jr_node *v;
    const jr_node *x;
    int ref;
    const unsigned char *ref_err;
    size_t ref_err_n;
    for (i = 0; i < P_COUNT; i++) {
        size_t n = at < size ? data[at++] : 0;
        if (n > size - at) n = size - at;
        parts[i].p = data + at;
        parts[i].n = n;
        parts[i].c = (char *)malloc(n + 1);
        memcpy(parts[i].c, data + at, n);
        parts[i].c[n] = 0; /* the C-string parts end at their first NUL */
        at += n;
    }
    code = 0;
    for (i = 0; i < 4; i++) code = (int32_t)((uint32_t)code << 8 | (at < size ? data[at++] : 0));
    flags = at < size ? data[at++] : 0;

    shim_defaults();
    shim_set_ws_fn(respond, 0);
    shim_reset(trigger, sizeof trigger - 1);
    rc = nd_websocket_on_text_message();
    FUZZ_CHECK(rc == 0, "the callback failed: %s", fuzz_show(shim.error.ptr, shim.error.len));
    FUZZ_CHECK(shim.violations == 0 && shim.alloc_zero_calls == 0, "host memory misuse");
    FUZZ_CHECK(shim.n_requests == 4, "%d requests", shim.n_requests);

    /* connect */
    v = request(0, "url\0headers\0connectionId\0");
    expect_str(v, "url", parts[P_URL].c, strlen(parts[P_URL].c));
    expect_str(v, "connectionId", flags & 4 ? "" : parts[P_ID].c, flags & 4 ? 0 : strlen(parts[P_ID].c));
    x = jr_get(v, "headers");
    if (flags & 3) {
        size_t nh = (flags & 1) + 1;
        FUZZ_CHECK(x && x->type == JR_OBJECT && x->n == nh, "headers: %s", fuzz_show(shim.request[0].ptr, shim.request[0].len));
        for (i = 0; i < nh; i++) {
            const char *name = parts[P_H1N + 2 * i].c, *value = parts[P_H1V + 2 * i].c;
            FUZZ_CHECK(x->keys[i]->len == strlen(name) && !memcmp(x->keys[i]->str, name, strlen(name)), "header name %d", (int)i);
            FUZZ_CHECK(x->vals[i]->type == JR_STRING && x->vals[i]->len == strlen(value) &&
                           !memcmp(x->vals[i]->str, value, strlen(value)),
                       "header value %d", (int)i);
        }
    } else {
        FUZZ_CHECK(x && (x->type == JR_NULL || (x->type == JR_OBJECT && x->n == 0)), "headers not null or {}");
    }
    jr_free(v);
    FUZZ_CHECK(errs[0] == NULL, "connect: %s", errs[0]);
    FUZZ_CHECK(new_id.ptr && new_id.len == 3 && !memcmp(new_id.ptr, "new", 4), "new id");

    /* send_text, and its response */
    v = request(1, "connectionId\0message\0");
    expect_str(v, "connectionId", parts[P_ID].c, strlen(parts[P_ID].c));
    expect_str(v, "message", parts[P_TEXT].p, parts[P_TEXT].n);
    jr_free(v);
    ref = reference_response(parts[P_RESP].n ? parts[P_RESP].c : 0, &ref_err, &ref_err_n);
    if (ref == 0) {
        FUZZ_CHECK(errs[1] == NULL, "response \"%s\": nd_ws says \"%s\", reference success", parts[P_RESP].c, errs[1]);
    } else if (ref == 1) {
        size_t cn = 0;
        while (cn < ref_err_n && ref_err[cn]) cn++;
        FUZZ_CHECK(errs[1] && strlen(errs[1]) == cn && !memcmp(errs[1], ref_err, cn),
                   "response \"%s\": nd_ws says \"%s\"", parts[P_RESP].c, errs[1] ? errs[1] : "(success)");
    } else {
        FUZZ_CHECK(errs[1] && *errs[1], "response \"%s\" is invalid, nd_ws says success", fuzz_show(parts[P_RESP].c, strlen(parts[P_RESP].c)));
    }

    /* send_binary */
    v = request(2, "connectionId\0data\0");
    expect_str(v, "connectionId", parts[P_ID].c, strlen(parts[P_ID].c));
    {
        char want[4 * 90 + 8];
        size_t wn = jr_b64_encode(parts[P_TEXT].p, parts[P_TEXT].n, want);
        x = jr_get(v, "data");
        FUZZ_CHECK(x && x->type == JR_STRING && x->len == wn && !memcmp(x->str, want, wn), "data");
    }
    jr_free(v);
    FUZZ_CHECK(errs[2] == NULL, "send_binary: %s", errs[2]);

    /* close */
    v = request(3, "connectionId\0code\0reason\0");
    expect_str(v, "connectionId", parts[P_ID].c, strlen(parts[P_ID].c));
    expect_str(v, "reason", parts[P_REASON].c, strlen(parts[P_REASON].c));
    {
        char want[16];
        sprintf(want, "%ld", (long)code);
        x = jr_get(v, "code");
        FUZZ_CHECK(x && x->type == JR_NUMBER && x->len == strlen(want) && !memcmp(x->str, want, x->len), "code %s", want);
    }
    jr_free(v);
    FUZZ_CHECK(errs[3] == NULL, "close: %s", errs[3]);

    for (i = 0; i < P_COUNT; i++) free(parts[i].c);
    return 0;
}
