#include "net/preflight.h"
#include "core/role.h"
#include "net/adapter.h"
#include "net/http.h"
#include "net/loop.h"
#include "net/ws.h"
#include "net/stop.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
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
    while (ps_now_ms() < deadline && (c->state == PS_WS_CONNECTING || !h->done) && !ps_stop_requested())
        ps_loop_service(deadline);
    if (c->state == PS_WS_FAILED && c->http_status == 0 && strstr(c->error, "SSL")) {
        snprintf(err, errlen,
                 "TLS handshake with %s failed (%s): is its certificate trusted by this machine? For a "
                 "test server with a self-signed certificate, add --insecure.", ws_url, c->error);
        rc = -1;
    } else if (c->state == PS_WS_FAILED && c->http_status == 0) {
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

int ps_preflight_app(const char *ws_url, const char *ws_path, int insecure, int timeout_ms, char *err,
                     size_t errlen)
{
    int news = 0, rc = -1;
    char e[256];
    ps_ws *c = ps_ws_open(ws_url, ws_path, insecure, NULL, 0, poke, &news, e, sizeof(e));
    if (!c) {
        snprintf(err, errlen, "bad WebSocket URL: %s", e);
        return -1;
    }
    ps_frame *f = NULL;
    int64_t deadline = ps_now_ms() + timeout_ms;
    while (!(f = ps_ws_pop(c)) && (c->state == PS_WS_CONNECTING || c->state == PS_WS_OPEN) &&
           ps_now_ms() < deadline && !ps_stop_requested())
        ps_loop_service(deadline);
    if (f && strstr(f->data, "pusher:connection_established"))
        rc = 0;
    else if (f)
        snprintf(err, errlen, "it does not serve the target's app: a connection with its key got %.200s "
                 "(every node must serve the same apps)", f->data);
    else
        snprintf(err, errlen, "a connection with the app's key got no pusher:connection_established within %d ms%s%s "
                 "(every node must serve the same apps)", timeout_ms, c->close_code ? ", closed with " : "",
                 c->close_code ? c->close_reason : "");
    free(f);
    ps_ws_release(c);
    int64_t settle = ps_now_ms() + 50;
    while (ps_now_ms() < settle)
        ps_loop_service(settle);
    ps_ws_reap(0);
    return rc;
}

int ps_preflight_adapter(const char *cmd, int timeout_ms, char *kind, size_t kindlen, char *name,
                         size_t namelen, cJSON **hello_out, char *err, size_t errlen)
{
    *hello_out = NULL;
    int news = 0, rc = -1;
    char e[256], *line = NULL;
    size_t len = 0;
    int overlong = 0;
    ps_adapter *a = ps_adapter_start(cmd, NULL, poke, &news, e, sizeof(e));
    if (!a) {
        snprintf(err, errlen, "cannot start the adapter '%s': %s", cmd, e);
        return -1;
    }
    int64_t deadline = ps_now_ms() + timeout_ms;
    while (!(line = ps_adapter_pop(a, &len, &overlong)) && !a->eof && ps_now_ms() < deadline &&
           !ps_stop_requested())
        ps_loop_service(deadline);
    cJSON *hello = line ? cJSON_Parse(line) : NULL;
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hello, "type"));
    const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hello, "kind"));
    const char *sdk = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hello, "sdk"));
    const char *ver = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hello, "version"));
    if (!line) {
        /* stdout closed: it is exiting; give it a moment so the status is its own */
        for (int64_t until = ps_now_ms() + 1000; a->eof && !a->exited && ps_now_ms() < until;) {
            ps_adapter_poll(a);
            if (!a->exited)
                ps_loop_service(ps_now_ms() + 10);
        }
        ps_adapter_poll(a);
        char how[64];
        ps_adapter_describe_exit(a, how, sizeof(how));
        if (a->exited || a->eof)
            snprintf(err, errlen, "the adapter '%s' %s (%s) before saying hello%s%.300s", cmd,
                     a->exited ? "exited" : "closed its stdout", how, a->err_tail[0] ? "; its stderr: " : "",
                     a->err_tail);
        else
            snprintf(err, errlen, "the adapter '%s' said nothing within %d ms (%s)%s%.300s", cmd, timeout_ms,
                     how, a->err_tail[0] ? "; its stderr: " : "", a->err_tail);
    } else if (!type || strcmp(type, "hello") != 0 || !k || !ps_role_by_hello(k)) {
        snprintf(err, errlen, "the adapter '%s' must first print {\"type\":\"hello\",\"kind\":\"client\"|\"http\","
                 "\"sdk\":..,\"version\":..}; it printed: %.200s (see ci/adapters/PROTOCOL.md)", cmd, line);
    } else {
        snprintf(kind, kindlen, "%s", k);
        snprintf(name, namelen, "%s %s", sdk ? sdk : "sdk", ver ? ver : "");
        *hello_out = hello;
        hello = NULL;
        rc = 0;
    }
    cJSON_Delete(hello);
    free(line);
    ps_adapter_release(a);
    ps_adapter_reap(0);
    return rc;
}
