#include "net/net.h"
#include "net/adapter.h"
#include "net/fakeserver.h"
#include "net/http.h"
#include "net/limits.h"
#include "net/listener.h"
#include "net/loop.h"
#include "net/webhook.h"
#include "net/ws.h"

#include <libwebsockets.h>

static const struct lws_protocols protocols[] = {
    /* rx 4 KiB: lws keeps a receive buffer of this size per connection for its whole
     * life (64 KiB made most of the memory per held connection); longer frames come
     * in pieces that ws.c joins. Sends stay in 64 KiB pieces. */
    { "pushspec-ws", ps_ws_callback, 0, 4096, 0, NULL, 65536 },
    { "pushspec-http", ps_http_callback, 0, 65536, 0, NULL, 0 },
    { "pushspec-adapter", ps_adapter_callback, 0, 0, 0, NULL, 0 },
    { "pushspec-listener", ps_listener_callback, 0, 0, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 }
};

int ps_net_init(int verbose) { return ps_loop_init(verbose, protocols); }

void ps_net_reap(int all)
{
    ps_ws_reap(all);
    ps_http_reap(all);
    ps_sreq_reap(all);
    ps_adapter_reap(all);
}

void ps_net_destroy(void)
{
    ps_loop_destroy();
    ps_net_reap(1);
    ps_webhook_free_all();
    ps_fake_free();
    ps_limits_free();
}
