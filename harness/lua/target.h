/* What the run is pointed at: a server (a target file, the environment and
 * flags, normalised by the prelude) or an SDK under test (its adapter and the
 * fake server it connects to). Also the scenario folder of each role and the
 * webhook receiver a target may ask for. */
#ifndef PUSHSPEC_TARGET_H
#define PUSHSPEC_TARGET_H

#include <stddef.h>

#include "core/role.h"
#include "lua/profile.h"
#include "lua/runner.h"

#define PS_TARGET_MAX_NODES 16

typedef struct {
    const char *name, *url, *http_url, *app_id, *key, *secret;
    const ps_role *role;
    const char *adapter;           /* fake-server role: the adapter command */
    const char *webhooks_listen;   /* HOST:PORT or NULL */
    const char **profiles;         /* the target's profile names, NULL-ended (owned) */
    int nnodes;                    /* a cluster's nodes (0: one node, the url) */
    const char *node_name[PS_TARGET_MAX_NODES], *node_url[PS_TARGET_MAX_NODES], *node_http_url[PS_TARGET_MAX_NODES];
    const char *nodes;             /* a cluster: "NAME URL, NAME URL" for the header, or NULL */
    char url_buf[300], http_url_buf[300], name_buf[128], nodes_buf[1024];
    const char *seed;              /* fake-server role: the seed of its forms (forms.lua), or NULL */
    char seed_buf[24];
} ps_target_info;

typedef struct {
    const char *file, *url, *http_url, *app_id, *key, *secret;   /* flags; NULL: the environment's */
    int fuzz;
    const char *fuzz_seconds, *fuzz_seed;
    const char **extra;   /* more target fields (pushspec explore): key, value, ..., NULL */
} ps_target_args;

/* The server under test: file, then environment, then flags. Sets the
 * runner's restart command and profiles. 0, or -1 with err. */
int ps_target_load(ps_runner *r, const ps_target_args *a, ps_target_info *ti, char *err, size_t errlen);
/* The SDK under test: listen (HOST:PORT or NULL) for it, check its adapter's
 * hello, hand both to the prelude with the seed of the fake server's forms (a decimal
 * string, or NULL: one drawn from the clock). 0, or -1 with err. */
int ps_target_sdk(ps_runner *r, const char *cmd, const char *listen, double timeout_scale, const char *seed,
                  ps_target_info *ti, char *err, size_t errlen);
/* Before any scenario: every node answers (ps_preflight) and, in a cluster,
 * knows the app. path: the WebSocket path with the app key. 0, or -1 with err
 * naming the node. */
int ps_target_preflight(const ps_target_info *ti, const char *path, int insecure, int timeout_ms, char *err,
                        size_t errlen);
/* Receive webhooks when the target asks and a selected scenario needs them (always: pushspec explore). */
int ps_target_start_webhooks(ps_runner *r, const ps_target_info *ti, int always, char *err, size_t errlen);
void ps_target_free(ps_target_info *ti);

/* The built-in (embedded) scenario folder of a role, "scenarios/FOLDER"
 * (fuzz 1: the live fuzzer's, 2: pushspec explore's). */
const char *ps_target_scenario_dir(const ps_role *role, int fuzz);

#endif
