#include "core/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int scheme(const char *text, ps_url *u, const char **rest)
{
    static const struct { const char *p; int tls, ws, port; } s[] = {
        { "ws://", 0, 1, 80 }, { "wss://", 1, 1, 443 },
        { "http://", 0, 0, 80 }, { "https://", 1, 0, 443 },
    };
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        size_t n = strlen(s[i].p);
        if (strncmp(text, s[i].p, n) == 0) {
            u->tls = s[i].tls;
            u->websocket = s[i].ws;
            u->port = s[i].port;
            *rest = text + n;
            return 0;
        }
    }
    return -1;
}

int ps_url_parse(const char *text, ps_url *u, char *err, int errlen)
{
    const char *p;

    memset(u, 0, sizeof(*u));
    if (!text || scheme(text, u, &p) < 0) {
        snprintf(err, errlen, "'%s' is not a URL: expected ws://HOST:PORT, wss://, http:// or https://",
                 text ? text : "");
        return -1;
    }
    size_t authlen = strcspn(p, "/?");
    const char *at = memchr(p, '@', authlen);
    if (at) {
        snprintf(err, errlen, "'%s' has a user name or password before '@': Pusher apps authenticate with "
                 "the key and secret, not the URL; give ws://HOST:PORT", text);
        return -1;
    }
    size_t hostlen;
    if (*p == '[') {   /* an IPv6 literal: [::1] */
        const char *close = memchr(p, ']', authlen);
        hostlen = close ? (size_t)(close - p - 1) : 0;
        if (!close || hostlen == 0 || hostlen >= sizeof(u->host) || strspn(p + 1, "0123456789abcdefABCDEF:.") < hostlen
            || (close[1] && !strchr(":/?", close[1]))) {
            snprintf(err, errlen, "'%s' has a bad IPv6 address: expected e.g. ws://[::1]:6001", text);
            return -1;
        }
        memcpy(u->host, p + 1, hostlen);
        snprintf(u->authority, sizeof(u->authority), "[%s]", u->host);
        p = close + 1;
    } else {
        const char *colon = memchr(p, ':', authlen);
        if (colon && memchr(colon + 1, ':', authlen - (size_t)(colon + 1 - p))) {
            snprintf(err, errlen, "'%s': an IPv6 address goes in brackets, e.g. ws://[::1]:6001", text);
            return -1;
        }
        hostlen = strcspn(p, ":/?");
        if (hostlen == 0 || hostlen >= sizeof(u->host)) {
            snprintf(err, errlen, "'%s' has no host: expected e.g. ws://127.0.0.1:6001", text);
            return -1;
        }
        memcpy(u->host, p, hostlen);
        snprintf(u->authority, sizeof(u->authority), "%s", u->host);
        p += hostlen;
    }
    if (*p == ':') {
        char *end;
        long port = strtol(p + 1, &end, 10);
        if (end == p + 1 || port < 1 || port > 65535 || (*end && *end != '/' && *end != '?')) {
            snprintf(err, errlen, "'%s' has a bad port: expected a number from 1 to 65535", text);
            return -1;
        }
        u->port = (int)port;
        p = end;
    }
    if (*p == '?')
        snprintf(u->path, sizeof(u->path), "/%s", p);
    else
        snprintf(u->path, sizeof(u->path), "%s", *p ? p : "/");
    return 0;
}
