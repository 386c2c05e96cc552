/* How a call ends: rc, error_set, output; nd_ws_alloc. */
#include "check.h"
#include "plugin.h"
#include "suites.h"
#include "jsonref.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const valid_input[4] = {
    "{\"connectionId\":\"c\",\"message\":\"m\"}", "{\"connectionId\":\"c\",\"data\":\"bQ==\"}",
    "{\"connectionId\":\"c\",\"error\":\"m\"}", "{\"connectionId\":\"c\",\"code\":1000,\"reason\":\"m\"}"};

TEST(success_output)
{
    int k;
    for (k = 0; k < 4; k++) {
        expect_success(call_str(k, valid_input[k]));
        CHECK_EQ_INT(rec.calls, 1);
        CHECK_MEM(rec.val, rec.val_len, "m");
        CHECK_MEM(shim.output.ptr, shim.output.len, "{\"error\":null}");
    }
}

TEST(handler_error)
{
    int k;
    char want[200];
    for (k = 0; k < 4; k++) {
        handler_result = "boom";
        expect_handler_failure(k, call_str(k, valid_input[k]), NULL);
        sprintf(want, "nd_ws: %s: boom", export_name[k]);
        CHECK_STR(shim_error_str(), want);
        sprintf(want, "{\"error\":\"nd_ws: %s: boom\"}", export_name[k]);
        CHECK_STR(shim_output_str(), want);
    }
}

TEST(handler_error_escaped_in_output)
{
    /* expect_handler_failure decodes the output with the reference decoder
       and compares it with the error_set text */
    const char *msg = "q\"b\\s/ n\nr\rt\tb\bf\fc\x01\x1f\x7f e\xc3\xa9 <>& \xe2\x80\xa8\xe2\x80\xa9 \xf0\x9f\x98\x80";
    handler_result = msg;
    expect_handler_failure(K_TEXT, call_str(K_TEXT, valid_input[K_TEXT]), NULL);
    CHECK(check_contains(shim_error_str(), msg));
}

TEST(handler_error_invalid_utf8)
{
    /* bytes from 0x80 up go into the output as they are, invalid UTF-8 too
       (Go's decoder on the host reads each invalid byte as U+FFFD) */
    const char *msg = "bad \xff\xc3 x \xe2\x82 \xed\xa0\x80 \xc0\x80 \xf4\x90\x80\x80 end";
    jr_node *o;
    const jr_node *e;
    handler_result = msg;
    CHECK_EQ_INT(call_str(K_TEXT, valid_input[K_TEXT]), 1);
    CHECK_EQ_INT(shim.error_calls, 1);
    CHECK(check_starts(shim_error_str(), "nd_ws: nd_websocket_on_text_message: "));
    CHECK_EQ_INT(shim.violations, 0);
    o = jr_parse(shim.output.ptr, shim.output.len, 4, 0);
    e = jr_get(o, "error");
    CHECK_MSG(o && e && e->type == JR_STRING, "output not {\"error\":string}: %s", check_show(shim.output.ptr, shim.output.len));
    CHECK(check_contains(shim_error_str(), msg));
    if (e) CHECK_MEMN(e->str, e->len, shim.error.ptr, shim.error.len);
    jr_free(o);
}

static const char *hook_dynamic(int kind, const void *view)
{
    char *s = (char *)nd_ws_alloc(32);
    (void)kind;
    (void)view;
    if (!s) return "nd_ws_alloc failed";
    strcpy(s, "dynamic 12345");
    return s;
}

TEST(handler_error_from_arena)
{
    handler_hook = hook_dynamic;
    expect_handler_failure(K_CLOSE, call_str(K_CLOSE, valid_input[K_CLOSE]), NULL);
    CHECK_STR(shim_error_str(), "nd_ws: nd_websocket_on_close: dynamic 12345");
}

TEST(handler_error_empty_string)
{
    handler_result = "";
    CHECK_EQ_INT(call_str(K_TEXT, valid_input[K_TEXT]), 1);
    CHECK_EQ_INT(shim.error_calls, 1);
    CHECK(check_starts(shim_error_str(), "nd_ws: nd_websocket_on_text_message:"));
    CHECK(jr_valid(shim.output.ptr, shim.output.len));
}

static int alloc_ok;
static const char *hook_alloc(int kind, const void *view)
{
    unsigned char *a, *b, *c;
    (void)kind;
    (void)view;
    alloc_ok = 1;
    a = (unsigned char *)nd_ws_alloc(1);
    b = (unsigned char *)nd_ws_alloc(13);
    c = (unsigned char *)nd_ws_alloc(4096);
    if (!a || !b || !c) return alloc_ok = 0, "alloc failed";
    if (((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) & 7) alloc_ok = 0;
    if (b < a + 1 || c < b + 13) alloc_ok = 0;
    memset(a, 1, 1);
    memset(b, 2, 13);
    memset(c, 3, 4096);
    if (a[0] != 1 || b[12] != 2 || c[0] != 3) alloc_ok = 0;
    return 0;
}

static const void *huge_result[4];
static const char *hook_huge(int kind, const void *view)
{
    (void)kind;
    (void)view;
    huge_result[0] = nd_ws_alloc(SIZE_MAX);
    huge_result[1] = nd_ws_alloc(SIZE_MAX - 6);
    huge_result[2] = nd_ws_alloc(SIZE_MAX - 8);
    huge_result[3] = nd_ws_alloc(SIZE_MAX / 2);
    return 0;
}

TEST(arena_alloc)
{
    handler_hook = hook_alloc;
    expect_success(call_str(K_TEXT, valid_input[K_TEXT]));
    CHECK(alloc_ok);
    handler_hook = hook_huge;
    expect_success(call_str(K_TEXT, valid_input[K_TEXT]));
    CHECK_MSG(huge_result[0] == NULL, "nd_ws_alloc(SIZE_MAX) returned %p, want NULL", huge_result[0]);
    CHECK_MSG(huge_result[1] == NULL, "nd_ws_alloc(SIZE_MAX - 6) returned %p, want NULL", huge_result[1]);
    CHECK_MSG(huge_result[2] == NULL, "nd_ws_alloc(SIZE_MAX - 8) returned %p, want NULL", huge_result[2]);
    CHECK_MSG(huge_result[3] == NULL, "nd_ws_alloc(SIZE_MAX / 2) returned %p, want NULL", huge_result[3]);
}

static const char *hook_big(int kind, const void *view)
{
    char *p = (char *)nd_ws_alloc(20u << 20);
    (void)kind;
    (void)view;
    if (!p) return "no 20 MiB";
    memset(p, 'x', 20u << 20);
    return 0;
}

TEST(many_calls_reuse_the_arena)
{
    int i;
    for (i = 0; i < 3000; i++) {
        int k = i % 4;
        if (i % 3 == 0) {
            handler_result = "fail";
            expect_handler_failure(k, call_str(k, valid_input[k]), "fail");
        } else if (i % 3 == 1) {
            expect_failure(k, call_str(k, "{\"connectionId\":\"c\"}"), "missing field \"");
        } else {
            expect_success(call_str(k, valid_input[k]));
        }
        if (check_case_failures) break;
    }
    /* 30 calls that each take 20 MiB: more than the whole default native
       arena unless it is reset per call */
    for (i = 0; i < 30; i++) {
        handler_hook = hook_big;
        expect_success(call_str(K_TEXT, valid_input[K_TEXT]));
        if (check_case_failures) break;
    }
}

TEST(host_alloc_failure)
{
    /* the host refuses every block: the call still fails cleanly (no output,
       no error text can be stored), never succeeds and never crashes */
    shim_set_alloc_cap(1);
    handler_result = "boom";
    CHECK_EQ_INT(call_str(K_TEXT, valid_input[K_TEXT]), 1);
    CHECK_EQ_INT(shim.violations, 0);
    CHECK_EQ_INT(shim.alloc_zero_calls, 0);
    CHECK_EQ_INT(call_str(K_TEXT, "{"), 1);
    CHECK_EQ_INT(rec.calls, 0);
    CHECK_EQ_INT(shim.violations, 0);
    /* success without room for the output: still rc 0, no error */
    CHECK_EQ_INT(call_str(K_TEXT, valid_input[K_TEXT]), 0);
    CHECK_EQ_INT(shim.error_calls, 0);
    CHECK_EQ_INT(shim.violations, 0);
    /* room for the error but not the output (error block ~60 bytes) */
    shim_set_alloc_cap(70);
    handler_result = "boom";
    CHECK_EQ_INT(call_str(K_TEXT, valid_input[K_TEXT]), 1);
    CHECK_EQ_INT(shim.error_calls, 1);
    CHECK_STR(shim_error_str(), "nd_ws: nd_websocket_on_text_message: boom");
    CHECK_EQ_INT(shim.violations, 0);
    shim_set_alloc_cap(0);
}

void suite_results(void)
{
    RUN(success_output);
    RUN(handler_error);
    RUN(handler_error_escaped_in_output);
    RUN(handler_error_invalid_utf8);
    RUN(handler_error_from_arena);
    RUN(handler_error_empty_string);
    RUN(arena_alloc);
    RUN(many_calls_reuse_the_arena);
    RUN(host_alloc_failure);
}
