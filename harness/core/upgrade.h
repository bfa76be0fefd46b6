/* What the client makes of a WebSocket upgrade answered with something other
 * than 101, from what libwebsockets hands over (status, Location). A redirect
 * is never followed: a hostile server would choose the host and port pushspec
 * connects to next. It is a failed connection, and the message names the
 * Location (escaped: the peer wrote it). Pure, so it is fuzzed
 * (fuzz/fuzz_ws_upgrade.c). */
#ifndef PUSHSPEC_UPGRADE_H
#define PUSHSPEC_UPGRADE_H

#include <stddef.h>

/* 1 when status is a redirect (3xx), else 0; out (outlen > 0) gets the
 * failure's text, NUL-terminated. location may be NULL. */
int ps_upgrade_refusal(int status, const char *location, size_t loclen, char *out, size_t outlen);

#endif
