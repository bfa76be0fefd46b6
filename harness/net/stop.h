/* SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2: the handler only notes the
 * signal; the waiting loops (preflight, the run) ask ps_stop_requested() and
 * stop, and the command line writes the partial result and exits 128 + the
 * signal (130, 143, 129, 138, 140). */
#ifndef PUSHSPEC_STOP_H
#define PUSHSPEC_STOP_H

/* Catch those signals from now on. */
void ps_stop_install(void);
/* The signal that asked the run to stop, or 0. */
int ps_stop_requested(void);
/* What to do once a stop is seen by ps_stop_poll: write what there is and exit. */
void ps_stop_on(void (*fn)(int sig, void *ctx), void *ctx);
/* If a stop was requested, call the function given to ps_stop_on (once). */
void ps_stop_poll(void);
/* Stop now as if SIG had arrived (a fatal internal error): the function given
 * to ps_stop_on runs at once; returns only if there is none. */
void ps_stop_now(int sig);

#endif
