#include "core/role.h"

#include <string.h>

static const ps_role roles[PS_ROLE_COUNT] = {
    { PS_ROLE_SERVER, "server", 'S', "server", NULL },
    { PS_ROLE_CLIENT_SDK, "client", 'C', "client-sdk", "client" },
    { PS_ROLE_HTTP_SDK, "http-sdk", 'H', "http-sdk", "http" },
};

const ps_role *ps_role_get(ps_role_kind kind) { return kind < PS_ROLE_COUNT ? &roles[kind] : &roles[0]; }

const ps_role *ps_role_by_hello(const char *kind)
{
    for (int i = 0; i < PS_ROLE_COUNT; i++)
        if (roles[i].hello && kind && strcmp(roles[i].hello, kind) == 0)
            return &roles[i];
    return NULL;
}
