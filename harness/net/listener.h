/* A listening socket pushspec makes itself, so it binds exactly the address it
 * is told (libwebsockets' iface may bind every address or none): IPv4, an IPv6
 * literal or a name getaddrinfo resolves. Connections it accepts go to an lws
 * vhost; at most max_conns are open at once, more are closed at once. */
#ifndef PUSHSPEC_LISTENER_H
#define PUSHSPEC_LISTENER_H

#include <stddef.h>
#include <libwebsockets.h>

struct lws_vhost;
struct lws;
typedef struct ps_listener ps_listener;

/* port 0: a free one; *bound gets the port. limit names the connection bound
 * when it is hit (see net/limits.h). NULL with err (what failed, what to do). */
ps_listener *ps_listen(struct lws_vhost *vh, const char *host, int port, unsigned max_conns,
                       const char *limit, int *bound, char *err, size_t errlen);
/* From the vhost's protocol: a connection it was given is gone (WSI_DESTROY). */
void ps_listener_closed(ps_listener *l);
unsigned ps_listener_open_conns(const ps_listener *l);
/* Free it once the event loop is destroyed (that closes the socket). */
void ps_listener_free(ps_listener *l);

int ps_listener_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

#endif
