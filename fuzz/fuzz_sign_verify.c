/* Every signer round trip on fuzzed fields: what is signed verifies, and a
 * one-byte change anywhere makes verification fail.
 * Input: key \0 secret \0 socket_id \0 channel \0 channel_data \0 body \0 path
 *        (\0 param_key \0 param_value)*                                   */
#include "core/sign.h"
#include "fuzz_util.h"

#include <limits.h>

#include <cjson/cJSON.h>

enum { F_KEY, F_SECRET, F_SID, F_CHANNEL, F_CDATA, F_BODY, F_PATH, F_PARAMS };
#define MAX_PARAMS 8
#define NFIELDS (F_PARAMS + 2 * MAX_PARAMS)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return ps_sign_init();
}

/* Sign, check the "KEY:hex" shape, verify, then verify a one-byte change. */
static void check_auth(const char *key, const char *secret, const char *sid,
                       const char *ch, const char *cd, int user, uint64_t h)
{
    size_t klen = strlen(key), outlen = klen + 1 + PS_HEX256_LEN + 1;
    char *auth = malloc(outlen);
    int rc;

    CHECK(auth != NULL);
    rc = user ? ps_sign_user(key, secret, sid, cd, auth, outlen - 1)
              : ps_sign_channel(key, secret, sid, ch, cd, auth, outlen - 1);
    CHECK(rc == -1);   /* one byte too small */
    rc = user ? ps_sign_user(key, secret, sid, cd, auth, outlen)
              : ps_sign_channel(key, secret, sid, ch, cd, auth, outlen);
    CHECK(rc == 0);
    CHECK(strlen(auth) == outlen - 1 && memcmp(auth, key, klen) == 0 && auth[klen] == ':');
    CHECK(fz_is_hex64(auth + klen + 1));
#define VERIFY(a) (user ? ps_verify_user(key, secret, sid, cd, a) \
                        : ps_verify_channel(key, secret, sid, ch, cd, a))
    CHECK(VERIFY(auth) == 1);
    if (!user && cd)   /* a presence auth is not a private auth */
        CHECK(ps_verify_channel(key, secret, sid, ch, NULL, auth) == 0);
    fz_flip(auth, h % (outlen - 1));
    CHECK(VERIFY(auth) == 0);
    auth[outlen - 2] = '\0';   /* truncated */
    CHECK(VERIFY(auth) == 0);
#undef VERIFY
    free(auth);
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* ps_api_sign_query must refuse exactly these: empty keys and duplicate
 * keys (case-insensitive), including the auth_* and body_md5 it adds. */
static int expect_refused(const ps_param *p, size_t n, int has_body)
{
    const char *all[MAX_PARAMS + 5];
    size_t m = 0;

    for (size_t i = 0; i < n; i++) {
        if (!p[i].key[0])
            return 1;
        all[m++] = p[i].key;
    }
    all[m++] = "auth_key";
    all[m++] = "auth_timestamp";
    all[m++] = "auth_version";
    all[m++] = "auth_signature";
    if (has_body)
        all[m++] = "body_md5";
    for (size_t i = 0; i < m; i++)
        for (size_t j = i + 1; j < m; j++)
            if (ieq(all[i], all[j]))
                return 1;
    return 0;
}

/* Value of the "name=value" segment of an '&'-joined query; a segment whose
 * name merely ends in name does not count. */
static char *find_value(char *q, const char *name)
{
    size_t n = strlen(name);

    for (char *seg = q; seg; seg = strchr(seg, '&') ? strchr(seg, '&') + 1 : NULL)
        if (strncmp(seg, name, n) == 0 && seg[n] == '=')
            return seg + n + 1;
    return NULL;
}

static void check_api(const fz_fields *fl, uint64_t h)
{
    const char *method = (h & 1) ? "POST" : "GET";
    const char *path = fl->len[F_PATH] ? fl->f[F_PATH] : "/apps/3/events";
    const char *key = fl->f[F_KEY], *secret = fl->f[F_SECRET];
    const char *body = (fl->len[F_BODY] || !(h & 2)) ? fl->f[F_BODY] : NULL;
    size_t blen = fl->len[F_BODY], np = 0;
    ps_param params[MAX_PARAMS];
    long long ts;
    int user_md5 = 0;   /* a caller's own body_md5 is not checked against the body */
    char why[256];

    memcpy(&ts, &h, sizeof ts);
    for (size_t i = F_PARAMS; i + 1 < NFIELDS && i < fl->n; i += 2) {
        const char *v = fl->len[i + 1] || !(h & 4) ? fl->f[i + 1] : NULL;
        params[np++] = (ps_param){fl->f[i], v};
        user_md5 |= ieq(fl->f[i], "body_md5");
    }
    char *q = ps_api_sign_query(method, path, params, np, key, secret, ts, body, blen);
    CHECK((q == NULL) == expect_refused(params, np, blen > 0));
    if (!q)
        return;
    size_t qlen = strlen(q);
    for (size_t i = 0; i < qlen; i++)   /* everything but the separators escaped */
        CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%=&",
                     q[i]) != NULL);
    if (qlen > 64 * 1024 || user_md5) {   /* over ps_api_verify's query limit */
        free(q);
        return;
    }
#define V(qq, b, bl, k, s, now) \
    ps_api_verify(method, path, qq, qlen, b, bl, k, s, now, 600, why, sizeof why)
    ps_api_status st = V(q, body, blen, key, secret, ts);
    if (st != PS_API_OK)
        fprintf(stderr, "verify: %s\n", why);
    CHECK(st == PS_API_OK);
    if (ts <= LLONG_MAX - 601)
        CHECK(V(q, body, blen, key, secret, ts + 601) == PS_API_BAD_TIMESTAMP);
    if (ts >= LLONG_MIN + 601)
        CHECK(V(q, body, blen, key, secret, ts - 600) == PS_API_OK);

    char *k2 = fz_dup(key, strlen(key)), *s2 = malloc(strlen(secret) + 2);
    CHECK(s2 != NULL);
    strcpy(s2, secret);
    strcat(s2, "x");
    if (k2[0]) {
        fz_flip(k2, h % strlen(k2));
        CHECK(V(q, body, blen, k2, secret, ts) == PS_API_BAD_KEY);
    }
    CHECK(V(q, body, blen, key, s2, ts) == PS_API_BAD_SIGNATURE);

    /* one byte of body changed, or a body appearing */
    char *b2 = fz_dup(blen ? body : "x", blen ? blen : 1);
    fz_flip(b2, (h >> 8) % (blen ? blen : 1));
    CHECK(V(q, b2, blen ? blen : 1, key, secret, ts) == PS_API_BAD_BODY_MD5);

    /* one hex digit of the signature changed */
    char *sig = find_value(q, "auth_signature");
    CHECK(sig != NULL && strcspn(sig, "&") == PS_HEX256_LEN);
    sig += (h >> 16) % PS_HEX256_LEN;
    *sig = *sig == '0' ? '1' : '0';
    CHECK(V(q, body, blen, key, secret, ts) == PS_API_BAD_SIGNATURE);
#undef V
    free(b2);
    free(k2);
    free(s2);
    free(q);
}

static void check_webhook(const char *key, const char *secret, const char *body, size_t len,
                          uint64_t h)
{
    char sig[PS_HEX256_LEN + 1];

    ps_webhook_sign(secret, body, len, sig);
    CHECK(fz_is_hex64(sig));
    CHECK(ps_webhook_verify(key, secret, key, sig, body, len) == 1);
    char *hk = fz_dup(key, strlen(key));
    if (hk[0]) {
        fz_flip(hk, h % strlen(hk));
        CHECK(ps_webhook_verify(key, secret, hk, sig, body, len) == 0);
    }
    if (len) {
        char *b = fz_dup(body, len);
        fz_flip(b, (h >> 8) % len);
        CHECK(ps_webhook_verify(key, secret, key, sig, b, len) == 0);
        free(b);
    }
    fz_flip(sig, (h >> 16) % PS_HEX256_LEN);
    CHECK(ps_webhook_verify(key, secret, key, sig, body, len) == 0);
    free(hk);
}

static const char *member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    CHECK(cJSON_IsString(v));
    return v->valuestring;
}

static void check_crypto(const char *channel, const char *secret, const char *plain, size_t len,
                         uint64_t h)
{
    unsigned char master[32], key[32], nonce[24];
    size_t slen = strlen(secret), outlen = 0;

    for (size_t i = 0; i < 32; i++)   /* secret bytes, cycled, as master key */
        master[i] = slen ? (unsigned char)secret[i % slen] : (unsigned char)i;
    for (size_t i = 0; i < 24; i++)
        nonce[i] = (unsigned char)(h >> (i % 8 * 8));
    ps_shared_secret(channel, master, key);
    char *json = ps_encrypt_payload(key, (h & 8) ? NULL : nonce, plain, len);
    CHECK(json != NULL);
    cJSON *o = cJSON_Parse(json);
    CHECK(o != NULL);
    const char *nb = member(o, "nonce"), *cb = member(o, "ciphertext");

    char *out = ps_decrypt_payload(key, nb, cb, &outlen);
    CHECK(out != NULL && outlen == len && memcmp(out, plain, len) == 0 && out[len] == '\0');
    free(out);

    /* one ciphertext byte changed: authentication must fail */
    size_t cmax = strlen(cb), clen;
    unsigned char *ct = malloc(cmax);
    CHECK(ct != NULL);
    long got = ps_b64_decode(cb, cmax, ct, cmax);
    CHECK(got == (long)len + 16);
    clen = (size_t)got;
    ct[(h >> 24) % clen] ^= (unsigned char)(1u << (h >> 40) % 8);
    char *bad = ps_b64_encode(ct, clen);
    CHECK(ps_decrypt_payload(key, nb, bad, &outlen) == NULL);
    key[h % 32] ^= 0x80;   /* and the wrong key */
    CHECK(ps_decrypt_payload(key, nb, cb, &outlen) == NULL);
    free(bad);
    free(ct);
    cJSON_Delete(o);
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_fields fl;
    uint64_t h = fz_hash(data, size);

    fz_split(data, size, NFIELDS, &fl);
    const char *key = fl.f[F_KEY], *secret = fl.f[F_SECRET], *sid = fl.f[F_SID];
    const char *ch = fl.f[F_CHANNEL], *cd = fl.f[F_CDATA];

    check_auth(key, secret, sid, ch, NULL, 0, h);
    check_auth(key, secret, sid, ch, cd, 0, h >> 8);
    check_auth(key, secret, sid, NULL, cd, 1, h >> 16);
    check_api(&fl, h);
    check_webhook(key, secret, fl.f[F_BODY], fl.len[F_BODY], h);
    check_crypto(ch, secret, fl.f[F_BODY], fl.len[F_BODY], h);
    fz_free(&fl, NFIELDS);
    return 0;
}
