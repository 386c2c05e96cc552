/* String decoding: escapes, \u0000, surrogates, control characters, UTF-8. */
#include "check.h"
#include "plugin.h"
#include "suites.h"
#include "jsonref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Call on_text_message with message = the raw JSON string body s (n bytes,
   between the quotes, as written). */
static int32_t text_with(const char *s, size_t n)
{
    static char buf[8192];
    size_t k = strlen("{\"connectionId\":\"id\",\"message\":\"");
    memcpy(buf, "{\"connectionId\":\"id\",\"message\":\"", k);
    memcpy(buf + k, s, n);
    memcpy(buf + k + n, "\"}", 2);
    return call_export(K_TEXT, buf, k + n + 2);
}
#define TEXT(lit) text_with(LIT(lit))

/* body decodes to the expected bytes */
#define DECODES(body, want)                                                                   \
    do {                                                                                      \
        int ok_ = expect_success(TEXT(body));                                                 \
        CHECK_MEMN(rec.val, rec.val_len, want, sizeof(want) - 1);                             \
        CHECK_MSG(ok_ && rec.nul_terminated, "  ... for \"%s\"", body);                       \
    } while (0)
#define REJECTS(body, phrase)                                                                 \
    do {                                                                                      \
        int ok_ = expect_failure(K_TEXT, TEXT(body), phrase);                                 \
        CHECK_MSG(ok_, "  ... for \"%s\"", check_show(body, sizeof(body) - 1));               \
    } while (0)

TEST(simple_escapes)
{
    DECODES("\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t");
    DECODES("a\\nb", "a\nb");
    DECODES("\\\\n", "\\n");
    DECODES("\\\\\\\\", "\\\\");
    DECODES("x\\\"", "x\"");
    DECODES("/", "/");
    DECODES("\x7f", "\x7f");
}

TEST(unicode_escapes)
{
    DECODES("\\u0041", "A");
    DECODES("\\u00e9\\u00E9", "\xc3\xa9\xc3\xa9");
    DECODES("\\u007f\\u0080", "\x7f\xc2\x80");
    DECODES("\\u07ff\\u0800", "\xdf\xbf\xe0\xa0\x80");
    DECODES("\\u20ac", "\xe2\x82\xac");
    DECODES("\\uffff\\uFFFD", "\xef\xbf\xbf\xef\xbf\xbd");
    DECODES("\\uD7FF\\uE000", "\xed\x9f\xbf\xee\x80\x80");
    /* what Go's encoder escapes */
    DECODES("\\u003c\\u003e\\u0026\\u2028\\u2029", "<>&\xe2\x80\xa8\xe2\x80\xa9");
    DECODES("\\u001f\\u0001", "\x1f\x01");
}

TEST(nul_kept_with_length)
{
    expect_success(TEXT("a\\u0000b"));
    CHECK_MEMN(rec.val, rec.val_len, "a\0b", 3);
    CHECK(rec.nul_terminated);
    expect_success(TEXT("\\u0000"));
    CHECK_MEMN(rec.val, rec.val_len, "\0", 1);
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"\\u0000\\u0000x\",\"message\":\"\"}"));
    CHECK_MEMN(rec.id, rec.id_len, "\0\0x", 3);
    expect_success(call_str(K_CLOSE, "{\"connectionId\":\"c\",\"code\":1000,\"reason\":\"\\u0000\"}"));
    CHECK_MEMN(rec.val, rec.val_len, "\0", 1);
}

TEST(surrogate_pairs)
{
    DECODES("\\ud83d\\ude00", "\xf0\x9f\x98\x80");
    DECODES("\\uD834\\uDD1E", "\xf0\x9d\x84\x9e");
    DECODES("\\ud800\\udc00", "\xf0\x90\x80\x80");
    DECODES("\\udbff\\udfff", "\xf4\x8f\xbf\xbf");
    DECODES("x\\ud83d\\ude00y", "x\xf0\x9f\x98\x80y");
}

TEST(lone_surrogates)
{
    DECODES("\\ud800", "\xef\xbf\xbd");
    DECODES("\\udc00", "\xef\xbf\xbd");
    DECODES("\\udfff", "\xef\xbf\xbd");
    DECODES("\\ud800x", "\xef\xbf\xbdx");
    DECODES("\\ud800\\u0041", "\xef\xbf\xbd" "A");
    DECODES("\\ud800\\n", "\xef\xbf\xbd\n");
    DECODES("\\ud800\\ud800\\udc00", "\xef\xbf\xbd\xf0\x90\x80\x80");
    DECODES("\\udc00\\ud800", "\xef\xbf\xbd\xef\xbf\xbd");
    DECODES("\\ude00\\ud83d", "\xef\xbf\xbd\xef\xbf\xbd");
    DECODES("\\ud800\\uffff", "\xef\xbf\xbd\xef\xbf\xbf");
    /* plain text between the halves, long enough to be copied 8 bytes at a time */
    DECODES("\\ud800abcdefghijklmnop\\udc00", "\xef\xbf\xbd" "abcdefghijklmnop" "\xef\xbf\xbd");
    DECODES("\\ud800abcdefgh\\udc00", "\xef\xbf\xbd" "abcdefgh" "\xef\xbf\xbd");
}

TEST(bad_escapes)
{
    REJECTS("\\x41", "invalid JSON");
    REJECTS("\\'", "invalid JSON");
    REJECTS("\\U0041", "invalid JSON");
    REJECTS("\\u12", "invalid JSON");
    REJECTS("\\u12g4", "invalid JSON");
    REJECTS("\\u-123", "invalid JSON");
    REJECTS("\\u 123", "invalid JSON");
    REJECTS("\\a", "invalid JSON");
    REJECTS("\\0", "invalid JSON");
    REJECTS("\\ud800\\u12", "invalid JSON");
    REJECTS("\\ud800\\x", "invalid JSON");
    REJECTS("\\\xc3\xa9", "invalid JSON");
    /* a backslash right before the closing quote escapes it */
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"id\",\"message\":\"\\\"}"), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"id\",\"message\":\"\\u"), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"id\",\"message\":\"\\u00"), "invalid JSON");
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"id\",\"message\":\"\\ud800\\ud"), "invalid JSON");
}

TEST(raw_control_characters)
{
    unsigned c;
    char body[3];
    for (c = 0; c < 0x20; c++) {
        int ok;
        body[0] = 'a';
        body[1] = (char)c;
        body[2] = 'b';
        ok = expect_failure(K_TEXT, text_with(body, 3), "invalid JSON");
        CHECK_MSG(ok, "  ... raw byte 0x%02x in a string", c);
        /* in a key and in an unknown value too */
        {
            char in[64];
            size_t n = 0;
            memcpy(in, "{\"connectionId\":\"i\",\"message\":\"m\",\"k", 36);
            n = 36;
            in[n++] = (char)c;
            memcpy(in + n, "\":1}", 4);
            n += 4;
            ok = expect_failure(K_TEXT, call_export(K_TEXT, in, n), "invalid JSON");
            CHECK_MSG(ok, "  ... raw byte 0x%02x in a key", c);
        }
    }
}

TEST(valid_utf8)
{
    DECODES("\xc3\xa9", "\xc3\xa9");
    DECODES("\xc2\x80\xdf\xbf", "\xc2\x80\xdf\xbf");
    DECODES("\xe0\xa0\x80\xef\xbf\xbf\xed\x9f\xbf\xee\x80\x80", "\xe0\xa0\x80\xef\xbf\xbf\xed\x9f\xbf\xee\x80\x80");
    DECODES("\xe2\x82\xac", "\xe2\x82\xac");
    DECODES("\xf0\x90\x80\x80\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", "\xf0\x90\x80\x80\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
    DECODES("\xe2\x80\xa8\xe2\x80\xa9", "\xe2\x80\xa8\xe2\x80\xa9");
    DECODES("\xef\xbb\xbf", "\xef\xbb\xbf");
    DECODES("a\xc3\xa9\\n\xe2\x82\xac\\u0041\xf0\x9f\x98\x80z", "a\xc3\xa9\n\xe2\x82\xac" "A\xf0\x9f\x98\x80z");
}

TEST(invalid_utf8_passes)
{
    /* Not checked: Go only ever sends valid UTF-8, and would read invalid
       UTF-8 as U+FFFD itself. Whatever the bytes, they arrive as they are. */
    DECODES("\x80", "\x80");
    DECODES("\xbf", "\xbf");
    DECODES("\xc0\x80", "\xc0\x80");
    DECODES("\xc1\xbf", "\xc1\xbf");
    DECODES("\xe0\x80\x80", "\xe0\x80\x80");
    DECODES("\xf0\x80\x80\x80", "\xf0\x80\x80\x80");
    DECODES("\xed\xa0\x80", "\xed\xa0\x80");
    DECODES("\xed\xa0\xbd\xed\xb8\x80", "\xed\xa0\xbd\xed\xb8\x80");
    DECODES("\xf4\x90\x80\x80", "\xf4\x90\x80\x80");
    DECODES("\xf8\x88\x80\x80\x80", "\xf8\x88\x80\x80\x80");
    DECODES("\xfe", "\xfe");
    DECODES("\xff", "\xff");
    DECODES("\xc3", "\xc3");
    DECODES("\xe2\x82", "\xe2\x82");
    DECODES("\xc3x", "\xc3x");
    DECODES("\xc3\xa9\xa9", "\xc3\xa9\xa9");
    DECODES("\xc3\\n\xa9", "\xc3\n\xa9");
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"\xff\",\"message\":\"m\"}"));
    CHECK_MEMN(rec.id, rec.id_len, "\xff", 1);
    expect_success(call_str(K_TEXT, "{\"connectionId\":\"i\",\"message\":\"m\",\"\xc0\xaf\":[\"\xed\xa0\x80\"]}"));
    /* outside strings any byte >= 0x80 is a syntax error */
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"i\",\"message\":\"m\",\"x\":\xc3\xa9}"), "invalid JSON");
    /* the input ends inside a multi-byte sequence: the string is unterminated */
    expect_failure(K_TEXT, call_str(K_TEXT, "{\"connectionId\":\"i\",\"message\":\"\xe2\x82"), "invalid JSON");
}

/* A long message with escapes everywhere, against the reference decoder: the
   in-place decoding must not let the write position overtake the read. */
TEST(long_mixed_strings)
{
    static const char *const pieces[] = {"a", "\\n", "\\u0000", "\\ud83d\\ude00", "\xf0\x9f\x98\x80", "\\u00e9", "\xc3\xa9",
                                         "\\\\", "\\\"", "\\ud800", "xyz", "\\u20ac", "\\/", "\x7f", "\\udc00"};
    char *body = (char *)malloc(6000);
    unsigned seed = 12345;
    int round;
    for (round = 0; round < 200; round++) {
        size_t n = 0, want_n;
        jr_node *v;
        unsigned char *q = (unsigned char *)malloc(6002);
        body[0] = 0;
        while (n < 4000) {
            const char *p;
            seed = seed * 1103515245u + 12345u;
            p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            memcpy(body + n, p, strlen(p));
            n += strlen(p);
        }
        q[0] = '"';
        memcpy(q + 1, body, n);
        q[n + 1] = '"';
        v = jr_parse(q, n + 2, 4, 0);
        CHECK(v != NULL);
        if (!v) { free(q); break; }
        want_n = v->len;
        expect_success(text_with(body, n));
        CHECK_MEMN(rec.val, rec.val_len, v->str, want_n);
        CHECK(rec.nul_terminated);
        jr_free(v);
        free(q);
    }
    free(body);
}

void suite_unescape(void)
{
    RUN(simple_escapes);
    RUN(unicode_escapes);
    RUN(nul_kept_with_length);
    RUN(surrogate_pairs);
    RUN(lone_surrogates);
    RUN(bad_escapes);
    RUN(raw_control_characters);
    RUN(valid_utf8);
    RUN(invalid_utf8_passes);
    RUN(long_mixed_strings);
}
