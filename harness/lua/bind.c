#include "lua/bind.h"
#include "lua/context.h"
#include "net/loop.h"

typedef struct { ps_scenario *s; size_t idx; } handle;

/* One metatable per resource kind that Lua holds handles of. */
static const struct { const char *mt, *what; } kinds[] = {
    [PS_RES_CONN] = { "pushspec.conn", "connection" },
    [PS_RES_HTTP] = { "pushspec.http", "HTTP request" },
    [PS_RES_SREQ] = { "pushspec.request", "request" },
    [PS_RES_ADAPTER] = { "pushspec.adapter", "adapter" },
    [PS_RES_ROUTE] = { NULL, "route" },
};

ps_scenario *ps_bind_scenario(lua_State *L)
{
    ps_scenario *s = ps_lua_scenario(L);
    if (!s)
        luaL_error(L, "this call is only allowed while a scenario runs (inside run = function(t) ... end)");
    return s;
}

void ps_bind_push(lua_State *L, ps_scenario *s, size_t idx, ps_res_kind kind)
{
    handle *h = lua_newuserdatauv(L, sizeof(*h), 0);
    h->s = s;
    h->idx = idx;
    luaL_setmetatable(L, kinds[kind].mt);
}

int ps_bind_own(lua_State *L, ps_scenario *s, ps_res_kind kind, void *ptr, void (*release)(void *),
                const char *err)
{
    if (!ptr)
        return luaL_error(L, "%s", err);
    long idx = ps_scenario_add(s, kind, ptr, release);
    if (idx < 0) {
        release(ptr);
        return luaL_error(L, "out of memory");
    }
    ps_bind_push(L, s, (size_t)idx, kind);
    return 1;
}

int ps_bind_past_deadline(lua_State *L, ps_scenario *s)
{
    if (!s || s->deadline <= 0 || ps_now_ms() < s->deadline || !lua_isyieldable(L))
        return 0;
    s->runaway = 2;
    return 1;
}

void *ps_bind_check(lua_State *L, int arg, ps_res_kind kind)
{
    handle *h = luaL_checkudata(L, arg, kinds[kind].mt);
    void *p = ps_scenario_get(h->s, h->idx, kind);
    if (!p)
        luaL_error(L, "%s used after its scenario ended", kinds[kind].what);
    return p;
}

void ps_bind_release(lua_State *L, int arg, ps_res_kind kind)
{
    handle *h = luaL_checkudata(L, arg, kinds[kind].mt);
    if (ps_scenario_get(h->s, h->idx, kind))
        ps_scenario_release(h->s, h->idx);
}

void ps_bind_class(lua_State *L, ps_res_kind kind, const luaL_Reg *methods)
{
    luaL_newmetatable(L, kinds[kind].mt);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

void ps_bind_set_str(lua_State *L, const char *key, const char *value)
{
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
}

void ps_bind_set_int(lua_State *L, const char *key, lua_Integer value)
{
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
}

void ps_bind_set_bool(lua_State *L, const char *key, int value)
{
    lua_pushboolean(L, value);
    lua_setfield(L, -2, key);
}
