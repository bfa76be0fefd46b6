/* What the harness reads from an HTTP request it serves (fake server, webhook
 * receiver): the body under a cap, the route in the path, the query rebuilt
 * from libwebsockets' decoded arguments, and urlencoded forms. Pure functions
 * over bytes, so they are fuzzed (fuzz/fuzz_fake_request.c). */
#ifndef PUSHSPEC_HTTPREQ_H
#define PUSHSPEC_HTTPREQ_H

#include <stddef.h>

/* A request body: NUL-terminated, at most limit bytes kept. */
typedef struct {
    char *data;
    size_t len, cap, limit;
    int oversize;        /* more than limit arrived: nothing more is kept */
} ps_body;

void ps_body_init(ps_body *b, size_t limit);
/* 0, or -1 when out of memory. Bytes past the limit only set oversize. */
int ps_body_append(ps_body *b, const void *in, size_t n);
void ps_body_free(ps_body *b);

typedef enum {
    PS_ROUTE_NONE,
    PS_ROUTE_WS,      /* /app/KEY          (by key) */
    PS_ROUTE_API,     /* /apps/ID/(...)   (by app id) */
    PS_ROUTE_AUTH     /* /auth/KEY/(...)  (by key) */
} ps_route_kind;

/* The route of a request path; *name and *len give the KEY or ID slice of
 * path, up to the next '/' or '?'. */
ps_route_kind ps_route_parse(const char *path, const char **name, size_t *len);

/* libwebsockets hands URI arguments over percent-decoded, one "k=v" fragment
 * each. Join them back into an escaped query string (the form the signature
 * check reads): everything but unreserved characters and each fragment's
 * first '=' is escaped, so a decoded '&' or '=' keeps its meaning. malloc'd. */
char *ps_query_join(const char *const *frag, const size_t *len, size_t n);

/* Decode application/x-www-form-urlencoded (or a query string): '+' is a
 * space, %XX a byte; a malformed escape stays as it is. emit gets each pair
 * (NUL-terminated copies, valid until it returns); empty keys are skipped.
 * Returns the number of pairs, or -1 when out of memory. */
typedef void (*ps_pair_fn)(void *ctx, const char *k, size_t klen, const char *v, size_t vlen);
long ps_form_decode(const char *s, size_t n, ps_pair_fn emit, void *ctx);

#endif
