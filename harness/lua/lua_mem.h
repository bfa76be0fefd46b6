/* Lua memory accounted per scenario: every block is charged to the scenario
 * whose coroutine allocated it, each within PS_LUA_SCENARIO_CAP (net/limits.h),
 * all within PS_LUA_TOTAL_CAP; and the faults: a panic, an error's text. */
#ifndef PUSHSPEC_LUA_MEM_H
#define PUSHSPEC_LUA_MEM_H

#include <lua.h>
#include <setjmp.h>
#include <stddef.h>

#include "lua/scenario.h"

/* The lua_Alloc of the run's state. */
void *ps_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* One account per scenario (their slot fields set), once all are loaded. */
void ps_lua_mem_open(ps_scenario *const *sc, size_t n);
void ps_lua_mem_close(void);
/* Charge allocations from now on to SLOT (0: the shared account). */
void ps_lua_mem_use(unsigned slot);
/* Had SLOT an allocation refused for being over its budget? */
int ps_lua_mem_over(unsigned slot);
/* lua_atpanic handler: says it, records a stop (SIGABRT, ps_stop_now) and unwinds
 * to the recovery point (the runner's loop, which returns to main like any stop);
 * with none set, exits 2. */
int ps_lua_on_panic(lua_State *L);
/* Where a panic unwinds to from now on (NULL: nowhere). */
void ps_lua_panic_point(jmp_buf *jb);

/* The error value on top of dead coroutine CO as text, converted on L in
 * protected mode (a __tostring that errors, loops or runs out of memory
 * cannot abort); names the budget if SLOT went over it. Caller frees. */
char *ps_lua_error_text(lua_State *L, lua_State *co, unsigned slot);
/* file:line of the innermost scenario-file frame of failed coroutine CO, or
 * NULL. Caller frees. */
char *ps_lua_error_source(lua_State *co);

#endif
