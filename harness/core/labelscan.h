/* Check labels in Lua source, found without running it: every string literal that
 * reads "RULE-ID:label" (what t:check and the verifiers take), comments skipped, and
 * where it stands: in a check call (t:check, t:judge, t:require, t:incidental, a ps.verify
 * verifier), in a ps.clause (P.clause) declaration, as another call's argument (a helper), or elsewhere (a
 * table entry, an assignment). Only the first two show a clause is checked. */
#ifndef PUSHSPEC_LABELSCAN_H
#define PUSHSPEC_LABELSCAN_H

#include <stddef.h>

/* Where a literal stands: what its innermost bracket is. */
typedef enum {
    PS_LABEL_ELSEWHERE,   /* a table entry, an assignment, a plain parenthesis */
    PS_LABEL_ARGUMENT,    /* an argument of another call (a scenario's helper) */
    PS_LABEL_CHECK,       /* an argument of t:check / t:judge / t:require / t:incidental or ps.verify.* */
    PS_LABEL_DECLARED     /* the argument of ps.clause or P.clause (a label a table or helper hands to a check) */
} ps_label_use;

/* Whether a label standing so shows its clause is checked. */
#define PS_LABEL_COUNTS(use) ((use) == PS_LABEL_CHECK || (use) == PS_LABEL_DECLARED)

/* One literal: its line (1-based), the rule id and the label (NUL-terminated), and where it stands. */
typedef void (*ps_label_found)(void *ctx, int line, const char *rule, const char *label, ps_label_use use);

void ps_label_scan(const char *text, size_t len, ps_label_found found, void *ctx);

#endif
