/* JSON <-> Lua values. JSON null is prim.null (a light userdata); arrays carry
 * a marker metatable so they encode back as arrays even when empty. */
#ifndef PUSHSPEC_LUAJSON_H
#define PUSHSPEC_LUAJSON_H

#include <lua.h>
#include <cjson/cJSON.h>

#define PS_JSON_DEPTH 64
#define PS_JSON_TEXT_MAX (8u << 20)

void ps_luajson_init(lua_State *L);              /* creates the array metatable */
void ps_luajson_push_null(lua_State *L);
void ps_luajson_push(lua_State *L, const cJSON *v, int depth);
/* Push the JSON text s[0..len) (exactly one value, whitespace around it
 * allowed) as a Lua value and return 1; return 0, pushing nothing, when it is
 * not JSON or longer than PS_JSON_TEXT_MAX. s need not be NUL-terminated. */
int ps_luajson_decode(lua_State *L, const char *s, size_t len);
/* Convert the value at idx; NULL with err set when it can't be represented. */
cJSON *ps_luajson_to(lua_State *L, int idx, int depth, char *err, size_t errlen);
void ps_luajson_mark_array(lua_State *L, int idx);

#endif
