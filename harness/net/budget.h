/* One memory ceiling for the whole process: every store a peer can fill
 * (WebSocket inboxes and frames being reassembled, adapter lines, Lua memory)
 * draws from it, so per-peer bounds cannot multiply past it (70 connections
 * times a 64 MiB inbox). When a draw is refused, the store that asked drops
 * what it was given and names the bound (memory-total) for its scenario,
 * which ends with an error; the others go on. Set by --max-memory. */
#ifndef PUSHSPEC_BUDGET_H
#define PUSHSPEC_BUDGET_H

#include <stddef.h>

#define PS_MEMORY_DEFAULT ((size_t)160 << 20)
#define PS_MEMORY_MIN     ((size_t)32 << 20)

/* The ceiling in bytes (0: the default). */
void ps_budget_set(size_t bytes);
size_t ps_budget_total(void);
size_t ps_budget_used(void);
/* 0 and n bytes drawn, or -1 (nothing drawn) when they would pass the ceiling
 * or a charge has passed it already. */
int ps_budget_take(size_t n);
void ps_budget_give(size_t n);
/* n bytes drawn even past the ceiling (what must not fail: the prelude, a marker). */
void ps_budget_charge(size_t n);
/* What a refused draw says, for a limit hit and a scenario's error. */
const char *ps_budget_what(void);

#endif
