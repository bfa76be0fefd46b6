#include "core/outline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *p, *e;
} cursor;

/* Unescaped text kept up to cap - 1 bytes (whole characters); len counts all of it. */
typedef struct {
    char *buf;
    size_t cap, kept, len;
} text;

static void skip_ws(cursor *c)
{
    while (c->p < c->e && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static void add(text *t, const char *b, size_t k)
{
    if (t->kept == t->len) {   /* once cut, nothing more is kept */
        size_t room = t->cap - 1 - t->kept, take = k;
        if (take > room) {     /* cut before a character that does not fit whole */
            take = room;
            while (take > 0 && ((unsigned char)b[take] & 0xC0) == 0x80)
                take--;
        }
        memcpy(t->buf + t->kept, b, take);
        t->kept += take;
    }
    t->len += k;
}

static void add_cp(text *t, uint32_t cp)
{
    char b[4];
    size_t k;

    if (cp < 0x80) {
        b[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18);
        b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    add(t, b, k);
}

static int hex4(const cursor *c, const unsigned char *p, uint32_t *v)
{
    if (c->e - p < 4)
        return 0;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char h = p[i];
        uint32_t d = h >= '0' && h <= '9' ? h - '0' + 0u : h >= 'a' && h <= 'f' ? h - 'a' + 10u
                   : h >= 'A' && h <= 'F' ? h - 'A' + 10u : 16u;
        if (d == 16)
            return 0;
        *v = *v << 4 | d;
    }
    return 1;
}

/* Bytes that end a run of plain string content: control characters, '"' and '\\'. */
static const unsigned char stop[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,   /* '\\' */
};

/* A string at c->p (its opening quote); t (may be NULL) gets it unescaped. */
static int scan_string(cursor *c, text *t)
{
    c->p++;
    while (c->p < c->e) {
        const unsigned char *run = c->p;
        while (c->p < c->e && !stop[*c->p])
            c->p++;
        if (t && c->p > run)
            add(t, (const char *)run, (size_t)(c->p - run));
        if (c->p >= c->e || *c->p < 0x20)
            return 0;   /* unterminated, or a raw control character */
        if (*c->p++ == '"')
            return 1;
        if (c->p >= c->e)
            return 0;
        static const char named[] = "\"\\/bfnrt", meant[] = "\"\\/\b\f\n\r\t";
        unsigned char esc = *c->p++;
        const char *simple = esc ? strchr(named, esc) : NULL;
        if (simple) {
            if (t)
                add(t, &meant[simple - named], 1);
            continue;
        }
        if (esc != 'u')
            return 0;
        uint32_t cp, lo;
        if (!hex4(c, c->p, &cp))
            return 0;
        c->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && c->e - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u' &&
            hex4(c, c->p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            c->p += 6;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;   /* JSON.parse keeps a lone surrogate; UTF-8 has none */
        }
        if (t)
            add_cp(t, cp);
    }
    return 0;
}

static int digits(cursor *c)
{
    const unsigned char *s = c->p;
    while (c->p < c->e && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > s;
}

static int scan_number(cursor *c)
{
    if (*c->p == '-')
        c->p++;
    if (c->p < c->e && *c->p == '0')
        c->p++;
    else if (!digits(c))
        return 0;
    if (c->p < c->e && *c->p == '.') {
        c->p++;
        if (!digits(c))
            return 0;
    }
    if (c->p < c->e && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->e && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!digits(c))
            return 0;
    }
    return 1;
}

static int literal(cursor *c, const char *word)
{
    size_t k = strlen(word);
    if ((size_t)(c->e - c->p) < k || memcmp(c->p, word, k) != 0)
        return 0;
    c->p += k;
    return 1;
}

enum { M_OTHER, M_EVENT, M_CHANNEL, M_DATA };

typedef struct {
    ps_outline *out;
    unsigned char *stack;   /* '{' or '[' per open container */
    size_t cap, depth;
    int member;             /* the current member of the top-level object */
    int in_data;            /* the object open at depth 2 is data's value */
    char key[PS_OUTLINE_KEY];
    size_t key_kept, key_len;   /* the current member name of data */
} walk;

static int member_is(const text *t, const char *name)
{
    return t->len == strlen(name) && t->kept == t->len && memcmp(t->buf, name, t->len) == 0;
}

/* A member's name and its colon, at c->p after '{' or ','. */
static int member_name(walk *w, cursor *c)
{
    char buf[PS_OUTLINE_KEY];
    text t = { buf, sizeof buf, 0, 0 };
    int top = w->depth == 1, field = w->depth == 2 && w->in_data;

    skip_ws(c);
    if (c->p >= c->e || *c->p != '"' || !scan_string(c, top || field ? &t : NULL))
        return 0;
    skip_ws(c);
    if (c->p >= c->e || *c->p != ':')
        return 0;
    c->p++;
    if (top)
        w->member = member_is(&t, "event") ? M_EVENT : member_is(&t, "channel") ? M_CHANNEL
                  : member_is(&t, "data") ? M_DATA : M_OTHER;
    if (field) {
        memcpy(w->key, buf, t.kept);
        w->key_kept = t.kept;
        w->key_len = t.len;
    }
    return 1;
}

/* A value of type ty starts at the current depth: note it where it counts. */
static void note(walk *w, ps_json_type ty)
{
    ps_outline *o = w->out;

    if (w->depth == 0) {
        o->top = ty;
    } else if (w->depth == 1 && w->stack[0] == '{') {   /* the last of a duplicate member counts */
        if (w->member == M_EVENT) {
            o->event = ty;
            o->event_kept = o->event_len = 0;
            o->event_text[0] = '\0';
        } else if (w->member == M_CHANNEL) {
            o->channel = ty;
        } else if (w->member == M_DATA) {
            o->data = ty;
            o->nfields = 0;
        }
    } else if (w->depth == 2 && w->in_data) {
        size_t i = 0;
        while (i < o->nfields && !(o->fields[i].key_len == w->key_len &&
                                   memcmp(o->fields[i].key, w->key, w->key_kept) == 0))
            i++;
        if (i == PS_OUTLINE_FIELDS)
            return;
        if (i == o->nfields) {
            o->nfields++;
            memcpy(o->fields[i].key, w->key, w->key_kept);
            o->fields[i].key[w->key_kept] = '\0';
            o->fields[i].key_len = w->key_len;
        }
        o->fields[i].type = ty;
    }
}

static int push(walk *w, unsigned char open)
{
    if (w->depth == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        unsigned char *s = realloc(w->stack, cap);
        if (!s)
            return -1;
        w->stack = s;
        w->cap = cap;
    }
    if (w->depth == 1 && w->stack[0] == '{' && w->member == M_DATA && open == '{')
        w->in_data = 1;
    w->stack[w->depth++] = open;
    if (w->depth > w->out->depth)
        w->out->depth = w->depth;
    return 0;
}

/* A scalar at c->p; 0 if it is none. */
static int scalar(walk *w, cursor *c)
{
    unsigned char ch = *c->p;
    int event = w->depth == 1 && w->stack[0] == '{' && w->member == M_EVENT;

    if (ch == '"') {
        note(w, PS_JT_STRING);
        text t = { w->out->event_text, sizeof w->out->event_text, 0, 0 };
        if (!scan_string(c, event ? &t : NULL))
            return 0;
        if (event) {
            w->out->event_text[t.kept] = '\0';
            w->out->event_kept = t.kept;
            w->out->event_len = t.len;
        }
        return 1;
    }
    if (ch == '-' || (ch >= '0' && ch <= '9')) {
        note(w, PS_JT_NUMBER);
        return scan_number(c);
    }
    if (ch == 't' || ch == 'f') {
        note(w, PS_JT_BOOL);
        return literal(c, ch == 't' ? "true" : "false");
    }
    note(w, PS_JT_NULL);
    return literal(c, "null");
}

/* 1: one JSON value and nothing after it; 0: not JSON; -1: out of memory. */
static int parse(walk *w, cursor *c)
{
    for (;;) {
        skip_ws(c);   /* a value is due */
        if (c->p >= c->e)
            return 0;
        unsigned char ch = *c->p;
        if (ch == '{' || ch == '[') {
            note(w, ch == '{' ? PS_JT_OBJECT : PS_JT_ARRAY);
            if (push(w, ch) < 0)
                return -1;
            c->p++;
            skip_ws(c);
            if (c->p < c->e && *c->p == (ch == '{' ? '}' : ']')) {
                c->p++;
                w->depth--;
            } else if (ch == '[') {
                continue;
            } else if (!member_name(w, c)) {
                return 0;
            } else {
                continue;
            }
        } else if (!scalar(w, c)) {
            return 0;
        }
        for (;;) {   /* after a value: a comma, or the end of containers */
            if (w->depth < 2)
                w->in_data = 0;
            skip_ws(c);
            if (w->depth == 0)
                return c->p == c->e;
            if (c->p >= c->e)
                return 0;
            unsigned char open = w->stack[w->depth - 1];
            if (*c->p == ',') {
                c->p++;
                if (open == '{' && !member_name(w, c))
                    return 0;
                break;
            }
            if (*c->p != (open == '{' ? '}' : ']'))
                return 0;
            c->p++;
            w->depth--;
        }
    }
}

int ps_outline_json(const char *s, size_t n, ps_outline *out)
{
    walk w = { .out = out };
    cursor c = { (const unsigned char *)s, (const unsigned char *)s + n };

    memset(out, 0, sizeof *out);
    int r = parse(&w, &c);
    free(w.stack);
    if (r != 1)
        memset(out, 0, sizeof *out);
    out->json = r == 1;
    return r < 0 ? -1 : r;
}

const char *ps_json_type_name(ps_json_type t)
{
    static const char *const names[] = { "absent", "object", "array", "string", "number", "boolean", "null" };
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "absent";
}
