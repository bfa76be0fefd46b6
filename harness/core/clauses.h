/* The clause catalog: scenarios/CLAUSES.md, each rule of RULES.md split into the
 * clauses a check judges, one line `- RULE-ID:label  clause text` each, under the
 * rule's own `### SECTION` heading. */
#ifndef PUSHSPEC_CLAUSES_H
#define PUSHSPEC_CLAUSES_H

#include "core/label.h"
#include "core/rules.h"

#include <stddef.h>

typedef struct {
    char rule[16];
    char label[PS_LABEL_MAX + 1];
    char *text;
    int line;             /* in the catalog file */
} ps_clause;

typedef struct {
    ps_clause *c;
    size_t n;
} ps_clauses;

/* Parse TEXT (named FILE in errors) against the rule catalog: every rule id known, under its
 * section, labels of a-z 0-9 '-' and unique per rule. 0, or -1 with err "FILE:LINE: what". */
int ps_clauses_parse(const char *text, const char *file, const ps_catalog *cat, ps_clauses *out, char *err,
                     size_t errlen);
/* The catalog compiled into the binary (scenarios/CLAUSES.md at build time), which main
 * registers at start-up; -1 with err before that. */
void ps_clauses_register_builtin(const char *text);
int ps_clauses_builtin(const ps_catalog *cat, ps_clauses *out, char *err, size_t errlen);
/* The clause RULE:LABEL, or NULL. */
const ps_clause *ps_clauses_find(const ps_clauses *cl, const char *rule, const char *label);
void ps_clauses_free(ps_clauses *cl);

#endif
