#include "net/stop.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t requested;

static void note(int sig)
{
    if (!requested)
        requested = sig;
}

void ps_stop_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = note;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* a closed terminal or a dropped ssh session, and the user signals: their
     * default would end the run with no result at all */
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
}

int ps_stop_requested(void) { return (int)requested; }

void ps_stop_now(int sig)
{
    if (!requested)
        requested = sig;
}
