/* What the binding files (bind_*.c) share: each exports one ps_binding, its
 * functions for the prim table and, for an object kind, the methods of its
 * handles. A handle names a scenario and an entry of its resource list, so a
 * handle kept past the scenario's end is refused, never followed. */
#ifndef PUSHSPEC_BIND_H
#define PUSHSPEC_BIND_H

#include <lua.h>
#include <lauxlib.h>

#include "lua/scenario.h"

typedef struct {
    const luaL_Reg *funcs;       /* prim.NAME */
    int has_class;               /* handles of kind have methods: */
    ps_res_kind kind;
    const luaL_Reg *methods;
} ps_binding;

extern const ps_binding ps_bind_case;      /* verdicts, records, time, rules, environment */
extern const ps_binding ps_bind_conn;      /* WebSocket and raw TCP connections */
extern const ps_binding ps_bind_http;      /* HTTP requests, webhooks received */
extern const ps_binding ps_bind_fake;      /* the fake server: apps, accepted connections, requests */
extern const ps_binding ps_bind_adapter;   /* adapter processes */
extern const ps_binding ps_bind_explore;   /* pushspec explore: scenario files written, progress */
extern const ps_binding ps_bind_codec;      /* codec, JSON, signer, crypto: no I/O */

/* The running scenario, or a Lua error (outside run = function(t) ... end). */
ps_scenario *ps_bind_scenario(lua_State *L);
/* A new handle for the scenario's resource idx of kind. */
void ps_bind_push(lua_State *L, ps_scenario *s, size_t idx, ps_res_kind kind);
/* The scenario takes ptr (NULL: raise err): a new resource of kind, and its
 * handle on the stack; 1 (values returned). Out of memory: ptr is released. */
int ps_bind_own(lua_State *L, ps_scenario *s, ps_res_kind kind, void *ptr, void (*release)(void *),
                const char *err);
/* Where frames or lines of a flood enter Lua: past s's deadline (and able to
 * yield) it is marked timed out; the caller then returns lua_yield(L, 0). Each
 * frame can cost more C time (parsing, collecting) than the count hook sees. */
int ps_bind_past_deadline(lua_State *L, ps_scenario *s);
/* The resource behind the handle at arg, or a Lua error when its scenario ended. */
void *ps_bind_check(lua_State *L, int arg, ps_res_kind kind);
/* The metatable of kind's handles, with these methods. */
void ps_bind_class(lua_State *L, ps_res_kind kind, const luaL_Reg *methods);
/* Release the resource behind the handle at arg now (nothing if already gone). */
void ps_bind_release(lua_State *L, int arg, ps_res_kind kind);

/* t[key] = value on the table at the top of the stack. */
void ps_bind_set_str(lua_State *L, const char *key, const char *value);
void ps_bind_set_int(lua_State *L, const char *key, lua_Integer value);
void ps_bind_set_bool(lua_State *L, const char *key, int value);

#endif
