/* The one escaping of text a peer controls, for every output (the console,
 * stderr, the JSON result and the reports made from it): nothing a server, an
 * SDK or an adapter says can move the cursor, retitle the terminal or reorder
 * what is shown. C0 controls (but newline and tab), DEL and bytes that are not
 * UTF-8 become \xNN; C1 controls (U+0080-U+009F, which a terminal obeys like
 * ESC [) and the bidirectional controls U+202A-U+202E and U+2066-U+2069 become
 * a visible \uXXXX. */
#ifndef PUSHSPEC_TERMSAFE_H
#define PUSHSPEC_TERMSAFE_H

#include <stddef.h>

/* A malloc'd, NUL-terminated escaped copy of n bytes (NULs escaped too);
 * *outlen (if given) gets its length. NULL only when out of memory. */
char *ps_term_safe(const char *text, size_t n, size_t *outlen);
/* Writes the escaped form of n bytes into out (outlen > 0, always NUL-
 * terminated, cut before a sequence that would not fit); returns its length.
 * one_line: newline and tab are escaped too (a value inside a message). */
size_t ps_term_safe_into(const char *text, size_t n, char *out, size_t outlen, int one_line);

#endif
