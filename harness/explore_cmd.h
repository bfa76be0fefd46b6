/* pushspec explore: its flags checked and handed to the target (explore_* fields,
 * read by harness/lua/explore.lua), and the sequences that run in parallel. */
#ifndef PUSHSPEC_EXPLORE_CMD_H
#define PUSHSPEC_EXPLORE_CMD_H

#include <stddef.h>

#include "lua/runner.h"
#include "report/baseline.h"

#define PS_EXPLORE_MAX_JOBS 16
/* Differential mode (explore_diff.c) runs pushspec explore once per target and tells each run,
 * through its environment: write the observations into this folder / stop after the preflight. */
#define PS_EXPLORE_OBSERVE_ENV "PUSHSPEC_EXPLORE_OBSERVE"
#define PS_EXPLORE_PREFLIGHT_ENV "PUSHSPEC_EXPLORE_PREFLIGHT_ONLY"

/* Checks the flags (NULL: not given) and fills out with key, value, ..., NULL
 * (out has room for 24 entries; the strings live in static storage). 0, or -1 with err
 * naming the bad value. */
int ps_explore_args(const char *seed, const char *ops, const char *budget, const char *weights, const char *shard,
                    const char *sequences, int jobs, const char *save, const char **out, char *err, size_t errlen);
/* Adds explore_known to out (the key/value list above): the clauses the baseline expects to fail,
 * "RULE:label" or "RULE" (every clause), separated by spaces. Explore reports them and does not shrink them. */
void ps_explore_add_known(const char **out, const ps_baseline *b);
/* Keeps the explore scenarios explore-1 .. explore-JOBS selected; returns how many are. */
size_t ps_explore_select(ps_runner *r, int jobs);

#endif
