/* prim.ws_open, prim.raw_open, prim.mask and the methods of a connection
 * handle (send, close, pop, release, state, info). */
#include "lua/bind.h"
#include "lua/context.h"
#include "core/utf8.h"
#include "net/limits.h"
#include "net/ws.h"

#include <stdlib.h>

static void release_conn(void *c) { ps_ws_release(c); }

static int l_ws_open(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    const char *url = luaL_checkstring(L, 1), *path = luaL_checkstring(L, 2);
    char err[256];
    ps_ws *c = ps_ws_open(url, path, ps_lua_env_of(L)->insecure, &s->tr, s->nconns + 1,
                          ps_scenario_wake, s, err, sizeof(err));
    return ps_bind_own(L, s, PS_RES_CONN, c, release_conn, err);
}

/* raw_open(host, port) -> a plain TCP connection (same methods as a conn) */
static int l_raw_open(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    const char *host = luaL_checkstring(L, 1);
    int port = (int)luaL_checkinteger(L, 2);
    char err[256];
    ps_ws *c = ps_ws_open_raw(host, port, &s->tr, s->nconns + 1, ps_scenario_wake, s, err, sizeof(err));
    return ps_bind_own(L, s, PS_RES_CONN, c, release_conn, err);
}

/* mask(data, key4) -> data XOR the repeated 4-byte key (RFC 6455 masking) */
static int l_mask(lua_State *L)
{
    size_t len, klen;
    const char *data = luaL_checklstring(L, 1, &len);
    const char *key = luaL_checklstring(L, 2, &klen);
    luaL_argcheck(L, klen == 4, 2, "the masking key is 4 bytes");
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, len);
    for (size_t i = 0; i < len; i++)
        out[i] = (char)(data[i] ^ key[i & 3]);
    luaL_pushresultsize(&b, len);
    return 1;
}

static int l_conn_send(lua_State *L)
{
    ps_ws *c = ps_bind_check(L, 1, PS_RES_CONN);
    static const char *const kinds[] = { "text", "binary", "ping", NULL };
    int kind = luaL_checkoption(L, 2, NULL, kinds);
    size_t len;
    const char *buf = luaL_optlstring(L, 3, "", &len);
    lua_pushboolean(L, ps_ws_send(c, (ps_send_kind)kind, buf, len) == 0);
    lua_pushboolean(L, ps_utf8_valid(buf, len));   /* in C: Lua's utf8.len was a tenth of a fuzzer's time */
    return 2;
}

static int l_conn_close(lua_State *L)
{
    ps_ws *c = ps_bind_check(L, 1, PS_RES_CONN);
    ps_ws_close(c, (int)luaL_optinteger(L, 2, 1000), luaL_optstring(L, 3, ""));
    return 0;
}

/* release(): the scenario is done with this connection: close it and free it now */
static int l_conn_release(lua_State *L)
{
    ps_bind_release(L, 1, PS_RES_CONN);
    return 0;
}

/* pop() -> the next frame, or nothing. A flood is handed to Lua a bounded
 * batch per resume: the rest waits in C (bounded there) for the next resume,
 * so one resume cannot fill the scenario's Lua memory or outrun its deadline. */
static int l_conn_pop(lua_State *L)
{
    ps_ws *c = ps_bind_check(L, 1, PS_RES_CONN);
    ps_scenario *s = ps_lua_scenario(L);
    if (ps_bind_past_deadline(L, s))
        return lua_yield(L, 0);   /* the runner ends it as timed out */
    if (s && (s->popped >= PS_LUA_POP_FRAMES || s->popped_bytes >= PS_LUA_POP_BYTES)) {
        if (c && c->in_head) {
            s->wake = 1;   /* resume again at once for the rest */
            ps_limit_hit("lua-frames-per-resume", "a connection had more frames than one resume takes "
                         "into Lua (the rest waited for the next resume)");
        }
        return 0;
    }
    ps_frame *f = ps_ws_pop(c);
    if (!f)
        return 0;
    if (s) {
        s->popped++;
        s->popped_bytes += f->len;
    }
    static const char *const kinds[] = { "text", "binary", "oversize" };
    lua_createtable(L, 0, 3);
    ps_bind_set_str(L, "kind", kinds[f->kind]);
    lua_pushlstring(L, f->data, f->len);
    lua_setfield(L, -2, "raw");
    ps_bind_set_int(L, "t", f->t_ms);
    free(f);
    return 1;
}

static int l_conn_state(lua_State *L)
{
    static const char *const names[] = { "connecting", "open", "closed", "failed" };
    lua_pushstring(L, names[((ps_ws *)ps_bind_check(L, 1, PS_RES_CONN))->state]);
    return 1;
}

static int l_conn_info(lua_State *L)
{
    ps_ws *c = ps_bind_check(L, 1, PS_RES_CONN);
    lua_createtable(L, 0, 12);
    ps_bind_set_int(L, "close_code", c->close_code);
    ps_bind_set_str(L, "close_reason", c->close_reason);
    ps_bind_set_bool(L, "close_frame", c->closed_by_server_frame);
    ps_bind_set_bool(L, "close_coded", c->close_coded);
    ps_bind_set_str(L, "error", c->error);
    ps_bind_set_int(L, "http_status", c->http_status);
    ps_bind_set_int(L, "pongs", c->pongs);
    ps_bind_set_int(L, "sent", (lua_Integer)c->written);
    ps_bind_set_int(L, "unsent", (lua_Integer)(c->sends - c->written));
    ps_bind_set_int(L, "closed_at", c->closed_at_ms);
    ps_bind_set_int(L, "num", c->num);
    ps_bind_set_str(L, "path", c->req_path);
    if (c->opened_at_ms)
        ps_bind_set_int(L, "opened_at", c->opened_at_ms);
    return 1;
}

static const luaL_Reg methods[] = {
    { "send", l_conn_send }, { "close", l_conn_close }, { "pop", l_conn_pop }, { "release", l_conn_release },
    { "state", l_conn_state }, { "info", l_conn_info }, { NULL, NULL }
};

static const luaL_Reg funcs[] = {
    { "ws_open", l_ws_open }, { "raw_open", l_raw_open }, { "mask", l_mask }, { NULL, NULL }
};

const ps_binding ps_bind_conn = { funcs, 1, PS_RES_CONN, methods };
