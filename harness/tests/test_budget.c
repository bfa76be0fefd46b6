/* net/budget.c and net/transcript.c: transcript texts draw from the process's
 * one memory ceiling (a refused text leaves its entry without text and names
 * memory-total for the transcript's owner), what they drew comes back when an
 * entry is dropped or the transcript freed, and a ceiling passed by a charge
 * refuses every draw until enough is given back. The hostile tests cannot show
 * the transcript part: transcripts alone never reach the 32 MiB minimum
 * --max-memory. Built with those two files (CMakeLists.txt); the loop's clock
 * and the limit sink are stubbed here. */
#include "check.h"
#include "core/redact.h"
#include "net/budget.h"
#include "net/limits.h"
#include "net/loop.h"
#include "net/transcript.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *hit_owner;
static char hit_name[64];
static int hits;

int64_t ps_now_ms(void) { return 0; }

void ps_limit_hit_for(void *owner, const char *name, const char *what)
{
    (void)what;
    hit_owner = owner;
    snprintf(hit_name, sizeof(hit_name), "%s", name);
    hits++;
}

static void budget_alone(void)
{
    ps_budget_set(1000);
    CHECK_INT(ps_budget_total(), 1000);
    CHECK_INT(ps_budget_take(600), 0);
    CHECK_INT(ps_budget_take(401), -1);   /* 1001 would pass it */
    CHECK_INT(ps_budget_used(), 600);
    CHECK_INT(ps_budget_take(400), 0);    /* exactly the ceiling */
    CHECK_INT(ps_budget_take(1), -1);
    ps_budget_give(1000);
    CHECK_INT(ps_budget_used(), 0);
    /* a charge (what must not fail) may pass the ceiling: then nothing more is drawn */
    ps_budget_charge(1200);
    CHECK_INT(ps_budget_used(), 1200);
    CHECK_INT(ps_budget_take(1), -1);
    CHECK_INT(ps_budget_take(100), -1);
    CHECK_INT(ps_budget_used(), 1200);
    ps_budget_give(300);
    CHECK_INT(ps_budget_take(100), 0);
    ps_budget_give(5000);                 /* more than drawn: never below nothing */
    CHECK_INT(ps_budget_used(), 0);
    ps_budget_set(0);
    CHECK_INT(ps_budget_total(), PS_MEMORY_DEFAULT);
}

static void transcript_draws(void)
{
    static ps_transcript t;   /* 400 entries: not on the stack */
    int owner;
    char text[3000];
    memset(text, 'a', sizeof(text));
    ps_budget_set(10000);
    ps_transcript_init(&t, 0);
    t.owner = &owner;
    hits = 0;

    ps_transcript_add(&t, 1, '<', "text", text, 100);
    CHECK_INT(ps_budget_used(), 101);   /* the text and its NUL */
    CHECK_INT(ps_transcript_at(&t, 0)->charged, 101);
    /* a long text is kept cut, and only what is kept is drawn */
    ps_transcript_add(&t, 1, '<', "text", text, sizeof(text));
    CHECK_INT(ps_budget_used(), 101 + PS_TRANSCRIPT_TEXT_MAX + 1);
    CHECK_INT(ps_transcript_at(&t, 1)->full_len, sizeof(text));
    CHECK_INT(hits, 0);

    /* fill to just under the ceiling, then one text more than is left */
    size_t n = 2;
    for (size_t left; (left = ps_budget_total() - ps_budget_used()) > 10 && n < 20; n++) {
        size_t len = left - 10 - 1;
        ps_transcript_add(&t, 1, '<', "text", text, len > PS_TRANSCRIPT_TEXT_MAX ? PS_TRANSCRIPT_TEXT_MAX : len);
    }
    CHECK_INT(ps_budget_used(), ps_budget_total() - 10);
    CHECK_INT(hits, 0);
    ps_transcript_add(&t, 2, '>', "text", text, 50);
    const ps_tentry *e = ps_transcript_at(&t, n);
    CHECK(e != NULL);
    if (e) {   /* the entry stays, without its text */
        CHECK(e->text == NULL);
        CHECK_INT(e->charged, 0);
        CHECK_INT(e->full_len, 50);
        CHECK_INT(e->conn, 2);
    }
    CHECK_INT(ps_budget_used(), ps_budget_total() - 10);
    CHECK_INT(hits, 1);
    CHECK(hit_owner == &owner);
    CHECK_STR(hit_name, "memory-total");
    /* what is left still holds a short one */
    ps_transcript_add(&t, 2, '>', "text", text, 9);
    CHECK_INT(ps_budget_used(), ps_budget_total());
    CHECK(ps_transcript_at(&t, n + 1) && ps_transcript_at(&t, n + 1)->text);

    ps_transcript_free(&t);
    CHECK_INT(ps_budget_used(), 0);

    /* the ring: a dropped entry gives its text back, so a full ring draws no more */
    ps_budget_set(1 << 20);
    ps_transcript_init(&t, 0);
    for (int i = 0; i < PS_TRANSCRIPT_MAX; i++)
        ps_transcript_add(&t, 1, '<', "text", text, 99);
    CHECK_INT(ps_budget_used(), PS_TRANSCRIPT_MAX * 100);
    for (int i = 0; i < 3 * PS_TRANSCRIPT_MAX; i++)
        ps_transcript_add(&t, 1, '<', "text", text, 9);
    CHECK_INT(ps_budget_used(), PS_TRANSCRIPT_MAX * 10);
    CHECK_INT(t.dropped, 3 * PS_TRANSCRIPT_MAX);
    ps_transcript_free(&t);
    CHECK_INT(ps_budget_used(), 0);

    /* past the ceiling (a charge that must not fail), texts are refused */
    ps_budget_set(1000);
    ps_budget_charge(1500);
    hits = 0;
    ps_transcript_init(&t, 0);
    ps_transcript_add(&t, 1, '<', "text", text, 20);
    CHECK(ps_transcript_at(&t, 0) && ps_transcript_at(&t, 0)->text == NULL);
    CHECK_INT(ps_budget_used(), 1500);
    CHECK_INT(hits, 1);
    ps_transcript_free(&t);
    ps_budget_give(1500);
    ps_budget_set(0);
}

int main(void)
{
    budget_alone();
    transcript_draws();
    return check_done("test_budget");
}
