/* What a scenario reports and asks of the run: prim.check, prim.nothing, prim.skip,
 * prim.record, prim.log, the clocks, the rule catalog, the corpus, the
 * environment and the target's restart command. */
#include "lua/bind.h"
#include "lua/luajson.h"
#include "lua/context.h"
#include "lua/embedfs.h"
#include "net/command.h"
#include "net/limits.h"
#include "net/loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int l_now(lua_State *L) { lua_pushinteger(L, ps_now_ms()); return 1; }
static int l_wall(lua_State *L) { lua_pushinteger(L, (lua_Integer)time(NULL)); return 1; }
static int l_timeout_scale(lua_State *L)
{
    lua_pushnumber(L, ps_lua_env_of(L)->timeout_scale);
    return 1;
}

static const char *opt_text(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx))
        return NULL;
    return luaL_tolstring(L, idx, NULL);   /* leaves a copy on the stack */
}

static int l_check(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    const char *rule = luaL_checkstring(L, 1);
    int ok = lua_toboolean(L, 2);
    const char *expected = opt_text(L, 3), *actual = opt_text(L, 4);
    char err[256];
    if (ps_scenario_check(s, rule, ok, expected, actual, err, sizeof(err)) < 0)
        return luaL_error(L, "%s", err);
    lua_pushboolean(L, ok);
    return 1;
}

/* nothing(rule, what, expected, verbatim): the check of rule saw nothing to judge (verbatim:
 * what is the whole reason, not "nothing observed: what") */
static int l_nothing(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    const char *rule = luaL_checkstring(L, 1), *what = luaL_checkstring(L, 2);
    const char *expected = luaL_optstring(L, 3, NULL);
    int verbatim = lua_toboolean(L, 4);   /* what is the whole reason (Case:unjudged) */
    char err[256];
    if ((verbatim ? ps_scenario_unjudged(s, rule, what, expected, err, sizeof(err))
                  : ps_scenario_nothing(s, rule, what, expected, err, sizeof(err))) < 0)
        return luaL_error(L, "%s", err);
    return 0;
}

/* limits_note() -> "NAME: what; ..." of the bounds hit since the scenario
 * started (shared ones too: the webhooks kept, the fake server's listener), or nil */
static int l_limits_note(lua_State *L)
{
    char text[1024];
    if (!ps_limits_since(ps_bind_scenario(L)->limits_seq0, text, sizeof(text)))
        return 0;
    lua_pushstring(L, text);
    return 1;
}

/* incidental(rule, expected, actual): a deviation from a catalog rule the
 * scenario need not declare (see ps_scenario_incidental); rule may carry a
 * check label ("FRAME-2:reply-schema") */
static int l_incidental(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    const char *name = luaL_checkstring(L, 1), *label;
    char rule[16], err[160];
    if (ps_check_name_split(name, rule, sizeof(rule), &label, err, sizeof(err)) < 0)
        return luaL_error(L, "incidental finding: %s", err);
    if (!ps_catalog_find(ps_lua_env_of(L)->catalog, rule))
        return luaL_error(L, "incidental finding names %s, which is not a rule of the catalog", rule);
    const char *expected = opt_text(L, 2), *actual = opt_text(L, 3);
    if (s->probe)   /* the liveness check is not reported */
        return 0;
    if (ps_scenario_incidental(s, name, expected, actual) < 0)
        return luaL_error(L, "incidental finding: out of memory");
    return 0;
}

/* skip(rule, reason [, kind]): kind prim.SKIP_CAPABILITY is the SDK's missing feature (sdk.lua);
 * the default is the scenario's own decision. */
static int l_skip(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    char err[256];
    ps_skip_kind kind = PS_SKIP_BY_SCENARIO;
    if (!lua_isnoneornil(L, 3) && (kind = ps_skip_kind_by_name(luaL_checkstring(L, 3))) != PS_SKIP_BY_SCENARIO &&
        kind != PS_SKIP_CAPABILITY)
        return luaL_error(L, "skip: kind must be prim.SKIP_BY_SCENARIO (\"%s\") or prim.SKIP_CAPABILITY (\"%s\"), "
                          "not \"%s\"", ps_skip_kind_name(PS_SKIP_BY_SCENARIO), ps_skip_kind_name(PS_SKIP_CAPABILITY),
                          lua_tostring(L, 3));
    if (ps_scenario_skip_rule(s, luaL_checkstring(L, 1), kind, luaL_checkstring(L, 2), err,
                              sizeof(err)) < 0)
        return luaL_error(L, "%s", err);
    return 0;
}

/* record(name, value): structured data for the result file */
static int l_record(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    char err[160];
    lua_settop(L, 2);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "name");
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "value");
    cJSON *v = ps_luajson_to(L, -1, 0, err, sizeof(err));
    if (!v)
        return luaL_error(L, "record: %s", err);
    char *text = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    if (!text || ps_scenario_add_record(s, text) < 0) {
        cJSON_free(text);
        return luaL_error(L, "record: out of memory");
    }
    cJSON_free(text);
    return 0;
}

static int l_log(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    ps_transcript_add(&s->tr, 0, '!', "log", text, len);
    return 0;
}

/* corpus(name) -> the seed files of corpus/NAME (bytes), sorted by file name;
 * from the copy embedded in the binary, so an installed pushspec has them too */
static int l_corpus(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    luaL_argcheck(L, strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(name), 1,
                  "a corpus name is letters, digits, _ and -");
    char dir[300];
    snprintf(dir, sizeof(dir), "corpus/%s", name);
    lua_newtable(L);
    lua_Integer n = 0;
    for (const ps_embed_file *f = ps_embed_next(dir, NULL, NULL); f; f = ps_embed_next(dir, NULL, f)) {
        lua_pushlstring(L, f->data, f->len);
        lua_rawseti(L, -2, ++n);
    }
    if (!n)
        return luaL_error(L, "no corpus %s in this pushspec (the source tree's corpus/%s, embedded at build time)",
                          name, name);
    return 1;
}

/* restart_target() -> exit status of the target's restart command (blocks) */
static int l_restart_target(lua_State *L)
{
    ps_lua_env *r = ps_lua_env_of(L);
    if (!r->restart_cmd)
        return luaL_error(L, "the target gives no restart command");
    fflush(NULL);
    lua_pushinteger(L, system(r->restart_cmd));
    return 1;
}

#define PS_NODE_COMMAND_MS 60000

/* node_command(cmd) -> exit status, or nil and why: a cluster node's own stop
 * or restart command from the target file, within the restart deadline */
static int l_node_command(lua_State *L)
{
    const char *cmd = luaL_checkstring(L, 1);
    char why[256] = "";
    fflush(NULL);
    int rc = ps_command_run(cmd, (int)(PS_NODE_COMMAND_MS * ps_lua_env_of(L)->timeout_scale), why, sizeof(why));
    if (rc < 0) {
        lua_pushnil(L);
        lua_pushstring(L, why);
        return 2;
    }
    lua_pushinteger(L, rc);
    return 1;
}

/* command_start(cmd) -> pid, or nil and why: a node's command not waited for
 * (the live fuzzer restarts a dead node while it fuzzes another) */
static int l_command_start(lua_State *L)
{
    char why[256] = "";
    fflush(NULL);
    int pid = ps_command_start(luaL_checkstring(L, 1), why, sizeof(why));
    if (pid < 0) {
        lua_pushnil(L);
        lua_pushstring(L, why);
        return 2;
    }
    lua_pushinteger(L, pid);
    return 1;
}

/* command_poll(pid, started_ms) -> false while it runs, its exit status, or nil
 * and why (over the node command's deadline from started_ms: killed) */
static int l_command_poll(lua_State *L)
{
    char why[256] = "";
    int timeout = (int)(PS_NODE_COMMAND_MS * ps_lua_env_of(L)->timeout_scale);
    int rc = ps_command_poll((int)luaL_checkinteger(L, 1), luaL_checkinteger(L, 2) + timeout, timeout, why, sizeof(why));
    if (rc == -2)
        lua_pushboolean(L, 0);
    else if (rc < 0) {
        lua_pushnil(L);
        lua_pushstring(L, why);
        return 2;
    } else
        lua_pushinteger(L, rc);
    return 1;
}

/* expect_oversize(): this scenario's oversized frames are what it reads (markers), not its error */
static int l_expect_oversize(lua_State *L)
{
    ps_bind_scenario(L)->expects_oversize = 1;
    return 0;
}

static int l_getenv(lua_State *L)
{
    lua_pushstring(L, getenv(luaL_checkstring(L, 1)));
    return 1;
}

/* rule(id) -> {id, roles, should, slow, profile, section, text} or nil */
static int l_rule(lua_State *L)
{
    const ps_rule *r = ps_catalog_find(ps_lua_env_of(L)->catalog, luaL_checkstring(L, 1));
    if (!r)
        return 0;
    lua_createtable(L, 0, 7);
    ps_bind_set_str(L, "id", r->id);
    ps_bind_set_str(L, "roles", r->roles);
    ps_bind_set_bool(L, "should", r->should);
    ps_bind_set_bool(L, "slow", r->slow);
    ps_bind_set_str(L, "profile", r->profile);
    ps_bind_set_str(L, "section", r->section);
    ps_bind_set_str(L, "text", r->text);
    return 1;
}

static const luaL_Reg funcs[] = {
    { "getenv", l_getenv }, { "rule", l_rule }, { "corpus", l_corpus }, { "restart_target", l_restart_target },
    { "node_command", l_node_command }, { "command_start", l_command_start }, { "command_poll", l_command_poll },
    { "expect_oversize", l_expect_oversize },
    { "now", l_now }, { "wall", l_wall }, { "timeout_scale", l_timeout_scale },
    { "check", l_check }, { "incidental", l_incidental }, { "nothing", l_nothing }, { "limits_note", l_limits_note }, { "skip", l_skip }, { "log", l_log }, { "record", l_record }, { NULL, NULL }
};

const ps_binding ps_bind_case = { funcs, 0, 0, NULL };
