/* The verdict tally, counted once. Every rule falls in one cell class (pass,
 * fail, error, timeout, skip, xfail, xpass) by ps_tally_add alone; the console,
 * the JSON summary (ps_results_tally) and the HTML, JUnit and Markdown reports
 * (ps_rep_count, from a result file) all count through it, so every format
 * gives the same numbers for one result. */
#ifndef PUSHSPEC_TALLY_H
#define PUSHSPEC_TALLY_H

#include "core/verdict.h"

typedef struct {
    int rules;
    int pass, fail, error, timeout, skip, xfail, xpass;   /* by cell class: one per rule */
    /* needs attention: counted, or a fail/error/timeout not expected (SHOULD ones
     * too, even when they do not fail the run), or an unexpected pass */
    int problems;
    int problem_errors;   /* of problems: error or timeout (JUnit's errors) */
    int counted;          /* fail the run (its exit status) */
    int counted_error;    /* of counted: error or timeout, checks not made (not failures seen) */
    int counted_timeout;  /* of counted_error: timeout */
    int warn;             /* SHOULD rules not in the baseline that failed, erred or timed out */
} ps_tally;

/* A rule's cell class: "pass" "fail" "error" "timeout" "skip" "xfail" "xpass"
 * (a verdict not known here, PS_V_NONE included, is "error": never shown as fine). */
const char *ps_tally_class(ps_verdict v, ps_expectation x);
/* Count one rule: its verdict, baseline expectation, strength and whether it
 * fails the run (ps_results_counts_as_failure, or the result's counts_as_failure). */
void ps_tally_add(ps_tally *t, ps_verdict v, ps_expectation x, int should, int counted);

#endif
