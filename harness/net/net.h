/* The transports as one unit for the layers above: start the event loop with
 * every transport's protocol, reclaim released transports, shut down. */
#ifndef PUSHSPEC_NET_H
#define PUSHSPEC_NET_H

int ps_net_init(int verbose);
/* Free released connections, requests and adapters whose sockets are gone
 * (all of them when all != 0, after the loop stops). */
void ps_net_reap(int all);
void ps_net_destroy(void);

#endif
