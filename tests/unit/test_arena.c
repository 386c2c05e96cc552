/* A small fixed arena (ND_WS_ARENA_SIZE=512, set by tests/native.mk):
   exhaustion is an error that says "out of memory", the handler not called. */
#include "check.h"
#include "plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a valid text input exactly n bytes long (n >= 33) */
static char *text_input(size_t n, size_t *msg_len)
{
    const char *head = "{\"connectionId\":\"c\",\"message\":\"";
    size_t hn = strlen(head);
    char *in = (char *)malloc(n + 1);
    memcpy(in, head, hn);
    *msg_len = n - hn - 2;
    memset(in + hn, 'm', *msg_len);
    memcpy(in + n - 2, "\"}", 3);
    return in;
}

TEST(input_fits_or_out_of_memory)
{
    size_t n, msg_len;
    int oom_seen = 0, ok_seen = 0;
    for (n = 33; n <= 700; n++) {
        char *in = text_input(n, &msg_len);
        int32_t rc = call_export(K_TEXT, in, n);
        if (rc == 0) {
            expect_success(rc);
            CHECK_EQ_INT(rec.val_len, msg_len);
            CHECK_MSG(!oom_seen, "input of %d bytes accepted after a smaller one ran out of memory", (int)n);
            ok_seen = 1;
        } else {
            int ok = expect_failure(K_TEXT, rc, "out of memory");
            CHECK_MSG(ok, "  ... input of %d bytes", (int)n);
            oom_seen = 1;
        }
        free(in);
        if (check_case_failures) break;
    }
    CHECK(ok_seen);
    CHECK(oom_seen);
}

TEST(other_kinds_out_of_memory)
{
    char in[1200];
    int k;
    static const char *const fmt[4] = {"{\"connectionId\":\"%s\",\"message\":\"m\"}", "{\"connectionId\":\"%s\",\"data\":\"bQ==\"}",
                                       "{\"connectionId\":\"%s\",\"error\":\"m\"}",
                                       "{\"connectionId\":\"%s\",\"code\":1000,\"reason\":\"m\"}"};
    char id[1001];
    memset(id, 'i', 1000);
    id[1000] = 0;
    for (k = 0; k < 4; k++) {
        sprintf(in, fmt[k], id);
        expect_failure(k, call_str(k, in), "out of memory");
        sprintf(in, fmt[k], "c");
        expect_success(call_str(k, in));
        CHECK_MEM(rec.val, rec.val_len, "m");
    }
}

static const void *got[3];
static const char *hook_alloc(int kind, const void *view)
{
    (void)kind;
    (void)view;
    got[0] = nd_ws_alloc(100);
    got[1] = nd_ws_alloc(1000);
    got[2] = nd_ws_alloc(100);
    return got[1] ? "1000 bytes from a 512-byte arena" : 0;
}

TEST(nd_ws_alloc_exhausted)
{
    handler_hook = hook_alloc;
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\"}"));
    CHECK(got[0] != NULL);
    CHECK(got[1] == NULL);
    CHECK(got[2] != NULL);
}

static const char *hook_eat_all(int kind, const void *view)
{
    (void)kind;
    (void)view;
    while (nd_ws_alloc(8)) {}
    return "handler error with the arena full";
}

TEST(report_with_a_full_arena)
{
    /* the error still reaches error_set; the JSON output may be missing, but
       if present it is right */
    handler_hook = hook_eat_all;
    CHECK_EQ_INT(call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\"}"), 1);
    CHECK_EQ_INT(shim.error_calls, 1);
    CHECK_STR(shim_error_str(), "nd_ws: nd_websocket_on_text_message: handler error with the arena full");
    CHECK_EQ_INT(shim.violations, 0);
    if (shim.has_output)
        CHECK_STR(shim_output_str(),
                  "{\"error\":\"nd_ws: nd_websocket_on_text_message: handler error with the arena full\"}");
    /* and the next call starts with an empty arena */
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\"}"));
}

int main(void)
{
    shim_defaults();
    RUN(input_fits_or_out_of_memory);
    RUN(other_kinds_out_of_memory);
    RUN(nd_ws_alloc_exhausted);
    RUN(report_with_a_full_arena);
    return check_report();
}
