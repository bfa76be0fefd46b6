#include "net/fakeserver.h"
#include "net/budget.h"
#include "net/loop.h"
#include "net/transcript.h"
#include "net/ws.h"
#include "net/limits.h"
#include "net/listener.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char id[128], key[128];
    ps_transcript *tr;
    const ps_fake_handler *h;
    void *owner;
} route;

typedef struct {
    ps_sreq *req;
    int ours;        /* 1 until a scenario owns req; then we only borrow it */
} session;

static route *routes;
static size_t nroutes, caproutes;
static int listen_port;
static ps_sreq *dead;
static ps_listener *listener;
static size_t inflight;   /* request body bytes held, all connections together */

int ps_fake_port(void) { return listen_port; }

int ps_fake_route(const char *app_id, const char *key, ps_transcript *tr, const ps_fake_handler *h,
                  void *owner)
{
    route *r = NULL;
    for (size_t i = 0; i < nroutes; i++) {
        int same_key = strcmp(routes[i].key, key) == 0;
        if (routes[i].owner == owner && same_key)
            r = &routes[i];   /* the owner's app takes another id */
        else if (same_key || strcmp(routes[i].id, app_id) == 0)
            return -2;   /* requests would reach the wrong owner */
    }
    if (!r && nroutes == caproutes) {
        size_t cap = caproutes ? caproutes * 2 : 16;
        route *n = realloc(routes, cap * sizeof(*n));
        if (!n)
            return -1;
        routes = n;
        caproutes = cap;
    }
    int replaced = r != NULL;
    if (!r)
        r = &routes[nroutes++];
    snprintf(r->id, sizeof(r->id), "%s", app_id);
    snprintf(r->key, sizeof(r->key), "%s", key);
    r->tr = tr;
    r->h = h;
    r->owner = owner;
    return replaced;
}

void ps_fake_unroute(void *owner)
{
    for (size_t i = 0; i < nroutes;)
        if (routes[i].owner == owner)
            routes[i] = routes[--nroutes];
        else
            i++;
}

/* "/app/KEY" and "/auth/KEY/..." -> the route of KEY; "/apps/ID/..." -> of ID */
static const route *route_of(const char *path)
{
    const char *name;
    size_t nl;
    ps_route_kind kind = ps_route_parse(path, &name, &nl);
    if (kind == PS_ROUTE_NONE)
        return NULL;
    for (size_t i = 0; i < nroutes; i++) {
        const char *want = kind == PS_ROUTE_API ? routes[i].id : routes[i].key;
        if (strlen(want) == nl && strncmp(want, name, nl) == 0)
            return &routes[i];
    }
    return NULL;
}

/* The route whose key is the query's auth_key: an API request outside /apps/ID/. */
static const route *route_by_auth_key(const char *query)
{
    for (const char *p = query; p && *p; p += strcspn(p, "&"), p += *p == '&') {
        if (strncmp(p, "auth_key=", 9) != 0)
            continue;
        size_t n = strcspn(p + 9, "&");
        for (size_t i = 0; i < nroutes; i++)
            if (strlen(routes[i].key) == n && strncmp(routes[i].key, p + 9, n) == 0)
                return &routes[i];
        return NULL;
    }
    return NULL;
}

static void copy_hdr(struct lws *wsi, enum lws_token_indexes t, char *out, size_t outlen)
{
    if (lws_hdr_copy(wsi, out, (int)outlen, t) < 0)
        out[0] = '\0';
}

/* lws splits and percent-decodes the arguments; escape them back. */
static char *query_of(struct lws *wsi)
{
    enum { MAXF = 256 };
    char *frag[MAXF];
    size_t len[MAXF], n = 0;
    int total = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS);
    size_t size = (size_t)(total > 0 ? total : 0) + MAXF + 1;   /* + a NUL per fragment */
    char *buf = malloc(size), *at = buf;
    if (!buf)
        return NULL;
    for (int i = 0; total > 0 && n < MAXF; i++) {
        int room = (int)(buf + size - at);
        int l = lws_hdr_copy_fragment(wsi, at, room, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (l <= 0)
            break;
        frag[n] = at;
        len[n++] = (size_t)l;
        at += l + 1;
    }
    char *q = ps_query_join((const char *const *)frag, len, n);
    free(buf);
    return q;
}

/* ---- WebSocket upgrades ---- */

static int ws_established(struct lws *wsi)
{
    char path[512];
    copy_hdr(wsi, WSI_TOKEN_GET_URI, path, sizeof(path));
    const route *rt = route_of(path);
    char *q = rt ? query_of(wsi) : NULL;
    size_t need = strlen(path) + (q ? strlen(q) : 0) + 2;
    char *full = rt ? malloc(need) : NULL;
    if (full)
        snprintf(full, need, "%s%s%s", path, q && *q ? "?" : "", q ? q : "");
    free(q);
    int rc = full ? rt->h->on_upgrade(rt->owner, wsi, full) : -1;
    free(full);
    if (rc < 0)
        lws_close_reason(wsi, (enum lws_close_status)4001, (unsigned char *)"unknown app key", 15);
    return rc;
}

/* ---- HTTP requests ---- */

static int write_response(struct lws *wsi, ps_sreq *r)
{
    unsigned char head[LWS_PRE + 1024], *start = head + LWS_PRE, *p = start, *end = head + sizeof(head) - 1;
    if (lws_add_http_common_headers(wsi, r->status, r->resp_type, (lws_filepos_t)r->resp_len, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    if (r->resp_len) {
        unsigned char *buf = malloc(LWS_PRE + r->resp_len);
        if (!buf)
            return -1;
        memcpy(buf + LWS_PRE, r->resp, r->resp_len);
        int n = lws_write(wsi, buf + LWS_PRE, r->resp_len, LWS_WRITE_HTTP_FINAL);
        free(buf);
        if (n < 0)
            return -1;
    }
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int ps_sreq_respond(ps_sreq *r, unsigned status, const char *type, const char *body, size_t len)
{
    if (!r || r->responded)
        return -1;
    r->responded = 1;
    r->status = status;
    snprintf(r->resp_type, sizeof(r->resp_type), "%s", type ? type : "application/json");
    r->resp = malloc(len + 1);
    if (r->resp) {
        memcpy(r->resp, body ? body : "", len);
        r->resp_len = len;
    }
    if (r->wsi)
        lws_callback_on_writable(r->wsi);
    return 0;
}

void ps_sreq_release(ps_sreq *r)
{
    if (!r || r->released)
        return;
    r->released = 1;
    if (!r->responded) {
        static const char msg[] = "{\"error\":\"pushspec: the scenario ended without answering\"}";
        ps_sreq_respond(r, 500, "application/json", msg, sizeof(msg) - 1);
    }
    r->next_dead = dead;
    dead = r;
}

static void sreq_free(ps_sreq *r)
{
    inflight -= r->body.len <= inflight ? r->body.len : inflight;
    ps_budget_give(r->body.len);
    free(r->query);
    ps_body_free(&r->body);
    free(r->resp);
    free(r);
}

void ps_sreq_reap(int all)
{
    ps_sreq **pp = &dead;
    while (*pp) {
        ps_sreq *r = *pp;
        if (all || !r->wsi) {
            *pp = r->next_dead;
            sreq_free(r);
        } else {
            pp = &r->next_dead;
        }
    }
}

/* The request is complete: hand it to its scenario, or answer it here. */
static int dispatch(struct lws *wsi, session *s)
{
    ps_sreq *r = s->req;
    const route *rt = route_of(r->path);
    if (!rt && (rt = route_by_auth_key(r->query)))
        r->by_auth_key = 1;
    if (!r->body.data && ps_body_append(&r->body, "", 0) < 0)
        return -1;
    int oversize = r->body.oversize;
    if (!rt || oversize || rt->h->on_request(rt->owner, r) < 0) {
        static const char none[] = "{\"error\":\"no such app\"}";
        static const char big[] = "{\"error\":\"request body too large\"}";
        ps_sreq_respond(r, oversize ? 413 : 404, "application/json", oversize ? big : none,
                        oversize ? sizeof(big) - 1 : sizeof(none) - 1);
        return 0;   /* written when writeable; freed on close */
    }
    s->ours = 0;   /* the owner has it now */
    char line[700];
    int n = snprintf(line, sizeof(line), "%s%s %s%s%s %.*s", r->by_auth_key ? "(outside /apps/ID/, matched "
                     "by auth_key) " : "", r->method, r->path, r->query[0] ? "?" : "", r->query, 120, r->body.data);
    if (rt->tr)
        ps_transcript_add(rt->tr, 0, '<', "http", line, (size_t)(n < (int)sizeof(line) ? n : (int)sizeof(line) - 1));
    lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, 120);
    return 0;
}

static const char *method_of(struct lws *wsi)
{
    static const struct { enum lws_token_indexes t; const char *name; } m[] = {
        { WSI_TOKEN_GET_URI, "GET" }, { WSI_TOKEN_POST_URI, "POST" }, { WSI_TOKEN_PUT_URI, "PUT" },
        { WSI_TOKEN_DELETE_URI, "DELETE" }, { WSI_TOKEN_PATCH_URI, "PATCH" } };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (lws_hdr_total_length(wsi, m[i].t))
            return m[i].name;
    return "OTHER";
}

/* The session lets go of its request: freed if ours, else marked gone. */
static void drop(session *s)
{
    if (s && s->req) {
        if (s->ours)
            sreq_free(s->req);
        else
            s->req->wsi = NULL;
    }
    if (s)
        s->req = NULL;
}

static int on_http(struct lws *wsi, session *s, const char *path)
{
    drop(s);   /* a keep-alive connection's previous request */
    ps_sreq *r = calloc(1, sizeof(*r));
    s->ours = 1;
    if (!r)
        return -1;
    s->req = r;
    ps_body_init(&r->body, PS_FAKE_BODY_CAP);
    r->wsi = wsi;
    r->t_ms = ps_now_ms();
    snprintf(r->method, sizeof(r->method), "%s", method_of(wsi));
    snprintf(r->path, sizeof(r->path), "%s", path ? path : "/");
    r->query = query_of(wsi);
    if (!r->query)
        return -1;
    copy_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, r->content_type, sizeof(r->content_type));
    if (!strcmp(r->method, "GET") || !strcmp(r->method, "DELETE") ||
        !lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH))
        return dispatch(wsi, s);
    return 0;   /* the body follows */
}

/* A piece of a request body, within PS_FAKE_INFLIGHT_CAP for all requests held. */
static int body_part(ps_sreq *r, const void *in, size_t len)
{
    if (inflight + len > PS_FAKE_INFLIGHT_CAP) {
        char what[200];
        snprintf(what, sizeof(what), "the fake server holds at most %u MiB of request bodies at once; a "
                 "connection that sent more was closed", PS_FAKE_INFLIGHT_CAP >> 20);
        ps_limit_hit("fake-server-bytes-in-flight", what);
        return -1;
    }
    if (ps_budget_take(len) < 0) {   /* the process's ceiling: the request goes like one over the cap */
        ps_limit_hit("memory-total", ps_budget_what());
        return -1;
    }
    size_t before = r->body.len;
    int rc = ps_body_append(&r->body, in, len);
    inflight += r->body.len - before;
    ps_budget_give(len - (r->body.len - before));   /* what was not kept */
    return rc;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    session *s = user;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        return ws_established(wsi);
    case LWS_CALLBACK_HTTP:
        return on_http(wsi, s, in);
    case LWS_CALLBACK_HTTP_BODY:
        return s->req ? body_part(s->req, in, len) : 0;
    case LWS_CALLBACK_WSI_DESTROY:
        ps_listener_closed(listener);
        break;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return s->req ? dispatch(wsi, s) : 0;
    case LWS_CALLBACK_HTTP_WRITEABLE: {
        ps_sreq *r = s->req;
        if (!r || !r->responded || r->wsi != wsi)
            return 0;
        int ours = s->ours;
        s->req = NULL;   /* one answer per request; s may be freed by lws while writing */
        int rc = write_response(wsi, r);
        if (ours)
            sreq_free(r);
        else
            r->wsi = NULL;
        return rc;
    }
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        drop(s);
        break;
    default:
        return ps_ws_callback(wsi, reason, user, in, len);
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    { "pushspec-fake", callback, sizeof(session), 65536, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 }
};

int ps_fake_listen(const char *host, int port, int *bound, char *err, size_t errlen)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN_SERVER;   /* the socket is ours: bound exactly where told */
    info.protocols = protocols;
    info.vhost_name = "pushspec-fake";
    info.keepalive_timeout = 60;
    struct lws_vhost *vh = lws_create_vhost(ps_loop_ctx(), &info);
    char why[512] = "cannot create the fake server's vhost";
    if (!vh || !(listener = ps_listen(vh, host, port, PS_FAKE_MAX_CONNS, "fake-server-connections", &listen_port,
                                      why, sizeof(why)))) {
        snprintf(err, errlen, "fake server: %s; give another --listen HOST:PORT", why);
        return -1;
    }
    if (bound)
        *bound = listen_port;
    return 0;
}

void ps_fake_free(void)
{
    ps_listener_free(listener);
    listener = NULL;
    inflight = 0;
}
