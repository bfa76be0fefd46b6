/* pushspec run --write-expect FILE: the run's failures written as a baseline that
 * --expect reads back. Every rule that failed, erred or timed out is in it, whatever
 * --expect said (it is this run's whole baseline, not a difference; with --merge, this run's and the
 * earlier runs' of the existing file): one line per failing
 * check `RULE-ID:label  reason`, or a bare `RULE-ID  reason` when the rule's failures
 * include checks without a label, an error or a timeout; reasons start from the Actual. */
#ifndef PUSHSPEC_EXPECT_WRITE_H
#define PUSHSPEC_EXPECT_WRITE_H

#include "report/result.h"

#define PS_EXPECT_REASON_MAX 200   /* bytes of a written reason, "..." when cut */

/* Before the run: PATH may be written (ps_out_prepare), and exists only with force, or with merge
 * when it reads as a baseline. */
int ps_expect_write_prepare(const char *path, int force, int merge, char *err, size_t errlen);
/* Writes through a temporary file renamed over PATH; *lines gets the entries written. merge: an
 * existing PATH is merged with this run (report/expect_merge.h). */
int ps_expect_write(const char *path, const ps_runner *run, const ps_results *res, const ps_target_info *ti,
                    int merge, size_t *lines, char *err, size_t errlen);

#endif
