/* Minimal assertions for the unit tests: count, report file:line, never abort
 * early so one run shows every failure. */
#ifndef PUSHSPEC_CHECK_H
#define PUSHSPEC_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures, check_total;

#define CHECK(cond) do { check_total++; if (!(cond)) { check_failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); check_total++; \
    if (!g_ || !w_ || strcmp(g_, w_) != 0) { check_failures++; \
    fprintf(stderr, "%s:%d: expected \"%s\"\n  actual \"%s\"\n", __FILE__, __LINE__, \
            w_ ? w_ : "(null)", g_ ? g_ : "(null)"); } } while (0)
#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
    check_total++; if (g_ != w_) { check_failures++; \
    fprintf(stderr, "%s:%d: %s: expected %lld, actual %lld\n", __FILE__, __LINE__, #got, w_, g_); } } while (0)

static int check_done(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_total, check_failures);
    return check_failures ? 1 : 0;
}
#endif
