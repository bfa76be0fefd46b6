/* The secret out of every output: the run's secret is registered once, and
 * every text that leaves pushspec (stdout, stderr, the JSON result and the
 * reports made from it) passes through ps_redact_text. Found in any of the
 * forms a peer may echo it in: raw, JSON-escaped (once or twice), URL- or
 * form-encoded; and a prefix of it cut off by a "... (N bytes)" shortening.
 * A secret under 4 characters is found only where it stands alone (no letter
 * or digit either side): inside a word it says nothing, and every "s" of
 * every message would go. */
#ifndef PUSHSPEC_REDACT_H
#define PUSHSPEC_REDACT_H

#include <stddef.h>

#define PS_REDACT_MARK "<redacted>"

/* The secret of the run (copied); NULL or "" forgets it. */
void ps_redact_set_secret(const char *secret);
const char *ps_redact_secret(void);
/* A malloc'd copy of text with every form of secret (NULL: the registered
 * one) replaced by PS_REDACT_MARK; NULL only when out of memory. */
char *ps_redact_text(const char *text, const char *secret);
/* Same for len bytes that may hold NULs; *outlen gets the new length. */
char *ps_redact_bytes(const char *text, size_t len, const char *secret, size_t *outlen);

#endif
