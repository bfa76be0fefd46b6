#include "core/skip.h"

#include <string.h>

static const struct {
    const char *name, *lua;
} kinds[PS_SKIP_KINDS] = {
    [PS_SKIP_NONE] = { "", NULL },
    [PS_SKIP_BY_SCENARIO] = { "scenario", "SKIP_BY_SCENARIO" },
    [PS_SKIP_NO_PROFILE] = { "profile-missing", "SKIP_NO_PROFILE" },
    [PS_SKIP_OTHER_ROLE] = { "other-role", "SKIP_OTHER_ROLE" },
    [PS_SKIP_NOT_SELECTED] = { "not-selected", "SKIP_NOT_SELECTED" },
    [PS_SKIP_CAPABILITY] = { "capability-missing", "SKIP_CAPABILITY" },
};

const char *ps_skip_kind_name(ps_skip_kind k)
{
    return (unsigned)k < PS_SKIP_KINDS ? kinds[k].name : "";
}

const char *ps_skip_kind_lua_name(ps_skip_kind k)
{
    return (unsigned)k < PS_SKIP_KINDS ? kinds[k].lua : NULL;
}

ps_skip_kind ps_skip_kind_by_name(const char *name)
{
    for (int k = PS_SKIP_BY_SCENARIO; name && k < PS_SKIP_KINDS; k++)
        if (!strcmp(kinds[k].name, name))
            return (ps_skip_kind)k;
    return PS_SKIP_NONE;
}
