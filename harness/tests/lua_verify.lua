-- Offline tests of harness/lua/verify.lua (ps.verify), run by ctest as
--   lua5.4 harness/tests/lua_verify.lua harness/lua
-- Each verifier is fed inputs it must accept and inputs it must reject.
local dir = arg[1] or "harness/lua"
local V = assert(loadfile(dir .. "/verify.lua"))({})

local failures, count = 0, 0
local function expect(name, want, ok, text)
  count = count + 1
  if (ok and true or false) ~= want then
    failures = failures + 1
    print(string.format("FAIL %s: expected %s, got %s (%s)", name, tostring(want), tostring(ok), tostring(text)))
  end
end
-- ok must be nil (the verifier observed nothing to judge) and text say why
local function expect_nothing(name, pattern, ok, text)
  count = count + 1
  if ok ~= nil or not tostring(text):find(pattern, 1, true) then
    failures = failures + 1
    print(string.format("FAIL %s: expected nil and '%s', got %s (%s)", name, pattern, tostring(ok), tostring(text)))
  end
end
local function msg(event, fields)
  local m = { event = event, raw = '{"event":"' .. event .. '"}', violations = {} }
  for k, v in pairs(fields or {}) do m[k] = v end
  return m
end
local function close(code) return { code = code, frame = code ~= nil, text = code and ("close " .. code) or "closed" } end

-- documented close codes: 1000, 1001, 4000-4399 (CONN-10)
for _, code in ipairs { 1000, 1001, 4000, 4001, 4099, 4100, 4201, 4301, 4399 } do
  expect("documented_close " .. code, true, V.documented_close(code))
end
for _, code in ipairs { 999, 1002, 1003, 1006, 1007, 1008, 1009, 1011, 3000, 3999, 4400, 4999 } do
  expect("documented_close " .. code, false, V.documented_close(code))
end
-- RFC 6455's codes for the WebSocket-level fault each names, and for no other (CONN-10, FRAME-4)
expect("documented_close 1007 after invalid UTF-8", true, V.documented_close(1007, "invalid-payload"))
expect("documented_close 1009 after an oversized frame", true, V.documented_close(1009, "too-big"))
expect("documented_close 1002 after a protocol error", true, V.documented_close(1002, "protocol"))
expect("documented_close 1007 after an oversized frame", false, V.documented_close(1007, "too-big"))
expect("documented_close 1009 after invalid UTF-8", false, V.documented_close(1009, "invalid-payload"))
expect("documented_close 1002 after invalid UTF-8", false, V.documented_close(1002, "invalid-payload"))
expect("documented_close 1011 after invalid UTF-8", false, V.documented_close(1011, "invalid-payload"))
expect("documented_close 4001 after invalid UTF-8", true, V.documented_close(4001, "invalid-payload"))
local _, why1007 = V.documented_close(1007)
expect("documented_close 1007 without the fault says why", true, why1007:find("did not send", 1, true) ~= nil, why1007)
expect("documented_close nil", false, V.documented_close(nil))
expect("documented_close 4000.5", false, V.documented_close(4000.5))

-- close ranges (Facts)
local ranges = { [4000] = "no-reconnect", [4099] = "no-reconnect", [4100] = "backoff", [4199] = "backoff",
  [4200] = "reconnect", [4299] = "reconnect", [4300] = "other", [4399] = "other" }
for code, want in pairs(ranges) do expect("close_range " .. code, true, V.close_range(code) == want) end
for _, code in ipairs { 1000, 1011, 3999, 4400 } do expect("close_range " .. code, false, V.close_range(code)) end

-- refusal: pusher:error, subscription_error, a close 4000-4399
expect("refusal pusher:error", true, V.refusal(msg("pusher:error"), nil))
expect("refusal subscription_error", true, V.refusal(msg("pusher:subscription_error"), nil))
expect("refusal close 4009", true, V.refusal(nil, close(4009)))
expect("refusal close 4301", true, V.refusal(nil, close(4301)))
expect("refusal pusher:error then close 1000", false, V.refusal(msg("pusher:error"), close(1000)))
expect("refusal close 1000", false, V.refusal(nil, close(1000)))
expect("refusal close 1011", false, V.refusal(nil, close(1011)))
expect("refusal close 1006", false, V.refusal(nil, close(1006)))
expect("refusal TCP reset", false, V.refusal(nil, close(nil)))
expect("refusal no answer, open", false, V.refusal(nil, nil))
expect("refusal subscription_succeeded", false, V.refusal(msg("pusher_internal:subscription_succeeded"), nil))
expect("refusal signin_success", false, V.refusal(msg("pusher:signin_success"), nil))
-- a pusher:error code and the close code must agree (CONN-10)
local e4001 = msg("pusher:error", { payload = { code = 4001 } })
expect("refusal error 4001 close 4001", true, V.refusal(e4001, close(4001)))
expect("refusal error 4001 close 4009", false, V.refusal(e4001, close(4009)))
-- opts.code: the refusal carries that code
expect("refusal code 4001 by error", true, V.refusal(e4001, nil, { code = 4001 }))
expect("refusal code 4001 by close", true, V.refusal(msg("pusher:error"), close(4001), { code = 4001 }))
expect("refusal code 4001, got 4009", false, V.refusal(nil, close(4009), { code = 4001 }))
expect("refusal code 4001, error without code", false, V.refusal(msg("pusher:error"), nil, { code = 4001 }))
-- opts.must_close: the connection must end (CONN-4: "pusher:error then close")
expect("refusal must_close, error then close", true, V.refusal(e4001, close(4001), { code = 4001, must_close = true }))
expect("refusal must_close, close alone", true, V.refusal(nil, close(4001), { code = 4001, must_close = true }))
expect("refusal must_close, TCP close after error", true, V.refusal(e4001, close(nil), { code = 4001, must_close = true }))
expect("refusal must_close, error left open", false, V.refusal(e4001, nil, { code = 4001, must_close = true }))
-- opts.close_codes: only these closes (SIGNIN-2: 4009)
expect("refusal close_codes 4009 ok", true, V.refusal(msg("pusher:error"), close(4009), { close_codes = { 4009 } }))
expect("refusal close_codes 4009, close 4001", false, V.refusal(nil, close(4001), { close_codes = { 4009 } }))
-- opts.http_error: an HTTP error on the upgrade (CONN-5)
local failed = { failed = true, http_status = 404, text = "failed to open: HTTP 404" }
expect("refusal http 404 allowed", true, V.refusal(nil, failed, { http_error = true }))
expect("refusal http 404 not allowed", false, V.refusal(nil, failed))
expect("refusal http 404 with a code", true, V.refusal(nil, failed, { http_error = true, code = 4005 }))
expect("refusal http 0", false, V.refusal(nil, { failed = true, http_status = 0 }, { http_error = true }))
local _, seen = V.refusal(nil, close(1011))
expect("refusal text names the close", true, seen:find("close 1011", 1, true) ~= nil, seen)

-- subscribed
local ok_m = msg("pusher_internal:subscription_succeeded", { channel = "a" })
expect("subscribed a", true, V.subscribed(ok_m, "a"))
expect("subscribed other channel", false, V.subscribed(ok_m, "b"))
expect("subscribed error", false, V.subscribed(msg("pusher:subscription_error", { channel = "a" }), "a"))
expect("subscribed nil", false, V.subscribed(nil, "a"))

-- trigger_answer: HTTP-1 wants 200 with a JSON object body, and nothing else
local function answer(status, body, json) return { status = status, body = body, json = json, error = "refused" } end
expect("trigger_answer 200 {}", true, V.trigger_answer(answer(200, "{}", {})))
expect("trigger_answer 200 spaced object", true, V.trigger_answer(answer(200, '  {"ok":true}', { ok = true })))
expect("trigger_answer 202", false, V.trigger_answer(answer(202, "{}", {})))
expect("trigger_answer 204", false, V.trigger_answer(answer(204, "", nil)))
expect("trigger_answer 200 array", false, V.trigger_answer(answer(200, "[]", {})))
expect("trigger_answer 200 not JSON", false, V.trigger_answer(answer(200, "ok", nil)))
expect("trigger_answer no answer", false, V.trigger_answer(answer(0, "", nil)))
local _, said = V.trigger_answer(answer(202, "{}", {}))
expect("trigger_answer names the status", true, said == "HTTP 202 {}", said)

-- server_message: the codec's violations
expect("server_message clean", true, V.server_message(msg("x")))
local bad = msg("pusher_internal:subscription_succeeded",
  { violations = { { rule = "FRAME-2", text = "data is an object" }, { rule = "FRAME-6", should = true, text = "s" } } })
expect("server_message MUST violation", false, V.server_message(bad))
expect("server_message other rule", true, V.server_message(bad, { rule = "FRAME-3" }))
expect("server_message only SHOULD", true, V.server_message(msg("x", { violations = { { rule = "FRAME-6", should = true, text = "s" } } })))
expect("server_message SHOULD strict", false, V.server_message(msg("x", { violations = { { rule = "FRAME-6", should = true, text = "s" } } }), { should = true }))
expect("server_message nil", false, V.server_message(nil))

-- A scripted connection: `inbox` is what arrives, `closed` how it ends.
local function fake(inbox, closed, answers)
  local c = { inbox = inbox, sent = {} }
  function c:expect(pattern)
    for i, m in ipairs(self.inbox) do
      local hit
      if type(pattern) == "function" then hit = pattern(m) else hit = m.event == pattern.event end
      if hit then return table.remove(self.inbox, i) end
    end
    return nil, "no such message"
  end
  function c:is_closed() return closed ~= nil end
  function c:expect_close() return closed end
  function c:close_text() return closed and closed.text or "open" end
  function c:send(m)
    self.sent[#self.sent + 1] = m
    for _, a in ipairs((answers or {})[m.event] or {}) do self.inbox[#self.inbox + 1] = a end
  end
  function c:subscribe(ch) self:send { event = "pusher:subscribe", data = { channel = ch } } end
  function c:subscribed(ch)
    local m = self:expect(function(x) return x.channel == ch end)
    if m and V.subscribed(m, ch) then return m end
    return nil, "refused"
  end
  return c
end

expect("await_refusal subscription_error", true,
  V.await_refusal(fake { msg("pusher:subscription_error", { channel = "c" }) }, { channel = "c" }))
expect("await_refusal succeeded", false,
  V.await_refusal(fake { msg("pusher_internal:subscription_succeeded", { channel = "c" }) }, { channel = "c" }))
expect("await_refusal another channel's success", false,
  V.await_refusal(fake { msg("pusher_internal:subscription_succeeded", { channel = "d" }) }, { channel = "c" }))
expect("await_refusal closed 4009", true, V.await_refusal(fake({}, close(4009))))
expect("await_refusal closed 1011", false, V.await_refusal(fake({}, close(1011))))
expect("await_refusal silence", false, V.await_refusal(fake {}))
expect("await_refusal accept signin_success", false,
  V.await_refusal(fake { msg("pusher:signin_success") }, { accept = { "pusher:signin_success" } }))

-- nothing observed: the connection ended before what was sent on it reached
-- the server, or a fresh connection that only pinged was dropped as well
local reset = { frame = false, text = "closed without a close frame" }
local function with(t, extra) local r = {} for k, v in pairs(t) do r[k] = v end for k, v in pairs(extra) do r[k] = v end return r end
expect_nothing("refusal: closed before the probe left", "before the 1 frame(s) pushspec sent",
  V.refusal(nil, with(reset, { unsent = 1 })))
expect_nothing("refusal: closed 4001 before the probe left", "nothing to refuse",
  V.refusal(nil, with(close(4001), { unsent = 2 })))
expect("refusal: pusher:error, then closed with unsent frames", true, V.refusal(msg("pusher:error"), with(close(4001), { unsent = 1 })))
expect_nothing("refusal: a control connection dropped too", "so was a fresh connection",
  V.refusal(nil, with(reset, { sent = 1, control = "dropped" })))
expect("refusal: reset, a control connection kept", false, V.refusal(nil, with(reset, { sent = 1, control = "kept" })))
expect("refusal: reset, the server down after it", false, V.refusal(nil, with(reset, { sent = 1, control = "down" })))
expect("refusal: reset, no control", false, V.refusal(nil, with(reset, { sent = 1 })))

-- await_refusal: a reset after the subscribe left gets a control connection (c.case:connect)
local function control_case(kind)   -- the control: "kept" answers its ping, "dropped" is reset
  local k = { released = false }
  function k:established() if kind == "kept" then return msg("pusher:connection_established") end end
  function k:send() end
  function k:expect() if kind == "kept" then return msg("pusher:pong") end end
  function k:is_closed() return kind ~= "kept" end
  function k:state() return kind == "down" and "failed" or (kind == "kept" and "open" or "closed") end
  function k:info() return { close_frame = false } end
  function k:release() self.released = true end
  return { connect = function() return k end, control = k }
end
for _, kind in ipairs { "dropped", "kept", "down" } do
  local c = fake({}, with(reset, { sent = 1, unsent = 0 }))
  c.case = control_case(kind)
  local ok, text = V.await_refusal(c, { channel = "c" })
  if kind == "dropped" then expect_nothing("await_refusal reset, control dropped", "fresh connection", ok, text)
  else expect("await_refusal reset, control " .. kind, false, ok, text) end
  expect("await_refusal releases the control (" .. kind .. ")", true, c.case.control.released)
end

local pong = { ["pusher:ping"] = { msg("pusher:pong") } }
expect("usable pong", true, V.usable(fake({}, nil, pong)))
expect("usable no pong", false, V.usable(fake({}, nil, {})))
expect("usable closed", false, V.usable(fake({}, close(4200), pong)))
local sub_ok = { ["pusher:ping"] = pong["pusher:ping"],
  ["pusher:subscribe"] = { msg("pusher_internal:subscription_succeeded", { channel = "ok" }) } }
expect("usable subscribe ok", true, V.usable(fake({}, nil, sub_ok), { subscribe = "ok" }))
expect("usable subscribe refused", false, V.usable(fake({}, nil, pong), { subscribe = "ok" }))

-- diagnosis: a close frame without a status code is named so, never "close 0"
local _, codeless = V.refusal(nil, { frame = true })
expect("refusal codeless close: text says so", true,
  codeless:find("a close frame without a status code", 1, true) ~= nil and not codeless:find("close 0", 1, true), codeless)
expect("refusal codeless close is not a refusal", false, V.refusal(nil, { frame = true }))
-- await_refusal without an answer passes on what arrived instead (the expect's why)
local quiet = fake {}
function quiet:expect() return nil, "no answer within 3000 ms; arrived instead: {\"event\":\"pusher_internal:subscription_error\"}" end
local _, qseen = V.await_refusal(quiet, { channel = "c" })
expect("await_refusal no answer: says what arrived instead", true,
  qseen:find("arrived instead: {\"event\":\"pusher_internal:subscription_error\"}", 1, true) ~= nil, qseen)

-- alive: a fresh connection established, subscribed, and a triggered event reaches it (any 2xx)
local function target(opts)
  local t = { released = 0, triggers = 0 }
  function t:channel(p) return p .. "x" end
  function t:connect()
    local c = fake({}, nil, {})
    function c:established() if opts.dead then return nil, "connection failed" end return msg("pusher:connection_established") end
    function c:subscribe(ch) if not opts.no_sub then self.inbox[#self.inbox + 1] = msg("pusher_internal:subscription_succeeded", { channel = ch }) end end
    function c:release() t.released = t.released + 1 end
    t.conn = c
    return c
  end
  function t:trigger(ev)
    t.triggers = t.triggers + 1
    if not opts.undelivered then t.conn.inbox[#t.conn.inbox + 1] = msg(ev.name) end
    return { status = opts.status or 200, body = "{}", error = "" }
  end
  -- the probe triggers through t:publish (lenient set-up; its retries are case.lua's)
  function t:publish(ev, o) return self:trigger(ev, o) end
  return t
end
local lt = target {}
expect("alive: a serving server", true, V.alive(lt))
expect("alive: the probe connection is released", true, lt.released == 1, lt.released)
expect("alive: 202 answers a trigger", true, V.alive(target { status = 202 }))
local dt = target { dead = true }
local dok, dwhy = V.alive(dt)
expect("alive: no connection_established", false, dok, dwhy)
expect("alive: says which step failed", true, tostring(dwhy):find("no connection_established", 1, true) ~= nil, dwhy)
expect("alive: released when dead too", true, dt.released == 1, dt.released)
expect("alive: subscribe refused", false, V.alive(target { no_sub = true }))
expect("alive: trigger 500", false, V.alive(target { status = 500 }))
expect("alive: event not delivered", false, V.alive(target { undelivered = true }))

-- refused (lenient): any recognizable refusal; the form is another rule's (issue 20)
expect("refused pusher:error any code", true, V.refused(msg("pusher:error", { payload = { code = 4999 } }), nil))
expect("refused an undocumented error event", true, V.refused(msg("pusher:auth_error"), nil, { channel = "c" }))
expect("refused close 1011", true, V.refused(nil, close(1011)))
expect("refused close without a code", true, V.refused(nil, close(nil)))
expect("refused silence on a subscription", true, V.refused(nil, nil, { channel = "c" }))
expect("refused silence otherwise", false, V.refused(nil, nil))
expect("refused subscription_succeeded", false,
  V.refused(msg("pusher_internal:subscription_succeeded", { channel = "c" }), nil, { channel = "c" }))
expect("refused accept event", false, V.refused(msg("pusher:signin_success"), nil, { accept = { "pusher:signin_success" } }))
expect_nothing("refused unsent", "reached the server", V.refused(nil, with(close(nil), { unsent = 2 })))
expect("await_refused undocumented event", true,
  V.await_refused(fake { msg("pusher:auth_failed", { channel = "c" }) }, { channel = "c" }))
expect("await_refused 1011", true, V.await_refused(fake({}, close(1011)), { channel = "c" }))
expect("await_refused succeeded", false,
  V.await_refused(fake { msg("pusher_internal:subscription_succeeded", { channel = "c" }) }, { channel = "c" }))
expect("await_refused another channel's success is no answer", true,
  V.await_refused(fake { msg("pusher_internal:subscription_succeeded", { channel = "d" }) }, { channel = "c" }))

-- positive controls: a negative check is judged only behind a control that passed
local function recorder(rules)
  local r = { checks = {}, errs = {}, logs = {}, own = {}, spec = { rules = rules or { "HTTP-2" } } }
  function r:log(text) self.logs[#self.logs + 1] = text end
  -- a failed control's own clause: a check (declared) or an incidental finding
  function r:check(rule, ok, expected, actual) self.own[#self.own + 1] = { "check", rule, ok, expected, actual } end
  function r:incidental(rule, expected, actual) self.own[#self.own + 1] = { "incidental", rule, expected, actual } end
  function r:judge(rule, ok, _, actual) self.checks[#self.checks + 1] = { rule, ok, actual } return ok end
  function r:unjudged(rule, why) self.errs[#self.errs + 1] = { rule, why } end
  return r
end
local rt = recorder()
local good = V.control(rt, "HTTP-1:status-200", true, "2xx", "200 {}")
V.negative(rt, good, "HTTP-2:tampered-signature", false, "401", "200 {}")
expect("negative behind a passed control is judged", true, #rt.checks == 1 and rt.checks[1][2] == false and #rt.errs == 0)
local bad_ctl = V.control(rt, "HTTP-9:list", false, "200", "400 Bad Request")
V.negative(rt, bad_ctl, "HTTP-2:get-request", false, "401", "400 Bad Request")
expect("negative behind a failed control is not judged", true, #rt.checks == 1, #rt.checks)
local u = rt.errs[1] or {}
expect("negative behind a failed control: an error naming the control's rule and Actual", true,
  u[1] == "HTTP-2:get-request" and tostring(u[2]):find("^control failed: HTTP%-9:list") ~= nil and
  tostring(u[2]):find("400 Bad Request", 1, true) ~= nil, u[2])
V.negative(rt, nil, "HTTP-2:wrong-secret", true, "401", "401")
expect("negative without a control is not judged", true, #rt.checks == 1 and #rt.errs == 2)
expect("controls are logged", true, #rt.logs == 2 and rt.logs[2]:find("FAILED", 1, true) ~= nil, rt.logs[2])
-- a failed control fails its own clause (issue 20: the deviation it exposed is not lost)
local inc = rt.own[1] or {}
expect("a passed control is no check of its clause", true, #rt.own == 1, #rt.own)
expect("a failed control, its rule undeclared: an incidental of its clause with its Expected and Actual", true,
  inc[1] == "incidental" and inc[2] == "HTTP-9:list" and inc[3] == "200" and inc[4] == "400 Bad Request", inc[1])
local dt = recorder { "EVT-1", "SUB-2" }
V.negative(dt, V.control(dt, "EVT-1:name", false, "the witness gets the event", nil), "SUB-2:no-events-after", true)
local own = dt.own[1] or {}
expect("a failed control, its rule declared: a failing check of its clause", true,
  #dt.own == 1 and own[1] == "check" and own[2] == "EVT-1:name" and own[3] == false and own[5] == "nothing", own[1])
expect("a failed control: the negative rule stays an error, not a fail", true,
  #dt.checks == 0 and #dt.errs == 1 and dt.errs[1][1] == "SUB-2:no-events-after", #dt.checks)

-- match.lua's arrived: what came instead of an awaited message, bounded
local M = assert(loadfile(dir .. "/match.lua"))({ prim = {} })
local function raw(m) return m.raw end
expect("arrived: nothing", true, M.arrived({}, 0, raw) == "nothing else arrived", M.arrived({}, 0, raw))
local one = M.arrived({ msg("pusher_internal:subscription_error") }, 0, raw)
expect("arrived: names the frame", true, one == 'arrived instead: {"event":"pusher_internal:subscription_error"}', one)
local many = {}
for i = 1, 50 do many[i] = { raw = string.rep("x", 200) .. i } end
local bounded = M.arrived(many, 3, raw)
expect("arrived: bounded", true, #bounded < 600, #bounded)
expect("arrived: counts the rest", true, bounded:find("and %d+ more") ~= nil, bounded)
expect("arrived: says which came before the wait", true, bounded:find("(the first 3 before the wait)", 1, true) ~= nil, bounded)

print(string.format("%d verifier tests, %d failed", count, failures))
os.exit(failures == 0 and 0 or 1)
