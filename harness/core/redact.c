#include "core/redact.h"
#include "core/termsafe.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORMS 8
#define SHORT 4   /* a secret shorter than this is only found standing alone, not inside a word */
#define SHORTENED "... ("   /* how a shortened value goes on: "... (N bytes)" */

/* One secret's forms: how a peer may echo it. */
typedef struct {
    char *f[MAX_FORMS];
    size_t l[MAX_FORMS];
    size_t n;
    int whole;   /* under PS_REDACT_PIECE characters: found only whole */
    int alone;   /* under SHORT characters: found only standing alone */
} forms;

/* Every PS_REDACT_PIECE-byte run of every form of every long secret, sorted,
 * so that a text position's run is found by binary search. */
typedef struct {
    uint64_t key;
    uint32_t set, form, at;
} gram;

typedef struct {
    forms *sets;
    size_t nsets;
    gram *grams;
    size_t ngrams;
    uint8_t filter[8192];   /* a bit per hash of a gram's key: most positions stop here */
    size_t *whole;          /* the sets of short secrets, found only whole */
    size_t nwhole;
    size_t longest;         /* longest form */
} compiled;

static char **registered;
static size_t nregistered;
static compiled cache;
static int cache_ok;

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
    memset(fs, 0, sizeof(*fs));
    if (!secret || !*secret)
        return;
    fs->whole = strlen(secret) < PS_REDACT_PIECE;
    fs->alone = strlen(secret) < SHORT;
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
    fs->n = 0;
}

static uint64_t key_at(const char *p)
{
    uint64_t k = 0;
    for (int i = 0; i < PS_REDACT_PIECE; i++)
        k = k << 8 | (unsigned char)p[i];
    return k;
}

static unsigned hash_of(uint64_t k)
{
    return (unsigned)((k * 0x9E3779B97F4A7C15ull) >> 51);   /* 13 bits: 8192 * 8 bits */
}

static int gram_cmp(const void *a, const void *b)
{
    uint64_t x = ((const gram *)a)->key, y = ((const gram *)b)->key;
    return x < y ? -1 : x > y;
}

static void uncompile(compiled *c)
{
    for (size_t i = 0; i < c->nsets; i++)
        drop(&c->sets[i]);
    free(c->sets);
    free(c->grams);
    free(c->whole);
    memset(c, 0, sizeof(*c));
}

static int compile(compiled *c, const char *const *secrets, size_t n)
{
    memset(c, 0, sizeof(*c));
    c->sets = calloc(n ? n : 1, sizeof(forms));
    if (!c->sets)
        return -1;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        build(&c->sets[i], secrets[i]);
        c->nsets++;
        for (size_t k = 0; k < c->sets[i].n; k++) {
            if (c->sets[i].l[k] > c->longest)
                c->longest = c->sets[i].l[k];
            if (!c->sets[i].whole && c->sets[i].l[k] >= PS_REDACT_PIECE)
                total += c->sets[i].l[k] - PS_REDACT_PIECE + 1;
        }
    }
    c->grams = malloc((total ? total : 1) * sizeof(gram));
    c->whole = malloc((n ? n : 1) * sizeof(size_t));
    if (!c->grams || !c->whole) {
        uncompile(c);
        return -1;
    }
    for (size_t i = 0; i < c->nsets; i++)
        for (size_t k = 0; !c->sets[i].whole && k < c->sets[i].n; k++)
            for (size_t at = 0; at + PS_REDACT_PIECE <= c->sets[i].l[k]; at++) {
                gram *g = &c->grams[c->ngrams++];
                g->key = key_at(c->sets[i].f[k] + at);
                g->set = (uint32_t)i;
                g->form = (uint32_t)k;
                g->at = (uint32_t)at;
                unsigned h = hash_of(g->key);
                c->filter[h >> 3] |= (uint8_t)(1u << (h & 7));
            }
    qsort(c->grams, c->ngrams, sizeof(gram), gram_cmp);
    for (size_t i = 0; i < c->nsets; i++)
        if (c->sets[i].whole && c->sets[i].n)
            c->whole[c->nwhole++] = i;
    return 0;
}

void ps_redact_set_secret(const char *secret)
{
    for (size_t i = 0; i < nregistered; i++)
        free(registered[i]);
    free(registered);
    registered = NULL;
    nregistered = 0;
    uncompile(&cache);
    cache_ok = 0;
    if (secret && *secret)
        ps_redact_add_secret(secret);
}

int ps_redact_add_secret(const char *secret)
{
    if (!secret || !*secret)
        return 0;
    for (size_t i = 0; i < nregistered; i++)
        if (!strcmp(registered[i], secret))
            return 0;
    char **g = realloc(registered, (nregistered + 1) * sizeof(*g));
    if (!g)
        return -1;
    registered = g;
    if (!(registered[nregistered] = strdup(secret)))
        return -1;
    nregistered++;
    uncompile(&cache);
    cache_ok = 0;
    return 0;
}

const char *ps_redact_secret(void) { return nregistered ? registered[0] : NULL; }

size_t ps_redact_longest(void)
{
    size_t m = 0;
    for (size_t i = 0; i < nregistered; i++)
        if (strlen(registered[i]) > m)
            m = strlen(registered[i]);
    return m;
}

static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The longest run at text[i..end) that is a piece (PS_REDACT_PIECE bytes or
 * more) of a long secret's form, or a whole form of a short one. */
static size_t match_at(const compiled *c, const char *text, size_t i, size_t end, size_t len)
{
    size_t best = 0;
    if (end - i >= PS_REDACT_PIECE) {
        uint64_t k = key_at(text + i);
        unsigned h = hash_of(k);
        if (c->filter[h >> 3] & (1u << (h & 7))) {
            size_t lo = 0, hi = c->ngrams;
            while (lo < hi) {   /* the first gram with this key */
                size_t mid = (lo + hi) / 2;
                if (c->grams[mid].key < k)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < c->ngrams && c->grams[lo].key == k; lo++) {
                const gram *g = &c->grams[lo];
                const forms *fs = &c->sets[g->set];
                const char *f = fs->f[g->form] + g->at;
                size_t fl = fs->l[g->form] - g->at, n = PS_REDACT_PIECE;
                while (n < fl && i + n < end && text[i + n] == f[n])
                    n++;
                if (n > best)
                    best = n;
            }
        }
    }
    for (size_t w = 0; w < c->nwhole; w++) {
        const forms *fs = &c->sets[c->whole[w]];
        for (size_t k = 0; k < fs->n; k++)
            if (fs->l[k] > best && fs->l[k] <= end - i && text[i] == fs->f[k][0] &&
                memcmp(text + i, fs->f[k], fs->l[k]) == 0 &&
                (!fs->alone || (!(i > 0 && word_char(text[i - 1])) &&
                                !(i + fs->l[k] < len && word_char(text[i + fs->l[k]])))))
                best = fs->l[k];
    }
    return best;
}

/* A value shortened right after a prefix of a form (of a secret of SHORT
 * characters or more): how long that prefix is. */
static size_t cut_prefix(const compiled *c, const char *text, size_t at, size_t from)
{
    size_t best = 0;
    for (size_t s = 0; s < c->nsets; s++) {
        const forms *fs = &c->sets[s];
        for (size_t i = 0; !fs->alone && i < fs->n; i++) {
            size_t k = fs->l[i] - 1 < at - from ? fs->l[i] - 1 : at - from;
            for (; k > best; k--)
                if (memcmp(text + at - k, fs->f[i], k) == 0) {
                    best = k;   /* the longest over every form */
                    break;
                }
        }
    }
    return best;
}

static char *redact_with(const compiled *c, const char *text, size_t len, size_t *outlen)
{
    size_t mark = sizeof(PS_REDACT_MARK) - 1, shl = sizeof(SHORTENED) - 1;
    /* cov[i]: byte i is part of a secret's piece; marks already there are left as they are */
    unsigned char *cov = c->nsets ? calloc(len ? len : 1, 1) : NULL;
    size_t nmarked = 0;
    if (c->nsets && !cov)
        return NULL;
    for (size_t i = 0, from = 0; cov && i < len;) {
        if (len - i >= mark && memcmp(text + i, PS_REDACT_MARK, mark) == 0) {
            i += mark;
            from = i;
            continue;
        }
        const char *next = len - i > mark ? memchr(text + i + 1, '<', len - i - 1) : NULL;
        size_t end = len;
        while (next && (size_t)(text + len - next) >= mark && memcmp(next, PS_REDACT_MARK, mark) != 0)
            next = memchr(next + 1, '<', (size_t)(text + len - next - 1));
        if (next && (size_t)(text + len - next) >= mark)
            end = (size_t)(next - text);   /* a piece never runs into a mark */
        for (; i < end; i++) {
            size_t hit = match_at(c, text, i, end, len);
            if (hit)
                memset(cov + i, 1, hit);
            if (len - i >= shl && memcmp(text + i, SHORTENED, shl) == 0) {
                size_t k = cut_prefix(c, text, i, from);
                if (k)
                    memset(cov + i - k, 1, k);
            }
        }
        from = end;
    }
    size_t cap = len + 1;
    for (size_t i = 0; cov && i < len; i++)
        if (cov[i] && (i == 0 || !cov[i - 1]))
            nmarked++;
    cap += nmarked * mark;
    char *out = malloc(cap);
    size_t w = 0;
    for (size_t i = 0; out && i < len;) {
        if (cov && cov[i]) {
            memcpy(out + w, PS_REDACT_MARK, mark);
            w += mark;
            while (i < len && cov[i])
                i++;
        } else {
            out[w++] = text[i++];
        }
    }
    free(cov);
    if (!out)
        return NULL;
    out[w] = '\0';
    if (outlen)
        *outlen = w;
    return out;
}

char *ps_redact_bytes(const char *text, size_t len, const char *secret, size_t *outlen)
{
    int known = !secret || !*secret;
    for (size_t i = 0; !known && i < nregistered; i++)
        known = !strcmp(registered[i], secret);
    if (!known) {   /* a secret given here, with every registered one */
        const char **all = malloc((nregistered + 1) * sizeof(*all));
        compiled one;
        if (!all)
            return NULL;
        for (size_t i = 0; i < nregistered; i++)
            all[i] = registered[i];
        all[nregistered] = secret;
        int rc = compile(&one, all, nregistered + 1);
        free(all);
        if (rc < 0)
            return NULL;
        char *r = redact_with(&one, text, len, outlen);
        uncompile(&one);
        return r;
    }
    if (!cache_ok) {
        if (compile(&cache, (const char *const *)registered, nregistered) < 0)
            return NULL;
        cache_ok = 1;
    }
    return redact_with(&cache, text, len, outlen);
}

char *ps_redact_text(const char *text, const char *secret)
{
    /* redacted before escaping, so a secret holding a control byte is still found */
    char *r = text ? ps_redact_bytes(text, strlen(text), secret, NULL) : NULL;
    char *shown = r ? ps_term_safe(r, strlen(r), NULL) : NULL;
    free(r);
    return shown;
}
