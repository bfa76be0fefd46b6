/* HOST:PORT as the user writes a listen address: 127.0.0.1:8080, [::1]:8080,
 * localhost:8080. Parsing only; resolving and binding is net/listener.c. */
#ifndef PUSHSPEC_HOSTPORT_H
#define PUSHSPEC_HOSTPORT_H

#include <stddef.h>

/* host gets the name or literal (no brackets), port 1-65535. 0, or -1 with err
 * saying what is wrong (what names the flag or field, e.g. "--listen"). */
int ps_hostport_parse(const char *text, const char *what, char *host, size_t hostlen, int *port,
                      char *err, size_t errlen);

#endif
