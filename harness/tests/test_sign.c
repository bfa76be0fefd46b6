/* Unit tests for the signer: every known-answer vector in vectors/signing.json,
 * then tamper, hostile-input and round-trip cases. */
#include "check.h"
#include "core/sign.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#ifndef PS_TEST_DATA
#error "PS_TEST_DATA must name the harness/tests directory"
#endif

static const char *app_key, *app_secret;
static unsigned char master[32];

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    char chunk[4096];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got + 1 > cap) {
            cap = (len + got + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, got);
        len += got;
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* String member or NULL. */
static const char *str(const cJSON *obj, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* The array for a category; a missing or empty one fails the run. */
static const cJSON *category(const cJSON *root, const char *name)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, name);
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    if (n == 0)
        fprintf(stderr, "vector category '%s' is missing or empty\n", name);
    CHECK(n > 0);
    return arr;
}

static char *b64_of(const unsigned char *bin, size_t len)
{
    return ps_b64_encode(bin, len);
}

static void vectors_channel_auth(const cJSON *root)
{
    const cJSON *v;
    const cJSON *arr = category(root, "channel_auth");
    cJSON_ArrayForEach(v, arr) {
        const char *sid = str(v, "socket_id"), *ch = str(v, "channel");
        const char *data = str(v, "channel_data"), *want = str(v, "auth");
        const char *sts = str(v, "string_to_sign"), *shared = str(v, "shared_secret");
        char out[256], hex[PS_HEX256_LEN + 1];
        CHECK(sid && ch && want);
        if (!sid || !ch || !want)
            continue;
        CHECK_INT(ps_sign_channel(app_key, app_secret, sid, ch, data, out, sizeof out), 0);
        CHECK_STR(out, want);
        if (sts) {   /* what ps_sign_channel signed is the vector's string to sign, byte for byte */
            ps_hmac_hex(app_secret, sts, strlen(sts), hex);
            CHECK(strchr(out, ':') != NULL);
            CHECK_STR(strchr(out, ':') ? strchr(out, ':') + 1 : "", hex);
        }
        CHECK(ps_verify_channel(app_key, app_secret, sid, ch, data, want));
        if (shared) {
            unsigned char s[32];
            ps_shared_secret(ch, master, s);
            char *b = b64_of(s, 32);
            CHECK_STR(b, shared);
            free(b);
        }
    }
}

static void vectors_user_auth(const cJSON *root)
{
    const cJSON *v;
    const cJSON *arr = category(root, "user_auth");
    cJSON_ArrayForEach(v, arr) {
        const char *sid = str(v, "socket_id"), *ud = str(v, "user_data");
        const char *want = str(v, "auth"), *sts = str(v, "string_to_sign");
        char out[256], hex[PS_HEX256_LEN + 1];
        CHECK(sid && ud && want);
        if (!sid || !ud || !want)
            continue;
        CHECK_INT(ps_sign_user(app_key, app_secret, sid, ud, out, sizeof out), 0);
        CHECK_STR(out, want);
        if (sts) {   /* what ps_sign_user signed is the vector's string to sign, byte for byte */
            ps_hmac_hex(app_secret, sts, strlen(sts), hex);
            CHECK(strchr(out, ':') != NULL);
            CHECK_STR(strchr(out, ':') ? strchr(out, ':') + 1 : "", hex);
        }
        CHECK(ps_verify_user(app_key, app_secret, sid, ud, want));
    }
}

/* The vector's params as ps_param, plus the auth ones when with_auth. */
static size_t http_params(const cJSON *v, ps_param *p, size_t max, int with_auth)
{
    size_t n = 0;
    const cJSON *it;
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(v, "params");
    cJSON_ArrayForEach(it, obj) {
        if (n < max && cJSON_IsString(it))
            p[n++] = (ps_param){it->string, it->valuestring};
    }
    if (with_auth && n + 4 <= max) {
        p[n++] = (ps_param){"auth_key", app_key};
        p[n++] = (ps_param){"auth_timestamp", str(v, "auth_timestamp")};
        p[n++] = (ps_param){"auth_version", "1.0"};
        if (str(v, "body_md5"))
            p[n++] = (ps_param){"body_md5", str(v, "body_md5")};
    }
    return n;
}

static void vectors_http_api(const cJSON *root)
{
    const cJSON *v;
    const cJSON *arr = category(root, "http_api");
    cJSON_ArrayForEach(v, arr) {
        const char *method = str(v, "method"), *path = str(v, "path");
        const char *ts = str(v, "auth_timestamp"), *body = str(v, "body");
        const char *md5 = str(v, "body_md5"), *sts = str(v, "string_to_sign");
        const char *sig = str(v, "auth_signature");
        ps_param p[32];
        char hex[PS_HEX256_LEN + 1], md[PS_MD5_HEX_LEN + 1], why[512];
        CHECK(method && path && ts && sig);
        if (!method || !path || !ts || !sig)
            continue;
        size_t blen = body ? strlen(body) : 0;
        if (body || md5) {
            CHECK(body && md5);
            ps_md5_hex(body ? body : "", blen, md);
            CHECK_STR(md, md5);
        }
        size_t n = http_params(v, p, 32, 1);
        char *got = ps_api_string_to_sign(method, path, p, n);
        if (sts)
            CHECK_STR(got, sts);
        ps_hmac_hex(app_secret, got ? got : "", got ? strlen(got) : 0, hex);
        CHECK_STR(hex, sig);
        free(got);

        /* Signing from the bare params must give the same signature and verify. */
        long long t = strtoll(ts, NULL, 10);
        n = http_params(v, p, 32, 0);
        char *q = ps_api_sign_query(method, path, p, n, app_key, app_secret, t, body, blen);
        CHECK(q != NULL);
        char needle[128];
        snprintf(needle, sizeof needle, "auth_signature=%s", sig);
        CHECK(q && strstr(q, needle) != NULL);
        why[0] = '\0';
        CHECK_INT(ps_api_verify(method, path, q, q ? strlen(q) : 0, body, blen, app_key,
                                app_secret, t + 600, 600, why, sizeof why), PS_API_OK);
        CHECK_STR(why, "ok");
        free(q);
    }
}

static void vectors_webhook(const cJSON *root)
{
    const cJSON *v;
    const cJSON *arr = category(root, "webhook");
    cJSON_ArrayForEach(v, arr) {
        const char *body = str(v, "body"), *k = str(v, "x_pusher_key");
        const char *sig = str(v, "x_pusher_signature");
        char hex[PS_HEX256_LEN + 1];
        CHECK(body && k && sig);
        if (!body || !k || !sig)
            continue;
        size_t len = strlen(body);
        CHECK_STR(k, app_key);
        ps_webhook_sign(app_secret, body, len, hex);
        CHECK_STR(hex, sig);
        CHECK(ps_webhook_verify(app_key, app_secret, k, sig, body, len));

        char *bad = malloc(len + 1);
        memcpy(bad, body, len + 1);
        bad[len / 2] ^= 1;
        CHECK(!ps_webhook_verify(app_key, app_secret, k, sig, bad, len));
        CHECK(!ps_webhook_verify(app_key, app_secret, k, sig, body, len - 1));
        free(bad);

        char badsig[PS_HEX256_LEN + 1];
        memcpy(badsig, sig, sizeof badsig);
        badsig[0] = badsig[0] == '0' ? '1' : '0';
        CHECK(!ps_webhook_verify(app_key, app_secret, k, badsig, body, len));
        CHECK(!ps_webhook_verify(app_key, app_secret, "not-the-key", sig, body, len));
        CHECK(!ps_webhook_verify(app_key, app_secret, k, "", body, len));
        CHECK(!ps_webhook_verify(app_key, app_secret, NULL, sig, body, len));
        CHECK(!ps_webhook_verify(app_key, app_secret, k, NULL, body, len));
    }
}

static void vectors_encrypted(const cJSON *root)
{
    const cJSON *v;
    const cJSON *arr = category(root, "encrypted_payload");
    cJSON_ArrayForEach(v, arr) {
        const char *ch = str(v, "channel"), *shared = str(v, "shared_secret");
        const char *nonce = str(v, "nonce"), *plain = str(v, "plaintext");
        const char *ct = str(v, "ciphertext");
        unsigned char key[32], n24[24];
        CHECK(ch && shared && nonce && plain && ct);
        if (!ch || !shared || !nonce || !plain || !ct)
            continue;

        ps_shared_secret(ch, master, key);
        char *b = b64_of(key, 32);
        CHECK_STR(b, shared);
        free(b);
        CHECK_INT(ps_b64_decode(shared, strlen(shared), key, sizeof key), 32);
        CHECK_INT(ps_b64_decode(nonce, strlen(nonce), n24, sizeof n24), 24);

        char want[1024];
        snprintf(want, sizeof want, "{\"nonce\":\"%s\",\"ciphertext\":\"%s\"}", nonce, ct);
        char *json = ps_encrypt_payload(key, n24, plain, strlen(plain));
        CHECK_STR(json, want);
        free(json);

        size_t outlen = 0;
        char *back = ps_decrypt_payload(key, nonce, ct, &outlen);
        CHECK_STR(back, plain);
        CHECK_INT(outlen, strlen(plain));
        free(back);

        /* Flip one ciphertext byte: authentication must fail. */
        unsigned char raw[512];
        long rl = ps_b64_decode(ct, strlen(ct), raw, sizeof raw);
        CHECK(rl > 0);
        if (rl > 0) {
            raw[rl / 2] ^= 0x01;
            char *tampered = b64_of(raw, (size_t)rl);
            CHECK(ps_decrypt_payload(key, nonce, tampered, NULL) == NULL);
            free(tampered);
        }
        /* Wrong key. */
        unsigned char other[32];
        memcpy(other, key, 32);
        other[0] ^= 0x80;
        CHECK(ps_decrypt_payload(other, nonce, ct, NULL) == NULL);
    }
}

static void run_vectors(void)
{
    char *text = read_file(PS_TEST_DATA "/vectors/signing.json");
    CHECK(text != NULL);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    CHECK(root != NULL);
    free(text);
    if (!root)
        return;
    const cJSON *app = cJSON_GetObjectItemCaseSensitive(root, "app");
    app_key = str(app, "key");
    app_secret = str(app, "secret");
    const char *mk = str(app, "encryption_master_key_base64");
    CHECK(app_key && app_secret && mk);
    if (!app_key || !app_secret || !mk) {
        cJSON_Delete(root);
        return;
    }
    CHECK_INT(ps_b64_decode(mk, strlen(mk), master, sizeof master), 32);

    vectors_channel_auth(root);
    vectors_user_auth(root);
    vectors_http_api(root);
    vectors_webhook(root);
    vectors_encrypted(root);
    cJSON_Delete(root);
    app_key = app_secret = NULL;
}

/* ---- beyond the vectors ---- */

#define KEY "278d425bdf160c739803"
#define SECRET "7ad3773142a6692b25b8"

static void test_channel_tamper(void)
{
    char auth[128], bad[160];
    const char *data = "{\"user_id\":10}";
    CHECK_INT(ps_sign_channel(KEY, SECRET, "1.2", "presence-x", data, auth, sizeof auth), 0);
    CHECK(ps_verify_channel(KEY, SECRET, "1.2", "presence-x", data, auth));

    memcpy(bad, auth, sizeof auth);
    bad[strlen(bad) - 1] ^= 1;
    CHECK(!ps_verify_channel(KEY, SECRET, "1.2", "presence-x", data, bad));
    CHECK(!ps_verify_channel(KEY, SECRET, "1.3", "presence-x", data, auth));
    CHECK(!ps_verify_channel(KEY, SECRET, "1.2", "presence-y", data, auth));
    CHECK(!ps_verify_channel(KEY, SECRET, "1.2", "presence-x", "{\"user_id\":11}", auth));
    CHECK(!ps_verify_channel(KEY, SECRET, "1.2", "presence-x", NULL, auth));
    CHECK(!ps_verify_channel(KEY, "other", "1.2", "presence-x", data, auth));
    CHECK(!ps_verify_channel("otherkey", SECRET, "1.2", "presence-x", data, auth));
    CHECK(!ps_verify_channel(KEY, SECRET, "1.2", "presence-x", data, ""));
    CHECK(!ps_verify_channel(KEY, SECRET, "1.2", "presence-x", data, NULL));
    CHECK(!ps_verify_channel(KEY, NULL, "1.2", "presence-x", data, auth));
    /* An auth with extra trailing bytes is not the same auth. */
    snprintf(bad, sizeof bad, "%sx", auth);
    CHECK(!ps_verify_channel(KEY, SECRET, "1.2", "presence-x", data, bad));

    /* Private vs presence form differ. */
    char priv[128];
    CHECK_INT(ps_sign_channel(KEY, SECRET, "1.2", "private-x", NULL, priv, sizeof priv), 0);
    CHECK(ps_verify_channel(KEY, SECRET, "1.2", "private-x", NULL, priv));
    CHECK(!ps_verify_channel(KEY, SECRET, "1.2", "private-x", "", priv));

    /* Output buffer exactly big enough, and one byte short. */
    size_t need = strlen(KEY) + 1 + PS_HEX256_LEN + 1;
    CHECK_INT(ps_sign_channel(KEY, SECRET, "1.2", "private-x", NULL, bad, need), 0);
    CHECK_INT(ps_sign_channel(KEY, SECRET, "1.2", "private-x", NULL, bad, need - 1), -1);
    CHECK_INT(ps_sign_channel(KEY, SECRET, NULL, "private-x", NULL, bad, sizeof bad), -1);
    CHECK_INT(ps_sign_channel(KEY, SECRET, "1.2", "private-x", NULL, NULL, 0), -1);

    char user[128];
    CHECK_INT(ps_sign_user(KEY, SECRET, "1.2", "{\"id\":\"1\"}", user, sizeof user), 0);
    CHECK(ps_verify_user(KEY, SECRET, "1.2", "{\"id\":\"1\"}", user));
    CHECK(!ps_verify_user(KEY, SECRET, "1.3", "{\"id\":\"1\"}", user));
    CHECK(!ps_verify_user(KEY, SECRET, "1.2", "{\"id\":\"2\"}", user));
    CHECK_INT(ps_sign_user(KEY, SECRET, "1.2", "{}", user, 10), -1);
}

static void test_secure_equal(void)
{
    CHECK(ps_secure_equal("abc", "abc"));
    CHECK(ps_secure_equal("", ""));
    CHECK(!ps_secure_equal("abc", "abd"));
    CHECK(!ps_secure_equal("abc", "ab"));
    CHECK(!ps_secure_equal(NULL, "a"));
    CHECK(!ps_secure_equal("a", NULL));
    /* Shorter heap string: must not be read past its NUL. */
    char *shortstr = malloc(3);
    memcpy(shortstr, "ab", 3);
    CHECK(!ps_secure_equal("abcdefgh", shortstr));
    CHECK(!ps_secure_equal(shortstr, "abcdefgh"));
    free(shortstr);
}

static void test_hashes(void)
{
    char md[PS_MD5_HEX_LEN + 1], hex[PS_HEX256_LEN + 1];
    ps_md5_hex("", 0, md);
    CHECK_STR(md, "d41d8cd98f00b204e9800998ecf8427e");
    ps_md5_hex(NULL, 0, md);
    CHECK_STR(md, "d41d8cd98f00b204e9800998ecf8427e");
    /* RFC 4231 test case 2. */
    ps_hmac_hex("Jefe", "what do ya want for nothing?", 28, hex);
    CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* RFC 4231 test case 6: a key longer than the block is hashed first. */
    char key6[132];
    memset(key6, 0xaa, 131);
    key6[131] = '\0';
    ps_hmac_hex(key6, "Test Using Larger Than Block-Size Key - Hash Key First", 54, hex);
    CHECK_STR(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    /* Signed in parts, the same as signed joined. */
    ps_span parts[] = {{"what do ya", 10}, {NULL, 0}, {"", 0}, {" want for nothing?", 18}};
    ps_hmac_hex_parts("Jefe", parts, 4, hex);
    CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void test_string_to_sign(void)
{
    ps_param p[] = {
        {"Zeta", "z"}, {"auth_signature", "ignored"}, {"ALPHA", "a b&c"}, {"beta", NULL},
    };
    char *s = ps_api_string_to_sign("GET", "/x", p, 4);
    CHECK_STR(s, "GET\n/x\nalpha=a b&c&beta=&zeta=z");
    free(s);
    s = ps_api_string_to_sign("GET", "/x", NULL, 0);
    CHECK_STR(s, "GET\n/x\n");
    free(s);
    /* Bytewise: '_' (0x5f) sorts after digits and before letters once lowercased. */
    ps_param q[] = {{"a_b", "1"}, {"ab", "2"}, {"a1", "3"}};
    s = ps_api_string_to_sign("POST", "/y", q, 3);
    CHECK_STR(s, "POST\n/y\na1=3&a_b=1&ab=2");
    free(s);
    CHECK(ps_api_string_to_sign(NULL, "/x", p, 4) == NULL);
    CHECK(ps_api_string_to_sign("GET", "/x", NULL, 2) == NULL);
    ps_param nk[] = {{NULL, "v"}};
    CHECK(ps_api_string_to_sign("GET", "/x", nk, 1) == NULL);
}

/* Sign with the given params and body, then verify at now. */
static ps_api_status sign_verify(const ps_param *p, size_t n, const char *body, long long ts,
                                 long long now, char *why, size_t whylen)
{
    size_t blen = body ? strlen(body) : 0;
    char *q = ps_api_sign_query("POST", "/apps/3/events", p, n, KEY, SECRET, ts, body, blen);
    CHECK(q != NULL);
    if (!q)
        return PS_API_MALFORMED_QUERY;
    ps_api_status st = ps_api_verify("POST", "/apps/3/events", q, strlen(q), body, blen, KEY,
                                     SECRET, now, 600, why, whylen);
    free(q);
    return st;
}

/* Verify a hand-written query against the given body at T. The query is
 * copied to a buffer without a NUL so ASan catches any read past qlen. */
#define T 1353088179LL
static ps_api_status verify_raw(const char *method, const char *q, const char *body,
                                char *why, size_t whylen)
{
    size_t len = strlen(q);
    char *exact = malloc(len ? len : 1);
    memcpy(exact, q, len);
    ps_api_status st = ps_api_verify(method, "/apps/3/events", exact, len, body,
                                     body ? strlen(body) : 0, KEY, SECRET, T, 600, why, whylen);
    free(exact);
    return st;
}

/* A correctly signed raw query for params already written out as text. */
static char *signed_raw(const char *method, const char *prefix, const ps_param *p, size_t n)
{
    char *sts = ps_api_string_to_sign(method, "/apps/3/events", p, n);
    char hex[PS_HEX256_LEN + 1];
    ps_hmac_hex(SECRET, sts, strlen(sts), hex);
    free(sts);
    size_t len = strlen(prefix) + 100;
    char *q = malloc(len);
    snprintf(q, len, "%s&auth_signature=%s", prefix, hex);
    return q;
}

static void test_api_roundtrip(void)
{
    char why[512];
    ps_param p[] = {{"info", "a b&c=d+e/é"}, {"Name With Space", "100%"}};
    char *q = ps_api_sign_query("GET", "/apps/3/channels", p, 2, KEY, SECRET, T, NULL, 0);
    CHECK(q != NULL);
    if (q) {
        CHECK(strstr(q, "info=a%20b%26c%3Dd%2Be%2F%C3%A9") != NULL);
        CHECK(strstr(q, "Name%20With%20Space=100%25") != NULL);
        CHECK(strstr(q, "body_md5") == NULL);
        CHECK(strstr(q, "auth_version=1.0") != NULL);
        CHECK_INT(ps_api_verify("GET", "/apps/3/channels", q, strlen(q), NULL, 0, KEY, SECRET, T,
                                600, why, sizeof why), PS_API_OK);
        CHECK_INT(ps_api_verify("POST", "/apps/3/channels", q, strlen(q), NULL, 0, KEY, SECRET, T,
                                600, why, sizeof why), PS_API_BAD_SIGNATURE);
        CHECK_INT(ps_api_verify("GET", "/apps/3/channel", q, strlen(q), NULL, 0, KEY, SECRET, T,
                                600, why, sizeof why), PS_API_BAD_SIGNATURE);
        /* qlen is honoured: cutting the query drops auth_signature's tail. */
        CHECK_INT(ps_api_verify("GET", "/apps/3/channels", q, strlen(q) - 1, NULL, 0, KEY, SECRET,
                                T, 600, why, sizeof why), PS_API_BAD_SIGNATURE);
        free(q);
    }
    /* '+' is a space on the way in. */
    ps_param sp[] = {{"auth_key", KEY}, {"auth_timestamp", "1353088179"},
                     {"auth_version", "1.0"}, {"info", "a b"}};
    q = signed_raw("GET", "auth_key=" KEY "&auth_timestamp=1353088179&auth_version=1.0&info=a+b",
                   sp, 4);
    CHECK_INT(verify_raw("GET", q, NULL, why, sizeof why), PS_API_OK);
    free(q);
    /* Upper-case keys on the wire are accepted: the server lowercases. */
    q = signed_raw("GET", "AUTH_KEY=" KEY "&auth_timestamp=1353088179&Auth_Version=1.0&info=a+b",
                   sp, 4);
    CHECK_INT(verify_raw("GET", q, NULL, why, sizeof why), PS_API_OK);
    free(q);

    /* Body round trip, and one changed body byte. */
    const char *body = "{\"name\":\"e\",\"channels\":[\"c\"],\"data\":\"x\"}";
    CHECK_INT(sign_verify(NULL, 0, body, T, T, why, sizeof why), PS_API_OK);
    size_t blen = strlen(body);
    q = ps_api_sign_query("POST", "/apps/3/events", NULL, 0, KEY, SECRET, T, body, blen);
    char *bad = malloc(blen + 1);
    memcpy(bad, body, blen + 1);
    bad[3] ^= 1;
    CHECK_INT(ps_api_verify("POST", "/apps/3/events", q, strlen(q), bad, blen, KEY, SECRET, T, 600,
                            why, sizeof why), PS_API_BAD_BODY_MD5);
    CHECK(strstr(why, "body_md5 expected") != NULL);
    free(bad);

    /* One changed signature character. */
    char *sig = strstr(q, "auth_signature=") + strlen("auth_signature=");
    *sig = *sig == 'a' ? 'b' : 'a';
    CHECK_INT(ps_api_verify("POST", "/apps/3/events", q, strlen(q), body, blen, KEY, SECRET, T, 600,
                            why, sizeof why), PS_API_BAD_SIGNATURE);
    CHECK(strstr(why, "auth_signature expected") != NULL);
    CHECK(strchr(why, '\n') == NULL);
    free(q);

    /* A caller param that collides with an added one is refused. */
    ps_param dup[] = {{"Auth_Key", "x"}};
    CHECK(ps_api_sign_query("GET", "/x", dup, 1, KEY, SECRET, T, NULL, 0) == NULL);
    ps_param dup2[] = {{"auth_signature", "x"}};
    CHECK(ps_api_sign_query("GET", "/x", dup2, 1, KEY, SECRET, T, NULL, 0) == NULL);
    CHECK(ps_api_sign_query("GET", "/x", NULL, 0, KEY, NULL, T, NULL, 0) == NULL);
}

/* Every status of ps_api_verify, one case each: a table would hide which failed. */
static void test_api_statuses(void)
{
    char why[512];
    const char *base = "auth_key=" KEY "&auth_timestamp=1353088179&auth_version=1.0";

    /* Missing each required param. */
    why[0] = '\0';
    CHECK_INT(verify_raw("GET", base, NULL, why, sizeof why), PS_API_MISSING_PARAM);
    CHECK_STR(why, "missing auth_signature");
    CHECK_INT(verify_raw("GET", "auth_version=1.0&auth_signature=00", NULL, why, sizeof why),
              PS_API_MISSING_PARAM);
    CHECK_STR(why, "missing auth_key, auth_timestamp");
    CHECK_INT(verify_raw("GET", "", NULL, why, sizeof why), PS_API_MISSING_PARAM);

    /* Wrong key, before anything else is looked at. */
    ps_param p[] = {{"auth_key", "wrongkey"}, {"auth_timestamp", "1353088179"},
                    {"auth_version", "2.0"}};
    char *q = signed_raw("GET", "auth_key=wrongkey&auth_timestamp=1353088179&auth_version=2.0",
                         p, 3);
    CHECK_INT(verify_raw("GET", q, NULL, why, sizeof why), PS_API_BAD_KEY);
    CHECK(strstr(why, "wrongkey") != NULL);
    free(q);

    /* Version 2.0, otherwise correctly signed. */
    ps_param v2[] = {{"auth_key", KEY}, {"auth_timestamp", "1353088179"}, {"auth_version", "2.0"}};
    q = signed_raw("GET", "auth_key=" KEY "&auth_timestamp=1353088179&auth_version=2.0", v2, 3);
    CHECK_INT(verify_raw("GET", q, NULL, why, sizeof why), PS_API_BAD_VERSION);
    CHECK(strstr(why, "2.0") != NULL);
    free(q);

    /* Timestamp window: 600 s is in, 601 s either way is out. */
    CHECK_INT(sign_verify(NULL, 0, NULL, T, T + 600, why, sizeof why), PS_API_OK);
    CHECK_INT(sign_verify(NULL, 0, NULL, T, T - 600, why, sizeof why), PS_API_OK);
    CHECK_INT(sign_verify(NULL, 0, NULL, T, T + 601, why, sizeof why), PS_API_BAD_TIMESTAMP);
    CHECK_STR(why, "auth_timestamp 1353088179 is 601 s from now (window 600 s)");
    CHECK_INT(sign_verify(NULL, 0, NULL, T, T - 601, why, sizeof why), PS_API_BAD_TIMESTAMP);
    CHECK_INT(sign_verify(NULL, 0, NULL, T, T + 3000, why, sizeof why), PS_API_BAD_TIMESTAMP);
    CHECK_STR(why, "auth_timestamp 1353088179 is 3000 s from now (window 600 s)");
    /* Extreme values must not overflow. */
    CHECK_INT(sign_verify(NULL, 0, NULL, -9223372036854775807LL - 1, 9223372036854775807LL, why,
                          sizeof why), PS_API_BAD_TIMESTAMP);
    const char *bad_ts[] = {"abc", "", " 1353088179", "+1353088179", "1353088179x", "1.5",
                            "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad_ts / sizeof *bad_ts; i++) {
        char raw[256];
        snprintf(raw, sizeof raw,
                 "auth_key=" KEY "&auth_timestamp=%s&auth_version=1.0&auth_signature=00",
                 bad_ts[i]);
        CHECK_INT(verify_raw("GET", raw, NULL, why, sizeof why), PS_API_BAD_TIMESTAMP);
    }

    /* body_md5: missing with a body, wrong, and present with an empty body. */
    const char *body = "{}";
    q = signed_raw("POST", base, (ps_param[]){{"auth_key", KEY}, {"auth_timestamp", "1353088179"},
                                              {"auth_version", "1.0"}}, 3);
    CHECK_INT(verify_raw("POST", q, body, why, sizeof why), PS_API_BAD_BODY_MD5);
    CHECK(strstr(why, "missing") != NULL);
    CHECK_INT(verify_raw("POST", q, NULL, why, sizeof why), PS_API_OK);
    free(q);
    ps_param wrong[] = {{"auth_key", KEY}, {"auth_timestamp", "1353088179"},
                        {"auth_version", "1.0"}, {"body_md5", "d41d8cd98f00b204e9800998ecf8427e"}};
    q = signed_raw("POST",
                   "auth_key=" KEY "&auth_timestamp=1353088179&auth_version=1.0"
                   "&body_md5=d41d8cd98f00b204e9800998ecf8427e", wrong, 4);
    CHECK_INT(verify_raw("POST", q, body, why, sizeof why), PS_API_BAD_BODY_MD5);
    CHECK(strstr(why, "99914b932bd37a50b983c5e7c90ae93b") != NULL);
    CHECK_INT(verify_raw("POST", q, "", why, sizeof why), PS_API_OK);
    free(q);
    wrong[3].value = "99914b932bd37a50b983c5e7c90ae93b";
    q = signed_raw("POST",
                   "auth_key=" KEY "&auth_timestamp=1353088179&auth_version=1.0"
                   "&body_md5=99914b932bd37a50b983c5e7c90ae93b", wrong, 4);
    CHECK_INT(verify_raw("POST", q, body, why, sizeof why), PS_API_OK);
    CHECK_INT(verify_raw("POST", q, NULL, why, sizeof why), PS_API_BAD_BODY_MD5);
    free(q);

    /* Wrong signature. */
    char raw[256];
    snprintf(raw, sizeof raw, "%s&auth_signature=%064d", base, 0);
    CHECK_INT(verify_raw("GET", raw, NULL, why, sizeof why), PS_API_BAD_SIGNATURE);
    /* A secret that differs gives a different signature. */
    q = signed_raw("GET", base, (ps_param[]){{"auth_key", KEY}, {"auth_timestamp", "1353088179"},
                                             {"auth_version", "1.0"}}, 3);
    CHECK_INT(verify_raw("GET", q, NULL, why, sizeof why), PS_API_OK);
    CHECK_INT(ps_api_verify("GET", "/apps/3/events", q, strlen(q), NULL, 0, KEY, "other", T, 600,
                            why, sizeof why), PS_API_BAD_SIGNATURE);
    CHECK_INT(ps_api_verify("GET", "/apps/3/events", q, strlen(q), NULL, 0, KEY, NULL, T, 600,
                            why, sizeof why), PS_API_BAD_SIGNATURE);
    CHECK_INT(ps_api_verify("GET", "/apps/3/events", q, strlen(q), NULL, 0, NULL, SECRET, T, 600,
                            why, sizeof why), PS_API_BAD_KEY);
    /* why may be NULL or tiny. */
    CHECK_INT(ps_api_verify("GET", "/apps/3/events", q, strlen(q), NULL, 0, KEY, SECRET, T, 600,
                            NULL, 0), PS_API_OK);
    char tiny[4];
    CHECK_INT(verify_raw("GET", base, NULL, tiny, sizeof tiny), PS_API_MISSING_PARAM);
    CHECK_STR(tiny, "mis");
    free(q);
}

static void test_api_malformed(void)
{
    char why[512];
    const char *bad[] = {
        "auth_key=%zz", "auth_key=abc%", "auth_key=abc%4", "a%G1=1", "x=%00",
        "=value", "auth_key=1&auth_key=1", "auth_key=1&AUTH_KEY=2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = '\0';
        CHECK_INT(verify_raw("GET", bad[i], NULL, why, sizeof why), PS_API_MALFORMED_QUERY);
        CHECK(why[0] != '\0');
    }

    /* Exactly 64 params parse; 65 do not. */
    char q[1024] = "";
    for (int i = 0; i < 64; i++)
        snprintf(q + strlen(q), sizeof q - strlen(q), "%sp%d=1", i ? "&" : "", i);
    CHECK_INT(verify_raw("GET", q, NULL, why, sizeof why), PS_API_MISSING_PARAM);
    strcat(q, "&p64=1");
    CHECK_INT(verify_raw("GET", q, NULL, why, sizeof why), PS_API_MALFORMED_QUERY);
    CHECK(strstr(why, "64") != NULL);

    /* Over 64 KiB. */
    size_t big = 64 * 1024 + 1;
    char *huge = malloc(big + 1);
    memset(huge, 'a', big);
    memcpy(huge, "x=", 2);
    huge[big] = '\0';
    CHECK_INT(verify_raw("GET", huge, NULL, why, sizeof why), PS_API_MALFORMED_QUERY);
    /* Exactly 64 KiB is allowed through to the later checks. */
    huge[big - 1] = '\0';
    CHECK_INT(verify_raw("GET", huge, NULL, why, sizeof why), PS_API_MISSING_PARAM);
    free(huge);

    /* Not NUL-terminated: only qlen bytes may be read. */
    char exact[3] = {'a', '=', '%'};
    CHECK_INT(ps_api_verify("GET", "/", exact, 2, NULL, 0, KEY, SECRET, T, 600, why, sizeof why),
              PS_API_MISSING_PARAM);
    CHECK_INT(ps_api_verify("GET", "/", exact, 3, NULL, 0, KEY, SECRET, T, 600, why, sizeof why),
              PS_API_MALFORMED_QUERY);
    CHECK_INT(ps_api_verify("GET", "/", NULL, 5, NULL, 0, KEY, SECRET, T, 600, why, sizeof why),
              PS_API_MALFORMED_QUERY);
    CHECK_INT(ps_api_verify("GET", "/", NULL, 0, NULL, 0, KEY, SECRET, T, 600, why, sizeof why),
              PS_API_MISSING_PARAM);

    for (int s = PS_API_OK; s <= PS_API_MALFORMED_QUERY; s++)
        CHECK(ps_api_status_text((ps_api_status)s) != NULL);
    CHECK_STR(ps_api_status_text(PS_API_BAD_SIGNATURE), "bad auth_signature");
}

static void test_b64(void)
{
    unsigned char out[16];
    CHECK_INT(ps_b64_decode("aGVsbG8=", 8, out, sizeof out), 5);
    CHECK(memcmp(out, "hello", 5) == 0);
    CHECK_INT(ps_b64_decode("", 0, out, sizeof out), 0);
    CHECK_INT(ps_b64_decode("!!!!", 4, out, sizeof out), -1);
    CHECK_INT(ps_b64_decode("aGVsbG8", 7, out, sizeof out), -1);     /* no padding */
    CHECK_INT(ps_b64_decode("aGVsbG8==", 9, out, sizeof out), -1);   /* extra padding */
    CHECK_INT(ps_b64_decode("aGVs bG8=", 9, out, sizeof out), -1);
    CHECK_INT(ps_b64_decode("aGVsbG8=", 8, out, 4), -1);              /* overflow */
    CHECK_INT(ps_b64_decode("aGVsbG8=", 8, out, 5), 5);
    CHECK_INT(ps_b64_decode("aGVsbG8=xx", 8, out, sizeof out), 5);   /* len honoured */
    CHECK_INT(ps_b64_decode("a-_b", 4, out, sizeof out), -1);        /* URL alphabet */
    CHECK_INT(ps_b64_decode(NULL, 4, out, sizeof out), -1);

    char *e = ps_b64_encode((const unsigned char *)"hello", 5);
    CHECK_STR(e, "aGVsbG8=");
    free(e);
    e = ps_b64_encode(NULL, 0);
    CHECK_STR(e, "");
    free(e);
}

static void test_encryption(void)
{
    unsigned char key[32];
    ps_shared_secret("private-encrypted-x", (const unsigned char *)"0123456789abcdef0123456789abcdef",
                     key);

    /* Random nonce round trip; two encryptions differ. */
    char *a = ps_encrypt_payload(key, NULL, "secret", 6);
    char *b = ps_encrypt_payload(key, NULL, "secret", 6);
    CHECK(a && b && strcmp(a, b) != 0);
    cJSON *j = a ? cJSON_Parse(a) : NULL;
    const char *n = str(j, "nonce"), *c = str(j, "ciphertext");
    CHECK(n && c);
    CHECK_INT(cJSON_GetArraySize(j), 2);
    if (n && c) {
        size_t len = 0;
        char *p = ps_decrypt_payload(key, n, c, &len);
        CHECK_STR(p, "secret");
        CHECK_INT(len, 6);
        free(p);
        /* Nonce and ciphertext swapped, garbage, wrong sizes. */
        CHECK(ps_decrypt_payload(key, c, n, NULL) == NULL);
        CHECK(ps_decrypt_payload(key, "!!!!", c, NULL) == NULL);
        CHECK(ps_decrypt_payload(key, n, "!!!!", NULL) == NULL);
        CHECK(ps_decrypt_payload(key, n, NULL, NULL) == NULL);
        CHECK(ps_decrypt_payload(key, "AAECAwQFBgcICQoLDA0ODxAREhMUFRY=", c, NULL) == NULL);
        CHECK(ps_decrypt_payload(key, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBk=", c, NULL) == NULL);
        CHECK(ps_decrypt_payload(key, n, "AAECAwQFBgcICQoLDA0O", NULL) == NULL); /* 15 bytes */
        CHECK(ps_decrypt_payload(key, n, "", NULL) == NULL);
    }
    cJSON_Delete(j);
    free(a);
    free(b);

    /* Empty plaintext is legal and round-trips. */
    unsigned char n24[24] = {0};
    char *e = ps_encrypt_payload(key, n24, "", 0);
    j = e ? cJSON_Parse(e) : NULL;
    size_t len = 99;
    char *p = ps_decrypt_payload(key, str(j, "nonce"), str(j, "ciphertext"), &len);
    CHECK_STR(p, "");
    CHECK_INT(len, 0);
    free(p);
    /* A 23-byte nonce that is a prefix of the real one is still refused. */
    CHECK(ps_decrypt_payload(key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", str(j, "ciphertext"), NULL)
          == NULL);
    CHECK(ps_encrypt_payload(NULL, n24, "x", 1) == NULL);
    CHECK(ps_encrypt_payload(key, n24, NULL, 1) == NULL);
    cJSON_Delete(j);
    free(e);

    /* Different channels give different secrets. */
    unsigned char other[32];
    ps_shared_secret("private-encrypted-y", (const unsigned char *)"0123456789abcdef0123456789abcdef",
                     other);
    CHECK(memcmp(key, other, 32) != 0);
}

int main(void)
{
    CHECK_INT(ps_sign_init(), 0);
    run_vectors();
    test_secure_equal();
    test_hashes();
    test_channel_tamper();
    test_string_to_sign();
    test_api_roundtrip();
    test_api_statuses();
    test_api_malformed();
    test_b64();
    test_encryption();
    return check_done("test_sign");
}
