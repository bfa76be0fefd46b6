/* signer: ps_sign_channel, ps_api_sign_query and ps_webhook_sign versus raw
 * OpenSSL HMAC(EVP_sha256()) + hex of the bytes each of them signs. */
#include "bench.h"
#include "core/sign.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define KEY "key-main"
#define SECRET "Dvgr28KfKzZCMtTqjg7d"
#define SOCKET_ID "123456.7890123"

static volatile long sink;

/* The baseline: HMAC-SHA256 of msg with SECRET, as lowercase hex. */
typedef struct { const char *msg; size_t len; } raw_input;

static void raw_hex(const raw_input *in, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;

    HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (const unsigned char *)in->msg, in->len, mac, &maclen);
    for (unsigned i = 0; i < maclen; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[2 * maclen] = '\0';
}

static void raw_hmac_hex(void *ctx)
{
    char out[65];
    raw_hex(ctx, out);
    sink += out[0];
}

/* The baseline must sign exactly the bytes the signer signs. */
static void same_signature(const char *name, const char *signed_text, const raw_input *raw)
{
    char want[65];
    raw_hex(raw, want);
    if (!signed_text || !strstr(signed_text, want)) {
        fprintf(stderr, "sign_bench: %s does not sign the baseline's bytes\n", name);
        exit(1);
    }
}

typedef struct { const char *channel, *channel_data; } channel_input;

static void sign_channel(void *ctx)
{
    channel_input *in = ctx;
    char out[512];
    sink += ps_sign_channel(KEY, SECRET, SOCKET_ID, in->channel, in->channel_data, out, sizeof out);
}

#define BODY "{\"name\":\"new-message\",\"channels\":[\"chat-room\",\"private-chat-room\"]," \
             "\"data\":\"{\\\"text\\\":\\\"hello there, this is a short chat message\\\"}\"}"
#define PATH "/apps/app-main/events"
#define TIMESTAMP 1700000000LL

static void sign_query(void *ctx)
{
    char *q = ps_api_sign_query("POST", PATH, NULL, 0, KEY, SECRET, TIMESTAMP, BODY, strlen(BODY));
    sink += q != NULL;
    free(q);
}

static void sign_webhook(void *ctx)
{
    raw_input *in = ctx;
    char out[PS_HEX256_LEN + 1];
    ps_webhook_sign(SECRET, in->msg, in->len, out);
    sink += out[0];
}

static void report(const char *name, const char *what, bench_fn fn, void *ctx, raw_input *raw)
{
    double t, r;
    bench_pair(fn, ctx, raw_hmac_hex, raw, &t, &r);
    printf("signer: %s / HMAC+hex = %.2f (time ratio; lower is better)\n", name, t / r);
    printf("signer (info): %s %.0f signatures/s, HMAC+hex of the same %zu bytes (%s) %.0f/s\n",
           name, 1 / t, raw->len, what, 1 / r);
}

int main(void)
{
    if (ps_sign_init() != 0) { fprintf(stderr, "sign_bench: ps_sign_init failed\n"); return 1; }

    channel_input priv = { "private-chat-room", NULL };
    raw_input priv_raw = { SOCKET_ID ":private-chat-room", strlen(SOCKET_ID ":private-chat-room") };
    char out[512];
    ps_sign_channel(KEY, SECRET, SOCKET_ID, priv.channel, NULL, out, sizeof out);
    same_signature("ps_sign_channel", out, &priv_raw);
    report("ps_sign_channel (private)", "socket_id:channel", sign_channel, &priv, &priv_raw);

#define USER "{\"user_id\":\"user-42\",\"user_info\":{\"name\":\"Ann\"}}"
    channel_input pres = { "presence-room-1", USER };
    raw_input pres_raw = { SOCKET_ID ":presence-room-1:" USER, strlen(SOCKET_ID ":presence-room-1:" USER) };
    ps_sign_channel(KEY, SECRET, SOCKET_ID, pres.channel, USER, out, sizeof out);
    same_signature("ps_sign_channel", out, &pres_raw);
    report("ps_sign_channel (presence)", "socket_id:channel:channel_data", sign_channel, &pres, &pres_raw);

    /* the string to sign of the request ps_api_sign_query builds */
    char md5[PS_MD5_HEX_LEN + 1], ts[32];
    ps_md5_hex(BODY, strlen(BODY), md5);
    snprintf(ts, sizeof ts, "%lld", TIMESTAMP);
    ps_param params[] = { { "auth_key", KEY }, { "auth_timestamp", ts }, { "auth_version", "1.0" },
                          { "body_md5", md5 } };
    char *sts = ps_api_string_to_sign("POST", PATH, params, 4);
    raw_input api_raw = { sts, strlen(sts) };
    char *q = ps_api_sign_query("POST", PATH, NULL, 0, KEY, SECRET, TIMESTAMP, BODY, strlen(BODY));
    same_signature("ps_api_sign_query", q, &api_raw);
    free(q);
    report("ps_api_sign_query", "the string to sign", sign_query, NULL, &api_raw);
    free(sts);

    char body[1024];
    int n = snprintf(body, sizeof body, "{\"time_ms\":1700000000123,\"events\":[{\"name\":\"client_event\","
                     "\"channel\":\"presence-room-1\",\"event\":\"client-typing\",\"data\":\"{\\\"typing\\\":true}\","
                     "\"socket_id\":\"%s\",\"user_id\":\"user-42\"}]}", SOCKET_ID);
    raw_input hook = { body, (size_t)n };
    ps_webhook_sign(SECRET, body, (size_t)n, out);
    same_signature("ps_webhook_sign", out, &hook);
    report("ps_webhook_sign", "the body", sign_webhook, &hook, &hook);
    return 0;
}
