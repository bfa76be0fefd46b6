#include "lua/lua_mem.h"
#include "net/limits.h"
#include "net/budget.h"
#include "net/stop.h"

#include <lauxlib.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each block carries the account it is charged to (slot 0: the prelude, the
 * probe, loading; slot i: scenario i), so a flooding scenario runs out of its
 * own budget and no other scenario sees "not enough memory". */
typedef union { unsigned slot; max_align_t align; } mem_hdr;

static size_t lua_mem, *slot_mem, nslots;
static unsigned cur_slot;    /* the account of the coroutine now running */
static int *slot_over;       /* that scenario had an allocation refused */
static int *slot_over_total; /* ... for the process's memory ceiling (net/budget.h) */

void *ps_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    mem_hdr *h = ptr ? (mem_hdr *)ptr - 1 : NULL;
    if (!ptr)
        osize = 0;
    unsigned old = h && h->slot < nslots ? h->slot : 0, now = cur_slot < nslots ? cur_slot : 0;
    if (nsize == 0) {
        free(h);
        lua_mem -= osize;
        ps_budget_give(osize);
        if (nslots)
            slot_mem[old] -= osize;
        return NULL;
    }
    if (nsize > osize && lua_mem + (nsize - osize) > PS_LUA_TOTAL_CAP)
        return NULL;   /* Lua turns this into a "not enough memory" error */
    size_t mine = nslots ? slot_mem[now] - (old == now ? osize : 0) : 0;
    if (now && nsize > osize && mine + nsize > PS_LUA_SCENARIO_CAP) {
        slot_over[now] = 1;
        return NULL;
    }
    /* Lua draws from the process's ceiling too; the prelude's own (slot 0) is never refused */
    if (nsize > osize && ps_budget_take(nsize - osize) < 0) {
        if (now) {
            slot_over_total[now] = 1;
            return NULL;
        }
        ps_budget_charge(nsize - osize);
    }
    mem_hdr *n = realloc(h, sizeof(mem_hdr) + nsize);
    if (!n) {
        if (nsize > osize)
            ps_budget_give(nsize - osize);
        return NULL;
    }
    if (nsize < osize)
        ps_budget_give(osize - nsize);
    lua_mem = lua_mem - osize + nsize;
    if (nslots) {
        slot_mem[old] -= osize;   /* a block grown by another scenario is charged to it now */
        slot_mem[now] += nsize;
    }
    n->slot = now;
    return n + 1;
}

void ps_lua_mem_open(ps_scenario *const *sc, size_t n)
{
    size_t *m = calloc(n + 1, sizeof(*m));
    int *o = calloc(n + 1, sizeof(*o)), *ot = calloc(n + 1, sizeof(*ot));
    if (!m || !o || !ot) {   /* then everything stays on the shared account */
        free(m);
        free(o);
        free(ot);
        return;
    }
    slot_over_total = ot;
    m[0] = lua_mem;
    for (size_t i = 0; i < n; i++)
        sc[i]->slot = (unsigned)(i + 1);
    slot_mem = m;
    slot_over = o;
    nslots = n + 1;
}

void ps_lua_mem_close(void)
{
    free(slot_mem);
    free(slot_over);
    free(slot_over_total);
    slot_mem = NULL;
    slot_over = NULL;
    slot_over_total = NULL;
    nslots = 0;
}

static jmp_buf *panic_point;

void ps_lua_panic_point(jmp_buf *jb) { panic_point = jb; }

/* A Lua panic (an error outside any protected call) would abort: say it, record
 * the stop and unwind to the runner's loop, which returns to main as for a signal. */
int ps_lua_on_panic(lua_State *L)
{
    const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(an error that is not a string)";
    fprintf(stderr, "pushspec: internal error: unprotected Lua error: %s\n", m);
    ps_stop_now(SIGABRT);
    if (panic_point)
        longjmp(*panic_point, 1);
    fprintf(stderr, "pushspec: no result was written\n");
    exit(2);
}

void ps_lua_mem_use(unsigned slot) { cur_slot = slot; }

int ps_lua_mem_over(unsigned slot) { return slot < nslots && (slot_over[slot] || slot_over_total[slot]); }

static int tostring_fn(lua_State *L)
{
    luaL_tolstring(L, 1, NULL);
    return 1;
}

/* A hook for the conversion below: a __tostring that loops is stopped. */
static void tostring_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, tostring_hook, LUA_MASKCOUNT, 1);   /* a pcall inside it cannot swallow this */
    luaL_error(L, "its __tostring ran too long");
}

/* The dead coroutine's error as text, in protected mode on the main state (a
 * __tostring that errors, loops or runs out of memory must not abort). */
char *ps_lua_error_text(lua_State *L, lua_State *co, unsigned slot)
{
    if (slot < nslots && slot_over_total[slot] && !slot_over[slot]) {
        char m[300];
        snprintf(m, sizeof(m), "limit memory-total reached: %s (its Lua allocations were refused)",
                 ps_budget_what());
        ps_limit_hit("memory-total", ps_budget_what());
        return strdup(m);
    }
    if (ps_lua_mem_over(slot)) {
        char m[256];
        snprintf(m, sizeof(m), "over the scenario's Lua memory budget of %u MiB (lua-memory-per-scenario in "
                 "`pushspec help run`): its allocations were refused", PS_LUA_SCENARIO_CAP >> 20);
        ps_limit_hit("lua-memory-per-scenario", "a scenario held more Lua memory than its budget; it ended "
                     "with an error, the others ran on");
        return strdup(m);
    }
    int top = lua_gettop(L);
    lua_pushcfunction(L, tostring_fn);
    lua_xmove(co, L, 1);
    lua_sethook(L, tostring_hook, LUA_MASKCOUNT, 1000000);
    int st = lua_pcall(L, 1, 1, 0);
    lua_sethook(L, NULL, 0, 0);
    const char *m = lua_tostring(L, -1);
    char *out = NULL;
    if (st == LUA_OK)
        out = strdup(m ? m : "error");
    else {
        char buf[512];
        snprintf(buf, sizeof(buf), "error (its value could not be turned into text: %.300s)",
                 st == LUA_ERRMEM ? "out of memory" : m ? m : "?");
        out = strdup(buf);
    }
    lua_settop(L, top);
    return out;
}


/* file:line of the innermost scenario-file frame of a failed coroutine */
char *ps_lua_error_source(lua_State *co)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(co, level, &ar); level++) {
        if (lua_getinfo(co, "Sl", &ar) && ar.currentline > 0 && ar.source[0] == '@') {
            char buf[512];
            snprintf(buf, sizeof(buf), "%s:%d", ar.source + 1, ar.currentline);
            return strdup(buf);
        }
    }
    return NULL;
}
