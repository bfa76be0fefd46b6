/* prim.adapter_start (an SDK's adapter process) and the methods of its
 * handle: send, pop, state. */
#include "lua/bind.h"
#include "lua/context.h"
#include "net/adapter.h"

#include <stdlib.h>
#include <time.h>

static void release_adapter(void *a) { ps_adapter_release(a); }


static int l_adapter_start(lua_State *L)
{
    ps_scenario *s = ps_bind_scenario(L);
    char err[256];
    ps_adapter *a = ps_adapter_start(luaL_checkstring(L, 1), &s->tr, ps_scenario_wake, s, err, sizeof(err));
    return ps_bind_own(L, s, PS_RES_ADAPTER, a, release_adapter, err);
}

static int l_adapter_send(lua_State *L)
{
    size_t len;
    const char *line = luaL_checklstring(L, 2, &len);
    lua_pushboolean(L, ps_adapter_send(ps_bind_check(L, 1, PS_RES_ADAPTER), line, len) == 0);
    return 1;
}

static int l_adapter_pop(lua_State *L)
{
    if (ps_bind_past_deadline(L, ps_lua_scenario(L)))
        return lua_yield(L, 0);   /* the runner ends it as timed out */
    size_t len = 0;
    int overlong = 0;
    char *line = ps_adapter_pop(ps_bind_check(L, 1, PS_RES_ADAPTER), &len, &overlong);
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
    ps_adapter *a = ps_bind_check(L, 1, PS_RES_ADAPTER);
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

static const luaL_Reg methods[] = {
    { "send", l_adapter_send }, { "pop", l_adapter_pop }, { "state", l_adapter_state }, { NULL, NULL }
};

static const luaL_Reg funcs[] = { { "adapter_start", l_adapter_start }, { NULL, NULL } };

const ps_binding ps_bind_adapter = { funcs, 1, PS_RES_ADAPTER, methods };
