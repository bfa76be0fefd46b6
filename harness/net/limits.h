/* Every bound on what a peer can make pushspec keep, in one place (each is
 * documented in `pushspec help run`). A bound that is hit is recorded once
 * with ps_limit_hit, said on stderr and written into the result. A bound of
 * one scenario's own connection or adapter (ps_limit_hit_for) also ends that
 * scenario with an error naming it; a shared one (webhooks, the fake server's
 * listener) is named in the failures of the scenarios that were running. */
#ifndef PUSHSPEC_LIMITS_H
#define PUSHSPEC_LIMITS_H

#include <stddef.h>

/* webhook receiver (client role) */
#define PS_WEBHOOK_BODY_CAP   (1u << 20)    /* one webhook body; larger: 413 */
#define PS_WEBHOOK_MAX_KEPT   2000u         /* webhooks kept per run; more: 503 */
#define PS_WEBHOOK_BYTES_CAP  (32u << 20)   /* their bodies in total; more: 503 */
#define PS_WEBHOOK_MAX_CONNS  32u           /* open connections at once; more: closed */

/* fake server (fake-server role) */
#define PS_FAKE_BODY_CAP      (8u << 20)    /* one request body; larger: 413 */
#define PS_FAKE_MAX_CONNS     64u           /* open connections at once; more: closed */
#define PS_FAKE_INFLIGHT_CAP  (32u << 20)   /* request bodies held at once; more: 503 */

/* adapter (fake-server role) */
#define PS_ADAPTER_LINE_CAP   (1u << 20)    /* a longer stdout line is cut and flagged */
#define PS_ADAPTER_QUEUE_CAP  (16u << 20)   /* unread stdout bytes kept */
#define PS_ADAPTER_QUEUE_LINES 20000u       /* unread stdout lines kept */
#define PS_ADAPTER_GRACE_MS   2000          /* SIGTERM to SIGKILL of its process group */

/* WebSocket connections (both roles) */
#define PS_WS_FRAME_CAP       (4u << 20)    /* a bigger incoming frame is dropped and flagged */
#define PS_WS_INBOX_CAP       (64u << 20)   /* unread bytes kept per connection */
#define PS_WS_INBOX_FRAMES    100000u       /* unread frames kept per connection (empty ones too) */

/* Lua runtime (both roles) */
#define PS_LUA_SCENARIO_CAP   (32u << 20)   /* Lua memory one scenario may hold; more: refused, its error */
#define PS_LUA_TOTAL_CAP      ((size_t)512 << 20) /* all Lua memory of the run */
#define PS_LUA_POP_FRAMES     1000u         /* frames one connection pop moves into Lua per resume */
#define PS_LUA_POP_BYTES      (512u << 10)  /* and their bytes; the rest waits for the next resume. A batch
                                             * must fit the scenario's Lua budget whatever it decodes into
                                             * (runs of [] grow ~25x): else a slow machine, which finds full
                                             * batches waiting, hits the budget where a fast one does not */
#define PS_TARGET_FILE_MS     5000          /* wall clock for evaluating a target file */
#define PS_RESTART_MS         60000         /* the target's restart command; over: its group is killed */

/* Record that a bound was hit (first time per name: also said on stderr). */
void ps_limit_hit(const char *name, const char *what);
/* The same, for a bound of what owner (a transport's notify owner) holds:
 * the sink set with ps_limits_set_sink hears it too (the runner ends the
 * owner's scenario). A NULL owner is ps_limit_hit. */
void ps_limit_hit_for(void *owner, const char *name, const char *what);
void ps_limits_set_sink(void (*sink)(void *owner, const char *name, const char *what));
/* A counter of every hit so far; ps_limits_since writes "NAME: what; ..." of
 * the bounds hit after seq that lost something (not lua-frames-per-resume,
 * which only delays) into out (empty when none) and returns its length. */
unsigned long ps_limits_seq(void);
size_t ps_limits_since(unsigned long seq, char *out, size_t outlen);
size_t ps_limits_hit_count(void);
/* i-th bound hit: its name, what it says, and how many times it was hit. */
const char *ps_limit_hit_at(size_t i, const char **what, unsigned long *times);
void ps_limits_free(void);

#endif
