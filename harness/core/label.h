/* The syntax of a check label, the part after the colon of "RULE-ID:label": one
 * definition for every reader (CLAUSES.md, t:check, the label scan, baselines). */
#ifndef PUSHSPEC_LABEL_H
#define PUSHSPEC_LABEL_H

#include <stddef.h>

#define PS_LABEL_MAX 48
#define PS_RULE_ID_MAX 15   /* a rule id fits a char[16] */

/* Whether label[0..len) is 1-PS_LABEL_MAX of a-z 0-9 '-'. */
int ps_label_valid(const char *label, size_t len);
/* Whether id[0..len) reads as a rule id: upper-case letters, digits and at least one '-',
 * starting with a letter, at most PS_RULE_ID_MAX long. */
int ps_rule_id_valid(const char *id, size_t len);
/* What an error says a label must be, from PS_LABEL_MAX. */
#define PS_LABEL_STR_(n) #n
#define PS_LABEL_STR(n) PS_LABEL_STR_(n)
#define PS_LABEL_SYNTAX "1-" PS_LABEL_STR(PS_LABEL_MAX) " of a-z 0-9 '-'"

#endif
