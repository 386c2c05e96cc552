/* The JSON scanner: every field kind, key order, unknown keys, duplicates,
   whitespace, nothing after the object. */
#include "check.h"
#include "plugin.h"
#include "suites.h"

#include <stdio.h>
#include <string.h>

TEST(each_kind_decodes)
{
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"c1\",\"message\":\"hello\"}"));
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.kind, K_TEXT);
    CHECK_MEM(rec.id, rec.id_len, "c1");
    CHECK_MEM(rec.val, rec.val_len, "hello");
    CHECK(rec.nul_terminated);

    expect_success(call_str(K_BINARY, "{\"connectionId\":\"c2\",\"data\":\"aGk=\"}"));
    CHECK_EQ_INT(rec.kind, K_BINARY);
    CHECK_MEM(rec.id, rec.id_len, "c2");
    CHECK_MEM(rec.val, rec.val_len, "hi");
    CHECK(rec.nul_terminated);

    expect_success(call_str(K_BINARY, "{\"connectionId\":\"c2\",\"data\":null}"));
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.val_len, 0);
    CHECK(rec.nul_terminated);

    expect_success(call_str(K_ERROR, "{\"connectionId\":\"c3\",\"error\":\"websocket: close 1006 (abnormal closure): unexpected EOF\"}"));
    CHECK_EQ_INT(rec.kind, K_ERROR);
    CHECK_MEM(rec.id, rec.id_len, "c3");
    CHECK_MEM(rec.val, rec.val_len, "websocket: close 1006 (abnormal closure): unexpected EOF");

    expect_success(call_str(K_CLOSE, "{\"connectionId\":\"c4\",\"code\":1000,\"reason\":\"bye\"}"));
    CHECK_EQ_INT(rec.kind, K_CLOSE);
    CHECK_MEM(rec.id, rec.id_len, "c4");
    CHECK_EQ_INT(rec.code, 1000);
    CHECK_MEM(rec.val, rec.val_len, "bye");
    CHECK(rec.nul_terminated);

    expect_success(call_str(K_CLOSE, "{\"connectionId\":\"\",\"code\":1005,\"reason\":\"\"}"));
    CHECK_EQ_INT(rec.code, 1005);
    CHECK_EQ_INT(rec.id_len, 0);
    CHECK_EQ_INT(rec.val_len, 0);
}

TEST(empty_strings)
{
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"\",\"message\":\"\"}"));
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.id_len, 0);
    CHECK_EQ_INT(rec.val_len, 0);
    CHECK(rec.nul_terminated);
    expect_success(call_str(K_BINARY, "{\"connectionId\":\"\",\"data\":\"\"}"));
    CHECK_EQ_INT(rec.val_len, 0);
}

TEST(keys_in_any_order)
{
    static const char *const f[3] = {"\"connectionId\":\"id\"", "\"code\":-7", "\"reason\":\"r\""};
    static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int i;
    char buf[200];
    for (i = 0; i < 6; i++) {
        sprintf(buf, "{%s,%s,%s}", f[perm[i][0]], f[perm[i][1]], f[perm[i][2]]);
        expect_success(call_str(K_CLOSE, buf));
        CHECK_MEM(rec.id, rec.id_len, "id");
        CHECK_EQ_INT(rec.code, -7);
        CHECK_MEM(rec.val, rec.val_len, "r");
    }
    expect_success(call_str(K_TEXT, "{\"message\":\"m\",\"connectionId\":\"i\"}"));
    CHECK_MEM(rec.id, rec.id_len, "i");
    CHECK_MEM(rec.val, rec.val_len, "m");
    expect_success(call_str(K_BINARY, "{\"data\":\"AAEC\",\"connectionId\":\"i\"}"));
    CHECK_MEMN(rec.val, rec.val_len, "\x00\x01\x02", 3);
}

TEST(unknown_keys_skipped)
{
    const char *in =
        "{\"x\":{\"a\":[1,2,{\"b\":null,\"message\":\"no\"}],\"connectionId\":\"no\"},"
        "\"connectionId\":\"yes\",\"y\":[{\"message\":\"no\"},[],{},[[]],\"message\"],"
        "\"message\":\"m\",\"z\":true,\"w\":false,\"v\":null,\"u\":-1.5e+3,"
        "\"t\":\"s\\\"}],{[\",\"newConnectionId\":\"n\",\"error\":\"e\",\"data\":\"!\",\"code\":1.5,"
        "\"\":{},\"reason\":[1]}";
    expect_success(call_str(K_TEXT, in));
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_MEM(rec.id, rec.id_len, "yes");
    CHECK_MEM(rec.val, rec.val_len, "m");
    /* fields only count at the top level */
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"x\":{\"connectionId\":\"a\",\"message\":\"b\"}}"), "missing field \"");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"x\":[{\"connectionId\":\"a\",\"message\":\"b\"}],\"connectionId\":\"a\"}"),
                   "missing field \"message\"");
    /* the other kinds' fields are unknown keys */
    expect_success(call_str(K_ERROR, "{\"connectionId\":\"a\",\"message\":7,\"data\":{},\"error\":\"e\",\"code\":\"x\"}"));
    CHECK_MEM(rec.val, rec.val_len, "e");
    expect_success(call_str(K_CLOSE, "{\"connectionId\":\"a\",\"error\":7,\"code\":3,\"reason\":\"r\",\"message\":[]}"));
    CHECK_EQ_INT(rec.code, 3);
}

TEST(key_names_exact)
{
    /* an escaped key is the same key once decoded */
    expect_success(call_str(K_TEXT, "{\"connection\\u0049d\":\"a\",\"m\\u0065ssage\":\"b\"}"));
    CHECK_MEM(rec.id, rec.id_len, "a");
    CHECK_MEM(rec.val, rec.val_len, "b");
    /* near misses are unknown keys */
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionid\":\"a\",\"message\":\"b\"}"), "missing field \"connectionId\"");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId \":\"a\",\"message\":\"b\"}"), "missing field \"connectionId\"");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionI\":\"a\",\"message\":\"b\"}"), "missing field \"connectionId\"");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\\u0000\":\"a\",\"message\":\"b\"}"), "missing field \"connectionId\"");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"a\",\"messages\":\"b\"}"), "missing field \"message\"");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"a\",\"\":\"b\"}"), "missing field \"message\"");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"a\",\"reason\":\"b\",\"cod\":1}"), "missing field \"code\"");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"a\",\"reason\":\"b\",\"codee\":1}"), "missing field \"code\"");
}

TEST(duplicate_keys_last_wins)
{
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"1\",\"connectionId\":\"b\",\"message\":\"2\"}"));
    CHECK_MEM(rec.id, rec.id_len, "b");
    CHECK_MEM(rec.val, rec.val_len, "2");
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"long first value\",\"message\":\"x\",\"connectionId\":\"\"}"));
    CHECK_EQ_INT(rec.id_len, 0);
    CHECK(rec.nul_terminated);
    expect_success(call_str(K_CLOSE, "{\"connectionId\":\"a\",\"code\":1,\"reason\":\"r\",\"code\":2}"));
    CHECK_EQ_INT(rec.code, 2);
    expect_success(call_str(K_CLOSE, "{\"code\":-5,\"connectionId\":\"a\",\"code\":0,\"reason\":\"r\"}"));
    CHECK_EQ_INT(rec.code, 0);
    expect_success(call_str(K_BINARY, "{\"connectionId\":\"a\",\"data\":null,\"data\":\"QQ==\"}"));
    CHECK_MEM(rec.val, rec.val_len, "A");
    expect_success(call_str(K_BINARY, "{\"connectionId\":\"a\",\"data\":\"QkJC\",\"data\":\"QQ==\"}"));
    CHECK_MEM(rec.val, rec.val_len, "A");
    /* null is a value like any other: the last one wins over an earlier string */
    expect_success(call_str(K_BINARY, "{\"connectionId\":\"a\",\"data\":\"QQ==\",\"data\":null}"));
    CHECK_MSG(rec.val_len == 0, "data \"QQ==\" then null: the handler saw \"%s\" (len %d), want empty",
              check_show(rec.val, rec.val_len), (int)rec.val_len);
    /* a bad earlier duplicate is still bad input */
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":1,\"connectionId\":\"a\",\"message\":\"m\"}"),
                   "field \"connectionId\": ");
}

TEST(whitespace)
{
    expect_success(call_str(K_CLOSE, " \t\r\n{ \t\r\n\"connectionId\" \t\r\n: \t\r\n\"a\" \t\r\n, \t\r\n\"code\"\n:\n12\n,"
                                     "\"reason\"\r:\r\"r\"\r,\"x\" : [ 1 , { \"y\" : [ ] } , \"z\" ] \t\r\n} \t\r\n"));
    CHECK_MEM(rec.id, rec.id_len, "a");
    CHECK_EQ_INT(rec.code, 12);
    /* only the four JSON whitespace characters */
    expect_failure(K_TEXT, call_str(K_TEXT, "\f{\"connectionId\":\"a\",\"message\":\"b\"}"), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\v\"connectionId\":\"a\",\"message\":\"b\"}"), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"b\"}\xc2\xa0"), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "\xef\xbb\xbf{\"connectionId\":\"a\",\"message\":\"b\"}"), "invalid JSON");
    expect_failure(K_TEXT, call_export(K_TEXT, LIT("{\"connectionId\":\"a\",\0\"message\":\"b\"}")), "invalid JSON");
}

TEST(nothing_after_the_object)
{
    static const char *const tails[] = {"x", "{}", "}", "]", ",", "0", "\"\"", "null", "/", "/* */", "// c"};
    size_t i;
    char buf[100];
    for (i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        sprintf(buf, "{\"connectionId\":\"a\",\"message\":\"b\"}%s", tails[i]);
        expect_failure(K_TEXT, call_str(K_TEXT, buf), "invalid JSON");
        sprintf(buf, "{\"connectionId\":\"a\",\"message\":\"b\"} \n%s", tails[i]);
        expect_failure(K_TEXT, call_str(K_TEXT, buf), "invalid JSON");
    }
    expect_failure(K_TEXT, call_export(K_TEXT, LIT("{\"connectionId\":\"a\",\"message\":\"b\"}\0")), "invalid JSON");
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"a\",\"message\":\"b\"}\n"));
}

TEST(not_an_object)
{
    static const char *const ins[] = {"[]", "[{\"connectionId\":\"a\",\"message\":\"b\"}]", "\"x\"", "1", "null",
                                      "true", "{", "}", "{\"connectionId\"}", "{\"connectionId\":}",
                                      "{\"connectionId\" \"a\"}", "{connectionId:\"a\",message:\"b\"}",
                                      "{'connectionId':'a','message':'b'}", "{\"connectionId\":\"a\",,\"message\":\"b\"}",
                                      "{,\"connectionId\":\"a\",\"message\":\"b\"}", "{\"connectionId\":\"a\";\"message\":\"b\"}",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",}", "{\"connectionId\":\"a\",\"message\":\"b\"]",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":[1,]}", "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":[,1]}",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":[1 2]}", "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":{\"y\"}}",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":{\"y\":1,}}", "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":tru}",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":nul}", "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":True}",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":undefined}", "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":[}",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":{]}", "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":truefalse}",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":\"a\"\"b\"}", "{\"connectionId\":\"a\",\"message\":\"b\" \"x\":1}",
                                      "{\"connectionId\":\"a\" \"message\":\"b\"}", "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":{1:2}}",
                                      "{\"connectionId\":\"a\",\"message\":\"b\",\"x\":[\"a\":1]}"};
    size_t i;
    for (i = 0; i < sizeof ins / sizeof ins[0]; i++) {
        int ok = expect_failure(K_TEXT, call_str(K_TEXT, ins[i]), NULL);
        CHECK_MSG(ok, "  ... for input %s", ins[i]);
    }
}

TEST(wrong_types)
{
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":1,\"message\":\"b\"}"), "field \"connectionId\": ");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":null,\"message\":\"b\"}"), "field \"connectionId\": ");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"a\",\"message\":null}"), "field \"message\": ");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"a\",\"message\":true}"), "field \"message\": ");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"a\",\"message\":[\"b\"]}"), "field \"message\": ");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"a\",\"message\":{}}"), "field \"message\": ");
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"a\",\"data\":5}"), "field \"data\": ");
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"a\",\"data\":[1,2]}"), "field \"data\": ");
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"a\",\"data\":false}"), "field \"data\": ");
    expect_failure(K_ERROR, call_str(K_ERROR, "{\"connectionId\":\"a\",\"error\":null}"), "field \"error\": ");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"a\",\"code\":\"1000\",\"reason\":\"r\"}"), "field \"code\": ");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"a\",\"code\":null,\"reason\":\"r\"}"), "field \"code\": ");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"a\",\"code\":1000,\"reason\":7}"), "field \"reason\": ");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"a\",\"code\":[1000],\"reason\":\"r\"}"), "field \"code\": ");
}

TEST(missing_fields)
{
    expect_failure(K_TEXT, call_str(K_TEXT, "{}"), "missing field \"");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"message\":\"b\"}"), "missing field \"connectionId\"");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"a\"}"), "missing field \"message\"");
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"a\"}"), "missing field \"data\"");
    expect_failure(K_ERROR, call_str(K_ERROR, "{\"connectionId\":\"a\"}"), "missing field \"error\"");
    expect_failure(K_ERROR, call_str(K_ERROR, "{\"error\":\"a\"}"), "missing field \"connectionId\"");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"a\",\"reason\":\"r\"}"), "missing field \"code\"");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"a\",\"code\":1}"), "missing field \"reason\"");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"code\":1,\"reason\":\"r\"}"), "missing field \"connectionId\"");
}

TEST(init_ignores_input)
{
    expect_success(call_str(K_INIT, "{}"));
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(shim.input_reads, 0);
    expect_success(call_str(K_INIT, "not json at all"));
    CHECK_EQ_INT(rec.calls, 1);
    handler_result = "init failed";
    expect_handler_failure(K_INIT, call_str(K_INIT, "{}"), "init failed");
    CHECK_STR(shim_error_str(), "nd_ws: nd_on_init: init failed");
}

TEST(reads_input_in_words)
{
    /* one input_load_u64 per whole 8 bytes, then input_load_u8 for the
       rest; never past the end */
    static const char *const ins[] = {"{\"connectionId\":\"a\",\"message\":\"b\"}", "{\"connectionId\":\"ab\",\"message\":\"b\"}",
                                      "{\"connectionId\":\"abcdefg\",\"message\":\"bcd\"}", "{\"connectionId\":\"abcdefgh\",\"message\":\"bcd\"}"};
    size_t i;
    for (i = 0; i < sizeof ins / sizeof ins[0]; i++) {
        size_t n = strlen(ins[i]);
        expect_success(call_str(K_TEXT, ins[i]));
        CHECK_EQ_INT(shim.input_reads, n / 8 + n % 8);
        CHECK_EQ_INT(shim.input_bytes_read, n);
    }
}

void suite_scanner(void)
{
    RUN(each_kind_decodes);
    RUN(empty_strings);
    RUN(keys_in_any_order);
    RUN(unknown_keys_skipped);
    RUN(key_names_exact);
    RUN(duplicate_keys_last_wins);
    RUN(whitespace);
    RUN(nothing_after_the_object);
    RUN(not_an_object);
    RUN(wrong_types);
    RUN(missing_fields);
    RUN(init_ignores_input);
    RUN(reads_input_in_words);
}
