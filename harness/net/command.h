/* A shell command run to completion within a deadline (the target's restart
 * command): in its own process group, killed as a group when over. */
#ifndef PUSHSPEC_COMMAND_H
#define PUSHSPEC_COMMAND_H

#include <stddef.h>

/* Returns the exit status (0-255), or -1 with WHY (could not start, killed by
 * a signal, or over TIMEOUT_MS: then its whole process group was killed). */
int ps_command_run(const char *cmd, int timeout_ms, char *why, size_t whylen);

#endif
