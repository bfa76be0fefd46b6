/* Lines on stderr with the run's secret redacted (core/redact.h): every
 * diagnostic pushspec prints goes through here. */
#ifndef PUSHSPEC_REDACTED_PRINT_H
#define PUSHSPEC_REDACTED_PRINT_H

#include <stdio.h>

/* printf to stderr, redacted. */
void ps_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* printf to out, redacted. */
void ps_say_to(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
