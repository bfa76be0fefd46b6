/* The Lua modules of the scenario API (every harness/lua/NAME.lua), compiled into the
 * binary by harness/embed.cmake: "prelude" is run by ps_runner_init, the others
 * are loaded by the prelude's P.require. */
#ifndef PUSHSPEC_LUA_MODULES_H
#define PUSHSPEC_LUA_MODULES_H

typedef struct {
    const char *name;   /* file name without .lua */
    const char *text;
} ps_lua_module;

extern const ps_lua_module ps_lua_modules[];   /* ends with {NULL, NULL} */

#endif
