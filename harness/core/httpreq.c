#include "core/httpreq.h"
#include "core/sign.h"

#include <stdlib.h>
#include <string.h>

void ps_body_init(ps_body *b, size_t limit)
{
    memset(b, 0, sizeof(*b));
    b->limit = limit;
}

int ps_body_append(ps_body *b, const void *in, size_t n)
{
    if (b->oversize || n > b->limit - b->len) {
        b->oversize = 1;   /* a flood: keep nothing more */
        return 0;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, in, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void ps_body_free(ps_body *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oversize = 0;
}

ps_route_kind ps_route_parse(const char *path, const char **name, size_t *len)
{
    static const struct { const char *prefix; ps_route_kind kind; } kinds[] = {
        { "/app/", PS_ROUTE_WS }, { "/apps/", PS_ROUTE_API }, { "/auth/", PS_ROUTE_AUTH } };
    *name = NULL;
    *len = 0;
    for (size_t k = 0; path && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        size_t pl = strlen(kinds[k].prefix);
        if (strncmp(path, kinds[k].prefix, pl) != 0)
            continue;
        *name = path + pl;
        *len = strcspn(*name, "/?");
        return kinds[k].kind;
    }
    return PS_ROUTE_NONE;
}

static int unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

char *ps_query_join(const char *const *frag, const size_t *len, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t need = 1;
    for (size_t i = 0; i < n; i++)
        need += 3 * len[i] + 1;   /* worst case: every byte escaped, plus '&' */
    char *q = malloc(need), *o = q;
    if (!q)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int eq = 0;
        if (i)
            *o++ = '&';
        for (size_t j = 0; j < len[i]; j++) {
            unsigned char c = (unsigned char)frag[i][j];
            if (unreserved(c) || (c == '=' && !eq)) {
                eq |= c == '=';
                *o++ = (char)c;
            } else {
                *o++ = '%';
                *o++ = hex[c >> 4];
                *o++ = hex[c & 15];
            }
        }
    }
    *o = '\0';
    return q;
}

/* Decode s[0..n) into out (at least n + 1 bytes); returns the length. */
static size_t decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '+')
            out[o++] = ' ';
        else if (s[i] == '%' && i + 2 < n &&
                 (hi = ps_hex_value((unsigned char)s[i + 1])) >= 0 && (lo = ps_hex_value((unsigned char)s[i + 2])) >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else
            out[o++] = s[i];
    }
    out[o] = '\0';
    return o;
}

long ps_form_decode(const char *s, size_t n, ps_pair_fn emit, void *ctx)
{
    long pairs = 0;
    char *buf = malloc(2 * n + 2);
    if (!buf)
        return -1;
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && s[end] != '&')
            end++;
        size_t eq = i;
        while (eq < end && s[eq] != '=')
            eq++;
        if (eq > i) {
            char *k = buf, *v;
            size_t kl = decode(s + i, eq - i, k);
            v = k + kl + 1;
            size_t vl = eq < end ? decode(s + eq + 1, end - eq - 1, v) : (v[0] = '\0', 0);
            emit(ctx, k, kl, v, vl);
            pairs++;
        }
        i = end + 1;
    }
    free(buf);
    return pairs;
}
