#define _GNU_SOURCE   /* accept4 */
#include "net/listener.h"
#include "net/limits.h"
#include "net/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct ps_listener {
    int fd;
    struct lws *wsi;          /* the listening fd, watched on the loop */
    struct lws_vhost *vh;
    unsigned open, max;
    char limit[48], addr[300];
};

/* The first address of host that binds; its fd, or -1 with err. */
static int bind_first(const char *host, int port, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    char service[16];
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
    snprintf(service, sizeof(service), "%d", port);
    int gai = getaddrinfo(host, service, &hints, &res);
    if (gai == EAI_ADDRFAMILY || gai == EAI_NONAME || gai == EAI_NODATA) {
        hints.ai_flags = AI_NUMERICSERV;   /* e.g. ::1 in a namespace where only lo is up */
        gai = getaddrinfo(host, service, &hints, &res);
    }
    if (gai != 0) {
        snprintf(err, errlen, "cannot resolve '%s': %s", host, gai_strerror(gai));
        return -1;
    }
    int fd = -1, why = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            why = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (a->ai_family == AF_INET6)   /* [::]:P means IPv6 only, as written */
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 128) != 0) {
            why = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "cannot listen on %s port %d: %s%s", host, port, strerror(why),
                 why == EADDRINUSE ? " (another program listens there)" : "");
    return fd;
}

ps_listener *ps_listen(struct lws_vhost *vh, const char *host, int port, unsigned max_conns,
                       const char *limit, int *bound, char *err, size_t errlen)
{
    int fd = bind_first(host, port, err, errlen);
    if (fd < 0)
        return NULL;
    ps_listener *l = calloc(1, sizeof(*l));
    if (!l) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    l->fd = fd;
    l->vh = vh;
    l->max = max_conns;
    snprintf(l->limit, sizeof(l->limit), "%s", limit);
    snprintf(l->addr, sizeof(l->addr), "%s:%d", host, port);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (bound && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        *bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                : ((struct sockaddr_in *)&ss)->sin_port);
    lws_sock_file_fd_type u;
    u.filefd = (lws_filefd_type)(long)fd;
    l->wsi = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(ps_loop_ctx(), "default"), LWS_ADOPT_RAW_FILE_DESC,
                                        u, "pushspec-listener", NULL);
    if (!l->wsi) {
        snprintf(err, errlen, "cannot watch the listening socket on %s:%d on the event loop", host, port);
        close(fd);
        free(l);
        return NULL;
    }
    lws_set_opaque_user_data(l->wsi, l);
    return l;
}

/* Readable: connections wait. Each is handed to the vhost, or closed past the bound. */
static void accept_all(ps_listener *l)
{
    for (int n = 0; n < 64; n++) {
        int c = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0)
            return;
        if (l->open >= l->max) {
            char what[400];
            snprintf(what, sizeof(what), "more than %u connections open at once on %s; the others were closed",
                     l->max, l->addr);
            ps_limit_hit(l->limit, what);
            close(c);
            continue;
        }
        if (!lws_adopt_socket_vhost(l->vh, c))
            continue;   /* lws closed it */
        l->open++;
    }
}

void ps_listener_closed(ps_listener *l)
{
    if (l && l->open)
        l->open--;
}

unsigned ps_listener_open_conns(const ps_listener *l) { return l ? l->open : 0; }

int ps_listener_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    ps_listener *l = wsi ? lws_get_opaque_user_data(wsi) : NULL;
    if (!l)
        return 0;
    if (reason == LWS_CALLBACK_RAW_RX_FILE)
        accept_all(l);
    else if (reason == LWS_CALLBACK_RAW_CLOSE_FILE) {
        l->wsi = NULL;
        lws_set_opaque_user_data(wsi, NULL);
    }
    return 0;
}

void ps_listener_free(ps_listener *l)
{
    free(l);
}
