#include "net/limits.h"
#include "net/redacted_print.h"

#include <stdlib.h>
#include <string.h>

#define MAX_KINDS 16

static struct { char *name, *what; unsigned long times, last_seq; } hits[MAX_KINDS];
static size_t nhits;
static unsigned long seq;
static void (*sink_fn)(void *owner, const char *name, const char *what);

void ps_limit_hit(const char *name, const char *what)
{
    seq++;
    for (size_t i = 0; i < nhits; i++)
        if (!strcmp(hits[i].name, name)) {
            hits[i].times++;
            hits[i].last_seq = seq;
            return;
        }
    if (nhits == MAX_KINDS)
        return;
    hits[nhits].name = strdup(name);
    hits[nhits].what = strdup(what);
    hits[nhits].times = 1;
    hits[nhits].last_seq = seq;
    if (!hits[nhits].name || !hits[nhits].what) {
        free(hits[nhits].name);
        free(hits[nhits].what);
        return;
    }
    nhits++;
    ps_say("pushspec: limit %s reached: %s\n", name, what);
}

void ps_limit_hit_for(void *owner, const char *name, const char *what)
{
    ps_limit_hit(name, what);
    if (owner && sink_fn)
        sink_fn(owner, name, what);
}

void ps_limits_set_sink(void (*sink)(void *owner, const char *name, const char *what)) { sink_fn = sink; }

unsigned long ps_limits_seq(void) { return seq; }

size_t ps_limits_since(unsigned long since, char *out, size_t outlen)
{
    size_t n = 0;
    if (outlen)
        out[0] = '\0';
    for (size_t i = 0; i < nhits && n + 1 < outlen; i++) {
        /* frames held back for the next resume are late, not lost: no reason a wait failed */
        if (hits[i].last_seq <= since || !strcmp(hits[i].name, "lua-frames-per-resume"))
            continue;
        int w = snprintf(out + n, outlen - n, "%s%s: %s", n ? "; " : "", hits[i].name, hits[i].what);
        n = w < 0 ? n : (n + (size_t)w < outlen ? n + (size_t)w : outlen - 1);
    }
    return n;
}

size_t ps_limits_hit_count(void) { return nhits; }

const char *ps_limit_hit_at(size_t i, const char **what, unsigned long *times)
{
    if (i >= nhits)
        return NULL;
    if (what)
        *what = hits[i].what;
    if (times)
        *times = hits[i].times;
    return hits[i].name;
}

void ps_limits_free(void)
{
    for (size_t i = 0; i < nhits; i++) {
        free(hits[i].name);
        free(hits[i].what);
    }
    nhits = 0;
}
