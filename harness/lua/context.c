#include "lua/context.h"

static const char env_key = 0;   /* its address keys the registry entry */

void ps_lua_set_env(lua_State *L, ps_lua_env *env)
{
    lua_pushlightuserdata(L, env);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &env_key);
}

ps_lua_env *ps_lua_env_of(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &env_key);
    ps_lua_env *env = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return env;
}

void ps_lua_set_scenario(lua_State *co, ps_scenario *s) { *(ps_scenario **)lua_getextraspace(co) = s; }

ps_scenario *ps_lua_scenario(lua_State *L) { return *(ps_scenario **)lua_getextraspace(L); }
