/* The one event loop: a libwebsockets context shared by every connection,
 * HTTP request and listener of a run, and the clock everything is timed by. */
#ifndef PUSHSPEC_LOOP_H
#define PUSHSPEC_LOOP_H

#include <stdint.h>

struct lws_context;
struct lws_protocols;

int64_t ps_now_ms(void);   /* monotonic milliseconds */

/* verbose > 0 lets libwebsockets log errors and warnings to stderr. The
 * protocols (the transports' callbacks) come from above: see net/net.c. */
int ps_loop_init(int verbose, const struct lws_protocols *protocols);
struct lws_context *ps_loop_ctx(void);
/* Service I/O once, waking no later than wake_at_ms (monotonic). */
void ps_loop_service(int64_t wake_at_ms);
void ps_loop_destroy(void);

#endif
