#define _GNU_SOURCE   /* setenv */
#include "net/reaper.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int armed;
static char mark[48];   /* PUSHSPEC_RUN=<our pid> */

void ps_reaper_arm(void)
{
    if (armed)
        return;
    armed = 1;
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    snprintf(mark, sizeof(mark), "%ld", (long)getpid());
    setenv("PUSHSPEC_RUN", mark, 1);
    snprintf(mark, sizeof(mark), "PUSHSPEC_RUN=%ld", (long)getpid());
    atexit(ps_reaper_sweep);
}

/* The parent pid of pid from /proc/PID/stat (after the command's closing ')'), or -1. */
static long parent_of(const char *pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof(path), "/proc/%s/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *close = strrchr(buf, ')');
    long ppid = -1;
    char state;
    if (!close || sscanf(close + 1, " %c %ld", &state, &ppid) != 2 || state == 'Z')
        return state == 'Z' ? 0 : -1;   /* a zombie is collected below, not killed */
    return ppid;
}

static int marked(const char *pid)
{
    char path[64], buf[8192];
    snprintf(path, sizeof(path), "/proc/%s/environ", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    size_t ml = strlen(mark);
    for (size_t at = 0; at < n;) {
        size_t l = strnlen(buf + at, n - at);
        if (l == ml && memcmp(buf + at, mark, ml) == 0)
            return 1;
        at += l + 1;
    }
    return 0;
}

void ps_reaper_sweep(void)
{
    if (!armed)
        return;
    long self = (long)getpid();
    for (int round = 0; round < 50; round++) {
        int found = 0;
        DIR *d = opendir("/proc");
        for (struct dirent *e; d && (e = readdir(d));) {
            if (e->d_name[0] < '1' || e->d_name[0] > '9')
                continue;
            if (parent_of(e->d_name) == self) {
                kill((pid_t)atol(e->d_name), SIGKILL);   /* its children come to us next round */
                found = 1;
            }
        }
        if (d)
            closedir(d);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (!found)
            break;
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    char left[512] = "";
    size_t w = 0;
    DIR *d = opendir("/proc");
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9' || atol(e->d_name) == self || !marked(e->d_name))
            continue;
        if (w + strlen(e->d_name) + 2 < sizeof(left))
            w += (size_t)snprintf(left + w, sizeof(left) - w, " %s", e->d_name);
    }
    if (d)
        closedir(d);
    if (w)
        fprintf(stderr, "pushspec: warning: processes started by an adapter outlive the run and could not be "
                "reached (only a cgroup could): pid%s; kill them by hand\n", left);
}
