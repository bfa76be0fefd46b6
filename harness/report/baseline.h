/* The expected-failure baseline: which rules (or which checks of a rule) a run
 * expects to fail, each with the reason. */
#ifndef PUSHSPEC_BASELINE_H
#define PUSHSPEC_BASELINE_H

#include "core/rules.h"

#include <stddef.h>

typedef struct {
    char rule[16];
    char **labels;      /* "RULE-ID:a,b": the checks expected to fail; none: any check of the rule */
    size_t nlabels;
    unsigned char *label_failed;   /* per label: it did fail in this run */
    char *reason;
    int line;
    int used;
    int sometimes;      /* every line of the rule ends its name with '?': it fails in some runs only, and
                         * a run where the rule passes is no unexpected pass */
} ps_expect_entry;

typedef struct {
    ps_expect_entry *e;
    size_t n;
} ps_baseline;

/* Lines "RULE-ID  reason" or "RULE-ID:label,label  reason" (a rule may have several labelled lines, one
 * per failing check), the name ending with '?' for a failure seen in some runs only ("RULE-ID:label?");
 * '#' starts a comment. 0, or -1 with err. */
int ps_baseline_load(const char *path, const ps_catalog *cat, ps_baseline *b, char *err, size_t errlen);
void ps_baseline_free(ps_baseline *b);
/* The entry of rule id, or NULL. */
ps_expect_entry *ps_baseline_find(const ps_baseline *b, const char *id);

#endif
