/* The webhook receiver of the client role: an HTTP listener on the event loop
 * that keeps every webhook the server under test sends, verified against the
 * app's key and secret (HOOK-4) and the body format (HOOK-5). */
#ifndef PUSHSPEC_WEBHOOK_H
#define PUSHSPEC_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/httpreq.h"
#include "net/limits.h"

typedef struct {
    int64_t t_ms;
    char method[8];
    char path[256];
    char key[128];            /* X-Pusher-Key */
    char signature[160];      /* X-Pusher-Signature */
    char content_type[128];
    ps_body body;             /* over PS_WEBHOOK_BODY_CAP: refused with 413 */
    int key_ok, signature_ok;
} ps_webhook;

/* Listen on host:port; key/secret are the app's, for verification. */
int ps_webhook_listen(const char *host, int port, const char *key, const char *secret,
                      char *err, size_t errlen);
size_t ps_webhook_count(void);
const ps_webhook *ps_webhook_at(size_t i);
/* Called whenever a webhook arrives (the runner wakes its scenarios). */
void ps_webhook_on_arrival(void (*cb)(void));
void ps_webhook_free_all(void);

#endif
