/* Base64 and the encrypted-channel codec on arbitrary text.
 * Input: options byte, nonce_b64 \0 ciphertext_b64 \0 channel \0 text (rest).
 * Options: bits 0-1 choose the decode buffer size (0, exact, tiny, large). */
#include "core/sign.h"
#include "fuzz_util.h"

#include <cjson/cJSON.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return ps_sign_init();
}

static unsigned char *xmalloc(size_t n)
{
    unsigned char *p = malloc(n ? n : 1);
    CHECK(p != NULL);
    return p;
}

/* decode(text) under outmax agrees with an unbounded decode, and a text that
 * decodes is the canonical encoding of its bytes. */
static void check_decode(const char *text, size_t len, size_t outmax)
{
    unsigned char *big = xmalloc(len), *small = xmalloc(outmax);
    long all = ps_b64_decode(text, len, big, len);
    long got = ps_b64_decode(text, len, outmax ? small : NULL, outmax);

    CHECK(all >= -1 && (size_t)(all + 1) <= len / 4 * 3 + 1);
    if (all < 0 || (size_t)all > outmax)
        CHECK(got == -1);
    else
        CHECK(got == all && memcmp(small, big, (size_t)all) == 0);
    if (all >= 0) {
        char *again = ps_b64_encode(big, (size_t)all);
        CHECK(again && strlen(again) == len && memcmp(again, text, len) == 0);
        free(again);
    }
    free(small);
    free(big);
}

/* encode then decode gives the bytes back, and needs exactly their room. */
static void check_encode(const uint8_t *data, size_t size)
{
    char *enc = ps_b64_encode(data, size);
    size_t elen;
    unsigned char *out = xmalloc(size);

    CHECK(enc != NULL);
    elen = strlen(enc);
    CHECK(elen == (size + 2) / 3 * 4);
    CHECK(ps_b64_decode(enc, elen, out, size) == (long)size);
    CHECK(size == 0 || memcmp(out, data, size) == 0);
    if (size)
        CHECK(ps_b64_decode(enc, elen, out, size - 1) == -1);
    free(out);
    free(enc);
}

static const char *member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    CHECK(cJSON_IsString(v));
    return v->valuestring;
}

/* Whatever decrypts must be what encrypting the plaintext again under the
 * same nonce gives, byte for byte. */
static void check_decrypt(const char *nonce_b64, const char *ct_b64, const char *channel)
{
    unsigned char master[32], key[32], nonce[24];
    size_t plen = 0;

    for (int i = 0; i < 32; i++)   /* the master key of the signing vectors */
        master[i] = (unsigned char)i;
    ps_shared_secret(channel, master, key);
    free(ps_decrypt_payload(key, nonce_b64, ct_b64, NULL));
    char *plain = ps_decrypt_payload(key, nonce_b64, ct_b64, &plen);
    if (!plain)
        return;
    CHECK(plain[plen] == '\0');
    CHECK(ps_b64_decode(nonce_b64, strlen(nonce_b64), nonce, sizeof nonce) == 24);
    char *json = ps_encrypt_payload(key, nonce, plain, plen);
    cJSON *o = json ? cJSON_Parse(json) : NULL;
    CHECK(o != NULL);
    CHECK(strcmp(member(o, "nonce"), nonce_b64) == 0);
    CHECK(strcmp(member(o, "ciphertext"), ct_b64) == 0);
    cJSON_Delete(o);
    free(json);
    free(plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_fields fl;
    uint8_t opt = size ? data[0] : 0;

    fz_split(data + (size > 0), size - (size > 0), 4, &fl);
    const char *text = fl.f[3];
    size_t len = fl.len[3];
    size_t sizes[] = {0, len / 4 * 3, (size_t)(opt >> 2), len + 16};

    check_decode(text, len, sizes[opt & 3]);
    check_decode(fl.f[0], fl.len[0], 24);   /* as a nonce is decoded */
    check_encode(data, size);
    check_decrypt(fl.f[0], fl.f[1], fl.f[2]);
    fz_free(&fl, 4);
    return 0;
}
