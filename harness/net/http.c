#include "net/http.h"
#include "net/loop.h"
#include "net/limits.h"
#include "core/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ps_http *dead;

static void note(ps_http *h, char dir, const char *kind, const char *text, size_t len)
{
    if (h->tr)
        ps_transcript_add(h->tr, 0, dir, kind, text, len);
}

static void finish(ps_http *h, struct lws *wsi)
{
    if (!h->done) {
        h->done = 1;
        char line[1200];
        size_t n = ps_resp_summary(h->status, &h->body, 1024, line, sizeof(line));
        note(h, '<', "http", line, n);
        if (h->notify)
            h->notify(h->owner);
    }
    if (wsi) {
        lws_set_opaque_user_data(wsi, NULL);
        h->wsi = NULL;
    }
}

static int copy_headers(ps_http *h, const char *const *headers)
{
    size_t total = 0;
    for (const char *const *p = headers; p && p[0] && p[1]; p += 2)
        total += strlen(p[0]) + 2 + strlen(p[1]) + 1;
    if (!total)
        return 0;
    h->headers = malloc(total);
    if (!h->headers)
        return -1;
    char *w = h->headers;
    for (const char *const *p = headers; p[0] && p[1]; p += 2) {
        size_t a = strlen(p[0]), b = strlen(p[1]);
        memcpy(w, p[0], a);       /* lws wants "name:" */
        w[a] = ':';
        w[a + 1] = '\0';
        w += a + 2;
        memcpy(w, p[1], b + 1);
        w += b + 1;
    }
    h->headers_len = total;
    return 0;
}

ps_http *ps_http_start(const char *method, const char *url, const char *const *headers,
                       const char *body, size_t len, int insecure, ps_transcript *tr,
                       void (*notify)(void *), void *owner, char *err, size_t errlen)
{
    ps_url u;
    struct lws_client_connect_info i;

    if (ps_url_parse(url, &u, err, (int)errlen) < 0)
        return NULL;
    if (u.websocket) {
        snprintf(err, errlen, "'%s' is not an HTTP URL: use http:// or https://", url);
        return NULL;
    }
    ps_http *h = calloc(1, sizeof(*h));
    if (!h || copy_headers(h, headers) < 0) {
        free(h);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(h->method, sizeof(h->method), "%s", method);
    h->tr = tr;
    h->notify = notify;
    h->owner = owner;
    ps_resp_body_init(&h->body, PS_HTTP_BODY_CAP);
    if (body && len) {
        h->req_body = malloc(LWS_PRE + len);
        if (!h->req_body) {
            free(h->headers);
            free(h);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        memcpy(h->req_body + LWS_PRE, body, len);
        h->req_len = len;
    }
    {
        size_t ul = strlen(u.path), bl = h->req_len > 1024 ? 1024 : h->req_len;
        char *line = malloc(strlen(method) + ul + bl + 4);
        if (line) {
            int n = sprintf(line, "%s %s ", method, u.path);
            if (bl)
                memcpy(line + n, h->req_body + LWS_PRE, bl);
            note(h, '>', "http", line, (size_t)n + bl);
            free(line);
        }
    }

    memset(&i, 0, sizeof(i));
    i.context = ps_loop_ctx();
    i.address = u.host;
    i.port = u.port;
    i.path = u.path;
    i.host = u.authority;
    i.origin = u.authority;
    i.method = h->method;
    i.alpn = "http/1.1";
    i.ssl_connection = LCCSCF_HTTP_NO_FOLLOW_REDIRECT | (u.tls ? LCCSCF_USE_SSL : 0);
    if (u.tls && insecure)
        i.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
                            LCCSCF_ALLOW_EXPIRED;
    i.protocol = "pushspec-http";
    i.local_protocol_name = "pushspec-http";
    i.opaque_user_data = h;
    i.pwsi = &h->wsi;
    if (!lws_client_connect_via_info(&i) && !h->done) {
        snprintf(h->error, sizeof(h->error), "could not start connecting to %.200s:%d", u.host, u.port);
        finish(h, NULL);
    }
    return h;
}

void ps_http_release(ps_http *h)
{
    if (!h || h->released)
        return;
    h->released = 1;
    h->notify = NULL;
    h->tr = NULL;
    /* its wsi may still be connecting: it is closed at its next callback */
    h->next_dead = dead;
    dead = h;
}

void ps_http_reap(int all)
{
    ps_http **pp = &dead;
    while (*pp) {
        ps_http *h = *pp;
        if (all || !h->wsi) {
            *pp = h->next_dead;
            ps_resp_body_free(&h->body);
            free(h->req_body);
            free(h->headers);
            free(h);
        } else {
            pp = &h->next_dead;
        }
    }
}

static int append_headers(ps_http *h, struct lws *wsi, unsigned char **p, unsigned char *end)
{
    for (const char *w = h->headers; w && w < h->headers + h->headers_len;) {
        const char *name = w, *value = w + strlen(w) + 1;
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)name,
                                        (const unsigned char *)value, (int)strlen(value), p, end))
            return -1;
        w = value + strlen(value) + 1;
    }
    if (h->req_len) {
        char cl[32];
        int n = snprintf(cl, sizeof(cl), "%zu", h->req_len);
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)"content-length:",
                                        (const unsigned char *)cl, n, p, end))
            return -1;
        lws_client_http_body_pending(wsi, 1);
        lws_callback_on_writable(wsi);
    }
    return 0;
}

/* A piece lws hands over: its length comes from the peer's chunk sizes and
 * Content-Length as lws counted them, so it is held to the bytes the read could
 * put there (our buffer, or lws's own of PS_LWS_READ_MAX bytes). */
static int on_body(ps_http *h, const char *in, size_t len)
{
    size_t avail = PS_LWS_READ_MAX;
    if (h->rd_at && in >= h->rd_at && in <= h->rd_at + h->rd_len)
        avail = (size_t)(h->rd_at + h->rd_len - in);
    int was = h->body.truncated, rc = ps_resp_body_take(&h->body, in, len, avail);
    if (!was && h->body.truncated) {   /* a bound hit is its scenario's verdict */
        char what[160];
        snprintf(what, sizeof(what), "an HTTP API answer's body was over %u MiB, or its chunk size or "
                 "Content-Length past what could be read; it was cut", PS_HTTP_BODY_CAP >> 20);
        ps_limit_hit_for(h->notify ? h->owner : NULL, "http-body-bytes", what);
    }
    if (rc == 1) {
        snprintf(h->error, sizeof(h->error), "the answer's chunk size or Content-Length is past what "
                 "could be read (%zu bytes claimed): its body was cut at %zu bytes", len, h->body.len);
        note(h, '!', "error", h->error, strlen(h->error));
        return -1;
    }
    return 0;
}

int ps_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                     void *in, size_t len)
{
    ps_http *h = wsi ? lws_get_opaque_user_data(wsi) : NULL;
    if (!h)
        return 0;
    if (h->released && !h->done && reason != LWS_CALLBACK_CLIENT_CONNECTION_ERROR &&
        reason != LWS_CALLBACK_CLOSED_CLIENT_HTTP && reason != LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER)
        return -1;   /* nobody waits for this answer any more */
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        return append_headers(h, wsi, (unsigned char **)in, (*(unsigned char **)in) + len);
    case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
        if (!h->req_len)
            return 0;
        lws_client_http_body_pending(wsi, 0);
        if (lws_write(wsi, (unsigned char *)h->req_body + LWS_PRE, h->req_len,
                      LWS_WRITE_HTTP_FINAL) < 0)
            return -1;
        return 0;
    case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
        h->status = (int)lws_http_client_http_response(wsi);
        if (lws_hdr_copy(wsi, h->content_type, sizeof(h->content_type),
                         WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
            h->content_type[0] = '\0';
        break;
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
        char buf[LWS_PRE + 4096];
        char *px = buf + LWS_PRE;
        int lenx = (int)sizeof(buf) - LWS_PRE;
        h->rd_at = px;
        h->rd_len = (size_t)lenx;
        int rc = lws_http_client_read(wsi, &px, &lenx);
        h->rd_at = NULL;
        if (rc < 0)
            return -1;
        break;
    }
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
        if (on_body(h, in, len) < 0)
            return -1;   /* lws lost count of the body: nothing more of it is read */
        break;
    case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
        finish(h, NULL);
        break;
    case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
        finish(h, wsi);
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (!h->error[0])   /* the cause we found first stays */
            snprintf(h->error, sizeof(h->error), "%s", in ? (const char *)in : "connection failed");
        if (!h->status)
            h->status = (int)lws_http_client_http_response(wsi);
        note(h, '!', "error", h->error, strlen(h->error));
        finish(h, wsi);
        break;
    default:
        break;
    }
    return 0;
}
