#include "net/adapter.h"
#include "net/reaper.h"
#include "net/budget.h"
#include "net/loop.h"
#include "net/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct ps_line {
    struct ps_line *next;
    size_t len;
    int overlong;
    char data[];
};

/* An adopted pipe: which adapter and which stream. */
typedef struct {
    ps_adapter *a;
    int is_err;
} stream;

static ps_adapter *dead, *every;

static void notify(ps_adapter *a)
{
    if (a->notify)
        a->notify(a->owner);
}

static struct lws *adopt(int fd, ps_adapter *a, int is_err)
{
    stream *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->a = a;
    st->is_err = is_err;
    lws_sock_file_fd_type u;
    u.filefd = (lws_filefd_type)(long)fd;
    struct lws *w = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(ps_loop_ctx(), "default"),
                                               LWS_ADOPT_RAW_FILE_DESC, u, "pushspec-adapter", NULL);
    if (!w) {
        free(st);
        return NULL;
    }
    lws_set_opaque_user_data(w, st);
    return w;
}

ps_adapter *ps_adapter_start(const char *cmd, ps_transcript *tr, void (*notify_cb)(void *), void *owner,
                             char *err, size_t errlen)
{
    int in[2], out[2], errp[2];
    ps_reaper_arm();   /* what leaves the adapter's group is still reaped at exit */
    if (pipe(in) < 0 || pipe(out) < 0 || pipe(errp) < 0) {
        snprintf(err, errlen, "cannot create pipes for the adapter: %s", strerror(errno));
        return NULL;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start the adapter: %s", strerror(errno));
        return NULL;
    }
    if (pid == 0) {
        setpgid(0, 0);   /* its own group: a kill reaches what it started */
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(errp[1], 2);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);   /* also here: no signal may reach it before the child's own call */
    close(in[0]);
    close(out[1]);
    close(errp[1]);
    fcntl(in[1], F_SETFD, FD_CLOEXEC);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    ps_adapter *a = calloc(1, sizeof(*a));
    if (!a) {
        kill(pid, SIGKILL);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    a->next_all = every;
    if (every)
        every->prev_all = &a->next_all;
    a->prev_all = &every;
    every = a;
    a->cmd = strdup(cmd);
    ps_lines_init(&a->out, PS_ADAPTER_LINE_CAP);
    a->pid = pid;
    a->in_fd = in[1];
    a->tr = tr;
    a->notify = notify_cb;
    a->owner = owner;
    a->out_wsi = adopt(out[0], a, 0);
    a->err_wsi = adopt(errp[0], a, 1);
    if (!a->out_wsi || !a->err_wsi) {
        snprintf(err, errlen, "cannot watch the adapter's output on the event loop");
        ps_adapter_release(a);
        return NULL;
    }
    if (tr)
        ps_transcript_add(tr, 0, '!', "adapter", cmd, strlen(cmd));
    return a;
}

int ps_adapter_send(ps_adapter *a, const char *line, size_t len)
{
    if (!a || a->in_fd < 0)
        return -1;
    if (a->tr)
        ps_transcript_add(a->tr, 0, '>', "adapter", line, len);
    for (size_t off = 0; off < len;) {
        ssize_t n = write(a->in_fd, line + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return write(a->in_fd, "\n", 1) == 1 ? 0 : -1;
}

char *ps_adapter_pop(ps_adapter *a, size_t *len, int *overlong)
{
    struct ps_line *l = a ? a->head : NULL;
    if (!l)
        return NULL;
    a->head = l->next;
    if (!a->head)
        a->tail = NULL;
    a->queued -= l->len;
    a->nqueued--;
    ps_budget_give(l->len);
    char *out = malloc(l->len + 1);
    if (out) {
        memcpy(out, l->data, l->len);
        out[l->len] = '\0';
        *len = l->len;
        *overlong = l->overlong;
    }
    free(l);
    return out;
}

void ps_adapter_poll(ps_adapter *a)
{
    int st;
    if (a && !a->exited && a->pid > 0 && waitpid(a->pid, &st, WNOHANG) == a->pid) {
        a->exited = 1;
        a->status = st;
    }
}

void ps_adapter_describe_exit(const ps_adapter *a, char *out, size_t outlen)
{
    if (!a->exited)
        snprintf(out, outlen, "still running");
    else if (WIFEXITED(a->status))
        snprintf(out, outlen, "exit status %d", WEXITSTATUS(a->status));
    else if (WIFSIGNALED(a->status))
        snprintf(out, outlen, "killed by signal %d", WTERMSIG(a->status));
    else
        snprintf(out, outlen, "status %d", a->status);
}

static void queue_line(ps_adapter *a, const char *data, size_t len, int overlong)
{
    if (a->tr)
        ps_transcript_add(a->tr, 0, '<', "adapter", data, len);
    int over = a->queued + len > PS_ADAPTER_QUEUE_CAP || a->nqueued >= PS_ADAPTER_QUEUE_LINES;
    if (over || ps_budget_take(len) < 0) {
        char what[240];
        if (over)
            snprintf(what, sizeof(what), "an adapter printed more than %u lines or %u MiB the scenario had not "
                     "read yet; the later lines were dropped", PS_ADAPTER_QUEUE_LINES, PS_ADAPTER_QUEUE_CAP >> 20);
        else
            snprintf(what, sizeof(what), "%s (an adapter's unread lines)", ps_budget_what());
        ps_limit_hit_for(a->notify ? a->owner : NULL, over ? "adapter-lines" : "memory-total", what);
        if (a->tr && !a->flooded)
            ps_transcript_add(a->tr, 0, '!', "limit", what, strlen(what));
        a->flooded = 1;
        return;
    }
    struct ps_line *l = malloc(sizeof(*l) + len);
    if (!l) {
        ps_budget_give(len);
        return;
    }
    l->next = NULL;
    a->nqueued++;
    l->len = len;
    l->overlong = overlong;
    memcpy(l->data, data, len);
    if (a->tail)
        a->tail->next = l;
    else
        a->head = l;
    a->tail = l;
    a->queued += len;
}

static void emit_line(void *ctx, const char *line, size_t len, int overlong)
{
    queue_line(ctx, line, len, overlong);
}

static void on_stdout(ps_adapter *a, const char *buf, size_t n)
{
    ps_lines_feed(&a->out, buf, n, emit_line, a);
}

static void on_stderr(ps_adapter *a, const char *buf, size_t n)
{
    size_t keep = sizeof(a->err_tail) - 1, have = strlen(a->err_tail);
    if (n >= keep) {
        memcpy(a->err_tail, buf + n - keep, keep);
        a->err_tail[keep] = '\0';
    } else {
        if (have + n > keep) {
            memmove(a->err_tail, a->err_tail + (have + n - keep), keep - n);
            have = keep - n;
        }
        memcpy(a->err_tail + have, buf, n);
        a->err_tail[have + n] = '\0';
    }
    if (a->tr)
        ps_transcript_add(a->tr, 0, '!', "stderr", buf, n);
}

int ps_adapter_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    stream *st = wsi ? lws_get_opaque_user_data(wsi) : NULL;
    if (!st)
        return 0;
    ps_adapter *a = st->a;
    switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE: {
        char buf[8192];
        ssize_t n = read((int)(long)lws_get_socket_fd(wsi), buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        if (n <= 0)
            return -1;   /* EOF: lws closes the stream */
        if (a) {
            if (st->is_err)
                on_stderr(a, buf, (size_t)n);
            else
                on_stdout(a, buf, (size_t)n);
            notify(a);
        }
        return 0;
    }
    case LWS_CALLBACK_RAW_CLOSE_FILE:
        if (a) {
            if (st->is_err)
                a->err_wsi = NULL;
            else {
                a->out_wsi = NULL;
                a->eof = 1;
            }
            ps_adapter_poll(a);
            notify(a);
        }
        lws_set_opaque_user_data(wsi, NULL);
        free(st);
        return 0;
    default:
        return 0;
    }
}

/* sig to the adapter's process group while anything is left in it. */
static void signal_group(ps_adapter *a, int sig)
{
    if (!a->group_gone && a->pid > 0 && kill(-a->pid, sig) < 0 && errno == ESRCH)
        a->group_gone = 1;
}

/* Shutdown: wait for the groups until their kill_at, then SIGKILL what is left. */
static void stop_all(void)
{
    for (int waiting = 1; waiting;) {
        int64_t now = ps_now_ms();
        waiting = 0;
        for (ps_adapter *a = every; a; a = a->next_all) {
            ps_adapter_poll(a);
            signal_group(a, 0);
            waiting |= !a->group_gone && now < a->kill_at;
        }
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        if (waiting)
            nanosleep(&ts, NULL);
    }
    for (ps_adapter *a = every; a; a = a->next_all) {
        signal_group(a, SIGKILL);
        if (!a->exited && waitpid(a->pid, &a->status, 0) == a->pid)
            a->exited = 1;
    }
}

void ps_adapter_stop_all(void)
{
    for (ps_adapter *a = every; a; a = a->next_all)
        if (!a->released) {
            signal_group(a, SIGTERM);
            a->kill_at = ps_now_ms() + PS_ADAPTER_GRACE_MS;
        }
    stop_all();
}

void ps_adapter_release(ps_adapter *a)
{
    if (!a || a->released)
        return;
    a->released = 1;
    a->notify = NULL;
    a->tr = NULL;
    if (a->in_fd >= 0) {
        close(a->in_fd);   /* a well-behaved adapter exits on EOF */
        a->in_fd = -1;
    }
    ps_adapter_poll(a);
    signal_group(a, SIGTERM);   /* the group, even when sh -c is gone: what it started may not be */
    a->kill_at = ps_now_ms() + PS_ADAPTER_GRACE_MS;
    a->next_dead = dead;
    dead = a;
}

static void adapter_free(ps_adapter *a)
{
    *a->prev_all = a->next_all;
    if (a->next_all)
        a->next_all->prev_all = a->prev_all;
    struct ps_line *l;
    while ((l = a->head)) {
        a->head = l->next;
        ps_budget_give(l->len);
        free(l);
    }
    ps_lines_free(&a->out);
    free(a->cmd);
    free(a);
}

void ps_adapter_reap(int all)
{
    if (all)
        stop_all();
    ps_adapter **pp = &dead;
    while (*pp) {
        ps_adapter *a = *pp;
        ps_adapter_poll(a);
        signal_group(a, 0);
        if (!a->group_gone && ps_now_ms() >= a->kill_at) {
            signal_group(a, SIGKILL);
            a->group_gone = 1;   /* SIGKILL is not refused: what is left is a zombie for init */
        }
        int gone = a->exited && a->group_gone && !a->out_wsi && !a->err_wsi;
        if (all || gone) {
            *pp = a->next_dead;
            /* streams still open after the loop is gone need no detaching */
            adapter_free(a);
        } else {
            pp = &a->next_dead;
        }
    }
}
