-- ci/targets/soketi.lua seen through ci/mutants/proxy.js: the proxy listens on 7001 in front of
-- soketi's 6001, takes soketi's webhooks on 6002 and passes them on to pushspec on 6003.
return {
  name = "soketi 1.6.1 through ci/mutants/proxy.js",
  url = "ws://127.0.0.1:7001",
  http_url = "http://127.0.0.1:7001",
  app = { id = "app-main", key = "key-main", secret = "secret-main" },

  -- Server settings some rules need, each an app of the same server.
  profiles = {
    disabled_app = { app = { id = "app-disabled", key = "key-disabled", secret = "secret-disabled" } },
    max_connections = { app = { id = "app-quota", key = "key-quota", secret = "secret-quota" }, limit = 3 },
    client_events_disabled = { app = { id = "app-noclient", key = "key-noclient", secret = "secret-noclient" } },
    client_event_rate = { app = { id = "app-rate", key = "key-rate", secret = "secret-rate" }, per_second = 5 },
    presence_limit = { app = { id = "app-presence", key = "key-presence", secret = "secret-presence" }, members = 3 },
    user_authentication = { app = { id = "app-users", key = "key-users", secret = "secret-users" } },
  },

  -- ci/soketi.json sends the main app's webhooks to the proxy (6002), which passes them on here.
  webhooks = { listen = "127.0.0.1:6003" },

  limits = { max_payload = 10240 },

  -- No restart: run.sh selects no destructive scenario, and a mutant is not cured by restarting soketi.
}
