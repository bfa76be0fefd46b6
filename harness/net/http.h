/* HTTP/1.1 client requests on the event loop (HTTP API calls of the client
 * role). One request, one answer: status, content type and body. */
#ifndef PUSHSPEC_HTTP_H
#define PUSHSPEC_HTTP_H

#include <stddef.h>
#include <libwebsockets.h>

#include "net/transcript.h"
#include "core/httpresp.h"

#define PS_HTTP_BODY_CAP (8u << 20)   /* response bytes kept; the rest is dropped and flagged */
/* lws reads at most its per-thread buffer at once (pt_serv_buf_size, set in loop.c) */
#define PS_LWS_READ_MAX 4096

typedef struct ps_http {
    struct lws *wsi;
    int done;
    int status;                 /* 0 when no answer came */
    char error[256];
    char content_type[128];
    ps_resp_body body;          /* up to PS_HTTP_BODY_CAP bytes; truncated flags the rest */
    const char *rd_at;          /* the buffer lws reads into while it reads: a piece */
    size_t rd_len;              /* handed over holds at most what lies there */

    char method[12];
    char *req_body;
    size_t req_len;
    char *headers;              /* "name:\0value\0...\0" for extra request headers */
    size_t headers_len;

    ps_transcript *tr;
    void (*notify)(void *owner);
    void *owner;
    int released;
    struct ps_http *next_dead;
} ps_http;

/* headers: NULL or a NULL-terminated list name, value, name, value, ... */
ps_http *ps_http_start(const char *method, const char *url, const char *const *headers,
                       const char *body, size_t len, int insecure, ps_transcript *tr,
                       void (*notify)(void *), void *owner, char *err, size_t errlen);
void ps_http_release(ps_http *h);
void ps_http_reap(int all);

int ps_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                     void *in, size_t len);

#endif
