/* pushspec run --write-expect FILE --merge: a baseline's lines, and the merge of an earlier
 * baseline (runs before this one) with this run's failures, rule by rule, so that a check
 * that fails in some runs only is kept, marked '?' ("RULE-ID:label?  reason"). */
#ifndef PUSHSPEC_EXPECT_MERGE_H
#define PUSHSPEC_EXPECT_MERGE_H

#include <stddef.h>

typedef struct {
    char rule[16];
    char *label;      /* one check label, or NULL for a bare line */
    int sometimes;    /* '?': failed in some runs, passed in others */
    char *reason;
} ps_xline;

typedef struct {
    ps_xline *l;
    size_t n;
} ps_xlines;

/* The lines of a baseline file (a line "RULE:a,b" gives one line per label). A missing file
 * is an empty list. 0, or -1 with err (unreadable, a line without a reason, out of memory). */
int ps_xlines_read(const char *path, ps_xlines *out, char *err, size_t errlen);
int ps_xlines_add(ps_xlines *x, const char *rule, const char *label, int sometimes, const char *reason);
void ps_xlines_free(ps_xlines *x);

/* Rule RULE's lines in OUT: this run's (NOW, the rule's only) merged with OLD's. observed: the
 * rule ran this time (failed or passed, not skipped). A line in both keeps OLD's mark and reason;
 * a line on one side only, or a rule that passed this time, is marked '?'. 0 or -1. */
int ps_xlines_merge(const char *rule, const ps_xlines *now, const ps_xlines *old, int observed, ps_xlines *out);

#endif
