/* The registry: builds the `prim` table from every binding file's functions
 * and gives each handle kind its metatable. */
#include "lua/lua_api.h"
#include "lua/bind.h"
#include "lua/luajson.h"
#include "lua/profile.h"
#include "core/skip.h"

void ps_lua_push_prim(lua_State *L)
{
    static const ps_binding *const all[] = {
        &ps_bind_case, &ps_bind_conn, &ps_bind_http, &ps_bind_fake, &ps_bind_adapter, &ps_bind_codec,
        &ps_bind_explore };
    ps_luajson_init(L);
    lua_newtable(L);
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        const ps_binding *b = all[i];
        luaL_setfuncs(L, b->funcs, 0);
        if (b->has_class)
            ps_bind_class(L, b->kind, b->methods);
    }
    ps_luajson_push_null(L);
    lua_setfield(L, -2, "null");
    /* the profile the webhook receiver serves: named once, in C, for target.lua too */
    lua_pushstring(L, PS_PROFILE_WEBHOOKS);
    lua_setfield(L, -2, "PROFILE_WEBHOOKS");
    /* the skip kinds, named once in C (core/skip.c): prim.SKIP_CAPABILITY, ... */
    for (int k = PS_SKIP_NONE + 1; k < PS_SKIP_KINDS; k++) {
        lua_pushstring(L, ps_skip_kind_name((ps_skip_kind)k));
        lua_setfield(L, -2, ps_skip_kind_lua_name((ps_skip_kind)k));
    }
}
