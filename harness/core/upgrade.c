#include "core/upgrade.h"
#include "core/termsafe.h"

#include <stdio.h>

int ps_upgrade_refusal(int status, const char *location, size_t loclen, char *out, size_t outlen)
{
    int redirect = status >= 300 && status <= 399;
    char loc[300];
    if (!location)
        loclen = 0;
    ps_term_safe_into(location ? location : "", loclen, loc, sizeof(loc), 1);
    if (redirect)
        snprintf(out, outlen, "the upgrade was answered HTTP %d, a redirect to Location: %s: not followed "
                 "(a redirect is a failed connection)", status, loclen ? loc : "(none)");
    else
        snprintf(out, outlen, "the upgrade was answered HTTP %d, not 101 Switching Protocols", status);
    return redirect;
}
