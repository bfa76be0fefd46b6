-- Two soketi 1.6.1 nodes joined by Redis (ci/soketi-cluster.sh), one logical server with
-- ci/soketi.json's apps. Ports: the same variables and defaults as ci/soketi-cluster.sh.
-- Its apps and profile limits copy ci/soketi.json; ci/check-targets.py (ctest cli_targets) compares them.
local p1 = env("PUSHSPEC_CLUSTER_NODE1") or "6101"
local p2 = env("PUSHSPEC_CLUSTER_NODE2") or "6111"
local script = "bash " .. target_dir .. "/../soketi-cluster.sh"
return {
  name = "soketi 1.6.1, two nodes + Redis",
  app = { id = "app-main", key = "key-main", secret = "Dvgr28KfKzZCMtTqjg7d" },

  nodes = {
    { url = "ws://127.0.0.1:" .. p1, http_url = "http://127.0.0.1:" .. p1,
      restart = script .. " restart 1 >/dev/null", stop = script .. " kill 1 >/dev/null" },
    { url = "ws://127.0.0.1:" .. p2, http_url = "http://127.0.0.1:" .. p2,
      restart = script .. " restart 2 >/dev/null", stop = script .. " kill 2 >/dev/null" },
  },

  profiles = {
    disabled_app = { app = { id = "app-disabled", key = "key-disabled", secret = "DlQFQLbBN6nLh5hhXR7m" } },
    max_connections = { app = { id = "app-quota", key = "key-quota", secret = "kwrpMnf9MccTX3d8br4l" }, limit = 3 },
    client_events_disabled = { app = { id = "app-noclient", key = "key-noclient", secret = "DmddcxFD3v94mB5xdPvj" } },
    client_event_rate = { app = { id = "app-rate", key = "key-rate", secret = "cDZ2ttMJs288G2XGcxPB" }, per_second = 5 },
    presence_limit = { app = { id = "app-presence", key = "key-presence", secret = "c4zHJVRpW9p3GRrPvGnl" }, members = 3 },
    user_authentication = { app = { id = "app-users", key = "key-users", secret = "xxLjr2Sd8mpwLfLFHGh9" } },
  },

  -- both nodes send the main app's webhooks here
  webhooks = { listen = "127.0.0.1:" .. (env("PUSHSPEC_CLUSTER_HOOKS") or "6102") },

  -- dead_node_ms: how soon the surviving node must drop a dead node's presence members
  limits = { max_payload = 10240, dead_node_ms = 15000 },

  -- after a destructive scenario: restart the nodes that stopped serving
  restart = script .. " revive >/dev/null",
}
