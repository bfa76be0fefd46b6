#include "core/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORMS 8
#define SHORT 4   /* a secret shorter than this is only found standing alone, not inside a word */
#define SHORTENED "... ("   /* how a shortened value goes on: "... (N bytes)" */

typedef struct {
    char *f[MAX_FORMS];
    size_t l[MAX_FORMS];
    size_t n;
} forms;

static char *registered;

void ps_redact_set_secret(const char *secret)
{
    free(registered);
    registered = secret && *secret ? strdup(secret) : NULL;
}

const char *ps_redact_secret(void) { return registered; }

/* JSON string escaping as cJSON and JavaScript write it; slash_too adds \/. */
static char *json_escaped(const char *s, int slash_too)
{
    char *out = malloc(strlen(s) * 6 + 1), *w = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *esc = *p == '"' ? "\\\"" : *p == '\\' ? "\\\\" : *p == '\n' ? "\\n" : *p == '\r' ? "\\r"
                        : *p == '\t' ? "\\t" : *p == '\b' ? "\\b" : *p == '\f' ? "\\f"
                        : (*p == '/' && slash_too) ? "\\/" : NULL;
        if (esc)
            w += sprintf(w, "%s", esc);
        else if (*p < 0x20)
            w += sprintf(w, "\\u%04x", *p);
        else
            *w++ = (char)*p;
    }
    *w = '\0';
    return out;
}

/* Percent-encoding of everything but RFC 3986 unreserved characters. */
static char *url_escaped(const char *s, int lower, int plus)
{
    char *out = malloc(strlen(s) * 3 + 1), *w = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            *w++ = (char)*p;
        else if (*p == ' ' && plus)
            *w++ = '+';
        else
            w += sprintf(w, lower ? "%%%02x" : "%%%02X", *p);
    }
    *w = '\0';
    return out;
}

static void add(forms *fs, char *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->f[i], f)) {
            free(f);
            return;
        }
    size_t i = fs->n++;   /* kept longest first: the longest form wins where several match */
    while (i > 0 && fs->l[i - 1] < strlen(f)) {
        fs->f[i] = fs->f[i - 1];
        fs->l[i] = fs->l[i - 1];
        i--;
    }
    fs->f[i] = f;
    fs->l[i] = strlen(f);
}

static void build(forms *fs, const char *secret)
{
    fs->n = 0;
    if (!secret || !*secret)
        return;
    add(fs, strdup(secret));
    char *j = json_escaped(secret, 0);
    add(fs, json_escaped(secret, 1));
    if (j)
        add(fs, json_escaped(j, 0));   /* a JSON string inside a JSON string (Pusher's data) */
    add(fs, j);
    add(fs, url_escaped(secret, 0, 0));
    add(fs, url_escaped(secret, 1, 0));
    add(fs, url_escaped(secret, 0, 1));
}

static void drop(forms *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        free(fs->f[i]);
}

/* A value shortened right after a prefix of a form: how long that prefix is. */
static size_t cut_prefix(const forms *fs, const char *text, size_t at, size_t raw_from)
{
    size_t best = 0;
    for (size_t i = 0; i < fs->n; i++) {
        size_t k = fs->l[i] - 1 < at - raw_from ? fs->l[i] - 1 : at - raw_from;
        for (; k > best; k--)
            if (memcmp(text + at - k, fs->f[i], k) == 0) {
                best = k;   /* the longest over every form */
                break;
            }
    }
    return best;
}

static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Room for n more bytes in *out (of *cap); 0, or -1 out of memory. */
static int room(char **out, size_t *cap, size_t w, size_t n)
{
    if (w + n + 1 <= *cap)
        return 0;
    size_t c = (*cap + n) * 2;
    char *g = realloc(*out, c);
    if (!g)
        return -1;
    *out = g;
    *cap = c;
    return 0;
}

char *ps_redact_bytes(const char *text, size_t len, const char *secret, size_t *outlen)
{
    forms fs;
    const char *sec = secret ? secret : registered;
    build(&fs, sec);
    int short_secret = sec && strlen(sec) < SHORT;
    size_t mark = sizeof(PS_REDACT_MARK) - 1, shl = sizeof(SHORTENED) - 1;
    size_t cap = len + 64, w = 0, raw_from = 0;
    char *out = malloc(cap);
    for (size_t i = 0; out && i < len;) {
        if (room(&out, &cap, w, mark) < 0) {
            free(out);
            out = NULL;
            break;
        }
        size_t hit = 0;
        if (fs.n && len - i >= mark && memcmp(text + i, PS_REDACT_MARK, mark) == 0) {
            memcpy(out + w, PS_REDACT_MARK, mark);   /* redacted already: left as it is */
            w += mark;
            i += mark;
            raw_from = i;
            continue;
        }
        for (size_t k = 0; k < fs.n && !hit; k++)
            if (fs.l[k] <= len - i && text[i] == fs.f[k][0] && memcmp(text + i, fs.f[k], fs.l[k]) == 0 &&
                (!short_secret || (!(i > 0 && word_char(text[i - 1])) &&
                                   !(i + fs.l[k] < len && word_char(text[i + fs.l[k]])))))
                hit = fs.l[k];
        if (!hit && fs.n && !short_secret && len - i >= shl && memcmp(text + i, SHORTENED, shl) == 0) {
            size_t k = cut_prefix(&fs, text, i, raw_from);
            if (k) {   /* the copied prefix becomes a mark */
                w -= k;
                memcpy(out + w, PS_REDACT_MARK, mark);
                w += mark;
            }
        }
        if (hit) {
            memcpy(out + w, PS_REDACT_MARK, mark);
            w += mark;
            i += hit;
            raw_from = i;
        } else {
            out[w++] = text[i++];
        }
    }
    drop(&fs);
    if (!out)
        return NULL;
    out[w] = '\0';
    if (outlen)
        *outlen = w;
    return out;
}

char *ps_redact_text(const char *text, const char *secret)
{
    return text ? ps_redact_bytes(text, strlen(text), secret, NULL) : NULL;
}
