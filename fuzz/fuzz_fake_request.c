/* What the fake server and the webhook receiver read from a request:
 * route, query, form and body. Input: path \0 fragments (cut at 0x01) \0 form
 * text \0 body.
 *
 * Properties: the route's name is the slice after the prefix up to '/' or
 * '?'; a joined query holds only unreserved bytes, '=', '&' and %XX, and
 * decodes back to the fragments (split at their first '='); decoding any form
 * text, re-escaping the pairs and decoding again gives the same pairs; a body
 * fed in chunks is the concatenation, cut at its limit with oversize set. */
#include "core/httpreq.h"
#include "fuzz_util.h"

#define MAXP 64

typedef struct {
    size_t n;
    char *k[MAXP], *v[MAXP];
    size_t kl[MAXP], vl[MAXP];
    size_t more;   /* pairs past MAXP */
} pairs;

static void keep_pair(void *ctx, const char *k, size_t kl, const char *v, size_t vl)
{
    pairs *p = ctx;
    CHECK(kl > 0);
    CHECK(k[kl] == '\0' && v[vl] == '\0');
    if (p->n == MAXP) {
        p->more++;
        return;
    }
    p->k[p->n] = fz_dup(k, kl);
    p->v[p->n] = fz_dup(v, vl);
    p->kl[p->n] = kl;
    p->vl[p->n] = vl;
    p->n++;
}

static void pairs_free(pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->k[i]);
        free(p->v[i]);
    }
}

static long decode(const char *s, size_t n, pairs *out)
{
    memset(out, 0, sizeof(*out));
    char *exact = fz_dup(s, n);
    long got = ps_form_decode(exact, n, keep_pair, out);
    free(exact);
    CHECK(got >= 0 && (size_t)got == out->n + out->more);
    return got;
}

static void check_route(const char *path)
{
    const char *name;
    size_t len;
    ps_route_kind k = ps_route_parse(path, &name, &len);
    static const char *const prefix[] = { NULL, "/app/", "/apps/", "/auth/" };

    if (k == PS_ROUTE_NONE) {
        CHECK(name == NULL && len == 0);
        for (int i = 1; i < 4; i++)
            CHECK(strncmp(path, prefix[i], strlen(prefix[i])) != 0);
        return;
    }
    CHECK(k >= PS_ROUTE_WS && k <= PS_ROUTE_AUTH);
    CHECK(name == path + strlen(prefix[k]) && strncmp(path, prefix[k], strlen(prefix[k])) == 0);
    CHECK(len <= strlen(name));
    CHECK(memchr(name, '/', len) == NULL && memchr(name, '?', len) == NULL);
    CHECK(name[len] == '\0' || name[len] == '/' || name[len] == '?');
}

static int query_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~' || c == '=' || c == '&';
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Fragments as libwebsockets gives them ("k=v", decoded); join, decode. */
static void check_join(const char *blob, size_t n)
{
    const char *frag[MAXP];
    size_t len[MAXP], nf = 0;

    for (size_t at = 0; nf < MAXP;) {
        const char *cut = memchr(blob + at, 1, n - at);
        size_t end = cut ? (size_t)(cut - blob) : n;
        frag[nf] = fz_dup(blob + at, end - at);   /* exact: NUL bytes stay inside */
        len[nf++] = end - at;
        if (!cut)
            break;
        at = end + 1;
    }
    char *q = ps_query_join(frag, len, nf);
    CHECK(q != NULL);
    size_t ql = strlen(q), amps = 0;
    for (size_t i = 0; i < ql; i++) {
        unsigned char c = (unsigned char)q[i];
        if (c == '%') {
            CHECK(i + 2 < ql && is_hex((unsigned char)q[i + 1]) && is_hex((unsigned char)q[i + 2]));
            i += 2;
        } else {
            CHECK(query_char(c));
            amps += c == '&';
        }
    }
    CHECK(amps + 1 == nf || (nf == 0 && ql == 0));

    pairs p;
    decode(q, ql, &p);
    size_t j = 0;
    for (size_t i = 0; i < nf; i++) {
        const char *eq = memchr(frag[i], '=', len[i]);
        size_t kl = eq ? (size_t)(eq - frag[i]) : len[i];
        if (kl == 0)
            continue;   /* no key: skipped by the decoder */
        CHECK(j < p.n + p.more);
        if (j < p.n) {
            size_t vl = eq ? len[i] - kl - 1 : 0;
            CHECK(p.kl[j] == kl && memcmp(p.k[j], frag[i], kl) == 0);
            CHECK(p.vl[j] == vl && (vl == 0 || memcmp(p.v[j], eq + 1, vl) == 0));
        }
        j++;
    }
    CHECK(j == p.n + p.more);
    pairs_free(&p);
    free(q);
    for (size_t i = 0; i < nf; i++)
        free((char *)frag[i]);
}

/* Decode, escape the pairs back with the joiner, decode again. */
static void check_form(const char *text, size_t n)
{
    pairs a, b;
    long got = decode(text, n, &a);
    size_t amps = 0;

    for (size_t i = 0; i < n; i++)
        amps += text[i] == '&';
    CHECK((size_t)got <= amps + 1);

    const char *frag[MAXP];
    size_t len[MAXP], nf = 0;
    int clean = a.more == 0;
    for (size_t i = 0; i < a.n; i++) {
        if (memchr(a.k[i], '=', a.kl[i]))
            clean = 0;   /* a decoded '=' in a key reads as the separator: ambiguous */
        char *f = malloc(a.kl[i] + a.vl[i] + 2);
        CHECK(f != NULL);
        memcpy(f, a.k[i], a.kl[i]);
        f[a.kl[i]] = '=';
        memcpy(f + a.kl[i] + 1, a.v[i], a.vl[i]);
        frag[nf] = f;
        len[nf++] = a.kl[i] + a.vl[i] + 1;
    }
    char *q = ps_query_join(frag, len, nf);
    CHECK(q != NULL);
    decode(q, strlen(q), &b);
    if (clean) {
        CHECK(a.n == b.n);
        for (size_t i = 0; i < a.n; i++) {
            CHECK(a.kl[i] == b.kl[i] && memcmp(a.k[i], b.k[i], a.kl[i]) == 0);
            CHECK(a.vl[i] == b.vl[i] && memcmp(a.v[i], b.v[i], a.vl[i]) == 0);
        }
    }
    free(q);
    for (size_t i = 0; i < nf; i++)
        free((char *)frag[i]);
    pairs_free(&a);
    pairs_free(&b);
}

static void check_body(const char *data, size_t n, uint64_t h)
{
    size_t limit = (size_t)(h % (n + 8));
    ps_body b;

    ps_body_init(&b, limit);
    for (size_t at = 0; at < n;) {
        size_t chunk = 1 + (size_t)((h >> 8) % 61);
        if (chunk > n - at)
            chunk = n - at;
        char *c = fz_dup(data + at, chunk);
        CHECK(ps_body_append(&b, c, chunk) == 0);
        free(c);
        at += chunk;
        h = h * 6364136223846793005ull + 1442695040888963407ull;
    }
    CHECK(b.len <= limit);
    if (n <= limit) {
        CHECK(!b.oversize && b.len == n);
    } else {
        CHECK(b.oversize);
    }
    if (b.len) {
        CHECK(b.data[b.len] == '\0' && memcmp(b.data, data, b.len) == 0);
    }
    ps_body_free(&b);
    CHECK(b.data == NULL && b.len == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_fields f;

    fz_split(data, size, 4, &f);
    check_route(f.f[0]);
    check_join(f.f[1], f.len[1]);
    check_form(f.f[2], f.len[2]);
    check_body(f.f[3], f.len[3], fz_hash(data, size));
    fz_free(&f, 4);
    return 0;
}
