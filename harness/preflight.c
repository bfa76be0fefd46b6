#include "preflight.h"
#include "http.h"
#include "loop.h"
#include "ws.h"

#include <stdio.h>
#include <string.h>

static void poke(void *flag) { *(int *)flag = 1; }

int ps_preflight(const char *ws_url, const char *ws_path, const char *http_url, int insecure,
                 int timeout_ms, char *err, size_t errlen)
{
    int news = 0, rc = 0;
    char e[256];
    ps_ws *c = ps_ws_open(ws_url, ws_path, insecure, NULL, 0, poke, &news, e, sizeof(e));
    if (!c) {
        snprintf(err, errlen, "bad WebSocket URL: %s", e);
        return -1;
    }
    ps_http *h = ps_http_start("GET", http_url, NULL, NULL, 0, insecure, NULL, poke, &news, e, sizeof(e));
    if (!h) {
        snprintf(err, errlen, "bad HTTP API URL: %s", e);
        ps_ws_release(c);
        return -1;
    }
    int64_t deadline = ps_now_ms() + timeout_ms;
    while (ps_now_ms() < deadline && (c->state == PS_WS_CONNECTING || !h->done))
        ps_loop_service(deadline);
    if (c->state == PS_WS_FAILED && c->http_status == 0) {
        snprintf(err, errlen,
                 "cannot reach the server's WebSocket endpoint %s (%s). Is the server running, and are "
                 "the url in the target file or --url right?", ws_url, c->error);
        rc = -1;
    } else if (c->state == PS_WS_CONNECTING) {
        snprintf(err, errlen, "the WebSocket endpoint %s did not answer within %d ms. Is the server "
                 "running? (--timeout-scale gives slow targets more time)", ws_url, timeout_ms);
        rc = -1;
    } else if (!h->done || (h->status == 0 && h->error[0])) {
        snprintf(err, errlen, "cannot reach the server's HTTP API at %s (%s). Check http_url in the "
                 "target file or --http-url.", http_url, h->done ? h->error : "no answer");
        rc = -1;
    }
    ps_ws_release(c);
    ps_http_release(h);
    /* let the closes go out before scenarios start */
    int64_t settle = ps_now_ms() + 50;
    while (ps_now_ms() < settle)
        ps_loop_service(settle);
    ps_ws_reap(0);
    ps_http_reap(0);
    return rc;
}
