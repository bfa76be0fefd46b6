-- verify.lua: one definition per rule clause that several scenarios check
-- (as h2spec's verifier.go), exposed to scenarios as ps.verify. Each judge is
-- a pure function of what was seen and returns ok, text: text says what was
-- seen (the Actual of a check); ok is nil when what it needed to see never
-- happened (t:judge records that as the error "nothing observed: text", never
-- a pass). The await_/usable helpers gather that from a connection first. Clauses read off scenarios/RULES.md:
--   documented close codes  CONN-10 and the Facts: 1000, 1001 and 4000-4399; and
--                           RFC 6455's 1002/1007/1009 for the WebSocket-level fault each names
--   refused (lenient)       AUTH-2..5/7/8, SUB-3, SIGNIN-3: any recognizable refusal
--                           (V.refused); its form is judged once, by the rule that defines it
--   positive controls       V.control / V.negative: a negative check is judged only when the
--                           same thing in its correct form was accepted in the same scenario
--   a refusal (its form)    AUTH-1, SIGNIN-2, CONN-4..9: pusher:error,
--                           pusher:subscription_error, or a close with a code in
--                           the Pusher ranges 4000-4399; a close with another
--                           code (1011 internal error, 1006) or without a close
--                           frame (TCP reset) is a failure, not a refusal; a
--                           connection that ended before what was sent on it
--                           left pushspec refused nothing: nothing observed
--   subscribed              SUB-1: pusher_internal:subscription_succeeded naming it
--   still usable            SUB-3, FRAME-5: open, and pusher:ping gets pusher:pong (PING-1)
--   a server message        FRAME-1/2/3: the codec's schema, without MUST violations
local P = ... or {}
local V = {}

local SUCCEEDED, SUB_ERROR = "pusher_internal:subscription_succeeded", "pusher:subscription_error"

local function show(m)
  if P.show then return P.show(m) end
  return type(m) == "table" and (m.raw or m.text or "a table") or tostring(m)
end

-- What an Expected text says the documented close codes are.
V.DOCUMENTED_CLOSE = "1000, 1001 or 4000-4399"

-- RFC 6455 section 7.4.1's codes for the WebSocket-level faults CONN-10 and
-- FRAME-4 name: a fault (what the connection sent) allows its code, no other.
V.WS_FAULT_CODE = { protocol = 1002, ["invalid-payload"] = 1007, ["too-big"] = 1009 }
local FAULT_TEXT = { protocol = "a WebSocket protocol error", ["invalid-payload"] = "invalid UTF-8",
  ["too-big"] = "an oversized frame" }

-- CONN-10, FRAME-4: is code a close code the protocol documents? fault (optional):
-- the WebSocket-level fault the connection committed ("protocol", "invalid-payload",
-- "too-big"), whose RFC 6455 code (1002, 1007, 1009) is then documented too.
function V.documented_close(code, fault)
  local rfc = fault and V.WS_FAULT_CODE[fault]
  local ok = math.type(code) == "integer" and (code == 1000 or code == 1001 or (code >= 4000 and code <= 4399) or
    code == rfc)
  local allowed = V.DOCUMENTED_CLOSE .. (rfc and (", or " .. rfc .. " after " .. FAULT_TEXT[fault]) or "")
  local why = ""
  if not ok and math.type(code) == "integer" then
    for f, c in pairs(V.WS_FAULT_CODE) do
      if c == code then why = "; " .. c .. " is RFC 6455's code for " .. FAULT_TEXT[f] .. ", which this connection did not send" end
    end
  end
  return ok, "close code " .. tostring(code) .. (ok and "" or " (documented: " .. allowed .. why .. ")")
end

-- The Facts' close-code ranges: what a client does after a close with code.
local RANGES = {
  { 4000, 4099, "no-reconnect", "4000-4099: do not reconnect unchanged" },
  { 4100, 4199, "backoff", "4100-4199: reconnect after >= 1 s backoff" },
  { 4200, 4299, "reconnect", "4200-4299: reconnect at once" },
  { 4300, 4399, "other", "4300-4399: other" },
}
-- "no-reconnect", "backoff", "reconnect", "other", or nil outside 4000-4399; and the range's text.
function V.close_range(code)
  for _, r in ipairs(RANGES) do
    if math.type(code) == "integer" and code >= r[1] and code <= r[2] then return r[3], r[4] end
  end
  return nil, tostring(code) .. " is outside the Pusher ranges 4000-4399"
end

-- The code a pusher:error or subscription_error carries (data.code), or nil.
local function error_code(m)
  local d = type(m) == "table" and m.payload
  return type(d) == "table" and math.tointeger(d.code) or nil
end

local function close_seen(closed)
  if not closed then return "the connection stayed open" end
  if closed.text then return closed.text end
  if closed.failed then return "failed to open (HTTP " .. tostring(closed.http_status) .. ")" end
  if closed.code then return "close " .. closed.code end
  if closed.frame then return "a close frame without a status code" end
  return "closed without a close frame"
end

local function member(list, v)
  for _, x in ipairs(list) do if x == v then return true end end
  return false
end

-- What was seen of a refusal, and why nothing was observed (nil when something
-- was): the frames never reached the server, or a control connection was
-- dropped too (V.refusal and V.refused judge the rest their own way).
local function refusal_seen(answer, closed)
  local seen = (answer and (show(answer) .. (closed and " then " or "")) or "") ..
    ((closed or not answer) and close_seen(closed) or "")
  if not answer and closed and (closed.unsent or 0) > 0 then
    return seen, string.format("the connection ended (%s) before the %d frame(s) pushspec sent on it " ..
      "reached the server, so it had nothing to refuse", close_seen(closed), closed.unsent)
  end
  if not answer and closed and closed.control == "dropped" then
    return seen, seen .. ", and so was a fresh connection that only sent pusher:ping: the server drops " ..
      "connections whatever is sent on them, so this drop refused nothing"
  end
  return seen, nil
end

-- Was this a refusal? answer: the first answer message (or nil), closed: what
-- Conn:expect_close returned (or nil: still open). opts.code: the refusal must
-- carry this code (in the pusher:error data.code or as the close code);
-- opts.close_codes: the close codes allowed (default 4000-4399); opts.http_error:
-- an HTTP 4xx/5xx answer to the upgrade counts too (CONN-5); opts.must_close: the
-- refusal ends the connection, a pusher:error alone is not enough (CONN-4).
-- A pusher:error code and a close code that disagree are not a refusal (CONN-10).
-- ok is nil (nothing observed: t:judge records it as such) when there is no
-- answer and the connection ended before what was sent on it reached the
-- server (closed.unsent > 0): it cannot have refused what it never got; or
-- when it was dropped and so was a control connection that did nothing wrong
-- (closed.control == "dropped", from V.await_refusal).
function V.refusal(answer, closed, opts)
  opts = opts or {}
  local seen, unobserved = refusal_seen(answer, closed)
  if unobserved then return nil, unobserved end
  if closed and closed.control == "kept" then seen = seen .. " (a fresh connection that only pinged was kept)" end
  local ev = answer and answer.event
  if ev ~= nil and ev ~= "pusher:error" and ev ~= SUB_ERROR then
    return false, seen .. " (an answer that is not a refusal)"
  end
  local ecode, ccode = error_code(answer), closed and closed.code
  local by_close, by_http = false, false
  if ccode then
    local allowed = opts.close_codes and member(opts.close_codes, ccode) or
      (not opts.close_codes and V.close_range(ccode) ~= nil)
    if not allowed then
      return false, seen .. " (close code " .. ccode .. " is not a refusal: " ..
        (opts.close_codes and table.concat(opts.close_codes, ", ") or "4000-4399") .. ")"
    end
    by_close = true
  elseif closed and closed.failed and opts.http_error and (closed.http_status or 0) >= 400 then
    by_close, by_http = true, true
  end
  if not ev and not by_close then
    return false, seen .. (closed and " (no pusher:error and no refusal close code)" or " (no answer)")
  end
  if ecode and ccode and ecode ~= ccode then
    return false, seen .. " (the close code differs from the pusher:error code " .. ecode .. ")"
  end
  if opts.code and not by_http and ecode ~= opts.code and ccode ~= opts.code then
    return false, seen .. " (not code " .. opts.code .. ")"
  end
  if opts.must_close and not closed then
    return false, seen .. " (the connection stayed open after the refusal)"
  end
  return true, seen
end

-- Is an event name a recognizable refusal? pusher:error, pusher:subscription_error,
-- or any other event whose name says error, failure or denial (an undocumented
-- form: AUTH-1 and FRAME-* judge the form, not the rules asking "is it refused").
local function refusal_event(ev)
  if type(ev) ~= "string" then return false end
  if ev == "pusher:error" or ev == SUB_ERROR then return true end
  local l = ev:lower()
  for _, word in ipairs { "error", "fail", "denied", "refus", "reject", "forbidden", "unauthori" } do
    if l:find(word, 1, true) then return true end
  end
  return false
end
V.refusal_event = refusal_event

-- Was it refused at all (the lenient reading, for rules that ask only whether
-- something is refused)? answer: the first answer (nil: none), closed: as for
-- V.refusal. Refused: an error event of any name or code (refusal_event), a
-- close with any code or none, and for a subscription (opts.channel) no
-- subscription_succeeded within the window. Not refused: an accepting answer
-- (subscription_succeeded for the channel, opts.accept events), or silence on
-- anything else. Nothing observed (nil): as for V.refusal (unsent frames, a
-- drop that a control connection shared).
function V.refused(answer, closed, opts)
  opts = opts or {}
  local seen, unobserved = refusal_seen(answer, closed)
  if unobserved then return nil, unobserved end
  local ev = answer and answer.event
  if ev and (member(opts.accept or {}, ev) or (ev == SUCCEEDED and (opts.channel == nil or answer.channel == opts.channel))) then
    return false, seen .. " (accepted)"
  end
  if ev and refusal_event(ev) then return true, seen end
  if closed then return true, seen .. " (the connection was closed)" end
  if opts.channel then return true, "no subscription_succeeded for " .. opts.channel .. " (" .. seen .. ")" end
  return false, seen .. " (no refusal)"
end

-- Wait for c's answer to something just sent and judge it with V.refused.
-- opts.channel: a subscription to it (its succeeded accepts; no succeeded in the
-- window refuses); opts.accept: event names that mean accepted; opts.within: ms
-- (default 3000); opts.settle: ms to wait then for a close (default 0).
-- Returns ok (nil: nothing observed), seen, answer, closed.
function V.await_refused(c, opts)
  opts = opts or {}
  local accept = opts.accept or {}
  local answer, why = c:expect(function(m)
    if member(accept, m.event) then return true end
    if m.event == SUCCEEDED then return opts.channel == nil or m.channel == opts.channel end
    if m.event == SUB_ERROR then return m.channel == nil or m.channel == opts.channel end
    return refusal_event(m.event) and (m.channel == nil or m.channel == opts.channel)
  end, { within = opts.within or 3000, what = "an answer (accepted or refused)" })
  local closed
  if (not answer or refusal_event(answer.event)) and (c:is_closed() or (opts.settle or 0) > 0) then
    closed = c:expect_close { within = math.max(opts.settle or 0, 1) }
  end
  if not answer and closed and not closed.code and not closed.failed and (closed.unsent or 0) == 0 and
      (closed.sent or 0) > 0 and c.case and opts.control ~= false then
    closed.control = V.drop_control(c, opts.within or 3000)
  end
  local ok, seen = V.refused(answer, closed, opts)
  if not answer and why and not opts.channel then seen = seen .. ": " .. why end
  return ok, seen, answer, closed
end

-- ---------------------------------------------------------------- positive controls

-- A positive control (issue 20): the request, subscription or frame a negative
-- check ("this must be refused") alters, sent in its correct form in the same
-- scenario. rule: the clause that says the correct form is accepted (e.g.
-- AUTH-6:private-accepted); ok: whether it was; actual: what was seen. A passed
-- control is logged, not a check (its own scenario judges that rule). A failed
-- one is evidence against its own clause, wherever the scenario happened to
-- place its connections (a cluster may show it only here): a failing check of
-- that clause when the scenario declares the rule, else an incidental finding,
-- as Case:_judge_wire decides. Returned for V.negative.
function V.control(t, rule, ok, expected, actual)
  local ctl = { rule = rule, ok = ok and true or false, expected = expected,
    actual = actual ~= nil and show(actual) or "nothing" }
  t:log(string.format("control %s: %s (expected %s; actual %s)", rule, ctl.ok and "passed" or "FAILED",
    tostring(expected), ctl.actual))
  if not ctl.ok then
    local id, declared = rule:match("^[^:]+"), false
    for _, r in ipairs(t.spec and t.spec.rules or {}) do declared = declared or r == id end
    if declared then t:check(rule, false, expected, ctl.actual)
    else t:incidental(rule, expected, ctl.actual) end
  end
  return ctl
end

-- The control's outcome as a text for an error: "control failed: RULE: ACTUAL".
function V.control_failure(ctl)
  return "control failed: " .. ctl.rule .. " (" .. tostring(ctl.expected) .. "): " .. ctl.actual
end

-- A negative check behind its control: when ctl passed, t:judge(rule, ok, ...);
-- when it failed (or there is none: ctl false), the rule is the error
-- "control failed: ..." (Case:unjudged), never a fail: a server that refuses the
-- correct form too tells nothing about the altered one. Returns ok, or nil.
function V.negative(t, ctl, rule, ok, expected, actual)
  if not (ctl and ctl.ok) then
    t:unjudged(rule, ctl and V.control_failure(ctl) or "control failed: no control was run", expected)
    return nil
  end
  return t:judge(rule, ok, expected, actual)
end

-- SUB-1: is m the subscription_succeeded for channel?
function V.subscribed(m, channel)
  if type(m) ~= "table" then return false, "no message" end
  if m.event == SUCCEEDED and m.channel == channel then return true, show(m) end
  return false, show(m) .. " (not " .. SUCCEEDED .. " for " .. tostring(channel) .. ")"
end

-- FRAME-1/2/3: the schema of a server message is the codec's (harness/core/frame.c):
-- ok when it reported no MUST violation (opts.should: none at all; opts.rule: of
-- that rule only); the text lists the violations.
function V.server_message(m, opts)
  opts = opts or {}
  if type(m) ~= "table" then return false, "no message" end
  local bad = {}
  for _, v in ipairs(m.violations or {}) do
    if (opts.should or not v.should) and (not opts.rule or v.rule == opts.rule) then
      bad[#bad + 1] = v.rule .. ": " .. v.text
    end
  end
  if #bad == 0 then return true, show(m) end
  return false, table.concat(bad, "; ") .. " in " .. show(m)
end

-- HTTP-1: the answer to a correctly signed POST /events is HTTP 200 with a
-- JSON object body. res: what Case:api returned.
function V.trigger_answer(res)
  local text = res.status == 0 and tostring(res.error) or (res.status .. " " .. tostring(res.body))
  if res.status ~= 200 then return false, "HTTP " .. text end
  if type(res.json) ~= "table" or not tostring(res.body):match("^%s*{") then
    return false, "HTTP " .. text .. " (the body is not a JSON object)"
  end
  return true, "HTTP " .. text
end

-- ---------------------------------------------------------------- gathering from a connection

-- Was c dropped for what was sent on it? A fresh connection to the same app
-- that only sends pusher:ping tells: "dropped" (it too ends without a close
-- frame), "kept" (pusher:pong), "down" (it cannot open), or "other".
function V.drop_control(c, within)
  local k = c.case:connect { app = c.app }
  local outcome = "other"
  if k:established { within = within } then
    k:send { event = "pusher:ping", data = {} }
    if k:expect({ event = "pusher:pong" }, { within = within }) then outcome = "kept" end
  end
  if outcome == "other" and k:is_closed() then
    outcome = k:state() == "failed" and "down" or (not k:info().close_frame and "dropped" or "other")
  end
  k:release()
  return outcome
end

-- Wait for c's answer to something just sent and judge it with V.refusal.
-- opts.channel: subscription answers about it count (succeeded = accepted;
-- a subscription_error without a channel too);
-- opts.accept: other event names that mean accepted (e.g. pusher:signin_success);
-- opts.within: ms for the answer (default 3000); opts.settle: ms to wait then for
-- the close, unless accepted (default 0: only a close already seen counts).
-- opts.code, opts.close_codes, opts.http_error: as for V.refusal. A connection
-- dropped without a close frame after frames were sent on it gets a control
-- (V.drop_control; opts.control = false: none): closed.control is its outcome.
-- Returns ok (nil: nothing observed, as for V.refusal), seen, answer, closed.
function V.await_refusal(c, opts)
  opts = opts or {}
  local accept = opts.accept or {}
  local answer, why = c:expect(function(m)
    if m.event == "pusher:error" or member(accept, m.event) then return true end
    if m.event == SUB_ERROR then return m.channel == nil or m.channel == opts.channel end   -- FRAME-3 judges the rest
    return opts.channel ~= nil and m.channel == opts.channel and m.event == SUCCEEDED
  end, { within = opts.within or 3000, what = "pusher:error, subscription answer or accepted event" })
  local closed
  if (not answer or answer.event == "pusher:error") and (c:is_closed() or (opts.settle or 0) > 0) then
    closed = c:expect_close { within = math.max(opts.settle or 0, 1) }
  end
  -- dropped without a close frame after what was sent reached the server: a
  -- failure, unless the server drops a connection that did nothing wrong too
  if not answer and closed and not closed.code and not closed.failed and (closed.unsent or 0) == 0 and
      (closed.sent or 0) > 0 and c.case and opts.control ~= false then
    closed.control = V.drop_control(c, opts.within or 3000)
  end
  local ok, seen = V.refusal(answer, closed, opts)
  if not answer and why then seen = seen .. ": " .. why end   -- what arrived instead
  return ok, seen, answer, closed
end

-- SUB-3, FRAME-5: c is still open and answers pusher:ping with pusher:pong
-- (other messages stay queued); opts.subscribe = CHANNEL also needs a
-- subscription to it to succeed. opts.within: ms per answer (default 3000).
function V.usable(c, opts)
  opts = opts or {}
  local within = { within = opts.within or 3000 }
  if c:is_closed() then return false, "the connection is " .. c:close_text() end
  c:send { event = "pusher:ping", data = {} }
  local pong, why = c:expect({ event = "pusher:pong" }, within)
  if not pong then return false, "pusher:ping got no pusher:pong: " .. tostring(why) end
  if opts.subscribe then
    c:subscribe(opts.subscribe)
    local m, why2 = c:subscribed(opts.subscribe, within)
    if not m then return false, "subscribing to " .. opts.subscribe .. " failed: " .. tostring(why2) end
  end
  return true, "pusher:pong" .. (opts.subscribe and (" and subscribed to " .. opts.subscribe) or "")
end

-- Liveness (the harness's check after a destructive scenario, and t:input's
-- after each input but the last): a fresh connection gets connection_established,
-- subscribes to a fresh public channel, and an event triggered over HTTP reaches
-- it. Any 2xx answers a trigger. opts.within: ms per step (default 3000).
-- Returns ok, why; the connection is released either way.
function V.alive(t, opts)
  local nodes = P.target and P.target.nodes
  if nodes and not (opts and opts.node) then
    -- a cluster serves when every node does: each node's subscriber gets a trigger sent
    -- through the next node
    for i, n in ipairs(nodes) do
      local ok, why = V.alive(t, { within = opts and opts.within, node = i, via = i % #nodes + 1 })
      if not ok then return false, n.name .. " (" .. n.url .. "): " .. why end
    end
    return true, ""
  end
  local within = { within = opts and opts.within or 3000 }
  local c = t:connect { node = opts and opts.node }
  local function done(ok, why)
    c:release()
    return ok, why
  end
  local m, why = c:established(within)
  if not m then return done(false, "no connection_established: " .. why) end
  local ch = t:channel("alive-")
  c:subscribe(ch)
  local sub, why2 = c:subscribed(ch, within)
  if not sub then return done(false, "subscribe failed: " .. why2) end
  -- lenient like any set-up trigger: either body form, any 2xx
  local res = t:publish({ channel = ch, name = "alive", data = "1" }, { within = within.within,
    node = opts and opts.via }, "probe")
  if res.status < 200 or res.status > 299 then
    local body = res.error ~= nil and res.error ~= "" and res.error or res.body or ""
    return done(false, "trigger answered " .. res.status .. " " .. body:sub(1, 200))
  end
  local e, why3 = c:expect({ event = "alive" }, within)
  if not e then return done(false, "the triggered event was not delivered: " .. why3) end
  return done(true, "")
end

return V
