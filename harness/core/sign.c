/* Signer: HMAC-SHA256 signatures of the Pusher protocol (channel and user
 * auth), webhooks, and the encrypted-channel codec. HTTP API request signing
 * and verification is api_sign.c. */
#include "core/sign.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define NONCE_LEN crypto_secretbox_NONCEBYTES

/* Length may leak; contents do not. Signatures have a public fixed length. */
int ps_secure_equal(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return 0;
    if (la == 0)
        return 1;
    return sodium_memcmp(a, b, la) == 0;
}

/* malloc'd concatenation of the strings up to a NULL argument. */
static char *concat(const char *first, ...)
{
    va_list ap;
    size_t total = 0;
    const char *s;

    va_start(ap, first);
    for (s = first; s; s = va_arg(ap, const char *)) {
        size_t l = strlen(s);
        if (total > SIZE_MAX - 1 - l) {
            va_end(ap);
            return NULL;
        }
        total += l;
    }
    va_end(ap);

    char *buf = malloc(total + 1), *p = buf;
    if (!buf)
        return NULL;
    va_start(ap, first);
    for (s = first; s; s = va_arg(ap, const char *)) {
        size_t l = strlen(s);
        memcpy(p, s, l);
        p += l;
    }
    va_end(ap);
    *p = '\0';
    return buf;
}

/* The pieces of a channel or user auth message, signed without joining them:
 * "socket_id:channel[:channel_data]" or "socket_id::user::user_data". */
typedef struct { ps_span part[5]; size_t n; } auth_msg;

static void auth_add(auth_msg *m, const char *s)
{
    m->part[m->n++] = (ps_span){s, strlen(s)};
}

static auth_msg channel_message(const char *socket_id, const char *channel,
                                const char *channel_data)
{
    auth_msg m = {.n = 0};
    auth_add(&m, socket_id);
    auth_add(&m, ":");
    auth_add(&m, channel);
    if (channel_data) {
        auth_add(&m, ":");
        auth_add(&m, channel_data);
    }
    return m;
}

static auth_msg user_message(const char *socket_id, const char *user_data)
{
    auth_msg m = {.n = 0};
    auth_add(&m, socket_id);
    auth_add(&m, "::user::");
    auth_add(&m, user_data);
    return m;
}

/* "KEY:hex(hmac(msg))" into out. */
static int sign_message(const char *key, const char *secret, const auth_msg *m,
                        char *out, size_t outlen)
{
    size_t klen = strlen(key);
    if (!out || outlen < klen + 1 + PS_HEX256_LEN + 1)
        return -1;
    memcpy(out, key, klen);
    out[klen] = ':';
    ps_hmac_hex_parts(secret, m->part, m->n, out + klen + 1);
    return 0;
}

int ps_sign_channel(const char *key, const char *secret, const char *socket_id,
                    const char *channel, const char *channel_data, char *out, size_t outlen)
{
    if (!key || !secret || !socket_id || !channel)
        return -1;
    auth_msg m = channel_message(socket_id, channel, channel_data);
    return sign_message(key, secret, &m, out, outlen);
}

int ps_sign_user(const char *key, const char *secret, const char *socket_id,
                 const char *user_data, char *out, size_t outlen)
{
    if (!key || !secret || !socket_id || !user_data)
        return -1;
    auth_msg m = user_message(socket_id, user_data);
    return sign_message(key, secret, &m, out, outlen);
}

/* auth must be "KEY:" then the HMAC of msg, compared in constant time. The
 * key and the length are public, so they are checked first and plainly. */
static int verify_message(const char *key, const char *secret, const auth_msg *m,
                          const char *auth)
{
    char want[PS_HEX256_LEN + 1];
    size_t klen = strlen(key);
    if (strncmp(auth, key, klen) != 0 || auth[klen] != ':' ||
        strlen(auth + klen + 1) != PS_HEX256_LEN)
        return 0;
    ps_hmac_hex_parts(secret, m->part, m->n, want);
    return ps_secure_equal(want, auth + klen + 1);
}

int ps_verify_channel(const char *key, const char *secret, const char *socket_id,
                      const char *channel, const char *channel_data, const char *auth)
{
    if (!key || !secret || !socket_id || !channel || !auth)
        return 0;
    auth_msg m = channel_message(socket_id, channel, channel_data);
    return verify_message(key, secret, &m, auth);
}

int ps_verify_user(const char *key, const char *secret, const char *socket_id,
                   const char *user_data, const char *auth)
{
    if (!key || !secret || !socket_id || !user_data || !auth)
        return 0;
    auth_msg m = user_message(socket_id, user_data);
    return verify_message(key, secret, &m, auth);
}

/* ---- Webhooks ---- */

void ps_webhook_sign(const char *secret, const char *body, size_t len, char out[PS_HEX256_LEN + 1])
{
    ps_hmac_hex(secret, body, len, out);
}

int ps_webhook_verify(const char *key, const char *secret, const char *hdr_key,
                      const char *hdr_signature, const char *body, size_t len)
{
    char want[PS_HEX256_LEN + 1];
    if (!key || !secret || !hdr_key || !hdr_signature || (!body && len > 0))
        return 0;
    if (!ps_secure_equal(hdr_key, key))
        return 0;
    ps_webhook_sign(secret, body, len, want);
    return strlen(want) == PS_HEX256_LEN && ps_secure_equal(hdr_signature, want);
}

/* ---- Base64 and encrypted channels ---- */

char *ps_b64_encode(const unsigned char *bin, size_t len)
{
    if (!bin && len > 0)
        return NULL;
    if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
        return NULL;
    size_t size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(size);
    if (!out)
        return NULL;
    if (len == 0) {
        out[0] = '\0';
        return out;
    }
    sodium_bin2base64(out, size, bin, len, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

long ps_b64_decode(const char *text, size_t len, unsigned char *out, size_t outmax)
{
    size_t binlen = 0;
    unsigned char none; /* libsodium declares bin nonnull, even for bin_maxlen 0 */
    if (len == 0)
        return 0;
    if (!text || (!out && outmax > 0))
        return -1;
    /* libsodium 1.0.18 decodes every byte >= 0x80 as '/' (signed char). */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80)
            return -1;
    /* With b64_end NULL, libsodium fails unless every byte is consumed. */
    if (sodium_base642bin(out ? out : &none, outmax, text, len, NULL, &binlen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    if (binlen > LONG_MAX)
        return -1;
    return (long)binlen;
}

void ps_shared_secret(const char *channel, const unsigned char master[32], unsigned char out[32])
{
    crypto_hash_sha256_state st;
    const char *ch = channel ? channel : "";
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)ch, strlen(ch));
    if (master)
        crypto_hash_sha256_update(&st, master, 32);
    crypto_hash_sha256_final(&st, out);
}

char *ps_encrypt_payload(const unsigned char key[32], const unsigned char *nonce24,
                         const char *plain, size_t len)
{
    unsigned char nonce[NONCE_LEN];
    if (!key || (!plain && len > 0) || len > SIZE_MAX / 2 - crypto_secretbox_MACBYTES)
        return NULL;
    if (nonce24)
        memcpy(nonce, nonce24, NONCE_LEN);
    else if (sodium_init() < 0) /* idempotent; guards a caller that skipped ps_sign_init */
        return NULL;
    else
        randombytes_buf(nonce, NONCE_LEN);

    size_t clen = len + crypto_secretbox_MACBYTES;
    unsigned char *ct = malloc(clen);
    if (!ct)
        return NULL;
    crypto_secretbox_easy(ct, (const unsigned char *)(plain ? plain : ""), len, nonce, key);
    char *nb = ps_b64_encode(nonce, NONCE_LEN);
    char *cb = ps_b64_encode(ct, clen);
    free(ct);
    /* Base64 needs no JSON escaping, so plain concatenation is exact. */
    char *json = (nb && cb) ? concat("{\"nonce\":\"", nb, "\",\"ciphertext\":\"", cb, "\"}",
                                     (const char *)NULL)
                            : NULL;
    free(nb);
    free(cb);
    return json;
}

char *ps_decrypt_payload(const unsigned char key[32], const char *nonce_b64,
                         const char *ciphertext_b64, size_t *outlen)
{
    unsigned char nonce[NONCE_LEN];
    if (!key || !nonce_b64 || !ciphertext_b64)
        return NULL;
    if (ps_b64_decode(nonce_b64, strlen(nonce_b64), nonce, sizeof nonce) != (long)NONCE_LEN)
        return NULL;

    size_t tlen = strlen(ciphertext_b64);
    size_t cmax = tlen / 4 * 3 + 3;
    unsigned char *ct = malloc(cmax);
    if (!ct)
        return NULL;
    long clen = ps_b64_decode(ciphertext_b64, tlen, ct, cmax);
    char *plain = NULL;
    if (clen >= (long)crypto_secretbox_MACBYTES) {
        size_t plen = (size_t)clen - crypto_secretbox_MACBYTES;
        plain = malloc(plen + 1);
        if (plain && crypto_secretbox_open_easy((unsigned char *)plain, ct, (size_t)clen, nonce,
                                                key) != 0) {
            free(plain);
            plain = NULL;
        }
        if (plain) {
            plain[plen] = '\0';
            if (outlen)
                *outlen = plen;
        }
    }
    free(ct);
    return plain;
}

int ps_sign_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}
