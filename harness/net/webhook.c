#include "net/webhook.h"
#include "net/loop.h"
#include "core/sign.h"
#include "net/limits.h"
#include "net/budget.h"
#include "net/listener.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ps_webhook hook;
    int refused;   /* past a bound: the body is read and dropped, then 503 */
} session;

static ps_webhook *hooks;
static size_t nhooks, caphooks, kept_bytes;
static ps_listener *listener;
static char app_key[256], app_secret[256];
static void (*arrival_cb)(void);

void ps_webhook_on_arrival(void (*cb)(void)) { arrival_cb = cb; }
size_t ps_webhook_count(void) { return nhooks; }
const ps_webhook *ps_webhook_at(size_t i) { return i < nhooks ? &hooks[i] : NULL; }

/* Past PS_WEBHOOK_MAX_KEPT webhooks or PS_WEBHOOK_BYTES_CAP bytes kept: 1 (and said). */
static int full(size_t more)
{
    char what[200];
    if (nhooks < PS_WEBHOOK_MAX_KEPT && kept_bytes + more <= PS_WEBHOOK_BYTES_CAP)
        return 0;
    snprintf(what, sizeof(what), "the webhook receiver keeps at most %u webhooks and %u MiB of bodies; "
             "later ones were answered 503 and not kept", PS_WEBHOOK_MAX_KEPT, PS_WEBHOOK_BYTES_CAP >> 20);
    ps_limit_hit("webhooks-kept", what);
    return 1;
}

/* A body given back: its bytes return to the process's ceiling. */
static void drop(ps_body *b)
{
    ps_budget_give(b->len);
    ps_body_free(b);
}

/* A piece of a body, drawn from the process's ceiling; refused: the webhook
 * is dropped and answered 503 like one past webhooks-kept. */
static int body_part(session *s, const void *in, size_t len)
{
    if (ps_budget_take(len) < 0) {
        char what[300];
        snprintf(what, sizeof(what), "%s (a webhook's body; it was answered 503 and not kept)", ps_budget_what());
        ps_limit_hit("memory-total", what);
        drop(&s->hook.body);
        s->refused = 1;
        return 0;
    }
    size_t before = s->hook.body.len;
    int rc = ps_body_append(&s->hook.body, in, len);
    ps_budget_give(len - (s->hook.body.len - before));   /* what was not kept */
    return rc;
}

static void keep(session *s)
{
    if (nhooks == caphooks) {
        size_t cap = caphooks ? caphooks * 2 : 64;
        ps_webhook *n = realloc(hooks, cap * sizeof(*n));
        if (!n) {
            drop(&s->hook.body);
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
    kept_bytes += h->body.len;
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
    case LWS_CALLBACK_WSI_DESTROY:
        ps_listener_closed(listener);
        break;
    case LWS_CALLBACK_HTTP:
        s->refused = full(0);
        if (s->refused && !lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI))
            return answer(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE);
        if (s->refused)
            return 0;   /* answered once its body is in: closing on unread bytes would be a reset */
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
        return s->refused ? 0 : body_part(s, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION: {
        int oversize = s->hook.body.oversize;
        if (s->refused || full(s->hook.body.len)) {
            s->refused = 0;
            drop(&s->hook.body);
            return answer(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE);
        }
        keep(s);
        return answer(wsi, oversize ? HTTP_STATUS_REQ_ENTITY_TOO_LARGE : HTTP_STATUS_OK);
    }
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (s)
            drop(&s->hook.body);
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
    info.port = CONTEXT_PORT_NO_LISTEN_SERVER;   /* the socket is ours: bound exactly where told */
    info.protocols = protocols;
    info.vhost_name = "pushspec-webhooks";
    snprintf(app_key, sizeof(app_key), "%s", key);
    snprintf(app_secret, sizeof(app_secret), "%s", secret);
    struct lws_vhost *vh = lws_create_vhost(ps_loop_ctx(), &info);
    char why[512] = "cannot create the receiver's vhost";
    if (!vh || !(listener = ps_listen(vh, host, port, PS_WEBHOOK_MAX_CONNS, "webhook-connections", NULL, why,
                                      sizeof(why)))) {
        snprintf(err, errlen, "webhook receiver: %s; change webhooks.listen in the target", why);
        return -1;
    }
    return 0;
}

void ps_webhook_free_all(void)
{
    for (size_t i = 0; i < nhooks; i++)
        drop(&hooks[i].body);
    free(hooks);
    hooks = NULL;
    nhooks = caphooks = kept_bytes = 0;
    ps_listener_free(listener);
    listener = NULL;
}
