/* The fake-server role from Lua: prim.fake_port, prim.fake_app (route an
 * app to the running scenario), prim.accepted, prim.requests, prim.api_verify,
 * and the methods of a request handle (info, respond). Connections and
 * requests the fake server gets are added to their scenario's resources here. */
#include "lua/bind.h"
#include "core/sign.h"
#include "net/fakeserver.h"
#include "net/ws.h"
#include "core/redact.h"

static void release_conn(void *c) { ps_ws_release(c); }
static void release_sreq(void *r) { ps_sreq_release(r); }
static void unroute(void *s) { ps_fake_unroute(s); }

static int on_upgrade(void *owner, struct lws *wsi, const char *path)
{
    ps_scenario *s = owner;
    char err[128];
    if (s->state != PS_S_RUNNING)
        return -1;
    ps_ws *c = ps_ws_accept(wsi, path, &s->tr, s->nconns + 1, ps_scenario_wake, s, err, sizeof(err));
    if (!c)
        return -1;
    if (ps_scenario_add(s, PS_RES_CONN, c, release_conn) < 0) {
        ps_ws_release(c);
        return -1;
    }
    return 0;
}

static int on_request(void *owner, ps_sreq *r)
{
    ps_scenario *s = owner;
    if (s->state != PS_S_RUNNING || ps_scenario_add(s, PS_RES_SREQ, r, release_sreq) < 0)
        return -1;
    ps_scenario_wake(s);
    return 0;
}

static const ps_fake_handler handler = { on_upgrade, on_request };


static int l_fake_port(lua_State *L)
{
    lua_pushinteger(L, ps_fake_port());
    return 1;
}

/* fake_app(id, key[, secret]): WebSocket /app/KEY and HTTP /apps/ID, /auth/KEY
 * come here (and requests elsewhere whose auth_key is KEY); again with the same
 * key moves the app to another id. The secret is redacted from every output. */
static int l_fake_app(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    if (!ps_fake_port())
        return luaL_error(L, "the fake server is not listening (run with --sdk)");
    const char *id = luaL_checkstring(L, 1), *key = luaL_checkstring(L, 2);
    if (ps_redact_add_secret(luaL_optstring(L, 3, NULL)) < 0)
        return luaL_error(L, "out of memory");
    int rc = ps_fake_route(id, key, &s->tr, &handler, s);
    if (rc == -2)
        return luaL_error(L, "app id %s or key %s is already routed to another scenario", id, key);
    if (rc < 0 || (rc == 0 && ps_scenario_add(s, PS_RES_ROUTE, s, unroute) < 0)) {
        ps_fake_unroute(s);
        return luaL_error(L, "out of memory");
    }
    return 0;
}

static int any(const void *p) { (void)p; return 1; }
static int server_side(const void *c) { return ((const ps_ws *)c)->server_side; }

/* The handles of the running scenario's live resources of kind that keep
 * accepts, from the from-th (argument 1, 1-based) on. */
static int list(lua_State *L, ps_res_kind kind, int (*keep)(const void *))
{
    ps_scenario *s = ps_bind_scenario(L);
    lua_Integer from = luaL_optinteger(L, 1, 1), seen = 0, out = 0;
    lua_newtable(L);
    for (size_t i = 0; i < s->nres; i++) {
        void *p = ps_scenario_get(s, i, kind);
        if (!p || !keep(p) || ++seen < from)
            continue;
        ps_bind_push(L, s, i, kind);
        lua_rawseti(L, -2, ++out);
    }
    return 1;
}

/* accepted(from) -> the server-side connections from the from-th on */
static int l_accepted(lua_State *L) { return list(L, PS_RES_CONN, server_side); }
/* requests(from) -> the fake server's requests for this scenario from the from-th on */
static int l_requests(lua_State *L) { return list(L, PS_RES_SREQ, any); }

static int l_sreq_info(lua_State *L)
{
    ps_sreq *r = ps_bind_check(L, 1, PS_RES_SREQ);
    lua_createtable(L, 0, 9);
    ps_bind_set_str(L, "method", r->method);
    ps_bind_set_str(L, "path", r->path);
    ps_bind_set_str(L, "query", r->query ? r->query : "");
    lua_pushlstring(L, r->body.data ? r->body.data : "", r->body.len);
    lua_setfield(L, -2, "body");
    ps_bind_set_str(L, "content_type", r->content_type);
    ps_bind_set_int(L, "t", r->t_ms);
    ps_bind_set_bool(L, "responded", r->responded);
    ps_bind_set_bool(L, "by_auth_key", r->by_auth_key);
    ps_bind_set_bool(L, "gone", r->wsi == NULL && !r->responded);
    return 1;
}

static int l_sreq_respond(lua_State *L)
{
    ps_sreq *r = ps_bind_check(L, 1, PS_RES_SREQ);
    size_t len = 0;
    const char *body = luaL_optlstring(L, 3, "", &len);
    int ok = ps_sreq_respond(r, (unsigned)luaL_checkinteger(L, 2), luaL_optstring(L, 4, "application/json"),
                             body, len) == 0;
    lua_pushboolean(L, ok);
    return 1;
}

/* api_verify(method, path, raw_query, body, key, secret, now) -> status text, why */
static int l_api_verify(lua_State *L)
{
    size_t qlen, blen;
    const char *q = luaL_checklstring(L, 3, &qlen), *body = luaL_checklstring(L, 4, &blen);
    char why[512];
    ps_api_status st = ps_api_verify(luaL_checkstring(L, 1), luaL_checkstring(L, 2), q, qlen, body, blen,
                                     luaL_checkstring(L, 5), luaL_checkstring(L, 6),
                                     (long long)luaL_checkinteger(L, 7), 600, why, sizeof(why));
    lua_pushstring(L, ps_api_status_text(st));
    lua_pushstring(L, why);
    return 2;
}

static const luaL_Reg methods[] = {
    { "info", l_sreq_info }, { "respond", l_sreq_respond }, { NULL, NULL }
};

static const luaL_Reg funcs[] = {
    { "fake_port", l_fake_port }, { "fake_app", l_fake_app }, { "accepted", l_accepted },
    { "requests", l_requests }, { "api_verify", l_api_verify }, { NULL, NULL }
};

const ps_binding ps_bind_fake = { funcs, 1, PS_RES_SREQ, methods };
