/* What a person sees: a live counter on a terminal (plain lines otherwise),
 * then failures with Expected/Actual and the last frames, and a summary. */
#ifndef PUSHSPEC_CONSOLE_H
#define PUSHSPEC_CONSOLE_H

#include "report/result.h"
#include "lua/runner.h"

/* quiet: no per-scenario lines and no live counter. */
void ps_console_init(int tty, int color, int quiet, const char *secret);
/* What the runner calls as scenarios start and end (a line each) and as the
 * run goes on (a live counter on a terminal). */
ps_run_observer ps_console_observer(const ps_runner *r);
void ps_console_summary(const ps_runner *r, const ps_results *res, int strict);

#endif
