/* check.h - a tiny test framework for the native tests.

   TEST(name) { ... CHECK(cond); CHECK_EQ_INT(a, b); CHECK_STR(a, b); ... }
   and in main: RUN(name); ... return check_report();

   A test passes when none of its checks failed. check_report() prints
   "N passed, N failed" as the last line and returns the exit status. */
#ifndef CHECK_H
#define CHECK_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

extern int check_passed, check_failed, check_case_failures;
extern const char *check_case;

void check_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int check_report(void);
/* printable form of len bytes (C escapes for the unprintable), truncated */
const char *check_show(const void *p, size_t len);
int check_contains(const char *hay, const char *needle);
int check_starts(const char *s, const char *prefix);

#define TEST(name) static void name(void)
#define RUN(name)                                                      \
    do {                                                               \
        check_case = #name;                                            \
        check_case_failures = 0;                                       \
        name();                                                        \
        if (check_case_failures) check_failed++; else check_passed++;  \
    } while (0)

#define CHECK(cond)                                                               \
    do {                                                                          \
        if (!(cond)) check_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);          \
    } while (0)
#define CHECK_MSG(cond, ...)                                                      \
    do {                                                                          \
        if (!(cond)) check_fail(__FILE__, __LINE__, __VA_ARGS__);                 \
    } while (0)
#define CHECK_EQ_INT(a, b)                                                        \
    do {                                                                          \
        long long a_ = (long long)(a), b_ = (long long)(b);                       \
        if (a_ != b_) check_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_); \
    } while (0)
/* a (pointer, length) against a NUL-terminated expectation */
#define CHECK_MEM(p, n, s)                                                        \
    do {                                                                          \
        const void *p_ = (p); size_t n_ = (n); const char *s_ = (s);              \
        if (n_ != strlen(s_) || (n_ && memcmp(p_, s_, n_)))                       \
            check_fail(__FILE__, __LINE__, "%s: got \"%s\"", #p, check_show(p_, n_)); \
    } while (0)
#define CHECK_MEMN(p, n, q, m)                                                    \
    do {                                                                          \
        const void *p_ = (p), *q_ = (q); size_t n_ = (n), m_ = (m);               \
        if (n_ != m_ || (n_ && memcmp(p_, q_, n_)))                               \
            check_fail(__FILE__, __LINE__, "%s: got \"%s\" (len %zu), want len %zu", #p, check_show(p_, n_), n_, m_); \
    } while (0)
#define CHECK_STR(a, b)                                                           \
    do {                                                                          \
        const char *a_ = (a), *b_ = (b);                                          \
        if (!a_ || !b_ || strcmp(a_, b_))                                         \
            check_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,  \
                       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                   \
    } while (0)

#ifdef __cplusplus
}
#endif
#endif
