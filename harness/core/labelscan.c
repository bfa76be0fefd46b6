#include "core/labelscan.h"

#include <ctype.h>
#include <string.h>

/* Level of a long bracket opening at p ("[[" 0, "[==[" 2), or -1. */
static int long_open(const char *p, const char *end)
{
    if (p >= end || *p != '[')
        return -1;
    int lvl = 0;
    for (p++; p < end && *p == '='; p++)
        lvl++;
    return p < end && *p == '[' ? lvl : -1;
}

/* Past the "]=*]" of level lvl from p, counting newlines into *line. */
static const char *long_close(const char *p, const char *end, int lvl, int *line)
{
    for (; p < end; p++) {
        if (*p == '\n')
            (*line)++;
        if (*p != ']')
            continue;
        const char *q = p + 1;
        int n = 0;
        while (q < end && *q == '=')
            q++, n++;
        if (n == lvl && q < end && *q == ']')
            return q + 1;
    }
    return end;
}

/* A literal's body that reads RULE-ID:label: upper-case id with a '-', then a-z 0-9 '-'. */
static void consider(const char *s, size_t n, int line, ps_label_found found, void *ctx)
{
    const char *colon = memchr(s, ':', n);
    if (!colon || colon == s || !isupper((unsigned char)*s) || (size_t)(colon - s) >= 16 || colon + 1 == s + n)
        return;
    int dash = 0;
    for (const char *p = s; p < colon; p++) {
        if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
            return;
        dash |= *p == '-';
    }
    for (const char *p = colon + 1; p < s + n; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
            return;
    if (!dash || n - (size_t)(colon + 1 - s) > 64)
        return;
    char rule[16], label[65];
    memcpy(rule, s, (size_t)(colon - s));
    rule[colon - s] = '\0';
    memcpy(label, colon + 1, n - (size_t)(colon + 1 - s));
    label[n - (size_t)(colon + 1 - s)] = '\0';
    found(ctx, line, rule, label);
}

void ps_label_scan(const char *text, size_t len, ps_label_found found, void *ctx)
{
    const char *p = text, *end = text + len;
    int line = 1;
    while (p < end) {
        if (*p == '\n') {
            line++, p++;
        } else if (*p == '-' && p + 1 < end && p[1] == '-') {   /* comment: long or to the line's end */
            int lvl = long_open(p + 2, end);
            if (lvl >= 0)
                p = long_close(p + 4 + lvl, end, lvl, &line);
            else
                while (p < end && *p != '\n')
                    p++;
        } else if (*p == '"' || *p == '\'') {
            char q = *p++;
            const char *s = p;
            int start = line;
            while (p < end && *p != q && *p != '\n') {
                if (*p == '\\' && p + 1 < end) {
                    if (p[1] == '\n')
                        line++;
                    p++;
                }
                p++;
            }
            consider(s, (size_t)(p - s), start, found, ctx);
            if (p < end && *p == q)
                p++;
        } else if (long_open(p, end) >= 0) {
            int lvl = long_open(p, end), start = line;
            const char *s = p + 2 + lvl, *e = long_close(s, end, lvl, &line);
            if (e - s >= 2 + lvl)
                consider(s, (size_t)(e - s - 2 - lvl), start, found, ctx);
            p = e;
        } else {
            p++;
        }
    }
}
