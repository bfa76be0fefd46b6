/* The fake-server role: one listener that is the Pusher server for an SDK
 * under test. WebSocket upgrades at /app/KEY become server-side connections of
 * the scenario that registered KEY; HTTP requests (/apps/ID/... for the HTTP
 * API, /auth/KEY/... for the app's auth endpoints; other paths by their
 * auth_key) wait in that scenario's queue until it answers them. Several
 * scenarios, several apps, one port. */
#ifndef PUSHSPEC_FAKESERVER_H
#define PUSHSPEC_FAKESERVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/httpreq.h"
#include "net/limits.h"
#include "net/transcript.h"

struct lws;

typedef struct ps_sreq {
    int64_t t_ms;
    char method[8];
    char path[512];
    char *query;              /* as lws decoded it, args joined by '&' */
    ps_body body;             /* over PS_FAKE_BODY_CAP: answered 413 by the harness */
    char content_type[128];
    struct lws *wsi;          /* NULL once the client is gone */
    int responded;
    unsigned status;
    char resp_type[64];
    char *resp;
    size_t resp_len;
    int released;
    int by_auth_key;          /* routed by its auth_key: its path has no known /apps/ID/ */
    struct ps_sreq *next_dead;
} ps_sreq;

/* Listen on host:port (0: any free port); *bound gets the port. */
int ps_fake_listen(const char *host, int port, int *bound, char *err, size_t errlen);
int ps_fake_port(void);
/* After the event loop is destroyed: the listener's memory. */
void ps_fake_free(void);
/* What the owner of an app (a scenario, for the layer above) is told. */
typedef struct {
    /* A WebSocket upgrade to /app/KEY (path with query): the owner takes the
     * connection with ps_ws_accept and returns 0, or -1 to refuse it. */
    int (*on_upgrade)(void *owner, struct lws *wsi, const char *path);
    /* A complete HTTP request: the owner keeps it (0) until ps_sreq_release,
     * or returns -1 (answered 404 here). */
    int (*on_request)(void *owner, ps_sreq *r);
} ps_fake_handler;

/* Route app id and key to owner until ps_fake_unroute(owner); requests are
 * noted in tr. HTTP requests whose path names no routed app go to the app of
 * their auth_key. 0 routed, 1 when owner's route of key took app_id instead,
 * -2 when another owner has that id or key, -1 out of memory. */
int ps_fake_route(const char *app_id, const char *key, ps_transcript *tr,
                  const ps_fake_handler *h, void *owner);
void ps_fake_unroute(void *owner);
/* Answer a request (once). */
int ps_sreq_respond(ps_sreq *r, unsigned status, const char *type, const char *body, size_t len);
/* The scenario is done with it: answered 500 if it never was; freed later. */
void ps_sreq_release(ps_sreq *r);
void ps_sreq_reap(int all);

#endif
