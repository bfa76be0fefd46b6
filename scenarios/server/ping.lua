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
    t:check("PING-1:pong", m ~= nil, "pusher:pong within 5 s of pusher:ping", m or why)
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
    t:check("PING-2:pong-frame", ok, "a pong frame within 5 s of a ping frame", why)
    -- RFC 6455 5.5.3: the pong carries the ping's payload; seen on a hand-made connection
    local r = t:raw_open()
    r:expect_frame(function(f) return f.msg and f.msg.event == "pusher:connection_established" end)
    r:send_frame(9, "pushspec-ping-2")
    local pong, why2 = r:expect_frame(function(f) return f.op == 10 end)
    t:check("PING-2:pong-payload", pong and pong.payload == "pushspec-ping-2",
      "a pong frame echoing the ping payload 'pushspec-ping-2'", pong and ("pong payload '" .. pong.payload .. "'") or why2)
  end,
}

-- The server's inactivity timers, watched on two connections at once: a
-- hand-made one that never sends or answers anything (not even WebSocket
-- pings), and a normal one that sends pusher:ping every half activity_timeout.
-- Bounds come from the target (timers = {ping_within =, close_within =}, s),
-- by default from the announced activity_timeout: pinged within 2 x it + 30,
-- closed within a pong timeout (30) and 30 s more after that.
scenario {
  id = "ping-inactivity",
  title = "A silent client is pinged and then closed (4201); an active one stays open",
  rules = { "PING-3", "PING-4", "PING-5" },
  tags = { "slow" },
  timeout = 400,
  run = function(t)
    local silent = t:raw_open()
    local est = silent:expect_frame(function(f) return f.msg and f.msg.event == "pusher:connection_established" end)
    t:require("PING-3:pinged", est, "connection_established on the silent connection")
    local at = est.msg.payload and est.msg.payload.activity_timeout
    t:require("PING-3:pinged", math.type(at) == "integer" and at > 0, "an activity_timeout to derive the bounds from", at)
    local timers = t.target.timers or {}
    local ping_within = timers.ping_within or (2 * at + 30)
    local close_within = timers.close_within or (ping_within + 60)
    t:log(string.format("activity_timeout %d s: ping expected within %d s, close within %d s", at, ping_within, close_within))

    local active = t:open()
    local start = ps.now()
    local first_ping, closed_at, close_code, close_frame
    local next_traffic = start
    local function elapsed() return (ps.now() - start) / 1000 end
    -- watch until the silent one closed and the active one outlived it by 10 s
    while elapsed() < close_within + 15 do
      local f = silent:expect_frame(nil, { within = 1000 })
      if not f and silent:is_closed() then t:sleep(1000) end
      if f and not first_ping and (f.op == 9 or (f.msg and f.msg.event == "pusher:ping")) then
        first_ping = elapsed()
        t:log(string.format("silent connection pinged after %.1f s (%s)", first_ping,
          f.op == 9 and "WebSocket ping" or "pusher:ping"))
      elseif f and f.op == 8 and not closed_at then
        closed_at, close_code, close_frame = elapsed(), f.code, true
      end
      if not closed_at and silent:is_closed() then closed_at = elapsed() end
      if ps.now() >= next_traffic then
        active:send { event = "pusher:ping", data = {} }
        next_traffic = ps.now() + at * 500
      end
      if active:is_closed() or (closed_at and elapsed() > closed_at + 10) then break end
      if not closed_at and elapsed() > close_within then break end
    end

    t:check("PING-3:pinged", first_ping ~= nil and first_ping <= ping_within,
      string.format("a pusher:ping or WebSocket ping within %d s of silence", ping_within),
      first_ping and string.format("first ping after %.1f s", first_ping) or
        string.format("no ping in %.0f s", closed_at or elapsed()))
    t:check("PING-4:closed", closed_at ~= nil and closed_at <= close_within,
      string.format("the silent connection closed within %d s", close_within),
      closed_at and string.format("closed after %.1f s", closed_at) or string.format("still open after %.0f s", elapsed()))
    if closed_at then
      t:check("PING-4:code-4201", close_code == nil or close_code == 4201, "close code 4201 (when a code is sent)",
        close_code and ("close " .. close_code) or close_frame and "a close frame without a status code" or "no close frame")
      t:check("PING-5:traffic-keeps-open", not active:is_closed(),
        string.format("the active connection still open 10 s after the silent one closed (%.0f s)", closed_at),
        active:is_closed() and ("closed: " .. active:close_text()) or "open")
    else
      t:skip("PING-5", "the server closed no silent connection, so its inactivity timer could not be observed")
    end
  end,
}
