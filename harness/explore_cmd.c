#include "explore_cmd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A whole number in [lo, hi], all of text. */
static int whole(const char *text, double lo, double hi, double *v)
{
    char *end;
    if (!text || !*text)
        return 0;
    *v = strtod(text, &end);
    return !*end && isfinite(*v) && *v == floor(*v) && *v >= lo && *v <= hi;
}

/* name=weight,... : names are lowercase words, weights numbers >= 0, at least one > 0. */
static int weights_ok(const char *w, char *err, size_t errlen)
{
    char buf[1024];
    if (strlen(w) >= sizeof(buf) || !*w) {
        snprintf(err, errlen, "--weights takes name=weight,... (e.g. subscribe=5,trigger=2), not '%s'", w);
        return 0;
    }
    snprintf(buf, sizeof(buf), "%s", w);
    for (char *save, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '='), *end;
        if (!eq || eq == item || strspn(item, "abcdefghijklmnopqrstuvwxyz_") != (size_t)(eq - item)) {
            snprintf(err, errlen, "--weights: '%s' is not name=weight (an operation name, e.g. subscribe=5)", item);
            return 0;
        }
        double v = strtod(eq + 1, &end);
        if (!eq[1] || *end || !isfinite(v) || v < 0 || v > 1e6) {
            snprintf(err, errlen, "--weights: the weight of '%.*s' must be a number from 0 to 1000000, not '%s'",
                     (int)(eq - item), item, eq + 1);
            return 0;
        }
    }
    return 1;
}

int ps_explore_args(const char *seed, const char *ops, const char *budget, const char *weights, const char *shard,
                    const char *sequences, int jobs, const char *save, const char **out, char *err, size_t errlen)
{
    static char seed_s[32], shard_i[16], shard_n[16], jobs_s[16];
    double v;
    size_t n = 0;
    if (seed && !whole(seed, 0, 4294967295.0, &v)) {
        snprintf(err, errlen, "--seed takes a whole number from 0 to 4294967295, not '%s'", seed);
        return -1;
    }
    snprintf(seed_s, sizeof(seed_s), "%s", seed ? seed : "");
    if (!seed)
        snprintf(seed_s, sizeof(seed_s), "%lu", (unsigned long)time(NULL) % 4294967295UL);
    if (ops && !whole(ops, 1, 10000000, &v)) {
        snprintf(err, errlen, "--ops takes a whole number from 1 to 10000000 (operations per sequence), not '%s'", ops);
        return -1;
    }
    if (sequences && !whole(sequences, 1, 1000000, &v)) {
        snprintf(err, errlen, "--sequences takes a whole number from 1 to 1000000 (per job), not '%s'", sequences);
        return -1;
    }
    if (budget) {
        char *end;
        v = strtod(budget, &end);
        if (*end || !*budget || !isfinite(v) || v <= 0 || v > 86400) {
            snprintf(err, errlen, "--budget takes seconds, a number above 0 and up to 86400, not '%s'", budget);
            return -1;
        }
    }
    if (weights && !weights_ok(weights, err, errlen))
        return -1;
    int si = 1, sn = 1;
    if (shard) {
        char extra;
        if (sscanf(shard, "%d/%d%c", &si, &sn, &extra) != 2 || sn < 1 || sn > 100000 || si < 1 || si > sn) {
            snprintf(err, errlen, "--shard takes I/N with 1 <= I <= N (this machine runs seed range I of N), not '%s'",
                     shard);
            return -1;
        }
    }
    if (jobs > PS_EXPLORE_MAX_JOBS) {
        snprintf(err, errlen, "pushspec explore runs at most %d sequences in parallel (--jobs)", PS_EXPLORE_MAX_JOBS);
        return -1;
    }
    snprintf(shard_i, sizeof(shard_i), "%d", si);
    snprintf(shard_n, sizeof(shard_n), "%d", sn);
    snprintf(jobs_s, sizeof(jobs_s), "%d", jobs > 0 ? jobs : 1);
    const char *kv[] = { "explore_seed", seed_s, "explore_ops", ops, "explore_budget", budget,
                         "explore_weights", weights, "explore_shard_i", shard_i, "explore_shard_n", shard_n,
                         "explore_jobs", jobs_s, "explore_save", save, "explore_sequences", sequences,
                         /* differential mode: where the parent (explore_diff.c) wants the observations */
                         "explore_observe", getenv(PS_EXPLORE_OBSERVE_ENV) };
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i += 2)
        if (kv[i + 1]) {
            out[n++] = kv[i];
            out[n++] = kv[i + 1];
        }
    out[n] = NULL;
    return 0;
}

size_t ps_explore_select(ps_runner *r, int jobs)
{
    size_t n = 0;
    if (jobs < 1)
        jobs = 1;
    for (size_t i = 0; i < r->nsc; i++) {
        ps_scenario *s = r->sc[i];
        int k = strncmp(s->id, "explore-", 8) ? 0 : atoi(s->id + 8);
        if (k < 1 || k > jobs)
            s->selected = 0;
        n += (size_t)s->selected;
    }
    return n;
}

void ps_explore_add_known(const char **out, const ps_baseline *b)
{
    static char known[8192];
    size_t used = 0, n = 0;
    known[0] = 0;
    for (size_t i = 0; b && i < b->n; i++) {
        const ps_expect_entry *e = &b->e[i];
        for (size_t j = 0; j < (e->nlabels ? e->nlabels : 1); j++) {
            int w = snprintf(known + used, sizeof(known) - used, "%s%s%s%s", used ? " " : "", e->rule,
                             e->nlabels ? ":" : "", e->nlabels ? e->labels[j] : "");
            if (w < 0 || (size_t)w >= sizeof(known) - used) {
                known[used] = 0;   /* a huge baseline: the clauses past this are shrunk like others */
                break;
            }
            used += (size_t)w;
        }
    }
    while (out[n])
        n++;
    out[n] = "explore_known";
    out[n + 1] = known;
    out[n + 2] = NULL;
}
