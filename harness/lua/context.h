/* What the bindings may know of the run, without knowing the runner: the
 * running scenario of a Lua thread, and the run's settings. The runner sets
 * both; the bind_*.c files only read them. */
#ifndef PUSHSPEC_CONTEXT_H
#define PUSHSPEC_CONTEXT_H

#include <lua.h>

#include "core/rules.h"
#include "lua/scenario.h"

typedef struct {
    ps_catalog *catalog;
    double timeout_scale;        /* every deadline times this */
    int insecure;                /* no TLS certificate checks */
    const char *restart_cmd;     /* target.restart: brings a dead server back */
} ps_lua_env;

void ps_lua_set_env(lua_State *L, ps_lua_env *env);
ps_lua_env *ps_lua_env_of(lua_State *L);
/* The scenario whose coroutine is L (NULL on the main thread). */
void ps_lua_set_scenario(lua_State *co, ps_scenario *s);
ps_scenario *ps_lua_scenario(lua_State *L);

#endif
