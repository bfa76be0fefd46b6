#include "net/transcript.h"
#include "net/loop.h"
#include "core/redact.h"
#include "net/budget.h"
#include "net/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ps_transcript_init(ps_transcript *t, int64_t start_ms)
{
    memset(t, 0, sizeof(*t));
    t->start_ms = start_ms;
}

void ps_transcript_add(ps_transcript *t, int conn, char dir, const char *kind,
                       const char *text, size_t len)
{
    if (!t)
        return;
    size_t slot = (t->head + t->count) % PS_TRANSCRIPT_MAX;
    if (t->count == PS_TRANSCRIPT_MAX) {
        slot = t->head;
        ps_budget_give(t->ring[slot].charged);
        free(t->ring[slot].text);
        t->head = (t->head + 1) % PS_TRANSCRIPT_MAX;
        t->dropped++;
    } else {
        t->count++;
    }
    ps_tentry *e = &t->ring[slot];
    /* redacted before it is cut, so a secret across the cut leaves no prefix; a
     * look past the cut as long as the secret finds one that straddles it */
    size_t longest = ps_redact_longest();
    size_t look = PS_TRANSCRIPT_TEXT_MAX + longest * 12;
    size_t rlen = 0;
    char *red = longest ? ps_redact_bytes(text, len < look ? len : look, NULL, &rlen) : NULL;
    if (red) {
        text = red;
        len = len - (len < look ? len : look) + rlen;   /* full length as if redacted throughout */
    }
    size_t have = red ? rlen : len;
    size_t keep = have > PS_TRANSCRIPT_TEXT_MAX ? PS_TRANSCRIPT_TEXT_MAX : have;
    e->t_ms = ps_now_ms() - t->start_ms;
    e->conn = conn;
    e->dir = dir;
    snprintf(e->kind, sizeof(e->kind), "%s", kind);
    e->full_len = len;
    e->charged = 0;
    e->text = NULL;
    if (ps_budget_take(keep + 1) < 0) {   /* the entry stays, without its text */
        char what[300];
        snprintf(what, sizeof(what), "%s (a transcript entry's text was not kept)", ps_budget_what());
        ps_limit_hit_for(t->owner, "memory-total", what);
    } else if (!(e->text = malloc(keep + 1))) {
        ps_budget_give(keep + 1);
    } else {
        e->charged = keep + 1;
        if (keep)
            memcpy(e->text, text, keep);
        e->text[keep] = '\0';
    }
    free(red);
}

const ps_tentry *ps_transcript_at(const ps_transcript *t, size_t i)
{
    if (!t || i >= t->count)
        return NULL;
    return &t->ring[(t->head + i) % PS_TRANSCRIPT_MAX];
}

void ps_transcript_free(ps_transcript *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++) {
        ps_tentry *e = &t->ring[(t->head + i) % PS_TRANSCRIPT_MAX];
        ps_budget_give(e->charged);
        free(e->text);
    }
    t->count = 0;
}
