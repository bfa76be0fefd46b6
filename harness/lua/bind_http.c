/* prim.http (a request to the server under test and the methods of its
 * handle: done, result) and prim.webhooks (what the webhook receiver got). */
#include "lua/bind.h"
#include "lua/context.h"
#include "net/http.h"
#include "net/webhook.h"

static void release_http(void *h) { ps_http_release(h); }


static int l_http(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    const char *method = luaL_checkstring(L, 1), *url = luaL_checkstring(L, 2);
    const char *hv[33] = { NULL };
    int n = 0;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3) && n < 32) {
            if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
                hv[n++] = lua_tostring(L, -2);
                hv[n++] = lua_tostring(L, -1);
            }
            lua_pop(L, 1);   /* strings stay alive: the table holds them */
        }
    }
    size_t blen = 0;
    const char *body = luaL_optlstring(L, 4, NULL, &blen);
    char err[256];
    ps_http *h = ps_http_start(method, url, hv, body, blen, ps_lua_env_of(L)->insecure, &s->tr,
                               ps_scenario_wake, s, err, sizeof(err));
    return ps_bind_own(L, s, PS_RES_HTTP, h, release_http, err);
}

static int l_http_done(lua_State *L)
{
    lua_pushboolean(L, ((ps_http *)ps_bind_check(L, 1, PS_RES_HTTP))->done);
    return 1;
}

static int l_http_result(lua_State *L)
{
    ps_http *h = ps_bind_check(L, 1, PS_RES_HTTP);
    lua_createtable(L, 0, 5);
    ps_bind_set_int(L, "status", h->status);
    lua_pushlstring(L, h->body.data ? h->body.data : "", h->body.len);
    lua_setfield(L, -2, "body");
    ps_bind_set_str(L, "content_type", h->content_type);
    ps_bind_set_str(L, "error", h->error);
    ps_bind_set_bool(L, "truncated", h->body.truncated);
    return 1;
}

/* webhooks(from) -> the webhooks received since index from (1-based) */
static int l_webhooks(lua_State *L)
{
    size_t from = (size_t)luaL_optinteger(L, 1, 1), n = ps_webhook_count();
    lua_createtable(L, from <= n ? (int)(n - from + 1) : 0, 0);
    for (size_t i = from; i >= 1 && i <= n; i++) {
        const ps_webhook *h = ps_webhook_at(i - 1);
        lua_createtable(L, 0, 11);
        ps_bind_set_int(L, "t", h->t_ms);
        ps_bind_set_str(L, "method", h->method);
        ps_bind_set_str(L, "path", h->path);
        ps_bind_set_str(L, "key", h->key);
        ps_bind_set_str(L, "signature", h->signature);
        ps_bind_set_str(L, "content_type", h->content_type);
        lua_pushlstring(L, h->body.data ? h->body.data : "", h->body.len);
        lua_setfield(L, -2, "body");
        ps_bind_set_bool(L, "oversize", h->body.oversize);
        ps_bind_set_bool(L, "key_ok", h->key_ok);
        ps_bind_set_bool(L, "signature_ok", h->signature_ok);
        lua_rawseti(L, -2, (lua_Integer)(i - from + 1));
    }
    return 1;
}

static const luaL_Reg methods[] = {
    { "done", l_http_done }, { "result", l_http_result }, { NULL, NULL }
};

static const luaL_Reg funcs[] = { { "http", l_http }, { "webhooks", l_webhooks }, { NULL, NULL } };

const ps_binding ps_bind_http = { funcs, 1, PS_RES_HTTP, methods };
