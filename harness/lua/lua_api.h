/* The C primitives scenarios are built from, as the `core` table handed to
 * prelude.lua (which builds the friendly `ps` API on top). Each binding is a
 * static int function; conn and http userdata have a check guard each. */
#ifndef PUSHSPEC_LUA_API_H
#define PUSHSPEC_LUA_API_H

#include <lua.h>

/* Push the core table. */
void ps_lua_push_core(lua_State *L);

#endif
