/* Split ws://, wss://, http:// and https:// URLs into what lws needs. */
#ifndef PUSHSPEC_URL_H
#define PUSHSPEC_URL_H

typedef struct {
    int tls;            /* wss or https */
    int websocket;      /* ws or wss */
    char host[256];     /* an IPv6 literal without its brackets, as a socket address */
    char authority[260];/* host as a Host header writes it: [::1] for IPv6 */
    int port;
    char path[2048];    /* starts with '/', may hold a query */
} ps_url;

/* 0 on success; -1 with err filled (what is wrong, what a good URL looks like). */
int ps_url_parse(const char *text, ps_url *u, char *err, int errlen);

#endif
