/* The HTTP client's answer as libwebsockets hands it over: body pieces whose
 * length lws computed from the peer's chunk sizes or Content-Length. lws counts
 * a chunk size in an int, so a legal "ffffffff" chunk reaches us as a length
 * of -1 (SIZE_MAX); a length is therefore never trusted past the bytes the read
 * could hold. The body is kept up to its cap, the rest only flagged. Pure, so
 * it is fuzzed (fuzz/fuzz_http_response.c). */
#ifndef PUSHSPEC_HTTPRESP_H
#define PUSHSPEC_HTTPRESP_H

#include <stddef.h>

typedef struct {
    char *data;          /* NUL-terminated when not NULL */
    size_t len, cap, limit;
    int truncated;       /* more than limit arrived, or a length past belief */
    int bad_length;      /* a piece claimed more bytes than its read held */
} ps_resp_body;

void ps_resp_body_init(ps_resp_body *b, size_t limit);
/* A piece: len is what lws says, avail how many bytes from in the read can
 * really hold. 0: taken (up to the limit); 1: len > avail, nothing taken and
 * the answer must not be read further; -1: out of memory. */
int ps_resp_body_take(ps_resp_body *b, const void *in, size_t len, size_t avail);
void ps_resp_body_free(ps_resp_body *b);

/* The transcript line of an answer: "HTTP <status>[ (body truncated)] " and at
 * most show bytes of the body. Returns the length written (out is NUL-
 * terminated, outlen > 0). */
size_t ps_resp_summary(int status, const ps_resp_body *b, size_t show, char *out, size_t outlen);

#endif
