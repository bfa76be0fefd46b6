/* What a person sees: a live counter on a terminal (plain lines otherwise),
 * then failures with Expected/Actual and the last frames, and a summary. */
#ifndef PUSHSPEC_CONSOLE_H
#define PUSHSPEC_CONSOLE_H

#include "report/result.h"
#include "lua/runner.h"

void ps_console_init(int tty, int color, const char *secret);
void ps_console_scenario_start(ps_runner *r, ps_scenario *s);
void ps_console_scenario_done(ps_runner *r, ps_scenario *s);
void ps_console_progress(ps_runner *r, size_t done, size_t total, size_t running);
void ps_console_summary(const ps_runner *r, const ps_results *res, int strict);

#endif
