-- CACHE-3: cache_miss reaches the application (RULES.md "CACHE — cache channels").
local scenario = ps.scenario

for _, prefix in ipairs { "cache-", "private-cache-", "presence-cache-" } do
  scenario {
    id = "cache-miss-surfaced-" .. prefix:gsub("%-$", ""),
    title = "The client surfaces pusher:cache_miss to the application (" .. prefix .. " channel)",
    rules = { "CACHE-3" },
    needs = { "cache_channels" },
    run = function(t)
      local sdk, c = t:connect_sdk()
      local ch = t:channel(prefix)
      t:subscribe_sdk(sdk, c, ch, prefix == "presence-cache-" and { presence = { ids = { t.user.id },
        hash = { [t.user.id] = t.user.user_info }, count = 1 } } or nil)
      c:send { event = "pusher:cache_miss", channel = ch }
      local r, why = sdk:expect({ type = "event", channel = ch, event = "pusher:cache_miss" }, { within = 3000 })
      t:check("CACHE-3:surfaced", r, "a pusher:cache_miss event on " .. ch .. " for the application", why)
    end,
  }
end
