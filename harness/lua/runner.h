/* Runs scenarios as Lua coroutines on the one event loop: starts them up to
 * --jobs at a time, resumes each when its connections have news or its timer
 * is due, enforces deadlines, and records every check. */
#ifndef PUSHSPEC_RUNNER_H
#define PUSHSPEC_RUNNER_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>

#include "lua/context.h"
#include "lua/scenario.h"
#include "core/rules.h"

/* What the runner tells whoever shows progress (the console, set by main.c):
 * the runner calls nothing of the report layer. */
typedef struct {
    void (*scenario_start)(void *ctx, const ps_scenario *s);
    void (*scenario_done)(void *ctx, const ps_scenario *s);
    void (*progress)(void *ctx, size_t done, size_t total, size_t running);
    void *ctx;
} ps_run_observer;

typedef struct {
    lua_State *L;
    int L_broken;   /* a Lua panic unwound out of it: never run or closed again */
    ps_lua_env env;              /* catalog, timeout scale, TLS checks, restart command */
    ps_scenario **sc;
    size_t nsc, capsc;
    int jobs;
    int apiref;                  /* registry ref of the prelude's table */
    int64_t wall_start_ms, wall_end_ms;
    ps_run_observer observer;
    long long instr_limit;       /* per resume */
    const char *const *profiles; /* the target's profile names (NULL-ended), once it is loaded */
    char *down_reason;           /* set once the server died and stayed down */
    ps_scenario *suspect;        /* a scenario that ended failing: is the server still up? */
} ps_runner;

int ps_runner_init(ps_runner *r, ps_catalog *cat, char *err, size_t errlen);
/* Load the scenario files (*.lua) of folder DIR on disk, or of the embedded
 * tree (DIR like "scenarios/server"; file:line then name that path). */
int ps_runner_load_scenarios(ps_runner *r, const char *dir, char *err, size_t errlen);
int ps_runner_load_embedded(ps_runner *r, const char *dir, char *err, size_t errlen);
void ps_runner_run(ps_runner *r);
/* The scenarios that declare RULE ("checked by"), one per call: start with *pos = 0;
 * NULL after the last. */
const ps_scenario *ps_runner_checking(const ps_runner *r, const char *rule, size_t *pos);
void ps_runner_free(ps_runner *r);

/* Wake every running scenario (news that any of them may wait for). */
void ps_runner_wake_all(void);
/* Push the prelude's api[name] (C calls its entry points by these names). */
void ps_runner_push_api(ps_runner *r, lua_State *L, const char *name);

#endif
