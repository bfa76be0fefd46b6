#include "net/loop.h"

#include <libwebsockets.h>
#include <string.h>
#include <time.h>

static struct lws_context *ctx;
static lws_sorted_usec_list_t tick;

int64_t ps_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ps_loop_init(int verbose, const struct lws_protocols *protocols)
{
    struct lws_context_creation_info info;

    lws_set_log_level(verbose ? (LLL_ERR | LLL_WARN) : 0, NULL);
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.timeout_secs = 10;      /* connect and handshake bound */
    info.connect_timeout_secs = 5;
    info.pt_serv_buf_size = 4096;   /* PS_LWS_READ_MAX: the most lws hands over from one read */
    ctx = lws_create_context(&info);
    return ctx ? 0 : -1;
}

struct lws_context *ps_loop_ctx(void) { return ctx; }

/* lws services ripe timers just before it polls, and then polls until the
 * next timer it knows of (up to ~30 s here), so a tick that fell due in that
 * window would be lost: it wakes the poll through the cancel pipe instead. */
static void tick_cb(lws_sorted_usec_list_t *sul)
{
    (void)sul;
    lws_cancel_service(ctx);
}

void ps_loop_service(int64_t wake_at_ms)
{
    int64_t wait = wake_at_ms - ps_now_ms();
    if (wait < 0)
        wait = 0;
    /* The scheduler, not the poll timeout, decides how long lws sleeps. */
    lws_sul_schedule(ctx, 0, &tick, tick_cb, (lws_usec_t)wait * LWS_US_PER_MS);
    lws_service(ctx, 0);
}

void ps_loop_destroy(void)
{
    if (ctx) {
        lws_sul_cancel(&tick);
        lws_context_destroy(ctx);
        ctx = NULL;
    }
}
