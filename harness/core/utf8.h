/* The one UTF-8 decoder: the codec validates frames with it, the result file
 * and the reports clean peer text with it. */
#ifndef PUSHSPEC_UTF8_H
#define PUSHSPEC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The sequence at s, n bytes available (SIZE_MAX for a NUL-terminated string:
 * a NUL never continues a sequence, so nothing past it is read). Returns its
 * length and sets *cp when valid; 0 when invalid (overlong, surrogate, over
 * U+10FFFF, truncated), and then *skip (if given) is how many bytes to skip
 * to resynchronise: the bytes before the one that broke it, at least 1. */
size_t ps_utf8_next(const unsigned char *s, size_t n, uint32_t *cp, size_t *skip);
int ps_utf8_valid(const char *s, size_t n);
/* Characters (code points) of a valid UTF-8 string. */
size_t ps_utf8_chars(const char *s);

#endif
