/* The C primitives scenarios are built from, as the `prim` table handed to
 * prelude.lua (which builds the friendly `ps` API on top). The bindings live
 * in bind_*.c, one file per object; this is their registry. */
#ifndef PUSHSPEC_LUA_API_H
#define PUSHSPEC_LUA_API_H

#include <lua.h>

/* Push the prim table (and register the handle metatables). */
void ps_lua_push_prim(lua_State *L);

#endif
