/* The failing checks of one rule over a run (its selected, finished scenarios), by label:
 * what the result's rule-level failed_checks and --write-expect are made from. */
#ifndef PUSHSPEC_RULE_CHECKS_H
#define PUSHSPEC_RULE_CHECKS_H

#include "lua/runner.h"

typedef struct {
    const char *label;
    const ps_check_label *first;   /* its first failure: expected, actual */
    const ps_scenario *where;
} ps_failed_check;

typedef struct {
    ps_failed_check *c;   /* each failing label once, in scenario order */
    size_t n;
    int unlabelled;       /* failing checks that carried no label */
    int broken;           /* scenarios where the rule erred or timed out, or the scenario hit a Lua error */
} ps_rule_checks;

/* 0, or -1 when out of memory (out is then empty). */
int ps_rule_checks_collect(const ps_runner *run, const char *rule, ps_rule_checks *out);
void ps_rule_checks_free(ps_rule_checks *rc);

#endif
