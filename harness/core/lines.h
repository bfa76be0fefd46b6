/* Splits a byte stream into newline-terminated lines under a length cap: the
 * adapter's stdout is read in chunks of any size and must come out as the
 * same JSON lines, however the pipe cut it. */
#ifndef PUSHSPEC_LINES_H
#define PUSHSPEC_LINES_H

#include <stddef.h>

typedef struct {
    char *part;          /* bytes after the last newline */
    size_t len, cap;
    size_t line_cap;     /* bytes kept per line; the rest is dropped */
    int overlong;        /* the current line lost bytes */
} ps_lines;

/* Called once per complete line (without its '\n'); overlong when cut. */
typedef void (*ps_line_fn)(void *ctx, const char *line, size_t len, int overlong);

void ps_lines_init(ps_lines *l, size_t line_cap);
/* Feed n bytes; returns the number of lines emitted, or -1 if out of memory
 * (the bytes of the current line seen so far are then dropped). */
long ps_lines_feed(ps_lines *l, const char *buf, size_t n, ps_line_fn emit, void *ctx);
void ps_lines_free(ps_lines *l);

#endif
