/* Rule verdicts for a whole run: every catalog rule gets one, from the checks
 * of the scenarios that name it, the role, and the expected-failure baseline;
 * then the JSON result file. */
#ifndef PUSHSPEC_RESULT_H
#define PUSHSPEC_RESULT_H

#include "lua/runner.h"
#include "lua/target.h"
#include "report/baseline.h"
#include "report/tally.h"


typedef struct {
    const ps_rule *rule;
    ps_verdict v;
    ps_expectation x;
    const char *expect_reason;      /* from the baseline */
    const ps_scenario *where;       /* the scenario that decided the verdict */
    const ps_rule_outcome *check;          /* its check */
    char reason[256];               /* for skips */
    ps_skip_kind skip_kind;
    int nscenarios;                 /* selected scenarios naming it */
    char unlisted[512];             /* failing checks a labelled baseline entry does not list */
    const ps_check_label *unlisted_check;   /* the first of them */
} ps_rule_result;

typedef struct {
    ps_rule_result *r;
    size_t n;
    int stopped_by;                 /* the signal that stopped the run, 0 if it ran to the end */
    size_t selected;                /* scenarios selected (stopped_by: some did not finish) */
} ps_results;

/* Rules of other roles than the run's are skipped as such. */
void ps_results_compute(const ps_runner *run, const ps_baseline *b, const ps_role *role, ps_results *out);
/* 0 all good, 1 a counted failure or stale baseline entry */
int ps_results_exit_code(const ps_results *res, int strict);
int ps_results_counts_as_failure(const ps_rule_result *rr, int strict);
/* The run's verdict tally (report/tally.h), as the reports count it from the result file. */
ps_tally ps_results_tally(const ps_results *res, int strict);
void ps_results_free(ps_results *res);

/* Write the machine-readable result (secret redacted). */
int ps_results_write_json(const char *path, const ps_runner *run, const ps_results *res,
                          const ps_target_info *t, int strict, char *err, size_t errlen);

#endif
