-- Resources end with their scenario: a handle kept past it is refused, its
-- app's route to the fake server is gone, its adapter process has exited.
local kept, kept_key

ps.scenario { id = "rel-first", title = "opens a connection and an adapter, keeps the handle", rules = { "CONN-1" },
  run = function(t)
    local c = t:connect()
    kept, kept_key = c, t.app.key
    local a = t:sdk()
    t:check("CONN-1", a.hello ~= nil, "a hello", "none")
  end }

ps.scenario { id = "rel-second", title = "finds them all released", rules = { "CONN-2", "CONN-3", "PING-1" },
  run = function(t)
    t:sleep(300)
    local ok, err = pcall(function() return kept:send_raw("{}") end)
    t:check("CONN-2", not ok and tostring(err):find("used after its scenario ended", 1, true) ~= nil,
      "an error: connection used after its scenario ended", ok and "the send went through" or err)
    local c = t:connect { key = kept_key }
    local m, why = c:next { within = 3000 }
    t:check("CONN-3", m == nil and c:is_closed(), "the ended scenario's app key is refused",
      m and ("a message: " .. m.raw) or why)
    local a = t:sdk()
    t:check("PING-1", a.hello.sdk == "rt-prev-gone", "the first scenario's adapter has exited",
      "hello from " .. tostring(a.hello.sdk))
  end }
