#include "core/httpresp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ps_resp_body_init(ps_resp_body *b, size_t limit)
{
    memset(b, 0, sizeof(*b));
    b->limit = limit;
}

int ps_resp_body_take(ps_resp_body *b, const void *in, size_t len, size_t avail)
{
    if (len > avail) {
        /* lws lost count of the peer's size: nothing of this piece is real data */
        b->bad_length = 1;
        b->truncated = 1;
        return 1;
    }
    size_t room = b->limit - b->len;
    if (len > room) {
        b->truncated = 1;
        len = room;
    }
    if (!len)
        return 0;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            b->truncated = 1;
            return -1;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, in, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

void ps_resp_body_free(ps_resp_body *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

size_t ps_resp_summary(int status, const ps_resp_body *b, size_t show, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "HTTP %d%s ", status,
                     b->bad_length ? " (body truncated: a chunk size or length past what was read)"
                     : b->truncated ? " (body truncated)" : "");
    size_t at = n < 0 ? 0 : (size_t)n >= outlen ? outlen - 1 : (size_t)n;
    size_t blen = b->len < show ? b->len : show;
    if (blen > outlen - 1 - at)
        blen = outlen - 1 - at;
    if (blen)
        memcpy(out + at, b->data, blen);
    out[at + blen] = '\0';
    return at + blen;
}
