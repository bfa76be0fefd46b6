/* Adapter processes (fake-server role): the harness starts the program that
 * drives an SDK under test and exchanges JSON lines with it; its stdout and
 * stderr are read on the event loop, never blocking it. */
#ifndef PUSHSPEC_ADAPTER_H
#define PUSHSPEC_ADAPTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <libwebsockets.h>

#include "core/lines.h"
#include "net/transcript.h"
#include "net/limits.h"


struct ps_line;

typedef struct ps_adapter {
    char *cmd;
    pid_t pid;
    int in_fd;
    struct lws *out_wsi, *err_wsi;
    ps_lines out;                     /* stdout, split into lines */
    struct ps_line *head, *tail;
    size_t queued, nqueued;           /* unread stdout bytes and lines */
    int flooded;                      /* a queue bound was hit: said once in the transcript */
    char err_tail[2048];              /* the last stderr bytes, for messages */
    int eof;                          /* stdout closed */
    int exited, status;               /* from waitpid */
    int64_t kill_at;                  /* when to SIGKILL a released adapter's group */
    int group_gone;                   /* nothing left in its process group (pgid = pid) */
    ps_transcript *tr;
    void (*notify)(void *owner);
    void *owner;
    int released;
    struct ps_adapter *next_dead;
    struct ps_adapter *next_all, **prev_all;   /* every adapter not yet freed */
} ps_adapter;

ps_adapter *ps_adapter_start(const char *cmd, ps_transcript *tr, void (*notify)(void *), void *owner,
                             char *err, size_t errlen);
/* Write one line (a newline is added); -1 when the adapter no longer reads. */
int ps_adapter_send(ps_adapter *a, const char *line, size_t len);
/* The next stdout line (malloc'd, NUL-terminated) or NULL; *overlong set when cut. */
char *ps_adapter_pop(ps_adapter *a, size_t *len, int *overlong);
/* Update exited/status without blocking. */
void ps_adapter_poll(ps_adapter *a);
/* "exit status N" or "killed by signal N" */
void ps_adapter_describe_exit(const ps_adapter *a, char *out, size_t outlen);
void ps_adapter_release(ps_adapter *a);
void ps_adapter_reap(int all);
/* Shutdown on a signal: every adapter's group, released or not, gets SIGTERM,
 * the grace period, then SIGKILL (nothing is freed: the process is exiting). */
void ps_adapter_stop_all(void);

int ps_adapter_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                        void *in, size_t len);

#endif
