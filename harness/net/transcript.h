/* A scenario's transcript: every frame, close and HTTP exchange, timestamped,
 * kept for the failure report. Bounded: the oldest entries are dropped. */
#ifndef PUSHSPEC_TRANSCRIPT_H
#define PUSHSPEC_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#define PS_TRANSCRIPT_MAX 400        /* entries kept (the most recent) */
#define PS_TRANSCRIPT_TEXT_MAX 2048  /* bytes of one entry kept */

typedef struct {
    int64_t t_ms;       /* since the scenario started */
    int conn;           /* connection number within the scenario, 0 for HTTP */
    char dir;           /* '>' harness sent, '<' harness received, '!' event */
    char kind[12];      /* text, binary, ping, pong, close, open, error, http */
    char *text;         /* owned, truncated, NUL-terminated */
    size_t full_len;    /* length before truncation */
    size_t charged;     /* bytes of text drawn from the memory ceiling (net/budget.h) */
} ps_tentry;

typedef struct {
    int64_t start_ms;
    ps_tentry ring[PS_TRANSCRIPT_MAX];
    size_t head, count;  /* ring position and how many are valid */
    size_t dropped;
    void *owner;         /* told (ps_limit_hit_for) when the ceiling refuses an entry's text */
} ps_transcript;

void ps_transcript_init(ps_transcript *t, int64_t start_ms);
void ps_transcript_add(ps_transcript *t, int conn, char dir, const char *kind,
                       const char *text, size_t len);
/* i-th kept entry, oldest first; NULL past the end. */
const ps_tentry *ps_transcript_at(const ps_transcript *t, size_t i);
void ps_transcript_free(ps_transcript *t);

#endif
