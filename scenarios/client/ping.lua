-- PING-6..8: the client's side of the heartbeat (RULES.md "PING — heartbeat and timeouts").
-- Timers are shortened to seconds through the connect options and the
-- activity_timeout announced in connection_established.
local scenario = ps.scenario

-- A ping may not come before the timer (measured from when pushspec sent its
-- last frame, which the client can only see later) less 250 ms of clock
-- slack, and must come within the timer plus 2.5 s (a busy machine).
local EARLY, LATE = 250, 2500
-- A ping within ON_OPEN ms of connection_established (or before it) is the SDK's
-- ping on open, not its idle timer: its own case, logged, not judged by PING-7.
local ON_OPEN = 500

scenario {
  id = "ping-client-pongs",
  title = "The client answers pusher:ping with pusher:pong",
  rules = { "PING-6" },
  run = function(t)
    local _, c = t:connect_sdk()
    -- as the spec writes it (data a JSON string) and as servers in the wild do (an object)
    for _, data in ipairs { "{}", {} } do
      c:send { event = "pusher:ping", data = data }
      local m, why = c:expect({ event = "pusher:pong" }, { within = 3000 })
      t:check(type(data) == "table" and "PING-6:pong-object-data" or "PING-6:pong-string-data", m, "pusher:pong within 3 s of pusher:ping with data " ..
        (type(data) == "table" and "{} (an object)" or "\"{}\" (a string)"), why)
    end
  end,
}

-- The effective idle time is min(own, announced); each case makes a different
-- one the smaller, so a client that ignores either pings far too late.
local cases = {
  { id = "ping-after-announced-timeout", label = ps.clause("PING-7:announced-smaller"), own_ms = 60000, announced_s = 2,
    what = "the announced activity_timeout 2 s (own 60 s)" },
  { id = "ping-after-own-timeout", label = ps.clause("PING-7:own-smaller"), own_ms = 1500, announced_s = 120,
    what = "its own activity timeout 1.5 s (announced 120 s)" },
}
for _, k in ipairs(cases) do
  scenario {
    id = k.id,
    title = "After min(own, announced) activity timeout of silence the client pings: " .. k.what,
    rules = { "PING-7" },
    run = function(t)
      local _, c = t:connect_sdk { activity_timeout = k.announced_s,
        options = { activity_timeout_ms = k.own_ms, pong_timeout_ms = 5000 } }
      local established_at = c.sent_at   -- connection_established, or the pong to a ping on open
      local silent_since = established_at
      local idle = math.min(k.own_ms, k.announced_s * 1000)
      local m, why = c:expect({ event = "pusher:ping" }, { within = idle + LATE })
      if m and m.t - established_at < ON_OPEN then
        t:log(string.format("a ping on open, %d ms after connection_established: not the idle timer's, " ..
          "not judged by PING-7", m.t - established_at))
        t:record("ping_on_open_ms", m.t - established_at)
        silent_since = c.sent_at   -- the autopong answer
        m, why = c:expect({ event = "pusher:ping" }, { within = idle + LATE })
      end
      for round = 1, 2 do   -- the second round: the timer restarts after the pong's traffic
        if round == 2 then m, why = c:expect({ event = "pusher:ping" }, { within = idle + LATE }) end
        local after = m and (m.t - silent_since)
        t:log(m and string.format("round %d: pusher:ping after %d ms of silence (timer %d ms)", round, after, idle) or why)
        t:check(round == 2 and "PING-7:timer-restarts" or k.label, m and after >= idle - EARLY,
          string.format("pusher:ping %d..%d ms into the silence (round %d)", idle - EARLY, idle + LATE, round),
          m and string.format("pusher:ping after %d ms", after) or why)
        if not m then return end
        silent_since = c.sent_at   -- the autopong answer
      end
    end,
  }
end

scenario {
  id = "ping-no-pong-reconnects",
  title = "A client whose ping gets no pong within its pong timeout drops the connection and reconnects",
  rules = { "PING-8" },
  run = function(t)
    local pong_ms = 1500
    local _, c = t:connect_sdk { activity_timeout = 1, autopong = false,
      options = { activity_timeout_ms = 60000, pong_timeout_ms = pong_ms } }
    local ping, why = c:expect({ event = "pusher:ping" }, { within = 1000 + LATE })
    t:require("PING-8", ping, "a pusher:ping after 1 s of silence (to leave unanswered)", why)
    local pinged = ping.t
    local closed, why2 = c:expect_close { within = pong_ms + LATE }
    local dropped = closed and c:info().closed_at or ps.now()
    t:check("PING-8:drops", closed and dropped - pinged >= pong_ms - EARLY,
      string.format("the client drops the connection %d..%d ms after its unanswered ping", pong_ms - EARLY,
        pong_ms + LATE),
      closed and string.format("dropped after %d ms (%s)", dropped - pinged, closed.text) or why2)
    t:log(closed and string.format("dropped %d ms after the unanswered ping", dropped - pinged) or why2)
    if not closed then return end
    local window = t:reconnect_within(3000)   -- the rule sets no delay: the SDK's own
    local c2, why3 = t:accept { within = window }
    t:check("PING-8:reconnects", c2, string.format("a new connection within %d ms of the drop", window),
      c2 and string.format("reconnected %d ms after the drop", c2.accepted_at - dropped) or why3)
  end,
}
