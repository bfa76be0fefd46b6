/* Signer: every HMAC-based signature of the Pusher protocol, its verification,
 * and the encrypted-channel secret and payload codec. Used by both roles. */
#ifndef PUSHSPEC_SIGN_H
#define PUSHSPEC_SIGN_H

#include <stddef.h>

#include "core/digest.h" /* ps_hmac_hex, ps_md5_hex */

/* The value of one hex digit (either case), or -1. */
int ps_hex_value(unsigned char c);
/* Constant-time string equality; 1 when equal. */
int ps_secure_equal(const char *a, const char *b);

/* Channel auth "KEY:hex(socket_id:channel[:channel_data])". channel_data NULL
 * for private channels. Returns 0, or -1 when out is too small. */
int ps_sign_channel(const char *key, const char *secret, const char *socket_id,
                    const char *channel, const char *channel_data, char *out, size_t outlen);
/* User sign-in auth "KEY:hex(socket_id::user::user_data)". */
int ps_sign_user(const char *key, const char *secret, const char *socket_id,
                 const char *user_data, char *out, size_t outlen);
/* 1 when auth is exactly what ps_sign_channel/ps_sign_user would produce. */
int ps_verify_channel(const char *key, const char *secret, const char *socket_id,
                      const char *channel, const char *channel_data, const char *auth);
int ps_verify_user(const char *key, const char *secret, const char *socket_id,
                   const char *user_data, const char *auth);

/* HTTP API. A query parameter, unescaped. */
typedef struct { const char *key; const char *value; } ps_param;

/* The string to sign: METHOD "\n" PATH "\n" Q, Q = every param except
 * auth_signature, keys lowercased, sorted by key, joined k=v&k=v unescaped.
 * Returns malloc'd text or NULL. */
char *ps_api_string_to_sign(const char *method, const char *path, const ps_param *params, size_t n);

/* Sign a request: adds auth_key, auth_timestamp, auth_version=1.0, body_md5 (when
 * body is non-NULL and bodylen > 0) and auth_signature to params. Returns the
 * malloc'd query string to send (values percent-escaped), or NULL. */
char *ps_api_sign_query(const char *method, const char *path, const ps_param *params, size_t n,
                        const char *key, const char *secret, long long timestamp,
                        const char *body, size_t bodylen);

typedef enum {
    PS_API_OK = 0,
    PS_API_MISSING_PARAM,      /* auth_key/auth_timestamp/auth_version/auth_signature absent */
    PS_API_BAD_KEY,            /* auth_key is not the app key */
    PS_API_BAD_VERSION,        /* auth_version != 1.0 */
    PS_API_BAD_TIMESTAMP,      /* not an integer, or outside the window */
    PS_API_BAD_BODY_MD5,       /* body present and body_md5 missing or wrong */
    PS_API_BAD_SIGNATURE,
    PS_API_MALFORMED_QUERY     /* bad percent-escape, too many params, too long */
} ps_api_status;

/* Verify a received request. raw_query is the query string as received
 * (percent-escaped, without '?'), of qlen bytes. window_s is the allowed clock
 * skew (600). why (may be NULL) gets a one-line explanation. */
ps_api_status ps_api_verify(const char *method, const char *path,
                            const char *raw_query, size_t qlen,
                            const char *body, size_t bodylen,
                            const char *key, const char *secret,
                            long long now, long long window_s,
                            char *why, size_t whylen);
const char *ps_api_status_text(ps_api_status s);

/* Webhook X-Pusher-Signature = hex(hmac(secret, raw body)). */
void ps_webhook_sign(const char *secret, const char *body, size_t len, char out[PS_HEX256_LEN + 1]);
/* 1 when key matches and signature is right. */
int ps_webhook_verify(const char *key, const char *secret, const char *hdr_key,
                      const char *hdr_signature, const char *body, size_t len);

/* Base64 (standard alphabet, with padding). encode returns malloc'd text;
 * decode returns the byte count or -1 on bad input / overflow of outmax. */
char *ps_b64_encode(const unsigned char *bin, size_t len);
long ps_b64_decode(const char *text, size_t len, unsigned char *out, size_t outmax);

/* Encrypted channels. shared = SHA256(channel || master_key) */
void ps_shared_secret(const char *channel, const unsigned char master[32], unsigned char out[32]);
/* Encrypt plain into the event data JSON {"nonce":..,"ciphertext":..}. nonce
 * NULL means a random one. Returns malloc'd JSON text or NULL. */
char *ps_encrypt_payload(const unsigned char key[32], const unsigned char *nonce24,
                         const char *plain, size_t len);
/* Decrypt from base64 nonce and ciphertext. Returns malloc'd plaintext
 * (NUL-terminated, *outlen set) or NULL when the input is malformed or does not
 * authenticate. */
char *ps_decrypt_payload(const unsigned char key[32], const char *nonce_b64,
                         const char *ciphertext_b64, size_t *outlen);

/* Call once before the crypto functions (sodium_init); 0 on success. */
int ps_sign_init(void);

#endif
