#include "lua/lua_api.h"
#include "lua/embedfs.h"
#include "net/adapter.h"
#include "net/fakeserver.h"
#include "core/frame.h"
#include "net/http.h"
#include "core/httpreq.h"
#include "net/loop.h"
#include "lua/luajson.h"
#include "lua/runner.h"
#include "core/sign.h"
#include "net/webhook.h"
#include "net/ws.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char CONN_MT[] = "pushspec.conn";
static const char HTTP_MT[] = "pushspec.http";
static const char SREQ_MT[] = "pushspec.request";
static const char ADAPTER_MT[] = "pushspec.adapter";

typedef struct { ps_scenario *s; size_t idx; } handle;

static ps_scenario *need_scenario(lua_State *L)
{
    ps_scenario *s = ps_runner_current(L);
    if (!s)
        luaL_error(L, "this call is only allowed while a scenario runs (inside run = function(t) ... end)");
    return s;
}

/* check guards: the handle must belong to a live scenario and still point at
 * its resource; each userdata type is one of the scenario's arrays */
static void *live(lua_State *L, int idx, const char *mt, const char *what)
{
    handle *h = luaL_checkudata(L, idx, mt);
    ps_scenario *s = h->s;
    void **arr = mt == CONN_MT ? (void **)s->conns : mt == HTTP_MT ? (void **)s->reqs :
                 mt == SREQ_MT ? (void **)s->sreqs : (void **)s->adapters;
    size_t n = mt == CONN_MT ? s->nconns : mt == HTTP_MT ? s->nreqs : mt == SREQ_MT ? s->nsreqs : s->nadapters;
    if (s->state != PS_S_RUNNING || h->idx >= n || !arr[h->idx])
        luaL_error(L, "%s used after its scenario ended", what);
    return arr[h->idx];
}

static ps_ws *checkconn(lua_State *L, int idx) { return live(L, idx, CONN_MT, "connection"); }
static ps_http *checkhttp(lua_State *L, int idx) { return live(L, idx, HTTP_MT, "HTTP request"); }
static ps_sreq *checksreq(lua_State *L, int idx) { return live(L, idx, SREQ_MT, "request"); }
static ps_adapter *checkadapter(lua_State *L, int idx) { return live(L, idx, ADAPTER_MT, "adapter"); }

static void push_handle(lua_State *L, ps_scenario *s, size_t idx, const char *mt)
{
    handle *h = lua_newuserdatauv(L, sizeof(*h), 0);
    h->s = s;
    h->idx = idx;
    luaL_setmetatable(L, mt);
}

/* ---- time ---- */

static int l_now(lua_State *L) { lua_pushinteger(L, ps_now_ms()); return 1; }
static int l_wall(lua_State *L) { lua_pushinteger(L, (lua_Integer)time(NULL)); return 1; }
static int l_timeout_scale(lua_State *L)
{
    lua_pushnumber(L, ps_runner_of(L)->timeout_scale);
    return 1;
}

/* ---- WebSocket ---- */

static int l_ws_open(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    const char *url = luaL_checkstring(L, 1), *path = luaL_checkstring(L, 2);
    char err[256];
    ps_ws *c = ps_ws_open(url, path, ps_runner_of(L)->insecure, &s->tr, (int)s->nconns + 1,
                          ps_scenario_wake, s, err, sizeof(err));
    if (!c)
        return luaL_error(L, "%s", err);
    if (ps_scenario_add_conn(s, c) < 0) {
        ps_ws_release(c);
        return luaL_error(L, "out of memory");
    }
    push_handle(L, s, s->nconns - 1, CONN_MT);
    return 1;
}

/* raw_open(host, port) -> a plain TCP connection (same methods as a conn) */
static int l_raw_open(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    const char *host = luaL_checkstring(L, 1);
    int port = (int)luaL_checkinteger(L, 2);
    char err[256];
    ps_ws *c = ps_ws_open_raw(host, port, &s->tr, (int)s->nconns + 1, ps_scenario_wake, s, err, sizeof(err));
    if (!c)
        return luaL_error(L, "%s", err);
    if (ps_scenario_add_conn(s, c) < 0) {
        ps_ws_release(c);
        return luaL_error(L, "out of memory");
    }
    push_handle(L, s, s->nconns - 1, CONN_MT);
    return 1;
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
    ps_ws *c = checkconn(L, 1);
    static const char *const kinds[] = { "text", "binary", "ping", NULL };
    int kind = luaL_checkoption(L, 2, NULL, kinds);
    size_t len;
    const char *buf = luaL_optlstring(L, 3, "", &len);
    lua_pushboolean(L, ps_ws_send(c, (ps_send_kind)kind, buf, len) == 0);
    return 1;
}

static int l_conn_close(lua_State *L)
{
    ps_ws *c = checkconn(L, 1);
    ps_ws_close(c, (int)luaL_optinteger(L, 2, 1000), luaL_optstring(L, 3, ""));
    return 0;
}

/* release(): the scenario is done with this connection: close it and free it now */
static int l_conn_release(lua_State *L)
{
    handle *h = luaL_checkudata(L, 1, CONN_MT);
    if (h->s->state == PS_S_RUNNING && h->idx < h->s->nconns && h->s->conns[h->idx]) {
        ps_ws_release(h->s->conns[h->idx]);
        h->s->conns[h->idx] = NULL;
    }
    return 0;
}

static int l_conn_pop(lua_State *L)
{
    ps_frame *f = ps_ws_pop(checkconn(L, 1));
    if (!f)
        return 0;
    static const char *const kinds[] = { "text", "binary", "oversize" };
    lua_createtable(L, 0, 3);
    lua_pushstring(L, kinds[f->kind]);
    lua_setfield(L, -2, "kind");
    lua_pushlstring(L, f->data, f->len);
    lua_setfield(L, -2, "raw");
    lua_pushinteger(L, f->t_ms);
    lua_setfield(L, -2, "t");
    free(f);
    return 1;
}

static int l_conn_state(lua_State *L)
{
    static const char *const names[] = { "connecting", "open", "closed", "failed" };
    lua_pushstring(L, names[checkconn(L, 1)->state]);
    return 1;
}

static int l_conn_info(lua_State *L)
{
    ps_ws *c = checkconn(L, 1);
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, c->close_code);
    lua_setfield(L, -2, "close_code");
    lua_pushstring(L, c->close_reason);
    lua_setfield(L, -2, "close_reason");
    lua_pushboolean(L, c->closed_by_server_frame);
    lua_setfield(L, -2, "close_frame");
    lua_pushstring(L, c->error);
    lua_setfield(L, -2, "error");
    lua_pushinteger(L, c->http_status);
    lua_setfield(L, -2, "http_status");
    lua_pushinteger(L, c->pongs);
    lua_setfield(L, -2, "pongs");
    lua_pushinteger(L, c->closed_at_ms);
    lua_setfield(L, -2, "closed_at");
    lua_pushinteger(L, c->num);
    lua_setfield(L, -2, "num");
    lua_pushstring(L, c->req_path);
    lua_setfield(L, -2, "path");
    if (c->opened_at_ms) {
        lua_pushinteger(L, c->opened_at_ms);
        lua_setfield(L, -2, "opened_at");
    }
    return 1;
}

static const luaL_Reg conn_methods[] = {
    { "send", l_conn_send }, { "close", l_conn_close }, { "pop", l_conn_pop }, { "release", l_conn_release },
    { "state", l_conn_state }, { "info", l_conn_info }, { NULL, NULL }
};

/* ---- HTTP ---- */

static int l_http(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
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
    ps_http *h = ps_http_start(method, url, hv, body, blen, ps_runner_of(L)->insecure, &s->tr,
                               ps_scenario_wake, s, err, sizeof(err));
    if (!h)
        return luaL_error(L, "%s", err);
    if (ps_scenario_add_req(s, h) < 0) {
        ps_http_release(h);
        return luaL_error(L, "out of memory");
    }
    push_handle(L, s, s->nreqs - 1, HTTP_MT);
    return 1;
}

static int l_http_done(lua_State *L)
{
    lua_pushboolean(L, checkhttp(L, 1)->done);
    return 1;
}

static int l_http_result(lua_State *L)
{
    ps_http *h = checkhttp(L, 1);
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, h->status);
    lua_setfield(L, -2, "status");
    lua_pushlstring(L, h->body ? h->body : "", h->body_len);
    lua_setfield(L, -2, "body");
    lua_pushstring(L, h->content_type);
    lua_setfield(L, -2, "content_type");
    lua_pushstring(L, h->error);
    lua_setfield(L, -2, "error");
    lua_pushboolean(L, h->body_truncated);
    lua_setfield(L, -2, "truncated");
    return 1;
}

static const luaL_Reg http_methods[] = {
    { "done", l_http_done }, { "result", l_http_result }, { NULL, NULL }
};

/* ---- fake server ---- */

static int l_fake_port(lua_State *L)
{
    lua_pushinteger(L, ps_fake_port());
    return 1;
}

/* fake_app(id, key): WebSocket /app/KEY and HTTP /apps/ID, /auth/KEY come here */
static int l_fake_app(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    if (!ps_fake_port())
        return luaL_error(L, "the fake server is not listening (run with --sdk)");
    if (ps_fake_route(luaL_checkstring(L, 1), luaL_checkstring(L, 2), s) < 0)
        return luaL_error(L, "out of memory");
    return 0;
}

/* accepted(from) -> the server-side connections from the from-th on (1-based) */
static int l_accepted(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    lua_Integer from = luaL_optinteger(L, 1, 1), seen = 0, out = 0;
    lua_newtable(L);
    for (size_t i = 0; i < s->nconns; i++) {
        if (!s->conns[i] || !s->conns[i]->server_side)
            continue;
        if (++seen < from)
            continue;
        push_handle(L, s, i, CONN_MT);
        lua_rawseti(L, -2, ++out);
    }
    return 1;
}

/* requests(from) -> the fake server's requests for this scenario from the from-th on */
static int l_requests(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    size_t from = (size_t)luaL_optinteger(L, 1, 1);
    lua_newtable(L);
    for (size_t i = from ? from - 1 : 0, out = 0; i < s->nsreqs; i++) {
        push_handle(L, s, i, SREQ_MT);
        lua_rawseti(L, -2, (lua_Integer)++out);
    }
    return 1;
}

static int l_sreq_info(lua_State *L)
{
    ps_sreq *r = checksreq(L, 1);
    lua_createtable(L, 0, 8);
    lua_pushstring(L, r->method);
    lua_setfield(L, -2, "method");
    lua_pushstring(L, r->path);
    lua_setfield(L, -2, "path");
    lua_pushstring(L, r->query ? r->query : "");
    lua_setfield(L, -2, "query");
    lua_pushlstring(L, r->body.data ? r->body.data : "", r->body.len);
    lua_setfield(L, -2, "body");
    lua_pushstring(L, r->content_type);
    lua_setfield(L, -2, "content_type");
    lua_pushinteger(L, r->t_ms);
    lua_setfield(L, -2, "t");
    lua_pushboolean(L, r->responded);
    lua_setfield(L, -2, "responded");
    lua_pushboolean(L, r->wsi == NULL && !r->responded);
    lua_setfield(L, -2, "gone");
    return 1;
}

static int l_sreq_respond(lua_State *L)
{
    ps_sreq *r = checksreq(L, 1);
    size_t len = 0;
    const char *body = luaL_optlstring(L, 3, "", &len);
    int ok = ps_sreq_respond(r, (unsigned)luaL_checkinteger(L, 2), luaL_optstring(L, 4, "application/json"),
                             body, len) == 0;
    lua_pushboolean(L, ok);
    return 1;
}

static const luaL_Reg sreq_methods[] = {
    { "info", l_sreq_info }, { "respond", l_sreq_respond }, { NULL, NULL }
};

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

/* ---- adapters ---- */

static int l_adapter_start(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    char err[256];
    ps_adapter *a = ps_adapter_start(luaL_checkstring(L, 1), &s->tr, ps_scenario_wake, s, err, sizeof(err));
    if (!a)
        return luaL_error(L, "%s", err);
    if (ps_scenario_add_adapter(s, a) < 0) {
        ps_adapter_release(a);
        return luaL_error(L, "out of memory");
    }
    push_handle(L, s, s->nadapters - 1, ADAPTER_MT);
    return 1;
}

static int l_adapter_send(lua_State *L)
{
    size_t len;
    const char *line = luaL_checklstring(L, 2, &len);
    lua_pushboolean(L, ps_adapter_send(checkadapter(L, 1), line, len) == 0);
    return 1;
}

static int l_adapter_pop(lua_State *L)
{
    size_t len = 0;
    int overlong = 0;
    char *line = ps_adapter_pop(checkadapter(L, 1), &len, &overlong);
    if (!line)
        return 0;
    lua_pushlstring(L, line, len);
    lua_pushboolean(L, overlong);
    free(line);
    return 2;
}

/* state() -> "running" | "exited", exit text, last stderr */
static int l_adapter_state(lua_State *L)
{
    ps_adapter *a = checkadapter(L, 1);
    ps_adapter_poll(a);
    /* its output ended: the exit status follows within moments */
    for (int i = 0; a->eof && !a->exited && i < 20; i++) {
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
        ps_adapter_poll(a);
    }
    char text[64];
    ps_adapter_describe_exit(a, text, sizeof(text));
    lua_pushstring(L, a->exited || a->eof ? "exited" : "running");
    lua_pushstring(L, text);
    lua_pushstring(L, a->err_tail);
    return 3;
}

static const luaL_Reg adapter_methods[] = {
    { "send", l_adapter_send }, { "pop", l_adapter_pop }, { "state", l_adapter_state }, { NULL, NULL }
};

/* ---- verdicts ---- */

static const char *opt_text(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx))
        return NULL;
    return luaL_tolstring(L, idx, NULL);   /* leaves a copy on the stack */
}

static int l_check(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    const char *rule = luaL_checkstring(L, 1);
    int ok = lua_toboolean(L, 2);
    const char *expected = opt_text(L, 3), *actual = opt_text(L, 4);
    char err[256];
    if (ps_scenario_check(s, rule, ok, expected, actual, err, sizeof(err)) < 0)
        return luaL_error(L, "%s", err);
    lua_pushboolean(L, ok);
    return 1;
}

static int l_skip(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    char err[256];
    if (ps_scenario_skip_rule(s, luaL_checkstring(L, 1), luaL_checkstring(L, 2), err, sizeof(err)) < 0)
        return luaL_error(L, "%s", err);
    return 0;
}

/* record(name, value): structured data for the result file */
static int l_record(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    char err[160];
    lua_settop(L, 2);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "name");
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "value");
    cJSON *v = ps_luajson_to(L, -1, 0, err, sizeof(err));
    if (!v)
        return luaL_error(L, "record: %s", err);
    char *text = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    if (!text || ps_scenario_add_record(s, text) < 0) {
        cJSON_free(text);
        return luaL_error(L, "record: out of memory");
    }
    cJSON_free(text);
    return 0;
}

static int l_log(lua_State *L)
{
    ps_scenario *s = need_scenario(L);
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    ps_transcript_add(&s->tr, 0, '!', "log", text, len);
    return 0;
}

/* ---- codec ---- */

static void push_violations(lua_State *L, const ps_msg *m, ps_direction dir)
{
    ps_violation v[16];
    int n = ps_msg_validate(m, dir, v, 16);
    lua_createtable(L, n < 16 ? n : 16, 0);
    for (int i = 0; i < n && i < 16; i++) {
        lua_createtable(L, 0, 3);
        lua_pushstring(L, v[i].rule);
        lua_setfield(L, -2, "rule");
        lua_pushboolean(L, v[i].should);
        lua_setfield(L, -2, "should");
        lua_pushstring(L, v[i].text);
        lua_setfield(L, -2, "text");
        lua_rawseti(L, -2, i + 1);
    }
}

/* parse(text, "server"|"client") -> {status, event, channel, data, data_kind, decoded, violations} */
static int l_parse(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    static const char *const dirs[] = { "server", "client", NULL };
    ps_direction dir = luaL_checkoption(L, 2, "server", dirs) == 0 ? PS_FROM_SERVER : PS_FROM_CLIENT;
    static const char *const kinds[] = { "absent", "string", "object", "other" };
    ps_msg m;
    ps_parse_status st = ps_msg_parse(text, len, 0, &m);

    lua_createtable(L, 0, 8);
    lua_pushstring(L, ps_parse_status_text(st));
    lua_setfield(L, -2, "status");
    if (m.root) {
        lua_pushstring(L, m.event);
        lua_setfield(L, -2, "event");
        lua_pushstring(L, m.channel);
        lua_setfield(L, -2, "channel");
        lua_pushstring(L, kinds[m.data_kind]);
        lua_setfield(L, -2, "data_kind");
        if (m.data) {
            ps_luajson_push(L, m.data, 0);
            lua_setfield(L, -2, "data");
        }
        if (m.data_decoded) {
            ps_luajson_push(L, m.data_decoded, 0);
            lua_setfield(L, -2, "decoded");
        }
        ps_luajson_push(L, m.root, 0);
        lua_setfield(L, -2, "json");
    }
    push_violations(L, &m, dir);
    lua_setfield(L, -2, "violations");
    ps_msg_free(&m);
    return 1;
}

static int l_build(lua_State *L)
{
    const char *event = luaL_checkstring(L, 1);
    const char *channel = luaL_optstring(L, 2, NULL);
    const char *data = luaL_optstring(L, 3, NULL);
    char *out = ps_msg_build(event, channel, data, lua_toboolean(L, 4));
    if (!out)
        return luaL_error(L, "cannot build a message from event %s: data is not valid JSON", event);
    lua_pushstring(L, out);
    free(out);
    return 1;
}

static int l_channel_kind(lua_State *L)
{
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);
    lua_pushstring(L, ps_channel_kind_name(ps_channel_classify(name, len)));
    return 1;
}

static int l_json_decode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    if (ps_luajson_decode(L, text, len))
        return 1;
    lua_pushnil(L);
    lua_pushstring(L, "not valid JSON");
    return 2;
}

static int l_json_encode(lua_State *L)
{
    char err[160];
    cJSON *v = ps_luajson_to(L, 1, 0, err, sizeof(err));
    if (!v)
        return luaL_error(L, "json.encode: %s", err);
    char *s = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    if (!s)
        return luaL_error(L, "json.encode: out of memory");
    lua_pushstring(L, s);
    cJSON_free(s);
    return 1;
}

static void set_pair(void *ctx, const char *k, size_t klen, const char *v, size_t vlen)
{
    lua_State *L = ctx;
    lua_pushlstring(L, k, klen);
    lua_pushlstring(L, v, vlen);
    lua_rawset(L, -3);   /* a repeated key: the last one wins */
}

/* core.form_decode(text) -> {key = value}: urlencoded form or query string. */
static int l_form_decode(lua_State *L)
{
    size_t n;
    const char *s = luaL_optlstring(L, 1, "", &n);
    lua_newtable(L);
    if (ps_form_decode(s, n, set_pair, L) < 0)
        return luaL_error(L, "form_decode: out of memory");
    return 1;
}

static int l_json_array(lua_State *L)
{
    if (lua_isnoneornil(L, 1))
        lua_newtable(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    ps_luajson_mark_array(L, 1);
    return 1;
}

/* ---- signer ---- */

static int l_sign_channel(lua_State *L)
{
    char out[512];
    if (ps_sign_channel(luaL_checkstring(L, 1), luaL_checkstring(L, 2), luaL_checkstring(L, 3),
                        luaL_checkstring(L, 4), luaL_optstring(L, 5, NULL), out, sizeof(out)) < 0)
        return luaL_error(L, "sign_channel: key too long");
    lua_pushstring(L, out);
    return 1;
}

static int l_sign_user(lua_State *L)
{
    char out[512];
    if (ps_sign_user(luaL_checkstring(L, 1), luaL_checkstring(L, 2), luaL_checkstring(L, 3),
                     luaL_checkstring(L, 4), out, sizeof(out)) < 0)
        return luaL_error(L, "sign_user: key too long");
    lua_pushstring(L, out);
    return 1;
}

static int l_hmac(lua_State *L)
{
    size_t len;
    const char *secret = luaL_checkstring(L, 1), *msg = luaL_checklstring(L, 2, &len);
    char out[PS_HEX256_LEN + 1];
    ps_hmac_hex(secret, msg, len, out);
    lua_pushstring(L, out);
    return 1;
}

/* webhook_sign(secret, raw_body) -> X-Pusher-Signature */
static int l_webhook_sign(lua_State *L)
{
    size_t len;
    const char *secret = luaL_checkstring(L, 1), *body = luaL_checklstring(L, 2, &len);
    char out[PS_HEX256_LEN + 1];
    ps_webhook_sign(secret, body, len, out);
    lua_pushstring(L, out);
    return 1;
}

static int l_md5(lua_State *L)
{
    size_t len;
    const char *msg = luaL_checklstring(L, 1, &len);
    char out[PS_MD5_HEX_LEN + 1];
    ps_md5_hex(msg, len, out);
    lua_pushstring(L, out);
    return 1;
}

/* api_query(method, path, params, key, secret, ts, body) -> escaped query string */
static int l_api_query(lua_State *L)
{
    const char *method = luaL_checkstring(L, 1), *path = luaL_checkstring(L, 2);
    ps_param p[64];
    size_t n = 0;
    lua_newtable(L);   /* keeps the converted strings alive until we return */
    int keep = lua_gettop(L);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            if (n == 64 || lua_type(L, -2) != LUA_TSTRING)
                return luaL_error(L, "api_query: params must be at most 64 string keys");
            luaL_tolstring(L, -1, NULL);
            lua_rawseti(L, keep, (lua_Integer)(2 * n + 2));
            lua_pushvalue(L, -2);
            lua_rawseti(L, keep, (lua_Integer)(2 * n + 1));
            lua_pop(L, 1);
            n++;
        }
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, keep, (lua_Integer)(2 * i + 1));
            p[i].key = lua_tostring(L, -1);
            lua_rawgeti(L, keep, (lua_Integer)(2 * i + 2));
            p[i].value = lua_tostring(L, -1);
            lua_pop(L, 2);
        }
    }
    size_t blen = 0;
    const char *body = luaL_optlstring(L, 7, NULL, &blen);
    char *q = ps_api_sign_query(method, path, p, n, luaL_checkstring(L, 4), luaL_checkstring(L, 5),
                                (long long)luaL_checkinteger(L, 6), body, blen);
    if (!q)
        return luaL_error(L, "api_query: could not sign the request");
    lua_pushstring(L, q);
    free(q);
    return 1;
}

static int l_b64_encode(lua_State *L)
{
    size_t len;
    const char *bin = luaL_checklstring(L, 1, &len);
    char *out = ps_b64_encode((const unsigned char *)bin, len);
    if (!out)
        return luaL_error(L, "b64_encode: out of memory");
    lua_pushstring(L, out);
    free(out);
    return 1;
}

static int l_b64_decode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    unsigned char *out = (unsigned char *)luaL_buffinitsize(L, &b, len + 1);
    long n = ps_b64_decode(text, len, out, len + 1);
    if (n < 0)
        return 0;
    luaL_pushresultsize(&b, (size_t)n);
    return 1;
}

static int key32(lua_State *L, int idx, unsigned char out[32])
{
    size_t len;
    const char *text = luaL_checklstring(L, idx, &len);
    return ps_b64_decode(text, len, out, 32) == 32 ? 0 : -1;
}

/* shared_secret(channel, master_key_b64) -> b64 */
static int l_shared_secret(lua_State *L)
{
    unsigned char master[32], out[32];
    const char *channel = luaL_checkstring(L, 1);
    if (key32(L, 2, master) < 0)
        return luaL_error(L, "the encryption master key must be 32 bytes in base64");
    ps_shared_secret(channel, master, out);
    char *b = ps_b64_encode(out, 32);
    lua_pushstring(L, b);
    free(b);
    return 1;
}

/* encrypt(shared_b64, plaintext) -> JSON text {"nonce","ciphertext"} */
static int l_encrypt(lua_State *L)
{
    unsigned char key[32];
    size_t len;
    if (key32(L, 1, key) < 0)
        return luaL_error(L, "the shared secret must be 32 bytes in base64");
    const char *plain = luaL_checklstring(L, 2, &len);
    char *out = ps_encrypt_payload(key, NULL, plain, len);
    if (!out)
        return luaL_error(L, "encrypt failed");
    lua_pushstring(L, out);
    free(out);
    return 1;
}

/* decrypt(shared_b64, nonce_b64, ciphertext_b64) -> plaintext or nil */
static int l_decrypt(lua_State *L)
{
    unsigned char key[32];
    if (key32(L, 1, key) < 0)
        return luaL_error(L, "the shared secret must be 32 bytes in base64");
    size_t len;
    char *out = ps_decrypt_payload(key, luaL_checkstring(L, 2), luaL_checkstring(L, 3), &len);
    if (!out)
        return 0;
    lua_pushlstring(L, out, len);
    free(out);
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
        lua_pushinteger(L, h->t_ms);
        lua_setfield(L, -2, "t");
        lua_pushstring(L, h->method);
        lua_setfield(L, -2, "method");
        lua_pushstring(L, h->path);
        lua_setfield(L, -2, "path");
        lua_pushstring(L, h->key);
        lua_setfield(L, -2, "key");
        lua_pushstring(L, h->signature);
        lua_setfield(L, -2, "signature");
        lua_pushstring(L, h->content_type);
        lua_setfield(L, -2, "content_type");
        lua_pushlstring(L, h->body.data ? h->body.data : "", h->body.len);
        lua_setfield(L, -2, "body");
        lua_pushboolean(L, h->body.oversize);
        lua_setfield(L, -2, "oversize");
        lua_pushboolean(L, h->key_ok);
        lua_setfield(L, -2, "key_ok");
        lua_pushboolean(L, h->signature_ok);
        lua_setfield(L, -2, "signature_ok");
        lua_rawseti(L, -2, (lua_Integer)(i - from + 1));
    }
    return 1;
}

/* corpus(name) -> the seed files of corpus/NAME (bytes), sorted by file name;
 * from the copy embedded in the binary, so an installed pushspec has them too */
static int l_corpus(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    luaL_argcheck(L, strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(name), 1,
                  "a corpus name is letters, digits, _ and -");
    char dir[300];
    snprintf(dir, sizeof(dir), "corpus/%s", name);
    lua_newtable(L);
    lua_Integer n = 0;
    for (const ps_embed_file *f = ps_embed_next(dir, NULL, NULL); f; f = ps_embed_next(dir, NULL, f)) {
        lua_pushlstring(L, f->data, f->len);
        lua_rawseti(L, -2, ++n);
    }
    if (!n)
        return luaL_error(L, "no corpus %s in this pushspec (the source tree's corpus/%s, embedded at build time)",
                          name, name);
    return 1;
}

/* restart_target() -> exit status of the target's restart command (blocks) */
static int l_restart_target(lua_State *L)
{
    ps_runner *r = ps_runner_of(L);
    if (!r->restart_cmd)
        return luaL_error(L, "the target gives no restart command");
    fflush(NULL);
    lua_pushinteger(L, system(r->restart_cmd));
    return 1;
}

static int l_getenv(lua_State *L)
{
    lua_pushstring(L, getenv(luaL_checkstring(L, 1)));
    return 1;
}

/* rule(id) -> {id, roles, should, slow, profile, section, text} or nil */
static int l_rule(lua_State *L)
{
    const ps_rule *r = ps_catalog_find(ps_runner_of(L)->catalog, luaL_checkstring(L, 1));
    if (!r)
        return 0;
    lua_createtable(L, 0, 7);
    lua_pushstring(L, r->id);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, r->roles);
    lua_setfield(L, -2, "roles");
    lua_pushboolean(L, r->should);
    lua_setfield(L, -2, "should");
    lua_pushboolean(L, r->slow);
    lua_setfield(L, -2, "slow");
    lua_pushstring(L, r->profile);
    lua_setfield(L, -2, "profile");
    lua_pushstring(L, r->section);
    lua_setfield(L, -2, "section");
    lua_pushstring(L, r->text);
    lua_setfield(L, -2, "text");
    return 1;
}

static const luaL_Reg core_funcs[] = {
    { "getenv", l_getenv }, { "rule", l_rule }, { "webhooks", l_webhooks },
    { "corpus", l_corpus }, { "restart_target", l_restart_target },
    { "fake_port", l_fake_port }, { "fake_app", l_fake_app }, { "accepted", l_accepted },
    { "requests", l_requests }, { "api_verify", l_api_verify }, { "adapter_start", l_adapter_start },
    { "now", l_now }, { "wall", l_wall }, { "timeout_scale", l_timeout_scale },
    { "ws_open", l_ws_open }, { "raw_open", l_raw_open }, { "mask", l_mask }, { "http", l_http },
    { "check", l_check }, { "skip", l_skip }, { "log", l_log }, { "record", l_record },
    { "parse", l_parse }, { "build", l_build }, { "channel_kind", l_channel_kind },
    { "json_decode", l_json_decode }, { "form_decode", l_form_decode }, { "json_encode", l_json_encode }, { "json_array", l_json_array },
    { "sign_channel", l_sign_channel }, { "sign_user", l_sign_user }, { "hmac", l_hmac },
    { "md5", l_md5 }, { "api_query", l_api_query }, { "webhook_sign", l_webhook_sign },
    { "b64_encode", l_b64_encode }, { "b64_decode", l_b64_decode },
    { "shared_secret", l_shared_secret }, { "encrypt", l_encrypt }, { "decrypt", l_decrypt },
    { NULL, NULL }
};

static void new_class(lua_State *L, const char *name, const luaL_Reg *methods)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

void ps_lua_push_core(lua_State *L)
{
    ps_luajson_init(L);
    new_class(L, CONN_MT, conn_methods);
    new_class(L, HTTP_MT, http_methods);
    new_class(L, SREQ_MT, sreq_methods);
    new_class(L, ADAPTER_MT, adapter_methods);
    luaL_newlib(L, core_funcs);
    ps_luajson_push_null(L);
    lua_setfield(L, -2, "null");
}
