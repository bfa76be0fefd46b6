/* Runs scenarios as Lua coroutines on the one event loop: starts them up to
 * --jobs at a time, resumes each when its connections have news or its timer
 * is due, enforces deadlines, and records every check. */
#ifndef PUSHSPEC_RUNNER_H
#define PUSHSPEC_RUNNER_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>

#include "net/transcript.h"
#include "core/verdict.h"
#include "core/rules.h"

struct ps_ws;
struct ps_http;
struct ps_sreq;
struct ps_adapter;

typedef struct {
    char rule[16];
    ps_verdict v;
    int checks;          /* how many checks named it */
    char *expected;      /* of the first failing check */
    char *actual;
    char *reason;        /* skip/error/timeout reason */
} ps_check;

typedef enum { PS_S_PENDING, PS_S_RUNNING, PS_S_DONE } ps_sstate;

typedef struct ps_scenario {
    /* declared */
    char *id, *title, *file;
    int line;
    char **rules;
    size_t nrules;
    char **tags;
    size_t ntags;
    char *profile;
    double timeout_s;
    int specref;                 /* registry ref of the scenario's table */

    /* run state */
    ps_sstate state;
    int selected;
    lua_State *co;
    int coref;
    int64_t start_ms, end_ms, wait_until, deadline;
    int wake;
    long long instr;             /* instructions counted in the current resume */
    int runaway;                 /* count_hook stopped it: over instr_limit */
    struct ps_ws **conns;
    size_t nconns, capconns;
    struct ps_http **reqs;
    size_t nreqs, capreqs;
    struct ps_sreq **sreqs;      /* requests the fake server got for this scenario */
    size_t nsreqs, capsreqs;
    struct ps_adapter **adapters;
    size_t nadapters, capadapters;
    ps_transcript tr;

    int probe;                   /* the built-in liveness check: not reported */
    int probe_ok;
    char *probe_why;

    /* outcome */
    ps_verdict verdict;          /* pass, fail, error, timeout, skip */
    char *message;               /* error/timeout/skip text, or first failure */
    char *err_source;            /* file:line of a Lua error */
    ps_check *checks;            /* one per declared rule */
    char **records;              /* t:record(): JSON texts for the result file */
    size_t nrecords, caprecords;
} ps_scenario;

typedef struct {
    lua_State *L;
    ps_catalog *catalog;
    ps_scenario **sc;
    size_t nsc, capsc;
    int jobs;
    double timeout_scale;
    int insecure;
    int progress_tty;            /* live counter */
    int quiet;
    int apiref;                  /* registry ref of the prelude's table */
    int64_t wall_start_ms, wall_end_ms;
    long long instr_limit;       /* per resume */
    const char *restart_cmd;     /* target.restart: brings a dead server back */
    char *down_reason;           /* set once the server died and stayed down */
} ps_runner;

/* The scenario whose coroutine is running on L (NULL on the main thread). */
ps_scenario *ps_runner_current(lua_State *L);
ps_runner *ps_runner_of(lua_State *L);

int ps_runner_init(ps_runner *r, ps_catalog *cat, char *err, size_t errlen);
/* Load the scenario files (*.lua) of folder DIR on disk, or of the embedded
 * tree (DIR like "scenarios/server"; file:line then name that path). */
int ps_runner_load_scenarios(ps_runner *r, const char *dir, char *err, size_t errlen);
int ps_runner_load_embedded(ps_runner *r, const char *dir, char *err, size_t errlen);
void ps_runner_run(ps_runner *r);
void ps_runner_free(ps_runner *r);

/* Called by the Lua bindings. */
void ps_scenario_wake(void *scenario);
/* Wake every running scenario (news that any of them may wait for). */
void ps_runner_wake_all(void);
int ps_scenario_check(ps_scenario *s, const char *rule, int ok, const char *expected,
                      const char *actual, char *err, size_t errlen);
int ps_scenario_skip_rule(ps_scenario *s, const char *rule, const char *reason, char *err, size_t errlen);
int ps_scenario_add_conn(ps_scenario *s, struct ps_ws *c);
int ps_scenario_add_req(ps_scenario *s, struct ps_http *h);
int ps_scenario_add_sreq(ps_scenario *s, struct ps_sreq *r);
int ps_scenario_add_adapter(ps_scenario *s, struct ps_adapter *a);
int ps_scenario_add_record(ps_scenario *s, const char *json);

#endif
