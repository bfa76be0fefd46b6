/* pushspec init [FILE] [--force]: writes a target file that names every part
 * pushspec reads from one, each with what it needs from the server. Only url
 * and app must be edited; everything optional is commented out. */
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char template_text[] =
"-- A pushspec target: the server under test. Written by `pushspec init`;\n"
"-- run with: pushspec run --target THIS_FILE  (pushspec help run for the options).\n"
"-- It is Lua returning a table. env(\"NAME\") reads the environment (e.g. a CI\n"
"-- secret), target_dir is this file's folder. Flags and PUSHER_* variables\n"
"-- override url, http_url and app.\n"
"return {\n"
"  name = \"my server\",                -- shown in reports\n"
"\n"
"  -- EDIT: the server's WebSocket base URL (wss:// for TLS; --insecure skips the\n"
"  -- certificate check). pushspec connects to URL/app/KEY?protocol=7.\n"
"  url = \"ws://127.0.0.1:6001\",\n"
"  -- The HTTP API base URL (POST /apps/ID/events, ...). Default: url with http(s).\n"
"  -- http_url = \"http://127.0.0.1:6001\",\n"
"\n"
"  -- EDIT: an enabled app of the server, with client events on and no tight quotas.\n"
"  app = { id = \"APP_ID\", key = \"APP_KEY\", secret = \"APP_SECRET\" },\n"
"\n"
"  -- Profiles: server settings some rules need, each a further app of the same\n"
"  -- server set up that way. A scenario whose profile is missing is skipped and\n"
"  -- says which profile it wanted; give those your server can offer.\n"
"  profiles = {\n"
"    -- CONN-7: an app the server has disabled (connections refused with 4003).\n"
"    -- disabled_app = { app = { id = \"\", key = \"\", secret = \"\" } },\n"
"\n"
"    -- CONN-8: an app with a connection quota; limit = that quota (1 to 999).\n"
"    -- max_connections = { app = { id = \"\", key = \"\", secret = \"\" }, limit = 3 },\n"
"\n"
"    -- CONN-9: an app that accepts only TLS (plain ws:// refused with 4000).\n"
"    -- ssl_only = { app = { id = \"\", key = \"\", secret = \"\" } },\n"
"\n"
"    -- CEV-7: an app with client events turned off.\n"
"    -- client_events_disabled = { app = { id = \"\", key = \"\", secret = \"\" } },\n"
"\n"
"    -- CEV-6: an app with a client-event rate limit; per_second = that limit.\n"
"    -- client_event_rate = { app = { id = \"\", key = \"\", secret = \"\" }, per_second = 5 },\n"
"\n"
"    -- PRES-5: an app with a presence member limit; members = that limit.\n"
"    -- presence_limit = { app = { id = \"\", key = \"\", secret = \"\" }, members = 3 },\n"
"\n"
"    -- SIGNIN-*: an app with user authentication (pusher:signin) turned on;\n"
"    -- without it the sign-in scenarios use the main app.\n"
"    -- user_authentication = { app = { id = \"\", key = \"\", secret = \"\" } },\n"
"  },\n"
"\n"
"  -- HOOK-*: where pushspec listens for the main app's webhooks (HOST:PORT). Set\n"
"  -- the server to send them to http://HOST:PORT/ for channel_occupied,\n"
"  -- channel_vacated, member_added, member_removed and client_event.\n"
"  -- webhooks = { listen = \"127.0.0.1:6002\" },\n"
"\n"
"  -- Limits the server announces, where a rule checks them (bytes).\n"
"  -- limits = { max_payload = 10240 },\n"
"\n"
"  -- PING-3..5: bounds for the inactivity timers (seconds); default: derived\n"
"  -- from the activity_timeout the server announces.\n"
"  -- timers = { ping_within = 150, close_within = 210 },\n"
"\n"
"  -- Destructive scenarios (tag destructive) and `pushspec fuzz` may take the\n"
"  -- server down: this shell command must bring it back (and return when it\n"
"  -- is up). Without it they stop or skip, saying so.\n"
"  -- restart = \"systemctl restart my-pusher-server\",\n"
"\n"
"  -- A cluster: one logical server on several nodes (e.g. behind a load\n"
"  -- balancer, joined by Redis), all serving the apps above. Each scenario's\n"
"  -- connections and HTTP calls go to the nodes in turn from an offset the\n"
"  -- seed fixes (HTTP calls in a row stay on one node), so a subscriber and\n"
"  -- its trigger use different nodes. url and http_url default to node 1's.\n"
"  -- restart: that node's own restart command; stop: kills that node (the\n"
"  -- node-failure scenario needs both, and limits.dead_node_ms: how soon the\n"
"  -- other nodes must drop a dead node's presence members). pushspec fuzz\n"
"  -- takes two or more nodes, each with its restart, as a pool: it fuzzes one\n"
"  -- while a dead one restarts (they need not be a cluster).\n"
"  -- nodes = {\n"
"  --   { url = \"ws://10.0.0.1:6001\", http_url = \"http://10.0.0.1:6001\",\n"
"  --     restart = \"ssh n1 systemctl restart pusher\", stop = \"ssh n1 systemctl kill -s KILL pusher\" },\n"
"  --   { url = \"ws://10.0.0.2:6001\", http_url = \"http://10.0.0.2:6001\" },\n"
"  -- },\n"
"  -- seed = 0,\n"
"}\n";

int ps_cmd_init(const char *file, int force)
{
    if (file && !strcmp(file, "-"))
        return fputs(template_text, stdout) == EOF ? 2 : 0;
    if (!file)
        file = "pushspec-target.lua";
    if (!force && access(file, F_OK) == 0) {
        fprintf(stderr, "pushspec: %s exists; nothing written (give another FILE, or --force to overwrite it)\n",
                file);
        return 2;
    }
    FILE *f = fopen(file, "w");
    if (!f || fputs(template_text, f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "pushspec: cannot write %s: %s\n", file, strerror(errno));
        return 2;
    }
    printf("wrote %s: set url and app in it, then run: pushspec run --target %s\n", file, file);
    return 0;
}
