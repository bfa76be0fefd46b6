/* Before any scenario: can the target be reached at all? A refused or silent
 * endpoint is an infrastructure error (exit 2), not a thousand failures. */
#ifndef PUSHSPEC_PREFLIGHT_H
#define PUSHSPEC_PREFLIGHT_H

#include <stddef.h>

/* 0 when both endpoints answer (any answer); -1 with err saying what to do. */
int ps_preflight(const char *ws_url, const char *ws_path, const char *http_url, int insecure,
                 int timeout_ms, char *err, size_t errlen);

#endif
