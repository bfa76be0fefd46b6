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
    t:require("CONN-1:established-first", m and m.event == "pusher:connection_established",
      "pusher:connection_established as the first message", m or why)
    -- the codec's schema of connection_established holds both clauses
    t:check("CONN-2:socket-id-format", ps.verify.server_message(m, { rule = "CONN-2" }), "socket_id matching ^\\d+\\.\\d+$", m)
    t:check("CONN-3:timeout-positive-integer", ps.verify.server_message(m, { rule = "CONN-3" }),
      "activity_timeout a positive integer", m)
    -- a SHOULD inside this MUST rule: noted (as the codec does), never a failure of CONN-3
    local at = type(m.payload) == "table" and m.payload.activity_timeout
    if math.type(at) == "integer" and at > 120 then
      t:log("note: CONN-3: activity_timeout " .. at .. " is over the recommended 120 s")
    end
    -- FRAME-1/2 on the first message, judged here as well as by the wire checks
    t:check("FRAME-1:text-frame", m.kind == "text", "a text frame", m)
    t:check("FRAME-2:established-data", m.data_kind == "string" and ps.verify.server_message(m, { rule = "FRAME-2" }),
      "data a JSON string whose decoded value has socket_id and activity_timeout", m)
  end,
}

scenario {
  id = "conn-socket-ids-differ",
  title = "Two connections get different socket_ids",
  rules = { "CONN-2" },
  run = function(t)
    local a, b = t:open(), t:open()
    t:check("CONN-2:socket-ids-differ", a.socket_id ~= b.socket_id, "two different socket_ids",
      tostring(a.socket_id) .. " and " .. tostring(b.socket_id))
  end,
}

-- How a refused handshake ended, judged by ps.verify.refusal: it must carry
-- code (as the pusher:error code or the close code, which agree when both are
-- sent). Returns ok, seen, the pusher:error (or nil), the close (or nil).
local function refused_with(c, code, opts)
  opts = opts or {}
  return ps.verify.await_refusal(c, { code = code, within = opts.within or 1500, settle = opts.settle or 1000,
    http_error = opts.http_error, must_close = opts.must_close })
end

-- The positive control of a refused handshake (ps.verify.control): the same
-- connection with the right key, path and protocol gets connection_established.
local function control(t, opts)
  local c = t:connect(opts)
  local m, why = c:established()
  c:release()
  return ps.verify.control(t, "CONN-1:established-first", m ~= nil, "pusher:connection_established for a correct handshake",
    m or why)
end

scenario {
  id = "conn-unknown-app",
  title = "An unknown app key is refused with 4001",
  rules = { "CONN-4", "CONN-10" },
  run = function(t)
    local ctl = control(t)
    local c = t:connect { key = "no-such-key-" .. t:channel() }
    local ok, seen, err, closed = refused_with(c, 4001, { within = 3000, settle = 5000 })
    ps.verify.negative(t, ctl, "CONN-4:code-4001", ok, "close 4001, or pusher:error 4001", seen)
    local still = c:is_closed() and "closed: " .. c:close_text() or "still open 5 s after the refusal"
    t:check("CONN-4:closed", c:is_closed(), "the connection closed after the 4001 refusal", (err and (err.raw .. "; ") or "") .. still)
    -- a close frame without a status code (false here) does not carry the error's code either
    local code, close_code = err and err.payload and err.payload.code, closed and (closed.code or closed.frame and false)
    if close_code == nil then   -- CONN-10 judges close codes: none was used here
      t:nothing("CONN-10:matches-error", "the server closed no connection with a code (" .. seen .. ")",
        "the close code equals the pusher:error code")
    else
      t:check("CONN-10:matches-error", not code or code == close_code, "the close code equals the pusher:error code",
        string.format("error %s, %s", tostring(code),
          close_code == false and "a close frame without a status code" or "close " .. tostring(close_code)))
    end
  end,
}

scenario {
  id = "conn-bad-path",
  title = "A path other than /app/KEY is refused",
  rules = { "CONN-5" },
  run = function(t)
    local ctl = control(t)
    for _, path in ipairs { "/foo", "/apps/" .. t.app.key, "/app" } do
      local c = t:connect { path = path }
      local ok, seen = refused_with(c, 4005, { within = 3000, settle = 5000, http_error = true })
      ps.verify.negative(t, ctl, "CONN-5:refused", ok, "4005 or an HTTP error on the upgrade for " .. path, seen)
      c:close()
    end
  end,
}

-- Close codes the server uses: ps.verify.documented_close (CONN-10), each 4000-4399 close announced
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
      { what = "no protocol parameter", opts = { protocol = false } },
      { what = "protocol=99", opts = { protocol = 99 } },
    }
    if t:profile("disabled_app") then cases[#cases + 1] = { what = "a disabled app", opts = { app = "disabled_app" } } end
    for _, case in ipairs(cases) do case.conn = t:connect(case.opts) end
    local refusals, coded = 0, 0
    for _, case in ipairs(cases) do
      local codes, closed = errors_then_close(case.conn, 3000)
      local code = closed and (closed.code or closed.frame and 0)   -- 0: a close frame without a status code
      if not code then
        case.conn:close()
      else
        coded = coded + 1
        t:check("CONN-10:documented-code", ps.verify.documented_close(code),
          "close code " .. ps.verify.DOCUMENTED_CLOSE .. " for " .. case.what, closed.text)
        if codes[1] then
          t:check("CONN-10:matches-error", codes[1] == code, "close code equal to the pusher:error code " .. tostring(codes[1]), closed.text)
        end
      end
      if code and code >= 4000 and code <= 4399 then
        refusals = refusals + 1
        local announced, shown = false, {}
        for i, c in ipairs(codes) do announced, shown[i] = announced or c == code, tostring(c) end
        t:check("CONN-11:error-before-close", announced, "a pusher:error with code " .. code .. " before the close, for " .. case.what,
          string.format("pusher:error codes before the close: [%s]; %s", table.concat(shown, ", "), closed.text))
      end
    end
    if coded == 0 then   -- every close code was documented, vacuously
      t:nothing("CONN-10:documented-code", "the server closed none of the " .. #cases .. " connections it should refuse with a code",
        "close code " .. ps.verify.DOCUMENTED_CLOSE)
    end
    if refusals == 0 then t:skip("CONN-11", "the server closed none of the connections with a 4000-4399 code") end
  end,
}

scenario {
  id = "conn-protocol-version",
  title = "Missing, unsupported or malformed protocol versions are refused with 4008, 4007, 4006",
  rules = { "CONN-6" },
  run = function(t)
    local cases = {
      { protocol = false, code = 4008, what = "no protocol parameter",
        clause = ps.clause("CONN-6:protocol-missing") },
      { protocol = 1, code = 4007, what = "protocol=1", clause = ps.clause("CONN-6:protocol-unsupported") },
      { protocol = 99, code = 4007, what = "protocol=99", clause = ps.clause("CONN-6:protocol-unsupported") },
      { query = { protocol = 7, client = "pushspec", version = "not.a.version!" }, code = 4006,
        what = "version=not.a.version!", clause = ps.clause("CONN-6:version-malformed") },
    }
    local ctl = control(t)
    for _, case in ipairs(cases) do
      local c = t:connect(case)
      local ok, seen = refused_with(c, case.code)
      ps.verify.negative(t, ctl, case.clause, ok, string.format("%d for %s", case.code, case.what), seen)
      c:close()
    end
  end,
}

-- Apps the target's profiles configure to refuse every connection.
for _, case in ipairs {
  { id = "conn-disabled-app", rule = "CONN-7", label = ps.clause("CONN-7:code-4003"), profile = "disabled_app", code = 4003,
    what = "A disabled app" },
  { id = "conn-ssl-only", rule = "CONN-9", label = ps.clause("CONN-9:code-4000"), profile = "ssl_only", code = 4000,
    what = "Plain ws to an SSL-only app" },
} do
  scenario {
    id = case.id,
    title = case.what .. " is refused with " .. case.code,
    rules = { case.rule },
    profile = case.profile,
    run = function(t)
      local ctl = control(t)   -- the main app: the profile's app refuses every connection
      local ok, seen = refused_with(t:connect { app = case.profile }, case.code)
      ps.verify.negative(t, ctl, case.label, ok, string.format("pusher:error %d or close %d", case.code, case.code), seen)
    end,
  }
end

scenario {
  id = "conn-over-quota",
  title = "Connections over the app's quota are refused with 4004",
  rules = { "CONN-8" },
  profile = "max_connections",
  run = function(t)
    local limit = t:profile("max_connections").limit
    t:require("CONN-8:under-quota-accepted", math.type(limit) == "integer" and limit > 0 and limit < 1000,
      "the target's max_connections profile says limit = N", limit)
    local held = {}
    for i = 1, limit do
      local c = t:connect { app = "max_connections" }
      local m, why = c:established()
      t:require("CONN-8:under-quota-accepted", m, "connection " .. i .. " of " .. limit .. " is accepted", why)
      held[i] = c
    end
    local over = t:connect { app = "max_connections" }
    local ok, seen = refused_with(over, 4004)
    t:judge("CONN-8:code-4004", ok, "connection " .. (limit + 1) .. " refused with 4004", seen)
  end,
}

