/* The no-I/O primitives: the frame codec (parse, build, channel_kind),
 * JSON, form decoding, the signer, base64 and the encrypted-channel crypto. */
#include "lua/bind.h"
#include "lua/luajson.h"
#include "core/frame.h"
#include "core/httpreq.h"
#include "core/outline.h"
#include "core/sign.h"

#include <stdlib.h>
#include <string.h>


/* Push s and free it; NULL raises fail instead. */
static int push_free(lua_State *L, char *s, const char *fail)
{
    if (!s)
        return luaL_error(L, "%s", fail);
    lua_pushstring(L, s);
    free(s);
    return 1;
}

static void push_violations(lua_State *L, const ps_msg *m, ps_direction dir)
{
    ps_violation v[16];
    int n = ps_msg_validate(m, dir, v, 16);
    lua_createtable(L, n < 16 ? n : 16, 0);
    for (int i = 0; i < n && i < 16; i++) {
        lua_createtable(L, 0, 4);
        lua_pushstring(L, v[i].rule);
        lua_setfield(L, -2, "rule");
        if (v[i].label) {
            lua_pushstring(L, v[i].label);
            lua_setfield(L, -2, "label");
        }
        lua_pushboolean(L, v[i].should);
        lua_setfield(L, -2, "should");
        lua_pushstring(L, v[i].text);
        lua_setfield(L, -2, "text");
        lua_rawseti(L, -2, i + 1);
    }
}

static int msg_gc(lua_State *L)
{
    ps_msg_free(lua_touserdata(L, 1));
    return 0;
}

/* The parsed message lives in a userdata while it becomes Lua tables: a memory
 * error then (the scenario's Lua budget) unwinds past l_parse, and __gc frees it. */
static ps_msg *msg_box(lua_State *L)
{
    ps_msg *m = lua_newuserdatauv(L, sizeof(*m), 0);
    memset(m, 0, sizeof(*m));
    if (luaL_newmetatable(L, "pushspec.msgbox")) {
        lua_pushcfunction(L, msg_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return m;
}

/* parse(text, "server"|"client") -> {status, event, channel, data, data_kind, decoded, violations} */
static int l_parse(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    static const char *const dirs[] = { "server", "client", NULL };
    ps_direction dir = luaL_checkoption(L, 2, "server", dirs) == 0 ? PS_FROM_SERVER : PS_FROM_CLIENT;
    static const char *const kinds[] = { "absent", "string", "object", "other" };
    ps_msg *mp = msg_box(L), m;
    ps_parse_status st = ps_msg_parse(text, len, 0, mp);
    m = *mp;

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
    }
    push_violations(L, &m, dir);
    lua_setfield(L, -2, "violations");
    ps_msg_free(mp);
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

/* json_outline(text) -> {json, depth, top, event, event_text, channel, data, fields = {name = type}}
 * (types by name; nil where absent): what JSON.parse would see, without building it. */
static int l_json_outline(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    ps_outline *o = lua_newuserdatauv(L, sizeof *o, 0);   /* freed by Lua: no leak on an error below */
    if (ps_outline_json(text, len, o) < 0)
        return luaL_error(L, "json_outline: out of memory for %zu bytes of nesting", len);
    lua_createtable(L, 0, 8);
    lua_pushboolean(L, o->json);
    lua_setfield(L, -2, "json");
    if (!o->json)
        return 1;
    lua_pushinteger(L, (lua_Integer)o->depth);
    lua_setfield(L, -2, "depth");
    const struct { const char *name; ps_json_type t; } member[] = {
        { "top", o->top }, { "event", o->event }, { "channel", o->channel }, { "data", o->data } };
    for (size_t i = 0; i < sizeof member / sizeof *member; i++) {
        if (member[i].t == PS_JT_ABSENT)
            continue;
        lua_pushstring(L, ps_json_type_name(member[i].t));
        lua_setfield(L, -2, member[i].name);
    }
    if (o->event == PS_JT_STRING) {
        lua_pushlstring(L, o->event_text, o->event_kept);
        lua_setfield(L, -2, "event_text");
    }
    lua_createtable(L, 0, (int)o->nfields);
    for (size_t i = 0; i < o->nfields; i++) {
        lua_pushstring(L, ps_json_type_name(o->fields[i].type));
        lua_setfield(L, -2, o->fields[i].key);
    }
    lua_setfield(L, -2, "fields");
    return 1;
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

/* prim.form_decode(text) -> {key = value}: urlencoded form or query string. */
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

/* hmac(secret, msg) -> hex HMAC-SHA256; webhook_sign(secret, raw_body) -> X-Pusher-Signature */
static int mac_hex(lua_State *L, int webhook)
{
    size_t len;
    const char *secret = luaL_checkstring(L, 1), *msg = luaL_checklstring(L, 2, &len);
    char out[PS_HEX256_LEN + 1];
    if (webhook)
        ps_webhook_sign(secret, msg, len, out);
    else
        ps_hmac_hex(secret, msg, len, out);
    lua_pushstring(L, out);
    return 1;
}

static int l_hmac(lua_State *L) { return mac_hex(L, 0); }
static int l_webhook_sign(lua_State *L) { return mac_hex(L, 1); }

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
    return push_free(L, q, "api_query: could not sign the request");
}

static int l_b64_encode(lua_State *L)
{
    size_t len;
    const char *bin = luaL_checklstring(L, 1, &len);
    char *out = ps_b64_encode((const unsigned char *)bin, len);
    return push_free(L, out, "b64_encode: out of memory");
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
    return push_free(L, out, "encrypt failed");
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

/* version() -> pushspec's version, the one the binary was built with. */
static int l_version(lua_State *L)
{
    lua_pushstring(L, PUSHSPEC_VERSION);
    return 1;
}

static const luaL_Reg funcs[] = {
    { "version", l_version },
    { "parse", l_parse }, { "build", l_build }, { "channel_kind", l_channel_kind },
    { "json_decode", l_json_decode }, { "form_decode", l_form_decode }, { "json_encode", l_json_encode },
    { "json_outline", l_json_outline },
    { "json_array", l_json_array },
    { "sign_channel", l_sign_channel }, { "sign_user", l_sign_user }, { "hmac", l_hmac },
    { "md5", l_md5 }, { "api_query", l_api_query }, { "webhook_sign", l_webhook_sign },
    { "b64_encode", l_b64_encode }, { "b64_decode", l_b64_decode },
    { "shared_secret", l_shared_secret }, { "encrypt", l_encrypt }, { "decrypt", l_decrypt },
    { NULL, NULL }
};

const ps_binding ps_bind_codec = { funcs, 0, 0, NULL };
