#include "net/budget.h"

#include <stdio.h>

static size_t total = PS_MEMORY_DEFAULT, used;

void ps_budget_set(size_t bytes) { total = bytes ? bytes : PS_MEMORY_DEFAULT; }
size_t ps_budget_total(void) { return total; }
size_t ps_budget_used(void) { return used; }

int ps_budget_take(size_t n)
{
    if (used > total || n > total - used)   /* past it by a charge: total - used would wrap */
        return -1;
    used += n;
    return 0;
}

void ps_budget_charge(size_t n) { used += n; }

void ps_budget_give(size_t n) { used -= n <= used ? n : used; }

const char *ps_budget_what(void)
{
    static char what[200];
    snprintf(what, sizeof(what), "the process's memory ceiling of %zu MiB (--max-memory) was reached; what "
             "asked for more was dropped", total >> 20);
    return what;
}
