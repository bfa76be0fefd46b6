#include "net/webhook.h"
#include "net/loop.h"
#include "core/sign.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ps_webhook hook;
} session;

static ps_webhook *hooks;
static size_t nhooks, caphooks;
static char app_key[256], app_secret[256];
static void (*arrival_cb)(void);

void ps_webhook_on_arrival(void (*cb)(void)) { arrival_cb = cb; }
size_t ps_webhook_count(void) { return nhooks; }
const ps_webhook *ps_webhook_at(size_t i) { return i < nhooks ? &hooks[i] : NULL; }

static void keep(session *s)
{
    if (nhooks == caphooks) {
        size_t cap = caphooks ? caphooks * 2 : 64;
        ps_webhook *n = realloc(hooks, cap * sizeof(*n));
        if (!n) {
            ps_body_free(&s->hook.body);
            return;
        }
        hooks = n;
        caphooks = cap;
    }
    ps_webhook *h = &s->hook;
    if (!h->body.data)
        ps_body_append(&h->body, "", 0);
    h->key_ok = strcmp(h->key, app_key) == 0;
    h->signature_ok = h->body.data && ps_webhook_verify(app_key, app_secret, h->key, h->signature, h->body.data,
                                                          h->body.len);
    hooks[nhooks++] = *h;
    memset(h, 0, sizeof(*h));
    if (arrival_cb)
        arrival_cb();
}

static void header(struct lws *wsi, const char *name, char *out, size_t outlen)
{
    out[0] = '\0';
    int n = lws_hdr_custom_length(wsi, name, (int)strlen(name));
    if (n > 0 && (size_t)n < outlen && lws_hdr_custom_copy(wsi, out, (int)outlen, name, (int)strlen(name)) < 0)
        out[0] = '\0';
}

static int answer(struct lws *wsi, unsigned int status)
{
    if (lws_return_http_status(wsi, status, NULL))
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    session *s = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        memset(&s->hook, 0, sizeof(s->hook));
        ps_body_init(&s->hook.body, PS_WEBHOOK_BODY_CAP);
        s->hook.t_ms = ps_now_ms();
        snprintf(s->hook.path, sizeof(s->hook.path), "%s", in ? (const char *)in : "");
        snprintf(s->hook.method, sizeof(s->hook.method), "%s",
                 lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) ? "POST" : "GET");
        header(wsi, "x-pusher-key:", s->hook.key, sizeof(s->hook.key));
        header(wsi, "x-pusher-signature:", s->hook.signature, sizeof(s->hook.signature));
        if (lws_hdr_copy(wsi, s->hook.content_type, sizeof(s->hook.content_type),
                         WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
            s->hook.content_type[0] = '\0';
        if (!strcmp(s->hook.method, "POST"))
            return 0;   /* the body follows */
        keep(s);
        return answer(wsi, HTTP_STATUS_OK);
    case LWS_CALLBACK_HTTP_BODY:
        return ps_body_append(&s->hook.body, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION: {
        int oversize = s->hook.body.oversize;
        keep(s);
        return answer(wsi, oversize ? HTTP_STATUS_REQ_ENTITY_TOO_LARGE : HTTP_STATUS_OK);
    }
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (s)
            ps_body_free(&s->hook.body);
        if (s)
            memset(&s->hook, 0, sizeof(s->hook));
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    { "pushspec-webhooks", callback, sizeof(session), 65536, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 }
};

int ps_webhook_listen(const char *host, int port, const char *key, const char *secret,
                      char *err, size_t errlen)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof(info));
    info.port = port;
    info.iface = host;
    info.protocols = protocols;
    info.vhost_name = "pushspec-webhooks";
    snprintf(app_key, sizeof(app_key), "%s", key);
    snprintf(app_secret, sizeof(app_secret), "%s", secret);
    if (!lws_create_vhost(ps_loop_ctx(), &info)) {
        snprintf(err, errlen, "cannot listen for webhooks on %s:%d (port in use? change webhooks.listen "
                 "in the target)", host, port);
        return -1;
    }
    return 0;
}

void ps_webhook_free_all(void)
{
    for (size_t i = 0; i < nhooks; i++)
        ps_body_free(&hooks[i].body);
    free(hooks);
    hooks = NULL;
    nhooks = caphooks = 0;
}
