/* SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2: the handler only notes the
 * signal; the waiting loops (preflight, the runner's loop) ask ps_stop_requested()
 * and return, and the command line (main) writes the partial result and exits
 * 128 + the signal (130, 143, 129, 138, 140). Nothing else acts on a stop: no
 * callback, no exit() from below. */
#ifndef PUSHSPEC_STOP_H
#define PUSHSPEC_STOP_H

/* Catch those signals from now on. */
void ps_stop_install(void);
/* The signal that asked the run to stop, or 0. */
int ps_stop_requested(void);
/* Ask for a stop as if SIG had arrived (a fatal internal error); the loops see it. */
void ps_stop_now(int sig);

#endif
