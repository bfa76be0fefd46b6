#include "net/limits.h"
#include "net/say.h"

#include <stdlib.h>
#include <string.h>

#define MAX_KINDS 16

static struct { char *name, *what; unsigned long times; } hits[MAX_KINDS];
static size_t nhits;

void ps_limit_hit(const char *name, const char *what)
{
    for (size_t i = 0; i < nhits; i++)
        if (!strcmp(hits[i].name, name)) {
            hits[i].times++;
            return;
        }
    if (nhits == MAX_KINDS)
        return;
    hits[nhits].name = strdup(name);
    hits[nhits].what = strdup(what);
    hits[nhits].times = 1;
    if (!hits[nhits].name || !hits[nhits].what) {
        free(hits[nhits].name);
        free(hits[nhits].what);
        return;
    }
    nhits++;
    ps_say("pushspec: limit %s reached: %s\n", name, what);
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
