/* The host-service client, config and logging: requests must be valid JSON
   (checked with the independent reference decoder) holding exactly what was
   asked; responses are read back strictly. Built when nd_ws.h defines
   nd_ws_connect (ND_WS_TEST_CLIENT). */
#include "check.h"
#include "plugin.h"
#include "suites.h"
#include "jsonref.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Client calls must run inside a callback (the arena is per call): a test
   sets `scenario`, which runs inside on_text_message. */
static void (*scenario)(void);
static const char *scenario_result;
static const char *run_hook(int kind, const void *view)
{
    (void)kind;
    (void)view;
    scenario_result = 0;
    scenario();
    return scenario_result;
}
static void run(void (*fn)(void))
{
    scenario = fn;
    handler_hook = run_hook;
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\"}"));
}

/* The request number i, parsed by the reference decoder: an object whose
   keys are exactly `keys` (NUL-separated), each once. */
static jr_node *request(int i, int func, const char *keys)
{
    jr_node *v;
    const char *k;
    size_t nkeys = 0;
    if (i >= shim.n_requests) {
        check_fail(__FILE__, __LINE__, "request %d missing (%d made)", i, shim.n_requests);
        return 0;
    }
    CHECK_EQ_INT(shim.request_func[i], func);
    v = jr_parse(shim.request[i].ptr, shim.request[i].len, 100, 0);
    if (!v || v->type != JR_OBJECT) {
        check_fail(__FILE__, __LINE__, "request is not a JSON object: %s", check_show(shim.request[i].ptr, shim.request[i].len));
        jr_free(v);
        return 0;
    }
    for (k = keys; *k; k += strlen(k) + 1) {
        nkeys++;
        CHECK_MSG(jr_count(v, k) == 1, "request %s: key \"%s\" appears %d times", check_show(shim.request[i].ptr, shim.request[i].len),
                  k, (int)jr_count(v, k));
    }
    CHECK_MSG(v->n == nkeys, "request %s: %d keys, want %d", check_show(shim.request[i].ptr, shim.request[i].len), (int)v->n, (int)nkeys);
    return v;
}

/* member key of v is a string of exactly the n bytes at s */
static void expect_str_member(const jr_node *v, const char *key, const void *s, size_t n)
{
    const jr_node *m = jr_get(v, key);
    if (!m || m->type != JR_STRING) check_fail(__FILE__, __LINE__, "\"%s\" is not a string", key);
    else CHECK_MEMN(m->str, m->len, s, n);
}

/* ---- send_text ------------------------------------------------------------- */

static const char *cur_id;
static const unsigned char *cur_data;
static size_t cur_len;
static const char *cur_err;

static void do_send_text(void) { cur_err = nd_ws_send_text(cur_id, (const char *)cur_data, cur_len); }

static void check_send_text(const char *id, const void *text, size_t len)
{
    jr_node *v;
    cur_id = id;
    cur_data = (const unsigned char *)text;
    cur_len = len;
    run(do_send_text);
    CHECK_MSG(cur_err == NULL, "send_text failed: %s", cur_err ? cur_err : "");
    CHECK_EQ_INT(shim.n_requests, 1);
    v = request(0, SHIM_SENDTEXT, "connectionId\0message\0");
    if (v) {
        expect_str_member(v, "connectionId", id, strlen(id));
        expect_str_member(v, "message", text, len);
    }
    jr_free(v);
}

TEST(send_text_requests)
{
    unsigned char all[256];
    unsigned i, seed = 7;
    check_send_text("conn-1", LIT("hello"));
    check_send_text("", LIT(""));
    check_send_text("id with \"quotes\" and \\", LIT("q\"b\\s/ n\nr\rt\tb\bf\fc\x01\x1f\x7f <>&"));
    check_send_text("c", LIT("a\0b\0"));
    check_send_text("\xc3\xa9", LIT("\xe2\x80\xa8\xe2\x80\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd"));
    /* invalid UTF-8 goes as it is (Go's decoder reads a U+FFFD per bad byte) */
    check_send_text("\xff", LIT("bad \xff\xc3 x \xe2\x82 \xed\xa0\x80 \xc0\x80 \xf4\x90\x80\x80 \xf8 end"));
    for (i = 0; i < 256; i++) all[i] = (unsigned char)i;
    check_send_text("all", all, 256);
    for (i = 0; i < 300; i++) {
        unsigned char buf[64];
        size_t n, k;
        seed = seed * 1103515245u + 12345u;
        n = (seed >> 16) % 64;
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly high bytes and specials */
            buf[k] = (seed >> 8) & 1 ? (unsigned char)(0x80 + ((seed >> 16) & 0x7f))
                                     : (unsigned char)"\"\\\x01 a\xe2\x82\xac\xf0\x9f\x98\x80"[(seed >> 16) % 13];
        }
        check_send_text("r", buf, n);
        if (check_case_failures) break;
    }
}

/* ---- send_binary ------------------------------------------------------------ */

static void do_send_binary(void) { cur_err = nd_ws_send_binary(cur_id, cur_data, cur_len); }

static void check_send_binary(const unsigned char *data, size_t len)
{
    jr_node *v;
    cur_id = "bin";
    cur_data = data;
    cur_len = len;
    run(do_send_binary);
    CHECK_MSG(cur_err == NULL, "send_binary failed: %s", cur_err ? cur_err : "");
    v = request(0, SHIM_SENDBINARY, "connectionId\0data\0");
    if (v) {
        const jr_node *d = jr_get(v, "data");
        char *want = (char *)malloc(4 * (len / 3 + 1) + 1);
        size_t wn = jr_b64_encode(data, len, want);
        expect_str_member(v, "connectionId", "bin", 3);
        if (!d || d->type != JR_STRING) {
            check_fail(__FILE__, __LINE__, "\"data\" is not a string");
        } else {
            unsigned char *back = (unsigned char *)malloc(d->len + 1);
            size_t bn = 0;
            CHECK_MEMN(d->str, d->len, want, wn);
            CHECK_MSG(jr_b64_decode(d->str, d->len, back, &bn), "\"data\" is not strict base64: %s", check_show(d->str, d->len));
            CHECK_MEMN(back, bn, data, len);
            free(back);
        }
        free(want);
    }
    jr_free(v);
}

TEST(send_binary_base64)
{
    unsigned char all[256 * 3];
    size_t n, i;
    unsigned seed = 3;
    for (i = 0; i < sizeof all; i++) all[i] = (unsigned char)(i * 7 + i / 256);
    for (n = 0; n <= 20; n++) check_send_binary(all, n);
    for (i = 0; i < 256; i++) all[i] = (unsigned char)i;
    check_send_binary(all, 256);
    for (i = 0; i < 256; i++) check_send_binary(all + i, 1), check_send_binary(all + (i & ~(size_t)1), 2);
    for (i = 0; i < 200; i++) {
        unsigned char buf[700];
        size_t k;
        seed = seed * 1103515245u + 12345u;
        n = (seed >> 16) % 700;
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = (unsigned char)(seed >> 16);
        }
        check_send_binary(buf, n);
        if (check_case_failures) break;
    }
    {
        /* 1 MiB */
        size_t big = 1u << 20;
        unsigned char *b = (unsigned char *)malloc(big);
        for (i = 0; i < big; i++) b[i] = (unsigned char)(i * 2654435761u >> 13);
        check_send_binary(b, big);
        free(b);
    }
}

/* Round trip through nd_ws itself: nd_ws encodes (send_binary), then the
   request's data goes back in as on_binary_message input. */
TEST(base64_round_trip_through_nd_ws)
{
    unsigned char buf[300];
    size_t n, k;
    unsigned seed = 11;
    for (n = 0; n < 300; n++) {
        char *in;
        jr_node *v;
        const jr_node *d;
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = (unsigned char)(seed >> 16);
        }
        cur_id = "x";
        cur_data = buf;
        cur_len = n;
        run(do_send_binary);
        v = request(0, SHIM_SENDBINARY, "connectionId\0data\0");
        d = jr_get(v, "data");
        if (!d || d->type != JR_STRING) {
            jr_free(v);
            check_fail(__FILE__, __LINE__, "no data");
            break;
        }
        in = (char *)malloc(d->len + 64);
        sprintf(in, "{\"connectionId\":\"x\",\"data\":\"%s\"}", (const char *)d->str);
        jr_free(v);
        expect_success(call_str(K_BINARY, in));
        CHECK_MEMN(rec.val, rec.val_len, buf, n);
        free(in);
        if (check_case_failures) break;
    }
}

/* ---- close_connection -------------------------------------------------------- */

static int32_t cur_code;
static void do_close(void) { cur_err = nd_ws_close_connection(cur_id, cur_code, (const char *)cur_data); }

TEST(close_requests)
{
    static const int32_t codes[] = {1000, 1001, 0, 1, -1, 9, 10, 4004, 65535, 2147483647, -2147483647 - 1, -10, 100000};
    size_t i;
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        jr_node *v;
        const jr_node *c;
        char want[16];
        cur_id = "conn";
        cur_code = codes[i];
        cur_data = (const unsigned char *)"going \"away\" \xe2\x82\xac";
        run(do_close);
        CHECK(cur_err == NULL);
        v = request(0, SHIM_CLOSE, "connectionId\0code\0reason\0");
        c = jr_get(v, "code");
        sprintf(want, "%ld", (long)codes[i]);
        if (!c || c->type != JR_NUMBER) check_fail(__FILE__, __LINE__, "code is not a number");
        else CHECK_MEM(c->str, c->len, want);
        expect_str_member(v, "reason", cur_data, strlen((const char *)cur_data));
        expect_str_member(v, "connectionId", "conn", 4);
        jr_free(v);
    }
    cur_code = 1000;
    cur_data = (const unsigned char *)"";
    run(do_close);
    {
        jr_node *v = request(0, SHIM_CLOSE, "connectionId\0code\0reason\0");
        expect_str_member(v, "reason", "", 0);
        jr_free(v);
    }
}

/* ---- connect ------------------------------------------------------------- */

static const nd_ws_header *cur_headers;
static size_t cur_nheaders;
static nd_ws_str cur_new_id;
static int new_id_terminated;
static void do_connect(void)
{
    cur_new_id.ptr = 0;
    cur_new_id.len = 0;
    cur_err = nd_ws_connect((const char *)cur_data, cur_headers, cur_nheaders, cur_id, &cur_new_id);
    new_id_terminated = cur_new_id.ptr && cur_new_id.ptr[cur_new_id.len] == 0;
}

TEST(connect_requests)
{
    static const nd_ws_header hs[3] = {{"Authorization", "Bearer abc\"def"}, {"X-\xc3\xa9", "v\\1\n"}, {"Empty", ""}};
    jr_node *v;
    const jr_node *h;
    size_t i;
    /* no headers, no id */
    cur_data = (const unsigned char *)"wss://gateway.example.com/ws?x=1&y=<2>";
    cur_headers = 0;
    cur_nheaders = 0;
    cur_id = 0;
    run(do_connect);
    CHECK_MSG(cur_err == NULL, "connect: %s", cur_err ? cur_err : "");
    CHECK_MEM(cur_new_id.ptr, cur_new_id.len, "conn-1");
    CHECK(new_id_terminated);
    v = request(0, SHIM_CONNECT, "url\0headers\0connectionId\0");
    expect_str_member(v, "url", cur_data, strlen((const char *)cur_data));
    expect_str_member(v, "connectionId", "", 0);
    h = jr_get(v, "headers");
    CHECK_MSG(h && (h->type == JR_NULL || (h->type == JR_OBJECT && h->n == 0)), "headers not null or {}");
    jr_free(v);
    /* headers NULL with a count: still none */
    cur_nheaders = 5;
    cur_id = "";
    run(do_connect);
    v = request(0, SHIM_CONNECT, "url\0headers\0connectionId\0");
    h = jr_get(v, "headers");
    CHECK_MSG(h && (h->type == JR_NULL || (h->type == JR_OBJECT && h->n == 0)), "headers not null or {}");
    jr_free(v);
    /* headers and an id */
    for (i = 0; i <= 3; i++) {
        size_t j;
        cur_headers = hs;
        cur_nheaders = i;
        cur_id = "my-id";
        run(do_connect);
        v = request(0, SHIM_CONNECT, "url\0headers\0connectionId\0");
        expect_str_member(v, "connectionId", "my-id", 5);
        h = jr_get(v, "headers");
        if (i == 0) {
            CHECK_MSG(h && (h->type == JR_NULL || (h->type == JR_OBJECT && h->n == 0)), "headers not null or {}");
        } else if (!h || h->type != JR_OBJECT || h->n != i) {
            check_fail(__FILE__, __LINE__, "headers: not an object of %d members: %s", (int)i,
                       check_show(shim.request[0].ptr, shim.request[0].len));
        } else {
            for (j = 0; j < i; j++) {
                CHECK_MEM(h->keys[j]->str, h->keys[j]->len, hs[j].name);
                CHECK_MSG(h->vals[j]->type == JR_STRING, "header value not a string");
                CHECK_MEM(h->vals[j]->str, h->vals[j]->len, hs[j].value);
            }
        }
        jr_free(v);
    }
    /* new_id may be NULL */
    shim_set_response(SHIM_CONNECT, "{\"newConnectionId\":\"gen-\\u00e9\"}");
    cur_headers = 0;
    cur_nheaders = 0;
    run(do_connect);
    CHECK_MEM(cur_new_id.ptr, cur_new_id.len, "gen-\xc3\xa9");
    shim_defaults();
}

static void do_connect_null_new_id(void)
{
    cur_err = nd_ws_connect("ws://localhost:1/", 0, 0, "x", 0);
}

TEST(connect_without_new_id)
{
    run(do_connect_null_new_id);
    CHECK(cur_err == NULL);
    CHECK_EQ_INT(shim.n_requests, 1);
}

/* ---- responses ---------------------------------------------------------------- */

static void do_text_x(void) { cur_err = nd_ws_send_text("x", "hi", 2); }

static void response_gives(const char *response, const char *want_error)
{
    shim_set_response(SHIM_SENDTEXT, response);
    run(do_text_x);
    if (!want_error) CHECK_MSG(cur_err == NULL, "response %s: error \"%s\", want success", response, cur_err);
    else CHECK_MSG(cur_err && !strcmp(cur_err, want_error), "response %s: error \"%s\", want \"%s\"", response,
                   cur_err ? cur_err : "(null)", want_error);
    shim_defaults();
}

/* any non-empty error of nd_ws's own */
static void response_fails(const char *response)
{
    shim_set_response(SHIM_SENDTEXT, response);
    run(do_text_x);
    CHECK_MSG(cur_err && *cur_err, "response %s: want an error, got %s", response ? response : "(handle 0)",
              cur_err ? "\"\"" : "success");
    shim_defaults();
}

TEST(host_responses)
{
    response_gives("{}", NULL);
    response_gives("{\"error\":null}", NULL);
    response_gives("{\"error\":\"\"}", NULL);
    response_gives(" { } ", NULL);
    response_gives("{\"error\":\"connection ID \\\"x\\\" not found\"}", "connection ID \"x\" not found");
    response_gives("{\"error\":\"caf\\u00e9 \\ud83d\\ude00\"}", "caf\xc3\xa9 \xf0\x9f\x98\x80");
    response_gives("{\"other\":[1,{\"error\":\"no\"}],\"error\":\"yes\",\"more\":null}", "yes");
    response_fails(NULL);
    response_fails("");
    response_fails("not json");
    response_fails("{\"error\":5}");
    response_fails("{\"error\":\"x\"");
    response_fails("{\"error\":\"\xff\"}");
    response_fails("[]");
    response_fails("{\"error\":\"x\"} {}");
}

static const char *hook_fail_with_host_error(int kind, const void *view)
{
    (void)kind;
    (void)view;
    return nd_ws_send_text("x", "hi", 2);
}

TEST(host_error_as_callback_error)
{
    shim_set_response(SHIM_SENDTEXT, "{\"error\":\"connection ID \\\"x\\\" not found\"}");
    handler_hook = hook_fail_with_host_error;
    expect_handler_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\"}"), NULL);
    CHECK_STR(shim_error_str(), "nd_ws: nd_websocket_on_text_message: connection ID \"x\" not found");
    CHECK_STR(shim_output_str(), "{\"error\":\"nd_ws: nd_websocket_on_text_message: connection ID \\\"x\\\" not found\"}");
    shim_defaults();
}

static void do_under_cap(void)
{
    cur_err = nd_ws_send_text("x", "hello hello hello hello hello hello hello hello", 47);
}

TEST(host_out_of_memory)
{
    /* the request block can't be allocated: an error, not a crash; the
       callback itself then still ends normally */
    shim_set_alloc_cap(20);
    scenario = do_under_cap;
    handler_hook = run_hook;
    call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\"}");
    CHECK_MSG(cur_err && *cur_err, "send_text with no host memory: no error");
    CHECK_EQ_INT(shim.n_requests, 0);
    CHECK_EQ_INT(shim.violations, 0);
    CHECK_EQ_INT(shim.alloc_zero_calls, 0);
    shim_defaults();
}

/* ---- config and logging ----------------------------------------------------- */

static nd_ws_str cfg[4];
static void do_config(void)
{
    cfg[0] = nd_ws_config_get("url");
    cfg[1] = nd_ws_config_get("missing");
    cfg[2] = nd_ws_config_get("long");
    cfg[3] = nd_ws_config_get("");
}

TEST(config_get)
{
    char longv[1000];
    memset(longv, 'v', 999);
    longv[999] = 0;
    shim_config_set("url", "wss://example.com/\xc3\xa9");
    shim_config_set("long", longv);
    run(do_config);
    CHECK_MEM(cfg[0].ptr, cfg[0].len, "wss://example.com/\xc3\xa9");
    CHECK(cfg[0].ptr && cfg[0].ptr[cfg[0].len] == 0);
    CHECK(cfg[1].ptr == NULL);
    CHECK_EQ_INT(cfg[1].len, 0);
    CHECK_MEM(cfg[2].ptr, cfg[2].len, longv);
    CHECK(cfg[3].ptr == NULL);
    CHECK_EQ_INT(shim.alloc_zero_calls, 0);
    shim_defaults();
}

static void do_logs(void)
{
    nd_ws_log_info("info line");
    nd_ws_log_debug("debug \"line\"\n");
    nd_ws_log_warn("warn \xc3\xa9");
    nd_ws_log_error("error");
    nd_ws_log_info("");
}

TEST(logging)
{
    run(do_logs);
    CHECK_MSG(shim.n_logs == 4 || shim.n_logs == 5, "%d log lines", shim.n_logs);
    if (shim.n_logs >= 4) {
        CHECK_EQ_INT(shim.log_level[0], SHIM_LOG_INFO);
        CHECK_MEM(shim.log_msg[0].ptr, shim.log_msg[0].len, "info line");
        CHECK_EQ_INT(shim.log_level[1], SHIM_LOG_DEBUG);
        CHECK_MEM(shim.log_msg[1].ptr, shim.log_msg[1].len, "debug \"line\"\n");
        CHECK_EQ_INT(shim.log_level[2], SHIM_LOG_WARN);
        CHECK_MEM(shim.log_msg[2].ptr, shim.log_msg[2].len, "warn \xc3\xa9");
        CHECK_EQ_INT(shim.log_level[3], SHIM_LOG_ERROR);
        CHECK_MEM(shim.log_msg[3].ptr, shim.log_msg[3].len, "error");
    }
    CHECK_EQ_INT(shim.alloc_zero_calls, 0);
}

static void do_many(void)
{
    int i;
    char id[16];
    for (i = 0; i < 40; i++) {
        sprintf(id, "c%d", i);
        if (nd_ws_send_text(id, id, strlen(id))) {
            cur_err = "a send failed";
            return;
        }
    }
    cur_err = 0;
}

TEST(many_calls_in_one_callback)
{
    int i;
    run(do_many);
    CHECK(cur_err == NULL);
    CHECK_EQ_INT(shim.n_requests, 40);
    for (i = 0; i < shim.n_requests && i < 40; i++) {
        char id[16];
        jr_node *v = request(i, SHIM_SENDTEXT, "connectionId\0message\0");
        sprintf(id, "c%d", i);
        expect_str_member(v, "connectionId", id, strlen(id));
        expect_str_member(v, "message", id, strlen(id));
        jr_free(v);
    }
}

void suite_client(void)
{
    shim_defaults();
    RUN(send_text_requests);
    RUN(send_binary_base64);
    RUN(base64_round_trip_through_nd_ws);
    RUN(close_requests);
    RUN(connect_requests);
    RUN(connect_without_new_id);
    RUN(host_responses);
    RUN(host_error_as_callback_error);
    RUN(host_out_of_memory);
    RUN(config_get);
    RUN(logging);
    RUN(many_calls_in_one_callback);
}
