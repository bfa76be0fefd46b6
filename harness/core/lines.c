#include "core/lines.h"

#include <stdlib.h>
#include <string.h>

void ps_lines_init(ps_lines *l, size_t line_cap)
{
    memset(l, 0, sizeof(*l));
    l->line_cap = line_cap;
}

/* Keep up to the cap; what does not fit only marks the line overlong. */
static int keep(ps_lines *l, const char *p, size_t n)
{
    size_t room = l->line_cap > l->len ? l->line_cap - l->len : 0;
    if (n > room) {
        l->overlong = 1;
        n = room;
    }
    if (n == 0)
        return 0;
    if (l->len + n > l->cap) {
        size_t cap = l->cap ? l->cap : 1024;
        while (cap < l->len + n)
            cap *= 2;
        char *q = realloc(l->part, cap);
        if (!q)
            return -1;
        l->part = q;
        l->cap = cap;
    }
    memcpy(l->part + l->len, p, n);
    l->len += n;
    return 0;
}

long ps_lines_feed(ps_lines *l, const char *buf, size_t n, ps_line_fn emit, void *ctx)
{
    long lines = 0;
    while (n > 0) {
        const char *nl = memchr(buf, '\n', n);
        size_t take = nl ? (size_t)(nl - buf) : n;
        if (keep(l, buf, take) < 0) {
            l->len = 0;
            l->overlong = 0;
            return -1;
        }
        if (!nl)
            break;
        emit(ctx, l->part ? l->part : "", l->len, l->overlong);
        lines++;
        l->len = 0;
        l->overlong = 0;
        buf = nl + 1;
        n -= take + 1;
    }
    return lines;
}

void ps_lines_free(ps_lines *l)
{
    free(l->part);
    memset(l, 0, sizeof(*l));
}
