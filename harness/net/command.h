/* A shell command run to completion within a deadline (the target's restart
 * command): in its own process group, killed as a group when over. */
#ifndef PUSHSPEC_COMMAND_H
#define PUSHSPEC_COMMAND_H

#include <stddef.h>
#include <stdint.h>

/* Returns the exit status (0-255), or -1 with WHY (could not start, killed by
 * a signal, or over TIMEOUT_MS: then its whole process group was killed). */
int ps_command_run(const char *cmd, int timeout_ms, char *why, size_t whylen);

/* The same, not waited for: the pid of its process group, or -1 with WHY.
 * ps_command_poll then returns -2 while it runs, else as ps_command_run
 * (at or past deadline_ms, a monotonic time, its group is killed; WHY then
 * names timeout_ms). */
int ps_command_start(const char *cmd, char *why, size_t whylen);
int ps_command_poll(int pid, int64_t deadline_ms, int timeout_ms, char *why, size_t whylen);

#endif
