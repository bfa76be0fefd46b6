#include "lua/luajson.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ARRAY_MT[] = "pushspec.json.array";

void ps_luajson_init(lua_State *L)
{
    luaL_newmetatable(L, ARRAY_MT);
    lua_pop(L, 1);
}

void ps_luajson_push_null(lua_State *L) { lua_pushlightuserdata(L, NULL); }

void ps_luajson_mark_array(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    luaL_getmetatable(L, ARRAY_MT);
    lua_setmetatable(L, idx);
}

void ps_luajson_push(lua_State *L, const cJSON *v, int depth)
{
    if (!v || depth > PS_JSON_DEPTH || !lua_checkstack(L, 4)) {
        ps_luajson_push_null(L);
        return;
    }
    if (cJSON_IsString(v)) {
        lua_pushstring(L, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            lua_pushinteger(L, (lua_Integer)d);
        else
            lua_pushnumber(L, d);
    } else if (cJSON_IsBool(v)) {
        lua_pushboolean(L, cJSON_IsTrue(v));
    } else if (cJSON_IsArray(v)) {
        lua_createtable(L, cJSON_GetArraySize(v), 0);
        lua_Integer i = 1;
        for (const cJSON *e = v->child; e; e = e->next) {
            ps_luajson_push(L, e, depth + 1);
            lua_rawseti(L, -2, i++);
        }
        ps_luajson_mark_array(L, -1);
    } else if (cJSON_IsObject(v)) {
        lua_createtable(L, 0, 4);
        for (const cJSON *e = v->child; e; e = e->next) {
            ps_luajson_push(L, e, depth + 1);
            lua_setfield(L, -2, e->string ? e->string : "");
        }
    } else {
        ps_luajson_push_null(L);
    }
}

static int json_box_gc(lua_State *L)
{
    cJSON **box = lua_touserdata(L, 1);
    cJSON_Delete(*box);
    *box = NULL;
    return 0;
}

int ps_luajson_decode(lua_State *L, const char *s, size_t len)
{
    if (len > PS_JSON_TEXT_MAX)
        return 0;
    cJSON **box = lua_newuserdatauv(L, sizeof(*box), 0);   /* freed by __gc if pushing unwinds */
    *box = NULL;
    if (luaL_newmetatable(L, "pushspec.jsonbox")) {
        lua_pushcfunction(L, json_box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    char *copy = malloc(len + 1);
    if (!copy) {
        lua_pop(L, 1);
        return 0;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    /* the terminator counts, so trailing bytes after the value are refused */
    *box = cJSON_ParseWithLengthOpts(copy, len + 1, NULL, 1);
    free(copy);
    if (!*box) {
        lua_pop(L, 1);
        return 0;
    }
    ps_luajson_push(L, *box, 0);
    cJSON_Delete(*box);
    *box = NULL;
    lua_remove(L, -2);
    return 1;
}

/* A table is an array when marked, or when its keys are exactly 1..n, n > 0. */
static int is_array(lua_State *L, int idx)
{
    if (lua_getmetatable(L, idx)) {
        luaL_getmetatable(L, ARRAY_MT);
        int marked = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
        if (marked)
            return 1;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
    if (n == 0)
        return 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1)) {
            lua_pop(L, 1);
            return 0;
        }
        count++;
    }
    return count == n;
}

static cJSON *table_to(lua_State *L, int idx, int depth, char *err, size_t errlen)
{
    int arr = is_array(L, idx);
    cJSON *out = arr ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!out)
        return NULL;
    if (arr) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, i);
            cJSON *e = ps_luajson_to(L, -1, depth + 1, err, errlen);
            lua_pop(L, 1);
            if (!e) {
                cJSON_Delete(out);
                return NULL;
            }
            cJSON_AddItemToArray(out, e);
        }
        return out;
    }
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            snprintf(err, errlen, "JSON object keys must be strings (found a %s key)",
                     luaL_typename(L, -2));
            lua_pop(L, 2);
            cJSON_Delete(out);
            return NULL;
        }
        cJSON *e = ps_luajson_to(L, -1, depth + 1, err, errlen);
        if (!e) {
            lua_pop(L, 2);
            cJSON_Delete(out);
            return NULL;
        }
        cJSON_AddItemToObject(out, lua_tostring(L, -2), e);
        lua_pop(L, 1);
    }
    return out;
}

cJSON *ps_luajson_to(lua_State *L, int idx, int depth, char *err, size_t errlen)
{
    idx = lua_absindex(L, idx);
    if (depth > PS_JSON_DEPTH || !lua_checkstack(L, 4)) {
        snprintf(err, errlen, "value nested deeper than %d levels", PS_JSON_DEPTH);
        return NULL;
    }
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return cJSON_CreateNull();
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == NULL)
            return cJSON_CreateNull();
        break;
    case LUA_TBOOLEAN:
        return cJSON_CreateBool(lua_toboolean(L, idx));
    case LUA_TNUMBER: {
        double d = lua_tonumber(L, idx);
        if (!isfinite(d)) {
            snprintf(err, errlen, "JSON has no representation for %g", d);
            return NULL;
        }
        return cJSON_CreateNumber(d);
    }
    case LUA_TSTRING:
        return cJSON_CreateString(lua_tostring(L, idx));
    case LUA_TTABLE:
        return table_to(L, idx, depth, err, errlen);
    default:
        break;
    }
    snprintf(err, errlen, "a %s can't be encoded as JSON", luaL_typename(L, idx));
    return NULL;
}
