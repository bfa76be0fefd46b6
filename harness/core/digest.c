/* HMAC-SHA256 (RFC 2104) and MD5 over OpenSSL's block functions. OpenSSL 3's
 * one-shot HMAC() and EVP_Digest() fetch, allocate and free up to three
 * contexts per call; a signature or verification made several of those, which
 * made the signer and its fuzzer slow under ASan (see fuzz/README.md). */
#include "core/digest.h"

#include <string.h>

/* SHA256_* and MD5_* are deprecated in OpenSSL 3 but still there; they are
 * its only interface that needs no heap and still uses the CPU's SHA
 * instructions. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

static const char hexdigits[] = "0123456789abcdef";

static void to_hex(const unsigned char *bin, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hexdigits[bin[i] >> 4];
        out[2 * i + 1] = hexdigits[bin[i] & 15];
    }
    out[2 * len] = '\0';
}

void ps_hmac_hex_parts(const char *secret, const ps_span *parts, size_t n,
                       char out[PS_HEX256_LEN + 1])
{
    unsigned char block[SHA256_CBLOCK], inner[SHA256_DIGEST_LENGTH], mac[SHA256_DIGEST_LENGTH];
    const char *key = secret ? secret : "";
    size_t klen = strlen(key);
    SHA256_CTX c;

    memset(block, 0, sizeof block);
    if (klen > sizeof block) { /* keys longer than a block are hashed first */
        SHA256_Init(&c);
        SHA256_Update(&c, key, klen);
        SHA256_Final(block, &c);
    } else if (klen) {
        memcpy(block, key, klen);
    }
    for (size_t i = 0; i < sizeof block; i++)
        block[i] ^= 0x36;
    SHA256_Init(&c);
    SHA256_Update(&c, block, sizeof block);
    for (size_t i = 0; i < n; i++)
        if (parts[i].p && parts[i].len)
            SHA256_Update(&c, parts[i].p, parts[i].len);
    SHA256_Final(inner, &c);
    for (size_t i = 0; i < sizeof block; i++)
        block[i] ^= 0x36 ^ 0x5c;
    SHA256_Init(&c);
    SHA256_Update(&c, block, sizeof block);
    SHA256_Update(&c, inner, sizeof inner);
    SHA256_Final(mac, &c);
    to_hex(mac, sizeof mac, out);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(&c, sizeof c);
}

void ps_hmac_hex(const char *secret, const void *msg, size_t len, char out[PS_HEX256_LEN + 1])
{
    ps_span part = {msg, msg ? len : 0};
    ps_hmac_hex_parts(secret, &part, 1, out);
}

void ps_md5_hex(const void *msg, size_t len, char out[PS_MD5_HEX_LEN + 1])
{
    unsigned char md[MD5_DIGEST_LENGTH];
    MD5_CTX c;

    MD5_Init(&c);
    if (msg && len)
        MD5_Update(&c, msg, len);
    MD5_Final(md, &c);
    to_hex(md, sizeof md, out);
}
