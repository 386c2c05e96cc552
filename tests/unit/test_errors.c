/* Errors name what and where; broken and hostile inputs fail cleanly. */
#include "check.h"
#include "plugin.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const valid_input[4] = {
    "{\"connectionId\":\"conn-1\",\"message\":\"h\\u00e9llo \\\"w\\\"\"}",
    "{\"connectionId\":\"conn-1\",\"data\":\"Zm9vYmFy\"}",
    "{\"connectionId\":\"conn-1\",\"error\":\"websocket: close 1006 (abnormal closure): unexpected EOF\"}",
    "{\"connectionId\":\"conn-1\",\"code\":1000,\"reason\":\"b\\u0000ye\"}"};

/* "at byte N" with N the offset of the culprit */
#define AT_BYTE(kind, input, n)                                                           \
    do {                                                                                  \
        expect_failure(kind, call_str(kind, input), "invalid JSON");                      \
        CHECK_MSG(error_number_after(" at byte ") == (n), "%s: error \"%s\", want at byte %d", \
                  input, shim_error_str(), (int)(n));                                     \
    } while (0)

TEST(stable_phrases)
{
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"message\":\"m\"}"), "missing field \"connectionId\"");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"c\",\"code\":1.5,\"reason\":\"r\"}"), "field \"code\": ");
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"c\",\"data\":\"Zm9v*mFy\"}"),
                   "field \"data\": invalid base64 at character 4");
    AT_BYTE(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"b\"}x", 34);
    AT_BYTE(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"b\"}  }", 36);
    AT_BYTE(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"b\",}", 34);
    AT_BYTE(K_TEXT, "{\"connectionId\":\"a\" \"message\":\"b\"}", 20);
    AT_BYTE(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"b\"", 33);
    AT_BYTE(K_TEXT, "", 0);
    AT_BYTE(K_TEXT, "   ", 3);
    AT_BYTE(K_TEXT, "x", 0);
    AT_BYTE(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":[1,2,,3]}", 43);
    AT_BYTE(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":@}", 38);
    /* the byte offset counts raw input bytes, escapes included */
    AT_BYTE(K_TEXT, "{\"connectionId\":\"\\u00e9\\n\",\"message\":\"b\"}?", 41);
}

TEST(short_inputs)
{
    static const char *const ins[] = {"", "{", "{\"conne", "{\"connec", "{\"connect", "       ", "        ", "         ",
                                      "}", "{}", "[", "\"", "{\"", "{\"\"", "{\"\":", "{\"\":1", "{\"\":1}", "nul", "null"};
    size_t i;
    int k;
    for (k = 0; k < 4; k++)
        for (i = 0; i < sizeof ins / sizeof ins[0]; i++) {
            int ok = expect_failure(k, call_str(k, ins[i]), NULL);
            CHECK_MSG(ok, "  ... %s with input \"%s\"", export_name[k], ins[i]);
        }
    /* the lengths 0, 1, 7, 8, 9 exactly, in every kind, including NUL bytes */
    for (k = 0; k < 4; k++) {
        size_t n;
        static const char zeros[9] = {0};
        for (n = 0; n <= 9; n++) {
            int ok = expect_failure(k, call_export(k, zeros, n), NULL);
            CHECK_MSG(ok, "  ... %s with %d NUL bytes", export_name[k], (int)n);
            ok = expect_failure(k, call_export(k, valid_input[k], n), NULL);
            CHECK_MSG(ok, "  ... %s with the first %d bytes of a valid input", export_name[k], (int)n);
        }
    }
}

TEST(truncated_at_every_byte)
{
    int k;
    for (k = 0; k < 4; k++) {
        size_t n, len = strlen(valid_input[k]);
        expect_success(call_str(k, valid_input[k]));
        for (n = 0; n < len; n++) {
            /* a copy exactly n bytes long, so ASan sees any read past it */
            char *copy = (char *)malloc(n ? n : 1);
            int ok;
            memcpy(copy, valid_input[k], n);
            ok = expect_failure(k, call_export(k, copy, n), NULL);
            CHECK_MSG(ok, "  ... %s truncated to %d bytes", export_name[k], (int)n);
            CHECK_MSG(error_number_after(" at byte ") <= (long long)n, "  ... %s: position past the end: %s",
                      export_name[k], shim_error_str());
            free(copy);
        }
    }
}

TEST(position_within_input)
{
    /* every syntax error names a byte inside the input (or its end) */
    static const char *const ins[] = {"{\"a\":[}", "{\"a\":{]}", "{\"a\":\"\\q\"}", "{\"a\":\"\x01\"}", "{\"a\":01}",
                                      "{\"a\":-}", "{\"a\":tx}", "{\"a\" 1}", "{1:2}", "[1,]", "{\"a\":1}}", "\"\xff\""};
    size_t i;
    for (i = 0; i < sizeof ins / sizeof ins[0]; i++) {
        long long at;
        expect_failure(K_TEXT, call_str(K_TEXT, ins[i]), "invalid JSON");
        at = error_number_after(" at byte ");
        CHECK_MSG(at >= 0 && at <= (long long)strlen(ins[i]), "%s: error \"%s\"", ins[i], shim_error_str());
    }
}

static double seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

/* 1,000,000 nested brackets in an unknown field: no crash, no stack
   overflow, linear time. */
TEST(deep_nesting)
{
    const size_t depth = 1000000;
    const char *head = "{\"connectionId\":\"c\",\"message\":\"m\",\"x\":";
    size_t hn = strlen(head), n;
    char *in = (char *)malloc(hn + 2 * depth + 8);
    double t0, t1, t2;
    int32_t rc;
    memcpy(in, head, hn);
    memset(in + hn, '[', depth);
    /* unterminated */
    t0 = seconds();
    expect_failure(K_TEXT, call_export(K_TEXT, in, hn + depth), "invalid JSON");
    t1 = seconds();
    /* balanced: valid JSON, so accepted (or rejected cleanly) */
    memset(in + hn + depth, ']', depth);
    in[hn + 2 * depth] = '}';
    n = hn + 2 * depth + 1;
    rc = call_export(K_TEXT, in, n);
    if (rc == 0) {
        expect_success(rc);
        CHECK_MEM(rec.val, rec.val_len, "m");
    } else {
        expect_failure(K_TEXT, rc, NULL);
    }
    t2 = seconds();
    CHECK_MSG(t1 - t0 < 10 && t2 - t1 < 10, "deep nesting took %.2fs and %.2fs", t1 - t0, t2 - t1);
    /* objects: {"a":{"a":... */
    {
        size_t i, o = hn;
        for (i = 0; i < depth / 5; i++) {
            memcpy(in + o, "{\"a\":", 5);
            o += 5;
        }
        memcpy(in + o, "1", 1);
        o++;
        memset(in + o, '}', depth / 5);
        o += depth / 5;
        in[o++] = '}';
        rc = call_export(K_TEXT, in, o);
        if (rc == 0) expect_success(rc);
        else expect_failure(K_TEXT, rc, NULL);
        /* mismatched closer at the very bottom */
        in[hn + depth + 1] = ']';
        expect_failure(K_TEXT, call_export(K_TEXT, in, o), "invalid JSON");
    }
    /* alternating [ and { */
    {
        size_t i, o = hn;
        for (i = 0; i < depth / 6; i++) {
            memcpy(in + o, "[{\"\":", 5);
            o += 5;
        }
        in[o++] = '0';
        for (i = 0; i < depth / 6; i++) {
            memcpy(in + o, "}]", 2);
            o += 2;
        }
        in[o++] = '}';
        rc = call_export(K_TEXT, in, o);
        if (rc == 0) expect_success(rc);
        else expect_failure(K_TEXT, rc, NULL);
        /* swap one pair of closers in the middle */
        CHECK(in[o - 1 - 2 * (depth / 12)] == '}' && in[o - 2 * (depth / 12)] == ']');
        in[o - 1 - 2 * (depth / 12)] = ']';
        in[o - 2 * (depth / 12)] = '}';
        expect_failure(K_TEXT, call_export(K_TEXT, in, o), "invalid JSON");
    }
    free(in);
}

TEST(big_input)
{
    /* a 4 MiB message */
    size_t len = 4u << 20, hn, n;
    const char *head = "{\"connectionId\":\"c\",\"message\":\"";
    char *in = (char *)malloc(len + 100);
    hn = strlen(head);
    memcpy(in, head, hn);
    memset(in + hn, 'a', len);
    memcpy(in + hn + len, "\"}", 2);
    n = hn + len + 2;
    expect_success(call_export(K_TEXT, in, n));
    CHECK_EQ_INT(rec.val_len, len);
    free(in);
}

void suite_errors(void)
{
    RUN(stable_phrases);
    RUN(short_inputs);
    RUN(truncated_at_every_byte);
    RUN(position_within_input);
    RUN(deep_nesting);
    RUN(big_input);
}
