#define _POSIX_C_SOURCE 200809L
#include "repeat.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* One run: this binary with args, waited for; its exit status (2 when it could not start). */
static int run_once(char **args)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execv("/proc/self/exe", args);
        perror("pushspec --repeat: cannot run pushspec again");
        _exit(2);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return 2;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int ps_repeat_main(int argc, char **argv)
{
    int at = -1, write = 0, merge = 0;
    for (int i = 2; i < argc; i++) {
        write |= !strcmp(argv[i], "--write-expect");
        merge |= !strcmp(argv[i], "--merge");
        if (!strcmp(argv[i], "--repeat"))
            at = i;
    }
    if (at < 0)
        return -1;
    char *end = NULL;
    long n = at + 1 < argc ? strtol(argv[at + 1], &end, 10) : 0;
    if (strcmp(argv[1], "run") || !write || !end || *end || n < 1 || n > 100) {
        return ps_cli_usage(PS_CMD_RUN, "%s", "--repeat N (1 to 100) goes with pushspec run ... --write-expect FILE: "
                                              "the run made N times, each merged into FILE");
    }
    char **args = calloc((size_t)argc + 2, sizeof(*args));
    if (!args)
        return 2;
    int k = 0;
    for (int i = 0; i < argc; i++)
        if (i != at && i != at + 1)
            args[k++] = argv[i];
    int rc = 0;
    for (long i = 0; i < n && rc != 2 && rc < 128; i++) {
        if (i == 1 && !merge)
            args[k++] = "--merge";   /* the runs after the first add to what it wrote */
        if (n > 1)
            fprintf(stderr, "pushspec --repeat: run %ld of %ld\n", i + 1, n);
        rc = run_once(args);
    }
    free(args);
    return rc;
}
