/* Numbers: the RFC 8259 grammar anywhere, and "code" as an int32. */
#include "check.h"
#include "plugin.h"
#include "suites.h"

#include <stdio.h>
#include <string.h>

static int32_t close_with_code(const char *code)
{
    char buf[200];
    sprintf(buf, "{\"connectionId\":\"c\",\"code\":%s,\"reason\":\"r\"}", code);
    return call_str(K_CLOSE, buf);
}

static int32_t text_with_extra(const char *value)
{
    char buf[200];
    sprintf(buf, "{\"connectionId\":\"c\",\"x\":%s,\"message\":\"m\"}", value);
    return call_str(K_TEXT, buf);
}

TEST(code_int32_accepted)
{
    static const struct { const char *text; long long value; } ok[] = {
        {"0", 0}, {"-0", 0}, {"1", 1}, {"-1", -1}, {"1000", 1000}, {"1005", 1005}, {"4004", 4004},
        {"2147483647", 2147483647LL}, {"-2147483648", -2147483647LL - 1}, {"2147483646", 2147483646LL},
        {"-2147483647", -2147483647LL}, {"65535", 65535}, {"100000", 100000}};
    size_t i;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int good = expect_success(close_with_code(ok[i].text));
        CHECK_MSG(good && rec.code == ok[i].value, "  ... code %s: got %d", ok[i].text, (int)rec.code);
    }
    /* whitespace around the number */
    expect_success(call_str(K_CLOSE, "{\"connectionId\":\"c\",\"code\": \t\n1001 \r\n,\"reason\":\"r\"}"));
    CHECK_EQ_INT(rec.code, 1001);
    /* at the very end of the object */
    expect_success(call_str(K_CLOSE, "{\"connectionId\":\"c\",\"reason\":\"r\",\"code\":42}"));
    CHECK_EQ_INT(rec.code, 42);
}

TEST(code_rejected)
{
    /* valid JSON numbers that are not an int32 written as an integer */
    static const char *const not_int32[] = {"2147483648", "-2147483649", "4294967296", "4294967295", "9223372036854775808",
                                            "99999999999999999999", "18446744073709551616", "-9223372036854775809",
                                            "1.0", "1000.0", "1e3", "1E3", "1e0", "10e-1", "0.5", "-0.0", "1000e+0",
                                            "21474836470", "2147483647.0", "1.5e9"};
    /* not JSON numbers at all */
    static const char *const not_numbers[] = {"01", "-", "1.", ".5", "+1", "0x10", "1e", "1e+", "-01", "00", "--1", "-a",
                                              "NaN", "Infinity", "-Infinity", "1_000", "1.e3", "- 1", "0.", "-.5", "1e-"};
    size_t i;
    for (i = 0; i < sizeof not_int32 / sizeof not_int32[0]; i++) {
        int ok = expect_failure(K_CLOSE, close_with_code(not_int32[i]), "field \"code\": ");
        CHECK_MSG(ok, "  ... code %s", not_int32[i]);
    }
    for (i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++) {
        int ok = expect_failure(K_CLOSE, close_with_code(not_numbers[i]), NULL);
        CHECK_MSG(ok, "  ... code %s", not_numbers[i]);
    }
    expect_failure(K_CLOSE, close_with_code("\"1000\""), "field \"code\": ");
    expect_failure(K_CLOSE, close_with_code("true"), "field \"code\": ");
    expect_failure(K_CLOSE, close_with_code("{}"), "field \"code\": ");
}

TEST(grammar_in_unknown_fields)
{
    static const char *const valid[] = {"0", "-0", "1", "-1", "1.5", "-1.5e10", "1E+2", "1e-2", "0.0", "0e0", "0E-0",
                                        "123456789012345678901234567890", "1e400", "-1e-400", "0.000001", "9.9e999999",
                                        "2147483648", "-2147483649", "[0,-0,1.25,3e3]", "{\"a\":-0.5e-5}"};
    static const char *const invalid[] = {"01", "-", "1.", ".5", "+1", "1e", "1e+", "--1", "0x1", "1.e3", "Infinity", "NaN",
                                          "-a", "00", "-01", "0.e1", "1e1.5", "1ee1", "1..2", "1.2.3", "[01]", "[1.]",
                                          "{\"a\":-}", "1 2", "- 1", "1f", "0b1", "\xef\xbc\x91", "[-]", "[.1]", "1e+-1"};
    size_t i;
    for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        int ok = expect_success(text_with_extra(valid[i]));
        CHECK_MSG(ok, "  ... unknown field value %s", valid[i]);
    }
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        int ok = expect_failure(K_TEXT, text_with_extra(invalid[i]), "invalid JSON");
        CHECK_MSG(ok, "  ... unknown field value %s", invalid[i]);
    }
    /* a number at the end of the input */
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\",\"x\":1"), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\",\"x\":-"), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\",\"x\":1."), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"c\",\"message\":\"m\",\"x\":1e"), "invalid JSON");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"c\",\"reason\":\"r\",\"code\":1"), "invalid JSON");
    expect_failure(K_CLOSE, call_str(K_CLOSE, "{\"connectionId\":\"c\",\"reason\":\"r\",\"code\":-"), NULL);
}

void suite_numbers(void)
{
    RUN(code_int32_accepted);
    RUN(code_rejected);
    RUN(grammar_in_unknown_fields);
}
