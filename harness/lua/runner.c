#include "lua/runner.h"
#include "lua/embedfs.h"
#include "lua/lua_api.h"
#include "lua/lua_mem.h"
#include "lua/modules.h"
#include "net/loop.h"
#include "net/command.h"
#include "net/dirscan.h"
#include "net/limits.h"
#include "net/net.h"
#include "net/redacted_print.h"
#include "net/stop.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PS_HOOK_EVERY 10000

static ps_runner *the_runner;   /* one run per process */

void ps_runner_wake_all(void)
{
    for (size_t i = 0; the_runner && i < the_runner->nsc; i++)
        if (the_runner->sc[i]->state == PS_S_RUNNING)
            the_runner->sc[i]->wake = 1;
}

/* ---- runaway scripts ---- */

static void runaway_message(char *msg, size_t len)
{
    snprintf(msg, len, "runaway script: over %lld instructions without waiting on I/O (an endless loop?)",
             the_runner->instr_limit);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    ps_scenario *s = ps_lua_scenario(L);
    if (!s)
        return;
    s->instr += PS_HOOK_EVERY;
    int late = ps_now_ms() >= s->deadline;   /* a long resume (a flood) must not outrun it */
    if (s->instr > the_runner->instr_limit || late) {
        s->runaway = late && s->instr <= the_runner->instr_limit ? 2 : 1;
        /* Stop it with a yield, not an error: no pcall can catch a yield and no
         * xpcall message handler runs (an error raised here would run the handler
         * with hooks off, so a handler that loops would hang the whole run). */
        if (lua_isyieldable(L)) {
            lua_yield(L, 0);   /* in a hook this returns; the yield happens when the hook does */
            return;
        }
        /* inside a C call (a gsub callback, a sort comparator): fire on every
         * instruction from now on so a pcall loop can't swallow the error */
        lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
        char msg[160];   /* luaL_error knows no %lld */
        if (s->runaway == 2)
            snprintf(msg, sizeof(msg), "the scenario's deadline passed while it ran");
        else
            runaway_message(msg, sizeof(msg));
        luaL_error(L, "%s", msg);
    }
}

/* ---- init and loading ---- */

/* The trusted prelude, given the prim table; leaves its api table on L. */
static int load_prelude(lua_State *L, char *err, size_t errlen)
{
    /* the prelude is trusted; scenarios only see what its allow-list copies */
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base }, { LUA_STRLIBNAME, luaopen_string },
        { LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math },
        { LUA_UTF8LIBNAME, luaopen_utf8 }, { LUA_COLIBNAME, luaopen_coroutine },
        { LUA_DBLIBNAME, luaopen_debug }, { NULL, NULL } };
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    /* prelude.lua gets prim and {name = text} of the other modules, for its P.require */
    const char *prelude = NULL;
    lua_newtable(L);
    for (const ps_lua_module *m = ps_lua_modules; m->name; m++) {
        if (strcmp(m->name, "prelude") == 0)
            prelude = m->text;
        lua_pushstring(L, m->text);
        lua_setfield(L, -2, m->name);
    }
    if (!prelude || luaL_loadbufferx(L, prelude, strlen(prelude), "=prelude.lua", "t") != LUA_OK) {
        snprintf(err, errlen, "internal error in prelude.lua: %s", prelude ? lua_tostring(L, -1) : "not embedded");
        return -1;
    }
    lua_insert(L, -2);
    ps_lua_push_prim(L);
    lua_insert(L, -2);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        snprintf(err, errlen, "internal error in prelude.lua: %s", lua_tostring(L, -1));
        return -1;
    }
    return 0;
}

/* A bound of a scenario's own connection or adapter was hit: it ends at its next step. */
static void limit_sink(void *owner, const char *name, const char *what)
{
    for (size_t i = 0; the_runner && i < the_runner->nsc; i++)   /* not every owner is a scenario */
        if (the_runner->sc[i] == owner)
            ps_scenario_limit(owner, name, what);
}

int ps_runner_init(ps_runner *r, ps_catalog *cat, char *err, size_t errlen)
{
    the_runner = r;
    ps_limits_set_sink(limit_sink);
    r->env.catalog = cat;
    if (!r->jobs)
        r->jobs = 32;
    if (r->env.timeout_scale <= 0)
        r->env.timeout_scale = 1.0;
    if (!r->instr_limit)
        r->instr_limit = 200000000LL;
    r->L = lua_newstate(ps_lua_alloc, NULL);
    if (!r->L) {
        snprintf(err, errlen, "cannot create a Lua state");
        return -1;
    }
    lua_atpanic(r->L, ps_lua_on_panic);
    ps_lua_set_scenario(r->L, NULL);
    ps_lua_set_env(r->L, &r->env);
    if (load_prelude(r->L, err, errlen) < 0)
        return -1;
    r->apiref = luaL_ref(r->L, LUA_REGISTRYINDEX);
    return 0;
}

void ps_runner_push_api(ps_runner *r, lua_State *L, const char *name)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->apiref);
    lua_getfield(L, -1, name);
    lua_remove(L, -2);
}

static int add_scenario(ps_runner *r, int spec, char *err, size_t errlen)
{
    ps_scenario *s = ps_scenario_new(r->L, spec, err, errlen);
    if (!s)
        return -1;
    if (r->nsc == r->capsc) {
        size_t cap = r->capsc ? r->capsc * 2 : 64;
        ps_scenario **n = realloc(r->sc, cap * sizeof(*n));
        if (!n) {
            ps_scenario_free(s);
            snprintf(err, errlen, "out of memory loading scenarios");
            return -1;
        }
        r->sc = n;
        r->capsc = cap;
    }
    r->sc[r->nsc++] = s;
    for (size_t i = 0; i < s->nrules; i++)
        if (!ps_catalog_find(r->env.catalog, s->rules[i])) {
            snprintf(err, errlen, "%s:%d: scenario '%s' names rule %s, which the rule catalog does not have",
                     s->file, s->line, s->id, s->rules[i]);
            return -1;
        }
    for (size_t i = 0; i + 1 < r->nsc; i++)
        if (strcmp(r->sc[i]->id, s->id) == 0) {
            snprintf(err, errlen, "%s:%d: scenario id '%s' is already used at %s:%d",
                     s->file, s->line, s->id, r->sc[i]->file, r->sc[i]->line);
            return -1;
        }
    return 0;
}

/* Run each scenario file (TEXTS[i], or read from disk when NULL), then take the
 * scenarios they declared. */
static int load_files(ps_runner *r, char **files, const char **texts, size_t n, char *err, size_t errlen)
{
    lua_State *L = r->L;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        ps_runner_push_api(r, L, "load_scenario_file");
        lua_pushstring(L, files[i]);
        if (texts[i])
            lua_pushstring(L, texts[i]);
        else
            lua_pushnil(L);
        if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
            snprintf(err, errlen, "%s", lua_tostring(L, -1));
            rc = -1;
        }
        lua_pop(L, 1);
    }
    if (rc < 0)
        return -1;

    size_t before = r->nsc;
    ps_runner_push_api(r, L, "specs");
    lua_call(L, 0, 1);
    int specs = lua_gettop(L);
    size_t total = lua_rawlen(L, specs);
    for (size_t i = before + 1; i <= total && rc == 0; i++) {
        lua_rawgeti(L, specs, (lua_Integer)i);
        rc = add_scenario(r, lua_gettop(L), err, errlen);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return rc;
}

int ps_runner_load_scenarios(ps_runner *r, const char *dir, char *err, size_t errlen)
{
    size_t n;
    char **files = ps_dir_lua_files(dir, &n, err, errlen);
    if (!files) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, " (give --scenarios DIR)");
        return -1;
    }
    const char **texts = calloc(n ? n : 1, sizeof(char *));
    int rc = load_files(r, files, texts, n, err, errlen);
    ps_dir_lua_free(files);
    free(texts);
    return rc;
}

int ps_runner_load_embedded(ps_runner *r, const char *dir, char *err, size_t errlen)
{
    size_t n = 0;
    for (const ps_embed_file *f = ps_embed_next(dir, ".lua", NULL); f; f = ps_embed_next(dir, ".lua", f))
        n++;
    if (!n) {
        snprintf(err, errlen, "this pushspec has no embedded scenario folder %s (give --scenarios DIR)", dir);
        return -1;
    }
    char **files = calloc(n, sizeof(char *));
    const char **texts = calloc(n, sizeof(char *));
    size_t i = 0;
    for (const ps_embed_file *f = ps_embed_next(dir, ".lua", NULL); f; f = ps_embed_next(dir, ".lua", f), i++) {
        files[i] = (char *)f->path;
        texts[i] = f->data;
    }
    int rc = load_files(r, files, texts, n, err, errlen);
    free(files);
    free(texts);
    return rc;
}

/* ---- running ---- */

/* END_SETUP: a set-up step (t:open, t:subscribers, t:publish) could not be done */
typedef enum { END_DONE, END_ABORT, END_ERROR, END_TIMEOUT, END_SETUP } end_kind;

/* A scenario that ended after the server was found down: its fails are the
 * dead server's, not deviations (issue 20): each is the error down_reason. */
static void down_overrule(ps_scenario *s, const char *down_reason)
{
    if (s->verdict != PS_V_FAIL)
        return;
    ps_verdict agg = PS_V_NONE;
    for (size_t i = 0; i < s->nrules; i++) {
        ps_rule_outcome *c = &s->checks[i];
        if (c->v == PS_V_FAIL) {
            c->v = PS_V_ERROR;
            free(c->actual);
            free(c->reason);
            c->actual = NULL;
            c->reason = strdup(down_reason);
        }
        agg = ps_verdict_merge(agg, c->v);
    }
    s->verdict = agg == PS_V_NONE ? PS_V_ERROR : agg;
    free(s->message);
    s->message = strdup(down_reason);
}

static void finish(ps_runner *r, ps_scenario *s, end_kind how, const char *msg)
{
    static const char *const unchecked[] = {
        [END_DONE] = "the scenario declared this rule but never checked it",
        [END_ABORT] = "not reached: an earlier required check failed",
        [END_ERROR] = "not reached: the scenario raised an error",
        [END_TIMEOUT] = "not reached before the scenario's deadline",
        [END_SETUP] = "not reached: the scenario's set-up could not be done",
    };
    s->state = PS_S_DONE;
    s->end_ms = ps_now_ms();
    ps_scenario_release_all(s);
    if (s->co) {
        lua_resetthread(s->co);   /* runs pending to-be-closed variables */
        luaL_unref(r->L, LUA_REGISTRYINDEX, s->coref);
        s->co = NULL;
    }
    ps_verdict agg = PS_V_NONE;
    for (size_t i = 0; i < s->nrules; i++) {
        ps_rule_outcome *c = &s->checks[i];
        if (c->v == PS_V_NONE) {
            c->v = how == END_TIMEOUT ? PS_V_TIMEOUT : PS_V_ERROR;
            c->reason = strdup((how == END_ERROR || how == END_SETUP) && msg ? msg : unchecked[how]);
        }
        agg = ps_verdict_merge(agg, c->v);
    }
    if (how == END_ERROR || how == END_SETUP)
        agg = ps_verdict_merge(agg, PS_V_ERROR);
    else if (how == END_TIMEOUT)
        agg = ps_verdict_merge(agg, PS_V_TIMEOUT);
    s->verdict = agg == PS_V_NONE ? PS_V_PASS : agg;
    if (msg && !s->message)
        s->message = strdup(msg);
    if (!s->probe && r->down_reason)
        down_overrule(s, r->down_reason);
    else if (!s->probe && !r->suspect && (s->verdict == PS_V_FAIL || s->verdict == PS_V_ERROR))
        r->suspect = s;   /* the run loop probes the server before it starts another scenario */
    if (!s->probe && r->observer.scenario_done)
        r->observer.scenario_done(r->observer.ctx, s);
}

static void resume(ps_runner *r, ps_scenario *s, int nargs)
{
    int nres = 0;
    s->wake = 0;
    s->instr = 0;
    s->popped = s->popped_bytes = 0;
    lua_sethook(s->co, count_hook, LUA_MASKCOUNT, PS_HOOK_EVERY);
    ps_lua_mem_use(s->slot);
    int st = lua_resume(s->co, r->L, nargs, &nres);
    ps_lua_mem_use(0);
    if (st == LUA_YIELD && s->runaway == 2) {   /* yielded by count_hook at the deadline */
        char msg[128];
        snprintf(msg, sizeof(msg), "timed out after %.1f s (the scenario's deadline)",
                 (double)(ps_now_ms() - s->start_ms) / 1000.0);
        finish(r, s, END_TIMEOUT, msg);
        return;
    }
    if (st == LUA_YIELD && s->runaway) {   /* yielded by count_hook */
        char msg[160];
        runaway_message(msg, sizeof(msg));
        s->err_source = ps_lua_error_source(s->co);
        finish(r, s, END_ERROR, msg);
        return;
    }
    if (st == LUA_YIELD) {
        lua_Integer until = nres > 0 && lua_isinteger(s->co, -nres) ? lua_tointeger(s->co, -nres) : 0;
        s->wait_until = until > 0 ? until : ps_now_ms() + 100;
        lua_pop(s->co, nres);
        return;
    }
    if (st == LUA_OK) {
        if (s->probe && nres >= 1) {
            s->probe_ok = lua_toboolean(s->co, -nres);
            const char *why = nres >= 2 ? lua_tostring(s->co, -nres + 1) : NULL;
            s->probe_why = strdup(why ? why : "");
        }
        finish(r, s, END_DONE, NULL);
        return;
    }
    /* an abort from t:require carries {ps_abort = message} (rawget: no metamethod runs here) */
    if (lua_istable(s->co, -1)) {
        lua_pushliteral(s->co, "ps_abort");
        lua_rawget(s->co, -2);
        if (lua_type(s->co, -1) == LUA_TSTRING) {
            char *m = strdup(lua_tostring(s->co, -1));
            lua_pushliteral(s->co, "ps_setup");
            lua_rawget(s->co, -3);
            end_kind how = lua_toboolean(s->co, -1) ? END_SETUP : END_ABORT;
            lua_pop(s->co, 1);
            finish(r, s, how, m);
            free(m);
            return;
        }
        lua_pop(s->co, 1);
    }
    s->err_source = ps_lua_error_source(s->co);
    char *msg = ps_lua_error_text(r->L, s->co, s->slot);
    finish(r, s, END_ERROR, msg);
    free(msg);
}

static void start_fn(ps_runner *r, ps_scenario *s, const char *fn)
{
    lua_State *L = r->L;
    s->state = PS_S_RUNNING;
    s->start_ms = ps_now_ms();
    s->limits_seq0 = ps_limits_seq();
    double t = (s->timeout_s > 0 ? s->timeout_s : 15.0) * r->env.timeout_scale;
    s->deadline = s->start_ms + (int64_t)(t * 1000.0);
    ps_transcript_init(&s->tr, s->start_ms);
    s->tr.owner = s;   /* a refused entry ends this scenario (memory-total) */
    s->co = lua_newthread(L);
    s->coref = luaL_ref(L, LUA_REGISTRYINDEX);
    ps_lua_set_scenario(s->co, s);
    ps_runner_push_api(r, s->co, fn);
    if (s->probe) {
        resume(r, s, 0);
        return;
    }
    lua_rawgeti(s->co, LUA_REGISTRYINDEX, s->specref);
    if (r->observer.scenario_start)
        r->observer.scenario_start(r->observer.ctx, s);
    resume(r, s, 1);
}

static int has_profile(const ps_runner *r, const char *name)
{
    for (size_t i = 0; r->profiles && r->profiles[i]; i++)
        if (strcmp(r->profiles[i], name) == 0)
            return 1;
    return 0;
}

static void not_run(ps_runner *r, ps_scenario *s);

/* A scenario needing a profile the target lacks is skipped without running (the one
 * place this is decided: kind profile-missing); none runs once the server is down. */
static void start(ps_runner *r, ps_scenario *s)
{
    if (r->down_reason) {
        not_run(r, s);
        return;
    }
    if (!s->profile || has_profile(r, s->profile)) {
        start_fn(r, s, "run_case");
        return;
    }
    char why[256], err[256];
    snprintf(why, sizeof(why), "the target offers no profile '%s' (see its profiles table)", s->profile);
    s->state = PS_S_RUNNING;
    s->start_ms = ps_now_ms();
    ps_transcript_init(&s->tr, s->start_ms);
    for (size_t i = 0; i < s->nrules; i++)
        ps_scenario_skip_rule(s, s->rules[i], PS_SKIP_NO_PROFILE, why, err, sizeof(err));
    finish(r, s, END_DONE, NULL);
}

/* One round: sleep until I/O or the nearest timer, then resume whoever is due. */
static void step(ps_runner *r, ps_scenario **list, size_t n)
{
    int64_t now = ps_now_ms(), wake_at = now + 250;
    for (size_t i = 0; i < n; i++) {
        ps_scenario *s = list[i];
        if (s->state != PS_S_RUNNING)
            continue;
        if (s->wake)
            wake_at = now;
        if (s->wait_until < wake_at)
            wake_at = s->wait_until;
        if (s->deadline < wake_at)
            wake_at = s->deadline;
    }
    ps_loop_service(wake_at);
    now = ps_now_ms();
    for (size_t i = 0; i < n; i++) {
        ps_scenario *s = list[i];
        if (s->state != PS_S_RUNNING)
            continue;
        if (now >= s->deadline) {
            char msg[128];
            snprintf(msg, sizeof(msg), "timed out after %.1f s (the scenario's deadline)",
                     (double)(now - s->start_ms) / 1000.0);
            finish(r, s, END_TIMEOUT, msg);
        } else if (s->limit_msg) {
            finish(r, s, END_ERROR, s->limit_msg);
        } else if (s->wake || now >= s->wait_until) {
            resume(r, s, 0);
        }
    }
    ps_net_reap(0);
}

static void run_alone(ps_runner *r, ps_scenario *s)
{
    start(r, s);
    while (s->state == PS_S_RUNNING)
        step(r, &s, 1);
}

/* Is the server still up? fn "liveness": a fresh connection subscribes and gets a
 * triggered event; "reachable": a WebSocket upgrade to it completes. */
static int probe_fn(ps_runner *r, const char *fn, char *why, size_t whylen)
{
    ps_scenario p = { 0 };
    ps_scenario *pp = &p;
    p.probe = 1;
    p.id = (char *)fn;
    p.timeout_s = 12;
    start_fn(r, &p, fn);
    while (p.state == PS_S_RUNNING)
        step(r, &pp, 1);
    int ok = p.probe_ok;
    snprintf(why, whylen, "%s", p.probe_why ? p.probe_why : p.message ? p.message : "no answer");
    free(p.probe_why);
    free(p.message);
    free(p.err_source);
    free(p.res);
    free(p.checks);
    ps_transcript_free(&p.tr);
    return ok;
}

static int probe(ps_runner *r, char *why, size_t whylen) { return probe_fn(r, "liveness", why, whylen); }

static void overrule(ps_scenario *s, ps_verdict v, const char *expected, const char *text)
{
    for (size_t i = 0; i < s->nrules; i++) {
        ps_rule_outcome *c = &s->checks[i];
        c->v = v;
        free(c->expected);
        free(c->actual);
        free(c->reason);
        c->expected = expected ? strdup(expected) : NULL;
        c->actual = v == PS_V_FAIL ? strdup(text) : NULL;
        c->reason = v == PS_V_FAIL ? NULL : strdup(text);
    }
    s->verdict = v;
    free(s->message);
    s->message = strdup(text);
}

/* Not started: the server is down (r->down_reason); every rule is that error. */
static void not_run(ps_runner *r, ps_scenario *s)
{
    char text[3072];
    snprintf(text, sizeof(text), "not run: %s", r->down_reason);
    s->state = PS_S_DONE;
    overrule(s, PS_V_ERROR, NULL, text);
    if (r->observer.scenario_done)
        r->observer.scenario_done(r->observer.ctx, s);
}

/* Bring a dead server back with the target's restart command; 1 when it is up again. */
static int restart(ps_runner *r, char *why, size_t whylen, char *cwhy, size_t cwhylen, int *rc)
{
    ps_say("restarting the server: %s\n", r->env.restart_cmd);
    *rc = ps_command_run(r->env.restart_cmd, (int)(PS_RESTART_MS * r->env.timeout_scale), cwhy, cwhylen);
    return *rc == 0 && probe(r, why, whylen);
}

/* A scenario ended failing (r->suspect): if the server is gone and does not
 * come back, the scenarios still to end or start are errors, not deviations. */
static void check_suspect(ps_runner *r)
{
    ps_scenario *s = r->suspect;
    char why[512], cwhy[256], text[3072];
    int rc = 0;
    r->suspect = NULL;
    if (r->down_reason || probe_fn(r, "reachable", why, sizeof(why)))
        return;   /* a server that answers, however badly, keeps its verdicts */
    ps_say("the server cannot be reached after scenario %s: %s\n", s->id, why);
    if (r->env.restart_cmd && restart(r, why, sizeof(why), cwhy, sizeof(cwhy), &rc))
        return;
    snprintf(text, sizeof(text), "server down since %s, %.1500s (a fresh connection: %.500s; %s)", s->id,
             ps_scenario_last_sent(s), why, r->env.restart_cmd ? "the restart command did not bring it back" :
             "no restart command in the target");
    r->down_reason = strdup(text);
}

/* Destructive scenarios: alone, one after another, each followed by a liveness
 * check; a server that died is restarted when the target says how. */
static void run_destructive(ps_runner *r, ps_scenario *s)
{
    char why[512], text[3072];
    if (r->down_reason) {
        not_run(r, s);
        return;
    }
    r->suspect = NULL;   /* probed below, whatever its verdict */
    run_alone(r, s);
    r->suspect = NULL;
    if (probe(r, why, sizeof(why)))
        return;
    snprintf(text, sizeof(text), "the server stopped working after this input: %.2000s (liveness check: %s)",
             ps_scenario_last_sent(s), why);
    overrule(s, PS_V_FAIL, "the server survives the input and keeps serving other connections", text);
    ps_say("destructive scenario %s took the server down: %s\n", s->id, text);
    if (r->env.restart_cmd) {
        char cwhy[256];
        int rc;
        if (restart(r, why, sizeof(why), cwhy, sizeof(cwhy), &rc))
            return;
        if (rc < 0) {
            ps_say("%s\n", cwhy);
            snprintf(text, sizeof(text), "the server died at destructive scenario %s and did not come back "
                     "(%s)", s->id, cwhy);
        } else {
            snprintf(text, sizeof(text), "the server died at destructive scenario %s and did not come back "
                     "(restart exit %d; %s)", s->id, rc, why);
        }
    } else {
        snprintf(text, sizeof(text), "server down since %s, %.2000s (no restart command in the target)", s->id,
                 ps_scenario_last_sent(s));
    }
    r->down_reason = strdup(text);
}

/* The run's own audit of ps.clause (prelude.lua, api.unjudged_clauses): a note, no verdict. */
static void say_unjudged(ps_runner *r)
{
    lua_State *L = r->L;
    int top = lua_gettop(L);
    ps_runner_push_api(r, L, "unjudged_clauses");
    if (lua_isfunction(L, -1) && lua_pcall(L, 0, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
        ps_say("note: %s\n", lua_tostring(L, -1));
    lua_settop(L, top);
}

void ps_runner_run(ps_runner *r)
{
    size_t total = 0, concurrent = 0;
    ps_scenario **queue = calloc(r->nsc + 1, sizeof(*queue));
    /* slow scenarios first, so they overlap everything else; destructive last */
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < r->nsc; i++) {
            ps_scenario *s = r->sc[i];
            int kind = ps_scenario_has_tag(s, "destructive") ? 2 : ps_scenario_has_tag(s, "slow") ? 0 : 1;
            if (s->selected && kind == pass)
                queue[total++] = s;
        }
    while (concurrent < total && !ps_scenario_has_tag(queue[concurrent], "destructive"))
        concurrent++;
    r->wall_start_ms = ps_now_ms();
    ps_lua_mem_open(r->sc, r->nsc);
    static jmp_buf panicked;   /* a Lua panic unwinds here: the run stops as for a signal */
    if (setjmp(panicked)) {
        r->L_broken = 1;
        goto out;
    }
    ps_lua_panic_point(&panicked);
    size_t next = 0, done = 0;
    while (done < concurrent && !ps_stop_requested()) {
        size_t running = 0;
        for (size_t i = 0; i < next; i++)
            running += queue[i]->state == PS_S_RUNNING;
        while (running < (size_t)r->jobs && next < concurrent) {
            start(r, queue[next++]);
            running++;
        }
        step(r, queue, next);
        if (r->suspect)
            check_suspect(r);
        done = running = 0;
        for (size_t i = 0; i < next; i++) {
            running += queue[i]->state == PS_S_RUNNING;
            done += queue[i]->state == PS_S_DONE;
        }
        if (r->observer.progress)
            r->observer.progress(r->observer.ctx, done, total, running);
    }
    for (size_t i = concurrent; i < total && !ps_stop_requested(); i++) {
        run_destructive(r, queue[i]);
        if (r->observer.progress)
            r->observer.progress(r->observer.ctx, i + 1, total, 0);
    }
    if (!ps_stop_requested())
        say_unjudged(r);
out:
    ps_lua_panic_point(NULL);
    r->wall_end_ms = ps_now_ms();
    free(queue);
}

const ps_scenario *ps_runner_checking(const ps_runner *r, const char *rule, size_t *pos)
{
    while (*pos < r->nsc) {
        const ps_scenario *s = r->sc[(*pos)++];
        for (size_t k = 0; k < s->nrules; k++)
            if (!strcmp(s->rules[k], rule))
                return s;
    }
    return NULL;
}

void ps_runner_free(ps_runner *r)
{
    for (size_t i = 0; i < r->nsc; i++) {
        ps_scenario_release_all(r->sc[i]);   /* a stopped run leaves scenarios with open connections */
        ps_scenario_free(r->sc[i]);
    }
    free(r->sc);
    free(r->down_reason);
    if (r->L && !r->L_broken)   /* after a panic the state may be half-changed: left unclosed */
        lua_close(r->L);
    r->L = NULL;
    ps_lua_mem_close();
}
