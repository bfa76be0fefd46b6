#include "net/command.h"
#include "net/loop.h"
#include "net/stop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int ps_command_start(const char *cmd, char *why, size_t whylen)
{
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "cannot start it: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);   /* its children too are killed with the group */
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);   /* also here: no race with a kill */
    return (int)pid;
}

static int status_of(int st, char *why, size_t whylen)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    snprintf(why, whylen, "killed by signal %d", WTERMSIG(st));
    return -1;
}

int ps_command_poll(int pid, int64_t deadline_ms, int timeout_ms, char *why, size_t whylen)
{
    int st = 0;
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid)
        return status_of(st, why, whylen);
    if (w < 0 && errno != EINTR) {
        snprintf(why, whylen, "cannot wait for it: %s", strerror(errno));
        return -1;
    }
    if (ps_now_ms() < deadline_ms && !ps_stop_requested())
        return -2;
    kill(-pid, SIGKILL);
    waitpid(pid, &st, 0);
    if (ps_stop_requested())
        snprintf(why, whylen, "stopped by a signal to pushspec");
    else
        snprintf(why, whylen, "restart command did not finish within %d s (its process group was "
                 "killed)", timeout_ms / 1000);
    return -1;
}

int ps_command_run(const char *cmd, int timeout_ms, char *why, size_t whylen)
{
    int pid = ps_command_start(cmd, why, whylen);
    if (pid < 0)
        return -1;
    int64_t deadline = ps_now_ms() + timeout_ms;
    for (;;) {
        int rc = ps_command_poll(pid, deadline, timeout_ms, why, whylen);
        if (rc != -2)
            return rc;
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
}
