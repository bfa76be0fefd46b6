/* Secrets out of every output: the run's secret and the fake apps' secrets
 * (SDK role) are registered, and every text that leaves pushspec (stdout,
 * stderr, the JSON result and the reports made from it) passes through
 * ps_redact_text (or, for bytes, ps_redact_bytes). Found in any of the forms a peer may echo one in: raw,
 * JSON-escaped (once or twice), URL- or form-encoded; and not only whole: any
 * run of PS_REDACT_PIECE or more consecutive characters of a form goes,
 * wherever it stands (a value cut at a truncation, a secret split across two
 * lines or frames), as does a prefix cut off by a "... (N bytes)" shortening.
 * A secret under PS_REDACT_PIECE characters is found only whole; one under 4
 * only where it stands alone (no letter or digit either side): inside a word it
 * says nothing, and every "s" of every message would go. */
#ifndef PUSHSPEC_REDACT_H
#define PUSHSPEC_REDACT_H

#include <stddef.h>

#define PS_REDACT_MARK "<redacted>"
#define PS_REDACT_PIECE 6   /* the shortest run of a secret that is redacted on its own */

/* The secret of the run (copied), forgetting every other; NULL or "" forgets all. */
void ps_redact_set_secret(const char *secret);
/* One more secret (a fake app's): 0, or -1 when out of memory. */
int ps_redact_add_secret(const char *secret);
/* The run's secret (the first registered), or NULL. */
const char *ps_redact_secret(void);
/* The length of the longest registered secret (0: none). */
size_t ps_redact_longest(void);
/* The one redact of text to show (console, JSON result, reports): a malloc'd
 * copy of text with every form and piece of every registered secret, and of
 * secret if given, replaced by PS_REDACT_MARK, then escaped by ps_term_safe
 * (core/termsafe.h) so a report stays valid JSON/XML/HTML whatever a peer sent;
 * NULL for NULL text or when out of memory. */
char *ps_redact_text(const char *text, const char *secret);
/* The redaction alone, of len bytes that may hold NULs (a transcript's frame,
 * a stderr line); *outlen gets the new length. */
char *ps_redact_bytes(const char *text, size_t len, const char *secret, size_t *outlen);

#endif
