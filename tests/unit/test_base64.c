/* Base64 decoding of on_binary_message's "data": strict RFC 4648. */
#include "check.h"
#include "plugin.h"
#include "suites.h"
#include "jsonref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* data given as the raw JSON string body */
static int32_t binary_with(const char *b64, size_t n)
{
    char *buf = (char *)malloc(n + 64);
    size_t k = strlen("{\"connectionId\":\"id\",\"data\":\"");
    int32_t rc;
    memcpy(buf, "{\"connectionId\":\"id\",\"data\":\"", k);
    memcpy(buf + k, b64, n);
    memcpy(buf + k + n, "\"}", 2);
    rc = call_export(K_BINARY, buf, k + n + 2);
    free(buf);
    return rc;
}
#define B64(lit) binary_with(LIT(lit))

#define DECODES(b64, want)                                                \
    do {                                                                  \
        int ok_ = expect_success(B64(b64));                               \
        CHECK_MEMN(rec.val, rec.val_len, want, sizeof(want) - 1);         \
        CHECK_MSG(ok_ && rec.nul_terminated, "  ... for \"%s\"", b64);    \
    } while (0)
#define REJECTS(b64)                                                                \
    do {                                                                            \
        int ok_ = expect_failure(K_BINARY, B64(b64), "field \"data\": invalid base64 at character "); \
        CHECK_MSG(ok_, "  ... for \"%s\"", b64);                                    \
    } while (0)
#define REJECTS_AT(b64, at)                                                         \
    do {                                                                            \
        REJECTS(b64);                                                               \
        CHECK_MSG(error_number_after("invalid base64 at character ") == (at),       \
                  "\"%s\": error \"%s\", want character %d", b64, shim_error_str(), (int)(at)); \
    } while (0)

TEST(rfc4648_vectors)
{
    DECODES("", "");
    DECODES("Zg==", "f");
    DECODES("Zm8=", "fo");
    DECODES("Zm9v", "foo");
    DECODES("Zm9vYg==", "foob");
    DECODES("Zm9vYmE=", "fooba");
    DECODES("Zm9vYmFy", "foobar");
}

TEST(null_is_empty)
{
    expect_success(call_str(K_BINARY, "{\"connectionId\":\"id\",\"data\":null}"));
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.val_len, 0);
    CHECK(rec.nul_terminated);
    expect_success(call_str(K_BINARY, "{\"data\":null,\"connectionId\":\"id\"}"));
    CHECK_EQ_INT(rec.val_len, 0);
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"id\",\"data\":nul}"), NULL);
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"id\",\"data\":nullx}"), NULL);
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"id\",\"data\":n"), NULL);
    expect_failure(K_BINARY, call_str(K_BINARY, "{\"connectionId\":\"id\",\"data\":Null}"), NULL);
}

TEST(all_byte_values)
{
    unsigned char bytes[256];
    char enc[400];
    size_t i, n;
    for (i = 0; i < 256; i++) bytes[i] = (unsigned char)i;
    for (n = 0; n <= 256; n += (n < 10 ? 1 : 41)) {
        size_t k = jr_b64_encode(bytes + (256 - n), n, enc);
        expect_success(binary_with(enc, k));
        CHECK_MEMN(rec.val, rec.val_len, bytes + (256 - n), n);
        CHECK(rec.nul_terminated);
    }
    {
        size_t k = jr_b64_encode(bytes, 256, enc);
        expect_success(binary_with(enc, k));
        CHECK_MEMN(rec.val, rec.val_len, bytes, 256);
    }
}

TEST(length_not_multiple_of_4)
{
    REJECTS("Z");
    REJECTS("Zg");
    REJECTS("Zg=");
    REJECTS("Zm9");
    REJECTS("Zm9vY");
    REJECTS("Zm9vYg");
    REJECTS("Zm9vYg=");
    REJECTS("Zm9vYmFyZ");
    REJECTS("=");
    REJECTS("==");
}

TEST(bad_characters)
{
    REJECTS_AT("Zm9v!A==", 4);
    REJECTS_AT("Zm9vYm-y", 6);
    REJECTS_AT("Pz8_", 3);
    REJECTS_AT("Pz8-", 3);
    REJECTS_AT(" Zm9", 0);
    REJECTS_AT("Zm 9", 2);
    REJECTS_AT("Zm9v\\nZm9", 4);  /* the decoded string holds a newline */
    REJECTS_AT("Zm9v\\u0000AAA", 4);
    REJECTS_AT("Zm9v\xc3\xa9\x41\x41", 4);
    REJECTS_AT("Zm9vYmF.", 7);
    REJECTS_AT("Zm9vYmF\\t", 7);
}

TEST(padding_misplaced)
{
    REJECTS_AT("=Zg=", 0);
    REJECTS_AT("Z=g=", 1);
    REJECTS_AT("Zm=v", 2);
    REJECTS("Z===");
    REJECTS("====");
    REJECTS("Zg=a");
    REJECTS("Zg==Zg==");
    REJECTS("Zm8=Zm9v");
    REJECTS_AT("Zm9v====", 4);
    REJECTS("Zm9vYg==Zg==");
    REJECTS("Zm9vY===");
    REJECTS("Zg==\\u003d");
}

TEST(nonzero_pad_bits)
{
    REJECTS("Zh==");
    REJECTS("Zv==");
    REJECTS("Zm9=");
    REJECTS("Zm/=");
    REJECTS("AB==");
    REJECTS("AAB=");
    REJECTS("Zm9vYh==");
    REJECTS("Zm9vYmF=");
    /* the zero-bit neighbours are fine */
    DECODES("Zg==", "f");
    DECODES("AA==", "\0");
    DECODES("AAA=", "\0\0");
}

TEST(escaped_base64_is_decoded_first)
{
    /* JSON semantics: the value is the decoded string "Zm9vYg==" */
    DECODES("Zm9v\\u0059\\u0067\\u003d\\u003d", "foob");
    DECODES("Zm9v\\/w==", "foo\xff");
}

/* Every string over a small alphabet that is accepted decodes to what the
   reference gives and re-encodes to itself; the reference and nd_ws agree on
   which strings are accepted. */
static void agree(const char *s, size_t n)
{
    unsigned char ref[64];
    size_t refn = 0;
    int ok_ref = jr_b64_decode((const unsigned char *)s, n, ref, &refn);
    int32_t rc = binary_with(s, n);
    if (ok_ref) {
        char again[100];
        int good = expect_success(rc);
        CHECK_MEMN(rec.val, rec.val_len, ref, refn);
        jr_b64_encode(rec.val, rec.val_len, again);
        CHECK_MEMN(again, strlen(again), s, n);
        CHECK_MSG(good, "  ... \"%s\" should be accepted", check_show(s, n));
    } else {
        int good = expect_failure(K_BINARY, rc, "field \"data\": invalid base64 at character ");
        long long at = error_number_after("invalid base64 at character ");
        CHECK_MSG(good, "  ... \"%s\" should be rejected", check_show(s, n));
        CHECK_MSG(at >= 0 && at <= (long long)n, "\"%s\": position %lld out of range", check_show(s, n), at);
    }
}

TEST(accepted_means_canonical)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    char s[16];
    unsigned i, j, seed = 99;
    /* all "XY==" and "XYZ=" with X = 'Q' and "QUJ" + any */
    for (i = 0; i < 65; i++)
        for (j = 0; j < 65; j++) {
            s[0] = alpha[i]; s[1] = alpha[j]; s[2] = '='; s[3] = '=';
            agree(s, 4);
            s[0] = 'Q'; s[1] = alpha[i]; s[2] = alpha[j]; s[3] = '=';
            agree(s, 4);
            s[0] = 'Q'; s[1] = 'U'; s[2] = alpha[i]; s[3] = alpha[j];
            agree(s, 4);
        }
    /* random strings, '=' and real characters mixed */
    for (i = 0; i < 20000; i++) {
        size_t n, k;
        seed = seed * 1103515245u + 12345u;
        n = 1 + (seed >> 16) % 12;
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            s[k] = alpha[(seed >> 16) % 80 < 65 ? (seed >> 16) % 80 : 64];
        }
        agree(s, n);
    }
}

void suite_base64(void)
{
    RUN(rfc4648_vectors);
    RUN(null_is_empty);
    RUN(all_byte_values);
    RUN(length_not_multiple_of_4);
    RUN(bad_characters);
    RUN(padding_misplaced);
    RUN(nonzero_pad_bits);
    RUN(escaped_base64_is_decoded_first);
    RUN(accepted_means_canonical);
}
