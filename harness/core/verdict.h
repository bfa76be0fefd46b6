/* Verdicts and their order of precedence when several checks name one rule. */
#ifndef PUSHSPEC_VERDICT_H
#define PUSHSPEC_VERDICT_H

typedef enum {
    PS_V_NONE = 0,   /* not checked */
    PS_V_SKIP,
    PS_V_PASS,
    PS_V_TIMEOUT,
    PS_V_ERROR,
    PS_V_FAIL
} ps_verdict;

/* After the baseline is applied. */
typedef enum {
    PS_X_PLAIN = 0,  /* not in the baseline */
    PS_X_XFAIL,      /* in the baseline and did not pass: as expected */
    PS_X_XPASS       /* in the baseline but passed: the baseline is stale */
} ps_expectation;

static inline const char *ps_verdict_name(ps_verdict v)
{
    static const char *const n[] = { "none", "skip", "pass", "timeout", "error", "fail" };
    return n[v];
}

/* The stronger of two verdicts: fail > error > timeout > pass > skip > none. */
static inline ps_verdict ps_verdict_merge(ps_verdict a, ps_verdict b) { return a > b ? a : b; }

#endif
