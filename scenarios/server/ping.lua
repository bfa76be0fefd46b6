-- PING: heartbeats the client starts (RULES.md "PING — heartbeat and timeouts").
local scenario = ps.scenario

scenario {
  id = "ping-pusher-pong",
  title = "pusher:ping from the client is answered with pusher:pong",
  rules = { "PING-1" },
  run = function(t)
    local c = t:open()
    c:send { event = "pusher:ping", data = {} }
    local m, why = c:expect { event = "pusher:pong" }
    t:check("PING-1", m ~= nil, "pusher:pong within 5 s of pusher:ping", m or why)
  end,
}

scenario {
  id = "ping-websocket-pong",
  title = "A WebSocket ping frame is answered with a pong frame",
  rules = { "PING-2" },
  run = function(t)
    local c = t:open()
    c:ws_ping("pushspec")
    local ok, why = c:expect_ws_pong()
    t:check("PING-2", ok, "a pong frame within 5 s of a ping frame", why)
  end,
}
