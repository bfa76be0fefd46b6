-- CONN: opening a connection (RULES.md "CONN — connection").
local scenario = ps.scenario

scenario {
  id = "conn-established-first",
  title = "The first message is connection_established with a socket_id and activity_timeout",
  rules = { "CONN-1", "CONN-2", "CONN-3", "FRAME-1", "FRAME-2" },
  wire = { "FRAME-1", "FRAME-2" },
  run = function(t)
    local c = t:connect()
    local m, why = c:next()
    t:require("CONN-1", m and m.event == "pusher:connection_established",
      "pusher:connection_established as the first message", m or why)
    local d = m.payload or {}
    t:check("CONN-2", type(d.socket_id) == "string" and d.socket_id:match("^%d+%.%d+$") ~= nil,
      "socket_id matching ^\\d+\\.\\d+$", d.socket_id)
    t:check("CONN-3", math.type(d.activity_timeout) == "integer" and d.activity_timeout > 0,
      "activity_timeout a positive integer", d.activity_timeout)
  end,
}

scenario {
  id = "conn-socket-ids-differ",
  title = "Two connections get different socket_ids",
  rules = { "CONN-2" },
  run = function(t)
    local a, b = t:open(), t:open()
    t:check("CONN-2", a.socket_id ~= b.socket_id, "two different socket_ids",
      tostring(a.socket_id) .. " and " .. tostring(b.socket_id))
  end,
}

-- A refusal may come as a close code, or as pusher:error then a close.
local function refusal(c)
  local err = c:expect({ event = "pusher:error" }, { within = 3000 })
  local closed = c:expect_close()
  local code = err and err.payload and err.payload.code
  return code, closed, err
end

scenario {
  id = "conn-unknown-app",
  title = "An unknown app key is refused with 4001",
  rules = { "CONN-4", "CONN-10" },
  run = function(t)
    local c = t:connect { key = "no-such-key-" .. t:channel() }
    local code, closed, err = refusal(c)
    local close_code = closed and closed.code
    t:check("CONN-4", code == 4001 or close_code == 4001, "pusher:error 4001 or close 4001",
      string.format("error code %s, %s", tostring(code), closed and closed.text or "still open"))
    t:check("CONN-10", not (code and close_code) or code == close_code,
      "the close code equals the pusher:error code", string.format("error %s, close %s", tostring(code), tostring(close_code)))
  end,
}

scenario {
  id = "conn-bad-path",
  title = "A path other than /app/KEY is refused",
  rules = { "CONN-5" },
  run = function(t)
    for _, path in ipairs { "/foo", "/apps/" .. t.app.key, "/app" } do
      local c = t:connect { path = path }
      local code, closed = refusal(c)
      local ok = code == 4005 or (closed and (closed.code == 4005 or (closed.failed and closed.http_status >= 400)))
      t:check("CONN-5", ok, "4005 or an HTTP error on the upgrade for " .. path,
        string.format("error code %s, %s", tostring(code), closed and closed.text or "still open"))
      c:close()
    end
  end,
}

-- Close codes the server uses: 1000/1001 or 4000-4399 (CONN-10), each 4000-4399 close announced
-- by a pusher:error with its code (CONN-11). Provokes the refusals the target can show at once
-- (not the quota one: conn-over-quota holds that app's connections meanwhile) and reads each
-- connection to its end: the pusher:error codes that came before the close, then the close.
local function errors_then_close(c, within)
  local codes = {}
  local deadline = ps.now() + within
  while ps.now() < deadline do
    local m = c:next { within = deadline - ps.now() }
    if not m then break end
    if m.event == "pusher:error" then codes[#codes + 1] = m.payload and m.payload.code end
  end
  return codes, c:expect_close { within = 500 }
end

scenario {
  id = "conn-close-codes-documented",
  title = "Every close code the server sends is documented and announced by a pusher:error with that code",
  rules = { "CONN-10", "CONN-11" },
  run = function(t)
    local cases = {
      { what = "an unknown app key", opts = { key = "unknown-" .. t:channel() } },
      { what = "no protocol parameter", opts = { query = "client=pushspec&version=0.1.0" } },
      { what = "protocol=99", opts = { protocol = 99 } },
    }
    if t:profile("disabled_app") then cases[#cases + 1] = { what = "a disabled app", opts = { app = "disabled_app" } } end
    for _, case in ipairs(cases) do case.conn = t:connect(case.opts) end
    local refusals = 0
    for _, case in ipairs(cases) do
      local codes, closed = errors_then_close(case.conn, 3000)
      local code = closed and closed.code
      if not code then
        case.conn:close()
        t:check("CONN-10", true)
      else
        t:check("CONN-10", code == 1000 or code == 1001 or (code >= 4000 and code <= 4399),
          "close code 1000, 1001 or 4000-4399 for " .. case.what, closed.text)
        if codes[1] then
          t:check("CONN-10", codes[1] == code, "close code equal to the pusher:error code " .. tostring(codes[1]), closed.text)
        end
      end
      if code and code >= 4000 and code <= 4399 then
        refusals = refusals + 1
        local announced, shown = false, {}
        for i, c in ipairs(codes) do announced, shown[i] = announced or c == code, tostring(c) end
        t:check("CONN-11", announced, "a pusher:error with code " .. code .. " before the close, for " .. case.what,
          string.format("pusher:error codes before the close: [%s]; %s", table.concat(shown, ", "), closed.text))
      end
    end
    if refusals == 0 then t:skip("CONN-11", "the server closed none of the connections with a 4000-4399 code") end
  end,
}

-- How a refused handshake ended: the pusher:error code and the close code.
local function refusal_codes(c)
  local err = c:expect({ event = "pusher:error" }, { within = 1500 })
  local closed = c:expect_close { within = err and 2000 or 500 }
  local ecode = err and err.payload and err.payload.code
  return ecode, closed and closed.code, closed and closed.text or "still open"
end

scenario {
  id = "conn-protocol-version",
  title = "Missing, unsupported or malformed protocol versions are refused with 4008, 4007, 4006",
  rules = { "CONN-6" },
  run = function(t)
    local cases = {
      { query = { client = "pushspec", version = "0.1.0" }, code = 4008, what = "no protocol parameter" },
      { protocol = 1, code = 4007, what = "protocol=1" },
      { protocol = 99, code = 4007, what = "protocol=99" },
      { query = { protocol = 7, client = "pushspec", version = "not.a.version!" }, code = 4006,
        what = "version=not.a.version!" },
    }
    for _, case in ipairs(cases) do
      local c = t:connect(case)
      local ecode, ccode, text = refusal_codes(c)
      t:check("CONN-6", ecode == case.code or ccode == case.code,
        string.format("%d for %s", case.code, case.what),
        string.format("pusher:error code %s, %s", tostring(ecode), text))
      c:close()
    end
  end,
}

scenario {
  id = "conn-disabled-app",
  title = "A disabled app is refused with 4003",
  rules = { "CONN-7" },
  profile = "disabled_app",
  run = function(t)
    local c = t:connect { app = "disabled_app" }
    local ecode, ccode, text = refusal_codes(c)
    t:check("CONN-7", ecode == 4003 or ccode == 4003, "pusher:error 4003 or close 4003",
      string.format("pusher:error code %s, %s", tostring(ecode), text))
  end,
}

scenario {
  id = "conn-over-quota",
  title = "Connections over the app's quota are refused with 4004",
  rules = { "CONN-8" },
  profile = "max_connections",
  run = function(t)
    local limit = t:profile("max_connections").limit
    t:require("CONN-8", math.type(limit) == "integer" and limit > 0 and limit < 1000,
      "the target's max_connections profile says limit = N", limit)
    local held = {}
    for i = 1, limit do
      local c = t:connect { app = "max_connections" }
      local m, why = c:established()
      t:require("CONN-8", m, "connection " .. i .. " of " .. limit .. " is accepted", why)
      held[i] = c
    end
    local over = t:connect { app = "max_connections" }
    local ecode, ccode, text = refusal_codes(over)
    t:check("CONN-8", ecode == 4004 or ccode == 4004, "connection " .. (limit + 1) .. " refused with 4004",
      string.format("pusher:error code %s, %s", tostring(ecode), text))
  end,
}

scenario {
  id = "conn-ssl-only",
  title = "Plain ws to an SSL-only app is refused with 4000",
  rules = { "CONN-9" },
  profile = "ssl_only",
  run = function(t)
    local c = t:connect { app = "ssl_only" }
    local ecode, ccode, text = refusal_codes(c)
    t:check("CONN-9", ecode == 4000 or ccode == 4000, "pusher:error 4000 or close 4000",
      string.format("pusher:error code %s, %s", tostring(ecode), text))
  end,
}

