/* HTTP API request signing and verification (auth_key, auth_timestamp,
 * auth_version, body_md5, auth_signature over the sorted query). */
#include "core/sign.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_MAX_PARAMS 64
#define API_MAX_QUERY (64u * 1024u)

/* ---- HTTP API ---- */

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Bytewise comparison of ASCII-lowercased strings. */
static int lower_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && lower(*x) == lower(*y)) {
        x++;
        y++;
    }
    return (int)lower(*x) - (int)lower(*y);
}

static const char *value_or_empty(const char *v)
{
    return v ? v : "";
}

static char *put(char *p, const char *s)
{
    size_t l = strlen(s);
    memcpy(p, s, l);
    return p + l;
}

/* Ties broken by value so the output does not depend on qsort's order. */
static int param_cmp(const void *pa, const void *pb)
{
    const ps_param *a = pa, *b = pb;
    int c = lower_cmp(a->key, b->key);
    return c ? c : strcmp(value_or_empty(a->value), value_or_empty(b->value));
}

char *ps_api_string_to_sign(const char *method, const char *path, const ps_param *params, size_t n)
{
    if (!method || !path || (n > 0 && !params))
        return NULL;
    if (n > SIZE_MAX / sizeof(ps_param) - 1)
        return NULL;

    /* A query ps_api_verify accepts has at most 64 params: no heap for those. */
    ps_param small[API_MAX_PARAMS + 1];
    ps_param *sorted = n <= API_MAX_PARAMS ? small : malloc((n + 1) * sizeof *sorted);
    if (!sorted)
        return NULL;
    size_t m = 0;
    size_t total = strlen(method) + 1 + strlen(path) + 1 + 1;
    for (size_t i = 0; i < n; i++) {
        if (!params[i].key) {
            if (sorted != small)
                free(sorted);
            return NULL;
        }
        if (lower_cmp(params[i].key, "auth_signature") == 0)
            continue;
        sorted[m++] = params[i];
        /* key '=' value '&'; cannot overflow for strings that fit in memory */
        total += strlen(params[i].key) + 1 + strlen(value_or_empty(params[i].value)) + 1;
    }
    qsort(sorted, m, sizeof *sorted, param_cmp);

    char *out = malloc(total), *p = out;
    if (!out) {
        if (sorted != small)
            free(sorted);
        return NULL;
    }
    p = put(p, method);
    *p++ = '\n';
    p = put(p, path);
    *p++ = '\n';
    for (size_t i = 0; i < m; i++) {
        if (i > 0)
            *p++ = '&';
        for (const char *k = sorted[i].key; *k; k++)
            *p++ = (char)lower((unsigned char)*k);
        *p++ = '=';
        p = put(p, value_or_empty(sorted[i].value));
    }
    *p = '\0';
    if (sorted != small)
        free(sorted);
    return out;
}

/* Keys are case-insensitive on the server, so "A" and "a" collide. */
static const char *duplicate_key(const ps_param *params, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (lower_cmp(params[i].key, params[j].key) == 0)
                return params[i].key;
    return NULL;
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static size_t escaped_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += unreserved((unsigned char)*s) ? 1 : 3;
    return n;
}

static char *escape_into(char *p, const char *s)
{
    static const char upper[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (unreserved(c)) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = upper[c >> 4];
            *p++ = upper[c & 15];
        }
    }
    return p;
}

/* k=v&k=v with keys and values percent-escaped. */
static char *build_query(const ps_param *params, size_t n)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += escaped_len(params[i].key) + 1 + escaped_len(value_or_empty(params[i].value)) + 1;
    char *out = malloc(total), *p = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *p++ = '&';
        p = escape_into(p, params[i].key);
        *p++ = '=';
        p = escape_into(p, value_or_empty(params[i].value));
    }
    *p = '\0';
    return out;
}

char *ps_api_sign_query(const char *method, const char *path, const ps_param *params, size_t n,
                        const char *key, const char *secret, long long timestamp,
                        const char *body, size_t bodylen)
{
    char ts[32], md5[PS_MD5_HEX_LEN + 1], sig[PS_HEX256_LEN + 1] = "";

    if (!method || !path || !key || !secret || (n > 0 && !params))
        return NULL;
    if (n > SIZE_MAX / sizeof(ps_param) - 5)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!params[i].key || !params[i].key[0]) /* "=v" is rejected by verifiers */
            return NULL;

    ps_param *all = malloc((n + 5) * sizeof *all);
    if (!all)
        return NULL;
    if (n > 0)
        memcpy(all, params, n * sizeof *all);
    size_t m = n;
    snprintf(ts, sizeof ts, "%lld", timestamp);
    all[m++] = (ps_param){"auth_key", key};
    all[m++] = (ps_param){"auth_timestamp", ts};
    all[m++] = (ps_param){"auth_version", "1.0"};
    if (body && bodylen > 0) {
        ps_md5_hex(body, bodylen, md5);
        all[m++] = (ps_param){"body_md5", md5};
    }

    /* Duplicates (e.g. a caller's own auth_key) would make the request
     * unverifiable, so refuse rather than send it. */
    all[m] = (ps_param){"auth_signature", sig};
    char *query = NULL;
    if (!duplicate_key(all, m + 1)) {
        char *sts = ps_api_string_to_sign(method, path, all, m);
        if (sts) {
            ps_hmac_hex(secret, sts, strlen(sts), sig);
            free(sts);
            query = build_query(all, m + 1);
        }
    }
    free(all);
    return query;
}

int ps_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode src[0..len) into dst (NUL-terminated). -1 on a bad escape or an
 * embedded NUL, which would silently truncate the C string. */
static int unescape(const char *src, size_t len, char *dst)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '%') {
            if (i + 2 >= len)
                return -1;
            int hi = ps_hex_value((unsigned char)src[i + 1]), lo = ps_hex_value((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (c == '\0')
            return -1;
        dst[j++] = (char)c;
    }
    dst[j] = '\0';
    return 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void say(char *why, size_t whylen, const char *fmt, ...)
{
    if (!why || whylen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

/* Printable, single-line, clipped copy of untrusted text for messages. */
static const char *clip(const char *s, char *buf, size_t size)
{
    size_t j = 0;
    for (; *s && j + 5 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n') {
            buf[j++] = '\\';
            buf[j++] = 'n';
        } else {
            buf[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
        }
    }
    if (*s) {
        memcpy(buf + j, "...", 3);
        j += 3;
    }
    buf[j] = '\0';
    return buf;
}

/* The parameters verification reads, looked up once per query. */
enum { AP_KEY, AP_TIMESTAMP, AP_VERSION, AP_SIGNATURE, AP_BODY_MD5, AP_COUNT };
static const char *const auth_names[AP_COUNT] = {"auth_key", "auth_timestamp", "auth_version",
                                                 "auth_signature", "body_md5"};

typedef struct {
    ps_param p[API_MAX_PARAMS];
    size_t n;
    char *arena;
    const char *auth[AP_COUNT]; /* values of auth_names (any case), NULL when absent */
} parsed_query;

/* Split and unescape raw into q. Returns PS_API_OK or PS_API_MALFORMED_QUERY. */
static ps_api_status parse_query(const char *raw, size_t qlen, parsed_query *q,
                                 char *why, size_t whylen)
{
    q->n = 0;
    q->arena = NULL;
    if (qlen > API_MAX_QUERY) {
        say(why, whylen, "query is %zu bytes (max %u)", qlen, API_MAX_QUERY);
        return PS_API_MALFORMED_QUERY;
    }
    if (qlen > 0 && !raw) {
        say(why, whylen, "query is NULL");
        return PS_API_MALFORMED_QUERY;
    }
    /* Decoding never grows text; each segment needs at most one extra NUL. */
    q->arena = malloc(2 * qlen + 2);
    if (!q->arena) {
        say(why, whylen, "out of memory");
        return PS_API_MALFORMED_QUERY;
    }
    char *dst = q->arena;
    size_t start = 0;
    while (start < qlen) {
        size_t end = start;
        while (end < qlen && raw[end] != '&')
            end++;
        if (end > start) { /* empty segments ("a=1&&b=2") are skipped */
            if (q->n == API_MAX_PARAMS) {
                say(why, whylen, "more than %d query parameters", API_MAX_PARAMS);
                return PS_API_MALFORMED_QUERY;
            }
            const char *eq = memchr(raw + start, '=', end - start);
            size_t klen = eq ? (size_t)(eq - (raw + start)) : end - start;
            if (klen == 0) {
                say(why, whylen, "empty parameter name at byte %zu", start);
                return PS_API_MALFORMED_QUERY;
            }
            char *k = dst;
            if (unescape(raw + start, klen, k) != 0) {
                say(why, whylen, "bad percent-escape in parameter name at byte %zu", start);
                return PS_API_MALFORMED_QUERY;
            }
            char *v = k + strlen(k) + 1;
            size_t voff = eq ? (size_t)(eq + 1 - raw) : end;
            if (unescape(raw + voff, end - voff, v) != 0) {
                char kb[48];
                say(why, whylen, "bad percent-escape in value of '%s'", clip(k, kb, sizeof kb));
                return PS_API_MALFORMED_QUERY;
            }
            dst = v + strlen(v) + 1;
            q->p[q->n++] = (ps_param){k, v};
        }
        start = end + 1;
    }
    const char *dup = duplicate_key(q->p, q->n);
    if (dup) {
        char kb[48];
        say(why, whylen, "duplicate query parameter '%s'", clip(dup, kb, sizeof kb));
        return PS_API_MALFORMED_QUERY;
    }
    /* Keys are unique by now, so one pass finds each name's only match. */
    for (size_t j = 0; j < AP_COUNT; j++)
        q->auth[j] = NULL;
    for (size_t i = 0; i < q->n; i++)
        for (size_t j = 0; j < AP_COUNT; j++)
            if (!q->auth[j] && lower_cmp(q->p[i].key, auth_names[j]) == 0) {
                q->auth[j] = q->p[i].value;
                break;
            }
    return PS_API_OK;
}

/* Strict integer: optional '-', then digits only (strtoll alone would accept
 * leading spaces and '+'); out of range is rejected. */
static int parse_ts(const char *s, long long *out)
{
    const char *d = (*s == '-') ? s + 1 : s;
    if (*d < '0' || *d > '9')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static ps_api_status check_missing(const parsed_query *q, char *why, size_t whylen)
{
    char list[128] = "";
    for (size_t i = AP_KEY; i <= AP_SIGNATURE; i++) { /* body_md5 is optional */
        if (q->auth[i])
            continue;
        if (list[0])
            strcat(list, ", ");
        strcat(list, auth_names[i]);
    }
    if (!list[0])
        return PS_API_OK;
    say(why, whylen, "missing %s", list);
    return PS_API_MISSING_PARAM;
}

static ps_api_status check_timestamp(const char *ts, long long now, long long window_s,
                                     char *why, size_t whylen)
{
    char tb[48];
    long long t;
    if (parse_ts(ts, &t) != 0) {
        say(why, whylen, "auth_timestamp '%s' is not an integer", clip(ts, tb, sizeof tb));
        return PS_API_BAD_TIMESTAMP;
    }
    /* Unsigned arithmetic: the distance between two long longs always fits. */
    unsigned long long d = t >= now ? (unsigned long long)t - (unsigned long long)now
                                    : (unsigned long long)now - (unsigned long long)t;
    unsigned long long w = window_s > 0 ? (unsigned long long)window_s : 0;
    if (d > w) {
        say(why, whylen, "auth_timestamp %lld is %llu s from now (window %llu s)", t, d, w);
        return PS_API_BAD_TIMESTAMP;
    }
    return PS_API_OK;
}

static ps_api_status check_body(const char *given, const char *body, size_t bodylen,
                                char *why, size_t whylen)
{
    char want[PS_MD5_HEX_LEN + 1], gb[48];
    if (!given) {
        if (bodylen == 0)
            return PS_API_OK;
        say(why, whylen, "body_md5 missing for a %zu-byte body", bodylen);
        return PS_API_BAD_BODY_MD5;
    }
    ps_md5_hex(body, bodylen, want);
    if (ps_secure_equal(given, want))
        return PS_API_OK;
    say(why, whylen, "body_md5 expected %s for the %zu-byte body, found '%s'", want, bodylen,
        clip(given, gb, sizeof gb));
    return PS_API_BAD_BODY_MD5;
}

static ps_api_status check_signature(const char *method, const char *path,
                                     const parsed_query *q, const char *secret,
                                     char *why, size_t whylen)
{
    char want[PS_HEX256_LEN + 1], gb[80], sb[200];
    const char *given = q->auth[AP_SIGNATURE];
    char *sts = ps_api_string_to_sign(method, path, q->p, q->n);
    if (!sts) {
        say(why, whylen, "could not build the string to sign");
        return PS_API_BAD_SIGNATURE;
    }
    ps_hmac_hex(secret, sts, strlen(sts), want);
    ps_api_status st = PS_API_OK;
    if (!ps_secure_equal(given, want)) {
        say(why, whylen, "auth_signature expected %s, found '%s' (string to sign \"%s\")", want,
            clip(given, gb, sizeof gb), clip(sts, sb, sizeof sb));
        st = PS_API_BAD_SIGNATURE;
    }
    free(sts);
    return st;
}

static ps_api_status verify_parsed(const char *method, const char *path, const parsed_query *q,
                                   const char *body, size_t bodylen,
                                   const char *key, const char *secret,
                                   long long now, long long window_s, char *why, size_t whylen)
{
    char gb[80], kb[80];
    ps_api_status st = check_missing(q, why, whylen);
    if (st != PS_API_OK)
        return st;

    const char *got_key = q->auth[AP_KEY];
    if (!key || strcmp(got_key, key) != 0) {
        say(why, whylen, "auth_key expected '%s', found '%s'", key ? clip(key, kb, sizeof kb) : "",
            clip(got_key, gb, sizeof gb));
        return PS_API_BAD_KEY;
    }
    const char *ver = q->auth[AP_VERSION];
    if (strcmp(ver, "1.0") != 0) {
        say(why, whylen, "auth_version expected 1.0, found '%s'", clip(ver, gb, sizeof gb));
        return PS_API_BAD_VERSION;
    }
    st = check_timestamp(q->auth[AP_TIMESTAMP], now, window_s, why, whylen);
    if (st != PS_API_OK)
        return st;
    st = check_body(q->auth[AP_BODY_MD5], body, bodylen, why, whylen);
    if (st != PS_API_OK)
        return st;
    if (!secret) {
        say(why, whylen, "no app secret to check auth_signature with");
        return PS_API_BAD_SIGNATURE;
    }
    return check_signature(method, path, q, secret, why, whylen);
}

ps_api_status ps_api_verify(const char *method, const char *path,
                            const char *raw_query, size_t qlen,
                            const char *body, size_t bodylen,
                            const char *key, const char *secret,
                            long long now, long long window_s,
                            char *why, size_t whylen)
{
    parsed_query q;
    if (!body)
        bodylen = 0;
    ps_api_status st = parse_query(raw_query, qlen, &q, why, whylen);
    if (st == PS_API_OK)
        st = verify_parsed(method, path, &q, body, bodylen, key, secret, now, window_s, why,
                           whylen);
    if (st == PS_API_OK)
        say(why, whylen, "ok");
    free(q.arena);
    return st;
}

const char *ps_api_status_text(ps_api_status s)
{
    switch (s) {
    case PS_API_OK: return "ok";
    case PS_API_MISSING_PARAM: return "missing parameter";
    case PS_API_BAD_KEY: return "bad auth_key";
    case PS_API_BAD_VERSION: return "bad auth_version";
    case PS_API_BAD_TIMESTAMP: return "bad auth_timestamp";
    case PS_API_BAD_BODY_MD5: return "bad body_md5";
    case PS_API_BAD_SIGNATURE: return "bad auth_signature";
    case PS_API_MALFORMED_QUERY: return "malformed query";
    }
    return "unknown status";
}
