/* fuzz_common.h - shared by the libFuzzer targets (one per .c, each with
   the nd_ws implementation and the shim of tests/unit). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An invariant: on failure print what and abort, so libFuzzer (or the
   replay main) reports the input. */
#define FUZZ_CHECK(cond, ...)                                                \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: invariant failed: %s\n  ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* printable form of n bytes, for messages (static buffer) */
static const char *fuzz_show(const void *ptr, size_t n)
{
    static char b[1200];
    const unsigned char *p = (const unsigned char *)ptr;
    size_t i, o = 0;
    for (i = 0; i < n && o < sizeof b - 8; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') b[o++] = (char)p[i];
        else o += (size_t)sprintf(b + o, "\\x%02x", p[i]);
    }
    if (i < n) b[o++] = '.', b[o++] = '.', b[o++] = '.';
    b[o] = 0;
    return b;
}

#ifdef __cplusplus
extern "C"
#endif
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
