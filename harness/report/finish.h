/* The end of a run, whole or stopped by a signal: the summary on stdout, the
 * JSON result and the reports made from it, and the exit status. */
#ifndef PUSHSPEC_FINISH_H
#define PUSHSPEC_FINISH_H

#include "report/result.h"

typedef struct {
    const char *json, *html, *junit, *markdown;   /* NULL: not asked for */
    const char *expect;                           /* the baseline's file, for notes */
    int strict;
    const ps_role *role;                          /* which role ran */
    const char *write_expect;                     /* --write-expect FILE, or NULL */
    int merge_expect;                             /* --merge: merged into an existing FILE */
} ps_finish_opts;

/* stopped_by: the signal that stopped the run (a partial result), or 0.
 * Returns the exit status: 0/1 by the verdicts, 2 if an output could not be
 * written, 128 + stopped_by when stopped. */
int ps_run_finish(ps_runner *r, const ps_baseline *base, const ps_target_info *ti,
                  const ps_finish_opts *o, int stopped_by);

#endif
