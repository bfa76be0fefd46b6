/* ps_api_verify on hostile requests, checked against an independent reference
 * verifier: both must return the same status for every input.
 * Input: options byte, method \0 path \0 body \0 raw query (rest, NULs kept).
 * Options: bits 0-1 why buffer size; 2-3 grow the query (see grow(); modes
 * 0 and 1 leave it alone, so most runs stay small); 4 body NULL; 5 key NULL;
 * 6 secret NULL; 7 the clock near LLONG_MAX. */
#include "core/sign.h"
#include "fuzz_util.h"

#include <limits.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define KEY "278d425bdf160c739803"   /* the app in harness/tests/vectors */
#define SECRET "7ad3773142a6692b25b8"
#define NOW 1353088179LL
#define REF_MAX_PARAMS 64
#define REF_MAX_QUERY 65536

typedef struct {
    ps_param p[REF_MAX_PARAMS];
    size_t n;
    char *store[2 * REF_MAX_PARAMS];
} ref_query;

static int hexv(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* %XX and '+' decoded; NULL on a bad escape or a NUL in the result. */
static char *ref_unescape(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t j = 0;

    CHECK(out != NULL);
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3 || hexv(s[i + 1]) < 0 || hexv(s[i + 2]) < 0)
                goto bad;
            c = hexv(s[i + 1]) * 16 + hexv(s[i + 2]);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (c == 0)
            goto bad;
        out[j++] = (char)c;
    }
    out[j] = '\0';
    return out;
bad:
    free(out);
    return NULL;
}

static int lc(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int icmp(const char *a, const char *b)
{
    while (*a && lc((unsigned char)*a) == lc((unsigned char)*b))
        a++, b++;
    return lc((unsigned char)*a) - lc((unsigned char)*b);
}

static void ref_free(ref_query *q)
{
    for (size_t i = 0; i < 2 * q->n; i++)
        free(q->store[i]);
}

/* 0, or -1 for a query ps_api_verify must call malformed. */
static int ref_parse(const char *raw, size_t len, ref_query *q)
{
    size_t start = 0;

    q->n = 0;
    if (len > REF_MAX_QUERY)
        return -1;
    while (start < len) {
        const char *seg = raw + start, *amp = memchr(seg, '&', len - start);
        size_t slen = amp ? (size_t)(amp - seg) : len - start;
        start += slen + 1;
        if (slen == 0)
            continue;
        const char *eq = memchr(seg, '=', slen);
        size_t klen = eq ? (size_t)(eq - seg) : slen;
        if (klen == 0 || q->n == REF_MAX_PARAMS)
            return -1;
        char *k = ref_unescape(seg, klen);
        char *v = ref_unescape(seg + klen + (eq != NULL), slen - klen - (eq != NULL));
        q->store[2 * q->n] = k;
        q->store[2 * q->n + 1] = v;
        q->p[q->n++] = (ps_param){k, v};
        if (!k || !v)
            return -1;
    }
    for (size_t i = 0; i < q->n; i++)
        for (size_t j = i + 1; j < q->n; j++)
            if (icmp(q->p[i].key, q->p[j].key) == 0)
                return -1;
    return 0;
}

static const char *ref_get(const ref_query *q, const char *name)
{
    for (size_t i = 0; i < q->n; i++)
        if (icmp(q->p[i].key, name) == 0)
            return q->p[i].value;
    return NULL;
}

/* -?[0-9]+ within long long, and within 600 s of now. */
static int ref_ts_ok(const char *s, long long now)
{
    int neg = *s == '-';
    unsigned long long mag = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;

    s += neg;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || mag > (lim - (unsigned)(*s - '0')) / 10)
            return 0;
        mag = mag * 10 + (unsigned)(*s - '0');
    }
    /* t - now can overflow a long long, never an __int128 */
    __int128 t = neg ? -(__int128)mag : (__int128)mag, d = t - now;
    return d >= -600 && d <= 600;
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static int by_key(const void *a, const void *b)
{
    const ps_param *x = a, *y = b;
    return icmp(x->key, y->key);
}

/* METHOD\nPATH\nk=v&... built here, and compared with the library's. */
static char *ref_string_to_sign(const char *method, const char *path, const ref_query *q)
{
    ps_param s[REF_MAX_PARAMS];
    size_t m = 0, total = strlen(method) + strlen(path) + 3;

    for (size_t i = 0; i < q->n; i++)
        if (icmp(q->p[i].key, "auth_signature") != 0) {
            s[m++] = q->p[i];
            total += strlen(q->p[i].key) + strlen(q->p[i].value) + 2;
        }
    qsort(s, m, sizeof *s, by_key);
    char *out = malloc(total), *p = out;
    CHECK(out != NULL);
    p += sprintf(p, "%s\n%s\n", method, path);
    for (size_t i = 0; i < m; i++) {
        if (i)
            *p++ = '&';
        for (const char *k = s[i].key; *k; k++)
            *p++ = (char)lc((unsigned char)*k);
        *p++ = '=';
        p = stpcpy(p, s[i].value);
    }
    *p = '\0';
    char *lib = ps_api_string_to_sign(method, path, q->p, q->n);
    CHECK(lib != NULL && strcmp(lib, out) == 0);
    free(lib);
    return out;
}

static ps_api_status ref_verify(const char *method, const char *path, const char *raw, size_t qlen,
                                const char *body, size_t blen, const char *key,
                                const char *secret, long long now)
{
    ref_query q;
    ps_api_status st = PS_API_OK;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char want[2 * EVP_MAX_MD_SIZE + 1];

    if (ref_parse(raw, qlen, &q) != 0) {
        st = PS_API_MALFORMED_QUERY;
    } else if (!ref_get(&q, "auth_key") || !ref_get(&q, "auth_timestamp") ||
               !ref_get(&q, "auth_version") || !ref_get(&q, "auth_signature")) {
        st = PS_API_MISSING_PARAM;
    } else if (!key || strcmp(ref_get(&q, "auth_key"), key) != 0) {
        st = PS_API_BAD_KEY;
    } else if (strcmp(ref_get(&q, "auth_version"), "1.0") != 0) {
        st = PS_API_BAD_VERSION;
    } else if (!ref_ts_ok(ref_get(&q, "auth_timestamp"), now)) {
        st = PS_API_BAD_TIMESTAMP;
    } else if (ref_get(&q, "body_md5") || blen > 0) {
        const char *given = ref_get(&q, "body_md5");
        CHECK(EVP_Digest(body ? body : "", blen, md, &mdlen, EVP_md5(), NULL) == 1);
        hex(md, mdlen, want);
        if (!given || strcmp(given, want) != 0)
            st = PS_API_BAD_BODY_MD5;
    }
    if (st == PS_API_OK && !secret)
        st = PS_API_BAD_SIGNATURE;
    if (st == PS_API_OK) {
        char *sts = ref_string_to_sign(method, path, &q);
        CHECK(HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)sts,
                   strlen(sts), md, &mdlen) != NULL);
        hex(md, mdlen, want);
        if (strcmp(ref_get(&q, "auth_signature"), want) != 0)
            st = PS_API_BAD_SIGNATURE;
        free(sts);
    }
    ref_free(&q);
    return st;
}

/* Hostile sizes. Mode 2: the query repeated, then padded with empty '&'
 * segments to exactly 64 KiB, or one byte past it when its length is odd.
 * Mode 3: 63 distinct parameters appended (the limit is 64). */
static char *grow(const char *q, size_t len, int mode, size_t *outlen)
{
    size_t target = REF_MAX_QUERY + (len & 1), n = len;
    char *out = malloc(target + len + 8 * 63 + 2);

    CHECK(out != NULL);
    memcpy(out, q, len);
    if (mode == 3) {
        for (int i = 0; i < 63; i++)
            n += (size_t)sprintf(out + n, "&x%d=", i);
    } else {
        while (n + 1 + len <= target) {
            out[n++] = '&';
            memcpy(out + n, q, len);
            n += len;
        }
        while (n < target)
            out[n++] = '&';
    }
    *outlen = n;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t whylens[] = {0, 1, 17, 512};
    fz_fields fl;
    uint8_t opt = size ? data[0] : 0;
    long long now = (opt & 128) ? LLONG_MAX - 300 : NOW;

    fz_split(data + (size > 0), size - (size > 0), 4, &fl);
    size_t qlen = fl.len[3], wl = whylens[opt & 3];
    int mode = opt >> 2 & 3;
    char *q = mode >= 2 ? grow(fl.f[3], qlen, mode, &qlen) : fz_dup(fl.f[3], qlen);
    /* exact-size copies without terminator: any over-read is an ASan error */
    char *raw = malloc(qlen ? qlen : 1), *why = wl ? malloc(wl) : NULL;
    const char *body = (opt & 16) ? NULL : fl.f[2];
    size_t blen = (opt & 16) ? 0 : fl.len[2];
    const char *key = (opt & 32) ? NULL : KEY, *secret = (opt & 64) ? NULL : SECRET;

    CHECK(raw != NULL && (why || !wl));
    memcpy(raw, q, qlen);
    if (why)
        memset(why, 'Z', wl);
    ps_api_status st = ps_api_verify(fl.f[0], fl.f[1], raw, qlen, body, blen, key, secret, now,
                                     600, why, wl);
    ps_api_status want = ref_verify(fl.f[0], fl.f[1], raw, qlen, body, blen, key, secret, now);
    if (st != want)
        fprintf(stderr, "ps_api_verify: %s, reference: %s\n", ps_api_status_text(st),
                ps_api_status_text(want));
    CHECK(st == want);
    CHECK(!why || memchr(why, '\0', wl) != NULL);
    free(why);
    free(raw);
    free(q);
    fz_free(&fl, 4);
    return 0;
}
