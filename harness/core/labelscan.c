#include "core/labelscan.h"

#include "core/label.h"

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

/* A literal's body that reads RULE-ID:label, both parts as core/label.h defines them. */
static void consider(const char *s, size_t n, int line, ps_label_use use, ps_label_found found, void *ctx)
{
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return;
    size_t idl = (size_t)(colon - s), ll = n - idl - 1;
    if (!ps_rule_id_valid(s, idl) || !ps_label_valid(colon + 1, ll))
        return;
    char rule[PS_RULE_ID_MAX + 1], label[PS_LABEL_MAX + 1];
    memcpy(rule, s, idl);
    rule[idl] = '\0';
    memcpy(label, colon + 1, ll);
    label[ll] = '\0';
    found(ctx, line, rule, label, use);
}

/* The brackets open at a point: 'c' of a check call, 'd' of ps.clause, '(' of another call,
 * 'p' of a plain parenthesis, '{' of a table, '[' of an index. Deeper than the stack,
 * nesting is counted but not kept. */
typedef struct {
    char open[256];
    size_t depth;
} brackets;

static void push(brackets *b, char c)
{
    if (b->depth < sizeof(b->open))
        b->open[b->depth] = c;
    b->depth++;
}

static ps_label_use use_here(const brackets *b)
{
    if (b->depth == 0 || b->depth > sizeof(b->open))
        return PS_LABEL_ELSEWHERE;
    switch (b->open[b->depth - 1]) {
    case 'c': return PS_LABEL_CHECK;
    case 'd': return PS_LABEL_DECLARED;
    case '(': return PS_LABEL_ARGUMENT;
    default: return PS_LABEL_ELSEWHERE;
    }
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* What a call whose '(' is at p does with a label: the name before it, dots and colons
 * included ("t:check", "ps.verify.negative"). A check records a verdict under the label:
 * a Case method that judges (t:check, t:judge, t:require, t:incidental: a set-up's finding)
 * or a verifier of ps.verify. ps.clause (P.clause in the harness modules) declares one. */
static char call_kind(const char *text, const char *p)
{
    const char *e = p;
    while (e > text && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    const char *w = e;
    while (w > text && (name_char(w[-1]) || w[-1] == '.' || w[-1] == ':'))
        w--;
    size_t n = (size_t)(e - w);
    if ((n == 9 && !strncmp(w, "ps.clause", 9)) || (n == 8 && !strncmp(w, "P.clause", 8)))
        return 'd';
    if (n > 10 && !strncmp(w, "ps.verify.", 10))
        return 'c';
    static const char *const judges[] = { ":check", ":judge", ":require", ":incidental", NULL };
    for (int i = 0; judges[i]; i++) {
        size_t k = strlen(judges[i]);
        if (n > k && !strncmp(e - k, judges[i], k))
            return 'c';
    }
    return '(';
}

/* Whether a '(' at p opens a call: after a name, a closing bracket or a string (f"x"(...) aside). */
static int call_paren(const char *text, const char *p)
{
    while (p > text && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
    if (p == text)
        return 0;
    char c = p[-1];
    if (c == ')' || c == ']' || c == '"' || c == '\'')
        return 1;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
        return 0;
    const char *w = p;   /* a keyword before '(' is no call: if (x), return (x), ... */
    while (w > text && ((w[-1] >= 'a' && w[-1] <= 'z') || (w[-1] >= 'A' && w[-1] <= 'Z') ||
                        (w[-1] >= '0' && w[-1] <= '9') || w[-1] == '_'))
        w--;
    static const char *const keywords[] = { "and", "or", "not", "if", "elseif", "while", "until", "return",
                                            "in", "then", "do", "local", NULL };
    for (int i = 0; keywords[i]; i++)
        if ((size_t)(p - w) == strlen(keywords[i]) && !strncmp(w, keywords[i], (size_t)(p - w)))
            return 0;
    return 1;
}

void ps_label_scan(const char *text, size_t len, ps_label_found found, void *ctx)
{
    const char *p = text, *end = text + len;
    int line = 1;
    brackets b = { .depth = 0 };
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
            consider(s, (size_t)(p - s), start, use_here(&b), found, ctx);
            if (p < end && *p == q)
                p++;
        } else if (long_open(p, end) >= 0) {
            int lvl = long_open(p, end), start = line;
            const char *s = p + 2 + lvl, *e = long_close(s, end, lvl, &line);
            if (e - s >= 2 + lvl)
                consider(s, (size_t)(e - s - 2 - lvl), start, use_here(&b), found, ctx);
            p = e;
        } else {
            if (*p == '(')
                push(&b, call_paren(text, p) ? call_kind(text, p) : 'p');
            else if (*p == '{' || *p == '[')
                push(&b, *p);
            else if ((*p == ')' || *p == '}' || *p == ']') && b.depth > 0)
                b.depth--;
            p++;
        }
    }
}
