-- ERR: close codes and reconnection (RULES.md "ERR — close codes and reconnection").
-- Delays are measured from the moment pushspec sent the close frame to the
-- moment the fake server accepted the next connection (conn.accepted_at).
local scenario = ps.scenario

-- The 4000-4099 range: no reconnection with the same parameters. A client that
-- backs off (1 s) or retries at once shows up well within the window.
local REFUSED_WINDOW = 4000
-- The 4100-4199 range: at least 1 s. 20 ms are granted for clock granularity
-- (ms clocks on both sides; Node timers may fire up to 1 ms early).
local BACKOFF_MIN, BACKOFF_TOLERANCE, BACKOFF_MAX = 1000, 20, 10000
-- The 4200-4299 range: "at once" must be below the 4100 range's 1 s backoff.
local PROMPT_MAX = 1000

local function reconnect_delay(t, c, code, within)
  local sent = ps.now()
  c:close(code, "pushspec close " .. code)
  local c2, why = t:accept { within = within }
  t:log(c2 and string.format("close %d: next connection after %d ms", code, c2.accepted_at - sent) or
    string.format("close %d: %s", code, why))
  return c2, c2 and (c2.accepted_at - sent) or nil, why
end

for _, code in ipairs { 4000, 4001, 4004, 4009, 4099 } do
  scenario {
    id = "err-no-reconnect-" .. code,
    title = "After a " .. code .. " close the client does not reconnect with the same parameters",
    rules = { "ERR-1" },
    run = function(t)
      local _, c = t:connect_sdk()
      -- an SDK that waits longer before any reconnect would show up only after its own delay
      local window = t:reconnect_within(REFUSED_WINDOW)
      local c2, ms = reconnect_delay(t, c, code, window)
      t:check(code == 4000 and "ERR-1:tls-only-4000" or "ERR-1:no-reconnect", c2 == nil,
        string.format("no new connection to the same URL within %d ms of close %d%s", window, code,
          code == 4000 and " (4000 allows a retry over TLS only)" or ""),
        c2 and string.format("reconnected after %d ms to %s", ms, c2.path))
    end,
  }
end

scenario {
  id = "err-backoff-41xx",
  title = "After a 4100-4199 close the client waits >= 1 s before reconnecting",
  rules = { "ERR-2" },
  timeout = 40,
  run = function(t)
    local _, c = t:connect_sdk()
    for _, code in ipairs { 4100, 4150, 4199 } do
      local c2, ms, why = reconnect_delay(t, c, code, BACKOFF_MAX)
      t:require("ERR-2:reconnects", c2, string.format("a reconnection within %d ms of close %d (the range reconnects after a backoff)",
        BACKOFF_MAX, code), why)
      t:check("ERR-2:backoff-1s", ms >= BACKOFF_MIN - BACKOFF_TOLERANCE,
        string.format("the next connection >= %d ms after close %d", BACKOFF_MIN, code),
        string.format("reconnected after %d ms", ms))
      c = c2
      c:establish {}
    end
  end,
}

scenario {
  id = "err-retry-42xx",
  title = "After a 4200-4299 close the client reconnects promptly (no long backoff)",
  rules = { "ERR-3" },
  run = function(t)
    local _, c = t:connect_sdk()
    for _, code in ipairs { 4200, 4201, 4202, 4299 } do
      local c2, ms, why = reconnect_delay(t, c, code, 3000)
      t:require("ERR-3:prompt", c2 and ms < PROMPT_MAX,
        string.format("a new connection within %d ms of close %d", PROMPT_MAX, code),
        c2 and string.format("reconnected after %d ms", ms) or why)
      c = c2
      c:establish {}
    end
  end,
}

-- pusher:error frames the server may send on a live connection (rate limit,
-- watchlist, generic), as a JSON string and as an object.
scenario {
  id = "err-pusher-error-keeps-connection",
  title = "A pusher:error without close does not kill the connection or crash the client",
  rules = { "ERR-4" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local errors = {
      { event = "pusher:error", data = ps.json.encode { code = 4301, message = "Client event rate limit reached" } },
      { event = "pusher:error", data = { code = 4302, message = "Watchlist over 100" } },
      { event = "pusher:error", data = ps.json.encode { message = "Something went wrong", code = ps.json.null } },
      { event = "pusher:error", data = ps.json.encode { code = 4001, message = "not followed by a close" } },
    }
    for i, e in ipairs(errors) do
      local raw = c:send(e)
      local what = "pusher:error #" .. i .. " " .. (type(e.data) == "table" and ps.json.encode(e.data) or e.data)
      local seen = sdk:expect({ type = "event", event = "pusher:error" }, { within = 3000 })
      t:log(seen and "the application saw it" or "the application did not see " .. what)
      local other, ms = t:accept { within = 1000 }
      t:check("ERR-4:connection-kept", not c:is_closed() and other == nil,
        "the connection stays open, no reconnection, 1 s after " .. what,
        c:is_closed() and ("the client closed it: " .. c:close_text()) or (other and "the client opened a new connection"))
      c:send { event = "pusher:ping", data = {} }
      local pong, why = c:expect({ event = "pusher:pong" }, { within = 3000 })
      t:check("ERR-4:connection-kept", pong, "the client still answers pusher:ping after " .. what, why)
      local crashed = sdk:seen { type = "adapter_error" }
      t:check("ERR-4:no-crash", #crashed == 0, "no exception escapes the SDK after " .. what, crashed[1])
    end
    if not t:has("connection_state") then t:log("the SDK has no state getter: its state is not asked") return end
    local st = sdk:call("state")
    t:check("ERR-4:connection-kept", type(st) == "table" and st.state == "connected", "the SDK still reports state connected", st)
  end,
}

-- Every kind of channel, subscribed, then a 4200 close: on the new connection
-- each must be subscribed again, with auth for the new socket_id.
scenario {
  id = "err-resubscribe",
  title = "After reconnecting the client resubscribes every channel it had",
  rules = { "ERR-5" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local chans = { t:channel(""), t:channel("private-"), t:channel("presence-") }
    for _, k in ipairs { { "encrypted_channels", "private-encrypted-" }, { "cache_channels", "cache-" } } do
      if t:has(k[1]) then chans[#chans + 1] = t:channel(k[2]) else t:log("no " .. k[2] .. " channel: " .. select(2, t:has(k[1]))) end
    end
    for _, ch in ipairs(chans) do
      local data = nil
      if ch:match("^presence%-") then
        data = { presence = { ids = { t.user.id }, hash = { [t.user.id] = t.user.user_info }, count = 1 } }
      end
      t:subscribe_sdk(sdk, c, ch, data)
    end
    c:close(4200, "reconnect please")
    local c2, why = t:accept { within = t:reconnect_within(5000) }
    t:require("ERR-5", c2, "a new connection after close 4200", why)
    local sid = c2:establish {}
    for _, ch in ipairs(chans) do
      local m, why2 = c2:expect(function(f)
        return f.event == "pusher:subscribe" and type(f.data) == "table" and f.data.channel == ch
      end)
      if t:check("ERR-5:resubscribed", m, "pusher:subscribe for " .. ch .. " on the new connection", why2) then
        local kind = ps.channel_kind(ch)
        if kind ~= "public" and kind ~= "cache" then
          local want = t:sign_channel(sid, ch, m.data.channel_data, t.app)
          t:check("ERR-5:new-auth", m.data.auth == want, "auth signed for the new socket_id " .. sid, m)
        end
      end
    end
  end,
}
