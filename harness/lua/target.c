#include "lua/target.h"
#include "lua/bind.h"
#include "lua/luajson.h"
#include "core/hostport.h"
#include "core/termsafe.h"
#include "net/fakeserver.h"
#include "net/limits.h"
#include "net/loop.h"
#include "net/preflight.h"
#include "net/webhook.h"

#include <lauxlib.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

const char *ps_target_scenario_dir(const ps_role *role, int fuzz)
{
    static char path[64];
    snprintf(path, sizeof(path), "scenarios/%s", fuzz == 2 ? "explore" : fuzz ? "fuzz" : role->folder);
    return path;
}

static const char *field(lua_State *L, int t, const char *name)
{
    lua_getfield(L, t, name);   /* left on the stack: the target table keeps the string alive anyway */
    return lua_tostring(L, -1);
}

/* The keys of t.profiles, NULL-ended. */
static const char **profile_names(lua_State *L, int t)
{
    size_t n = 0, cap = 8;
    const char **out = calloc(cap + 1, sizeof(*out));
    lua_getfield(L, t, "profiles");
    lua_pushnil(L);
    while (out && lua_istable(L, -2) && lua_next(L, -2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            continue;
        if (n == cap) {
            const char **m = realloc(out, (cap * 2 + 1) * sizeof(*m));
            if (!m)
                break;
            out = m;
            cap *= 2;
        }
        out[n++] = lua_tostring(L, -1);
        out[n] = NULL;
    }
    lua_pop(L, 1);
    return out;
}

/* ---- a target file that never ends ---- */

static int64_t eval_deadline;
static long long eval_instr, eval_limit;
static int eval_tripped;

#define TARGET_HOOK_EVERY 10000

/* The target file runs on the main state, outside any scenario: its own hook
 * bounds its instructions and wall clock (its metamethods included). */
static void target_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    eval_instr += TARGET_HOOK_EVERY;
    if (!eval_tripped && eval_instr <= eval_limit && ps_now_ms() < eval_deadline)
        return;
    eval_tripped = 1;
    lua_sethook(L, target_hook, LUA_MASKCOUNT, 1);   /* a pcall in the file cannot swallow this */
    luaL_error(L, "the target file did not finish within %d s or the instruction limit (an endless loop, "
               "maybe in a metamethod such as __index or __tostring?)", PS_TARGET_FILE_MS / 1000);
}

/* Read the loaded target table (at 1) into the ps_target_info (upvalue):
 * in protected mode, as its metamethods run. */
static int read_target(lua_State *L)
{
    ps_target_info *ti = lua_touserdata(L, lua_upvalueindex(1));
    ps_runner *r = lua_touserdata(L, lua_upvalueindex(2));
    int t = 1;
    /* strings stay alive: the prelude keeps the target table */
    ti->name = field(L, t, "name");
    ti->url = field(L, t, "url");
    ti->http_url = field(L, t, "http_url");
    r->env.restart_cmd = field(L, t, "restart");
    lua_getfield(L, t, "app");
    int app = lua_gettop(L);
    ti->app_id = field(L, app, "id");
    ti->key = field(L, app, "key");
    ti->secret = field(L, app, "secret");
    lua_getfield(L, t, "webhooks");
    if (lua_istable(L, -1))
        ti->webhooks_listen = field(L, lua_gettop(L), "listen");
    char host[256], err[512];
    int port;   /* the one check of its form, at load time (ps_target_start_webhooks binds it later) */
    if (ti->webhooks_listen && ps_hostport_parse(ti->webhooks_listen, "webhooks.listen in the target", host,
                                                 sizeof(host), &port, err, sizeof(err)) < 0)
        return luaL_error(L, "%s", err);
    lua_getfield(L, t, "nodes");
    int nodes = lua_gettop(L);
    for (int i = 1; lua_istable(L, nodes) && i <= (int)lua_rawlen(L, nodes); i++) {
        if (i > PS_TARGET_MAX_NODES)
            return luaL_error(L, "the target lists more than %d nodes", PS_TARGET_MAX_NODES);
        lua_rawgeti(L, nodes, i);
        int n = lua_gettop(L);
        ti->node_name[i - 1] = field(L, n, "name");
        ti->node_url[i - 1] = field(L, n, "url");
        ti->node_http_url[i - 1] = field(L, n, "http_url");
        ti->nnodes = i;
    }
    size_t used = 0;   /* the header's one line of them */
    for (int i = 0; i < ti->nnodes && used < sizeof(ti->nodes_buf); i++) {
        int w = snprintf(ti->nodes_buf + used, sizeof(ti->nodes_buf) - used, "%s%s %s", i ? ", " : "",
                         ti->node_name[i] ? ti->node_name[i] : "?", ti->node_url[i] ? ti->node_url[i] : "?");
        used += w < 0 ? 0 : (size_t)w;
    }
    ti->nodes = ti->nnodes > 0 ? ti->nodes_buf : NULL;
    return 0;
}

/* set_target(file, overrides), then its fields read: both under the hook. */
static int eval_target(lua_State *L, ps_runner *r, ps_target_info *ti, int nover, char *err, size_t errlen)
{
    eval_deadline = ps_now_ms() + PS_TARGET_FILE_MS;
    eval_instr = 0;
    eval_limit = r->instr_limit;
    eval_tripped = 0;
    lua_sethook(L, target_hook, LUA_MASKCOUNT, TARGET_HOOK_EVERY);
    int st = lua_pcall(L, nover, 1, 0);
    if (st == LUA_OK) {
        lua_pushlightuserdata(L, ti);
        lua_pushlightuserdata(L, r);
        lua_pushcclosure(L, read_target, 2);
        lua_pushvalue(L, -2);
        st = lua_pcall(L, 1, 0, 0);
    }
    lua_sethook(L, NULL, 0, 0);
    if (st != LUA_OK) {
        const char *m = lua_tostring(L, -1);
        snprintf(err, errlen, "%s", m ? m : "the target file raised an error that is not a string");
        return -1;
    }
    return 0;
}

int ps_target_load(ps_runner *r, const ps_target_args *a, ps_target_info *ti, char *err, size_t errlen)
{
    static const struct { const char *env, *field; } envs[] = {
        { "PUSHER_TARGET_URL", "url" }, { "PUSHER_HTTP_URL", "http_url" },
        { "PUSHER_APP_ID", "app_id" }, { "PUSHER_APP_KEY", "key" }, { "PUSHER_APP_SECRET", "secret" } };
    const char *flags[] = { a->url, a->http_url, a->app_id, a->key, a->secret };
    lua_State *L = r->L;

    if (!a->file && !a->url && !getenv("PUSHER_TARGET_URL")) {
        snprintf(err, errlen, "no target: give --target FILE, or --url with --app-id, --key and --secret "
                 "(or PUSHER_TARGET_URL and friends)");
        return -1;
    }
    int top = lua_gettop(L);
    ps_runner_push_api(r, L, "set_target");
    if (a->file)
        lua_pushstring(L, a->file);
    else
        lua_pushnil(L);
    lua_newtable(L);
    for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++)
        ps_bind_set_str(L, envs[i].field, flags[i] ? flags[i] : getenv(envs[i].env));
    for (const char **kv = a->extra; kv && kv[0]; kv += 2)
        ps_bind_set_str(L, kv[0], kv[1]);
    if (a->fuzz == 1) {
        ps_bind_set_str(L, "fuzz_seconds", a->fuzz_seconds ? a->fuzz_seconds : "60");
        ps_bind_set_str(L, "fuzz_seed", a->fuzz_seed);
    }
    if (eval_target(L, r, ti, 2, err, errlen) < 0) {
        lua_settop(L, top);
        return -1;
    }
    ti->profiles = profile_names(L, lua_gettop(L));
    r->profiles = ti->profiles;
    ti->role = ps_role_get(PS_ROLE_SERVER);
    lua_settop(L, top);
    return 0;
}

int ps_target_sdk(ps_runner *r, const char *cmd, const char *listen, double timeout_scale, const char *seed,
                  ps_target_info *ti, char *err, size_t errlen)
{
    if (seed && (!*seed || strspn(seed, "0123456789") != strlen(seed) || strlen(seed) > 18)) {
        snprintf(err, errlen, "--seed %s: a number of at most 18 digits is needed", seed);
        return -1;
    }
    if (seed)
        snprintf(ti->seed_buf, sizeof(ti->seed_buf), "%s", seed);
    else   /* a new one each run: the result shows it, and --seed repeats it */
        snprintf(ti->seed_buf, sizeof(ti->seed_buf), "%lu", ((unsigned long)time(NULL) * 2654435761UL ^
                 (unsigned long)getpid()) % 1000000000UL);
    ti->seed = ti->seed_buf;
    char host[256] = "127.0.0.1", kind[16] = "";
    cJSON *hello = NULL;
    int port = 0, bound = 0;
    if (listen && ps_hostport_parse(listen, "--listen", host, sizeof(host), &port, err, errlen) < 0)
        return -1;
    if (ps_fake_listen(host, port, &bound, err, errlen) < 0 ||
        ps_preflight_adapter(cmd, (int)(10000 * (timeout_scale > 0 ? timeout_scale : 1)), kind, sizeof(kind),
                             ti->name_buf, sizeof(ti->name_buf), &hello, err, errlen) < 0)
        return -1;
    ti->role = ps_role_by_hello(kind);   /* preflight accepted only a kind of the role table */
    {   /* the hello's sdk and version, shown on the first stderr line: no control of theirs gets through */
        char safe[sizeof(ti->name_buf)];
        ps_term_safe_into(ti->name_buf, strlen(ti->name_buf), safe, sizeof(safe), 1);
        memcpy(ti->name_buf, safe, sizeof(safe));
    }
    lua_State *L = r->L;
    int top = lua_gettop(L);
    ps_runner_push_api(r, L, "set_sdk");
    lua_createtable(L, 0, 6);
    ps_bind_set_str(L, "cmd", cmd);
    ps_bind_set_str(L, "kind", kind);
    ps_luajson_push(L, hello, 0);   /* parsed once, by preflight; its capabilities are checked in Lua */
    lua_setfield(L, -2, "hello");
    cJSON_Delete(hello);
    ps_bind_set_str(L, "name", ti->name_buf);
    ps_bind_set_str(L, "host", host);
    ps_bind_set_int(L, "port", bound);
    ps_bind_set_str(L, "seed", ti->seed);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(L, -1));
        lua_settop(L, top);
        return -1;
    }
    lua_settop(L, top);
    const char *lb = strchr(host, ':') ? "[" : "", *rb = *lb ? "]" : "";   /* an IPv6 literal */
    snprintf(ti->url_buf, sizeof(ti->url_buf), "ws://%s%s%s:%d", lb, host, rb, bound);
    snprintf(ti->http_url_buf, sizeof(ti->http_url_buf), "http://%s%s%s:%d", lb, host, rb, bound);
    ti->name = ti->name_buf;
    ti->url = ti->url_buf;
    ti->http_url = ti->http_url_buf;
    ti->adapter = cmd;
    ti->profiles = calloc(1, sizeof(*ti->profiles));   /* the fake server offers none */
    r->profiles = ti->profiles;
    return 0;
}

int ps_target_preflight(const ps_target_info *ti, const char *path, int insecure, int timeout_ms, char *err,
                        size_t errlen)
{
    if (ti->nnodes == 0)
        return ps_preflight(ti->url, path, ti->http_url, insecure, timeout_ms, err, errlen);
    char e[768];
    for (int i = 0; i < ti->nnodes; i++) {
        if (ps_preflight(ti->node_url[i], path, ti->node_http_url[i], insecure, timeout_ms, e, sizeof(e)) < 0 ||
            ps_preflight_app(ti->node_url[i], path, insecure, timeout_ms, e, sizeof(e)) < 0) {
            snprintf(err, errlen, "%s of the target's nodes (%s): %s", ti->node_name[i], ti->node_url[i], e);
            return -1;
        }
    }
    return 0;
}

/* Only bind the webhook port when a selected scenario listens: two runs with
 * one target can then share a machine. */
static int needs_profile(const ps_runner *r, const char *profile)
{
    for (size_t i = 0; i < r->nsc; i++)
        if (r->sc[i]->selected && r->sc[i]->profile && !strcmp(r->sc[i]->profile, profile))
            return 1;
    return 0;
}

int ps_target_start_webhooks(ps_runner *r, const ps_target_info *ti, int always, char *err, size_t errlen)
{
    if (ti->adapter || !ti->webhooks_listen || !(always || needs_profile(r, PS_PROFILE_WEBHOOKS)))
        return 0;
    char host[256];
    int port = 0;
    if (ps_hostport_parse(ti->webhooks_listen, "webhooks.listen in the target", host, sizeof(host), &port,
                          err, errlen) < 0)
        return -1;
    if (ps_webhook_listen(host, port, ti->key, ti->secret, err, errlen) < 0)
        return -1;
    ps_webhook_on_arrival(ps_runner_wake_all);
    return 0;
}

void ps_target_free(ps_target_info *ti)
{
    free(ti->profiles);
    ti->profiles = NULL;
}
