/* Before any scenario: can the target be reached at all? A refused or silent
 * endpoint is an infrastructure error (exit 2), not a thousand failures. */
#ifndef PUSHSPEC_PREFLIGHT_H
#define PUSHSPEC_PREFLIGHT_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* 0 when both endpoints answer (any answer); -1 with err saying what to do. */
int ps_preflight(const char *ws_url, const char *ws_path, const char *http_url, int insecure,
                 int timeout_ms, char *err, size_t errlen);

/* A cluster's node: a connection to ws_path (the app's key) gets
 * pusher:connection_established. 0, or -1 with err saying what it got. */
int ps_preflight_app(const char *ws_url, const char *ws_path, int insecure, int timeout_ms, char *err,
                     size_t errlen);

/* Start the adapter once and read its hello line {"type":"hello","sdk","version","kind"}.
 * kind gets "client" or "http"; *hello the line parsed, the one parse of it (the caller frees it
 * with cJSON_Delete; the Lua side reads its other members, e.g. capabilities, from the table
 * made of it). 0, or -1 with err saying what went wrong. */
int ps_preflight_adapter(const char *cmd, int timeout_ms, char *kind, size_t kindlen, char *name,
                         size_t namelen, cJSON **hello, char *err, size_t errlen);

#endif
