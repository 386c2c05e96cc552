#include "check.h"

#include <stdarg.h>

int check_passed, check_failed, check_case_failures;
const char *check_case = "?";

void check_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    check_case_failures++;
    if (check_case_failures > 20) return; /* one broken loop is enough */
    fprintf(stderr, "FAIL %s (%s:%d): ", check_case, file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int check_report(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    fflush(stdout);
    return check_failed ? 1 : 0;
}

const char *check_show(const void *ptr, size_t len)
{
    static char bufs[4][400];
    static int which;
    char *b = bufs[which++ & 3];
    const unsigned char *p = (const unsigned char *)ptr;
    size_t i, o = 0;
    for (i = 0; i < len && o < sizeof bufs[0] - 8; i++) {
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            b[o++] = (char)c;
        } else {
            b[o++] = '\\';
            b[o++] = 'x';
            b[o++] = "0123456789abcdef"[c >> 4];
            b[o++] = "0123456789abcdef"[c & 15];
        }
    }
    if (i < len) {
        b[o++] = '.';
        b[o++] = '.';
        b[o++] = '.';
    }
    b[o] = 0;
    return b;
}

int check_contains(const char *hay, const char *needle) { return hay && strstr(hay, needle) != NULL; }
int check_starts(const char *s, const char *prefix) { return s && strncmp(s, prefix, strlen(prefix)) == 0; }
