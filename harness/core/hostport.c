#include "core/hostport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ps_hostport_parse(const char *text, const char *what, char *host, size_t hostlen, int *port,
                      char *err, size_t errlen)
{
    const char *h = text, *colon;
    size_t hl;
    if (!text || !*text) {
        snprintf(err, errlen, "%s is empty: give HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080", what);
        return -1;
    }
    if (*text == '[') {   /* [IPv6]:PORT */
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':') {
            snprintf(err, errlen, "%s '%s' is not [IPV6]:PORT (e.g. [::1]:8080)", what, text);
            return -1;
        }
        h = text + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (!colon || strchr(text, ':') != colon) {
            snprintf(err, errlen, "%s '%s' is not HOST:PORT (an IPv6 address goes in brackets: [::1]:8080)",
                     what, text);
            return -1;
        }
        hl = (size_t)(colon - text);
    }
    if (hl == 0 || hl >= hostlen) {
        snprintf(err, errlen, "%s '%s' has no host: give HOST:PORT, e.g. 127.0.0.1:8080", what, text);
        return -1;
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || colon[1] == '-' || colon[1] == '+' || p < 1 || p > 65535) {
        snprintf(err, errlen, "%s '%s' has a bad port '%s': give a number from 1 to 65535", what, text, colon + 1);
        return -1;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (int)p;
    return 0;
}
