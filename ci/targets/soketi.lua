-- The soketi 1.6.1 that ci/soketi.sh starts on loopback with ci/soketi.json.
-- Its apps and profile limits copy ci/soketi.json; ci/check-targets.py (ctest cli_targets) compares them.
-- A target file is Lua returning a table; env("NAME") reads the environment.
return {
  name = "soketi 1.6.1",
  url = "ws://127.0.0.1:6001",
  http_url = "http://127.0.0.1:6001",
  app = { id = "app-main", key = "key-main", secret = "Dvgr28KfKzZCMtTqjg7d" },

  -- Server settings some rules need, each an app of the same server.
  profiles = {
    disabled_app = { app = { id = "app-disabled", key = "key-disabled", secret = "DlQFQLbBN6nLh5hhXR7m" } },
    max_connections = { app = { id = "app-quota", key = "key-quota", secret = "kwrpMnf9MccTX3d8br4l" }, limit = 3 },
    client_events_disabled = { app = { id = "app-noclient", key = "key-noclient", secret = "DmddcxFD3v94mB5xdPvj" } },
    client_event_rate = { app = { id = "app-rate", key = "key-rate", secret = "cDZ2ttMJs288G2XGcxPB" }, per_second = 5 },
    presence_limit = { app = { id = "app-presence", key = "key-presence", secret = "c4zHJVRpW9p3GRrPvGnl" }, members = 3 },
    user_authentication = { app = { id = "app-users", key = "key-users", secret = "xxLjr2Sd8mpwLfLFHGh9" } },
  },

  -- ci/soketi.json sends the main app's webhooks here; pushspec listens for them.
  webhooks = { listen = "127.0.0.1:6002" },

  limits = { max_payload = 10240 },

  -- Destructive scenarios may take the server down: this brings it back.
  restart = "bash " .. target_dir .. "/../soketi.sh restart >/dev/null",
}
