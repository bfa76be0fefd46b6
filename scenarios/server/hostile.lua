-- FRAME-4, FRAME-5: hostile client input (RULES.md "FRAME — message format").
-- One scenario per input, tagged destructive: they run last, one at a time,
-- and the harness checks after each that the server still serves, so an input
-- that kills the server is named exactly; a scenario that sends several names
-- each with t:input, which checks the server between them.
local scenario = ps.scenario

local function nested(depth)
  return string.rep('{"a":', depth) .. "1" .. string.rep("}", depth)
end

-- send(c, t) sends the input on a fresh connection.
local INPUTS = {
  { id = "invalid-json", what = "invalid JSON", send = function(c) c:send_raw('{"event":"pusher:ping",') end },
  { id = "truncated-json", what = "truncated JSON", send = function(c) c:send_raw('{"event":"pusher:subscri') end },
  { id = "not-an-object", what = "a JSON array", send = function(c) c:send_raw('["pusher:ping",{}]') end },
  { id = "json-scalar", what = "a JSON number", send = function(c) c:send_raw("42") end },
  { id = "missing-event", what = "an object without event", send = function(c) c:send_raw('{"data":{}}') end },
  { id = "event-not-string", what = "a numeric event", send = function(c) c:send_raw('{"event":12,"data":{}}') end },
  { id = "deep-nesting", what = "JSON nested 10000 deep",
    send = function(c) c:send_raw('{"event":"pusher:ping","data":' .. nested(10000) .. "}") end },
  { id = "binary-frame", what = "a binary frame", send = function(c) c:send_binary('{"event":"pusher:ping","data":{}}') end },
  { id = "invalid-utf8", what = "a text frame with invalid UTF-8", fault = "invalid-payload",
    send = function(c) c:send_raw('{"event":"pusher:ping","data":{"x":"\xff\xfe\xc0\xaf"}}') end },
  { id = "oversized", what = "a 1.1 MiB frame", within = 3000, fault = "too-big",   -- reading 1.1 MiB takes a loaded server a while
    send = function(c) c:send_raw('{"event":"client-big","channel":"x","data":"' .. string.rep("x", 1153434) .. '"}') end },
  { id = "subscribe-no-data", what = 'pusher:subscribe without data',
    send = function(c) c:send_raw('{"event":"pusher:subscribe"}') end },
  { id = "subscribe-data-string", what = "pusher:subscribe whose data is a string",
    send = function(c) c:send_raw('{"event":"pusher:subscribe","data":"my-channel"}') end },
  { id = "subscribe-data-number", what = "pusher:subscribe whose data is a number",
    send = function(c) c:send_raw('{"event":"pusher:subscribe","data":7}') end },
  { id = "subscribe-no-channel", what = "pusher:subscribe without a channel",
    send = function(c) c:send_raw('{"event":"pusher:subscribe","data":{}}') end },
  { id = "subscribe-channel-not-string", what = "pusher:subscribe whose channel is a number",
    send = function(c) c:send_raw('{"event":"pusher:subscribe","data":{"channel":12}}') end },
  { id = "unsubscribe-no-channel", what = "pusher:unsubscribe without a channel",
    send = function(c) c:send_raw('{"event":"pusher:unsubscribe","data":{}}') end },
  { id = "unsubscribe-data-string", what = "pusher:unsubscribe whose data is a string",
    send = function(c) c:send_raw('{"event":"pusher:unsubscribe","data":"x"}') end },
  { id = "signin-no-data", what = "pusher:signin without data",
    send = function(c) c:send_raw('{"event":"pusher:signin"}') end },
  { id = "signin-data-string", what = "pusher:signin whose data is a string",
    send = function(c) c:send_raw('{"event":"pusher:signin","data":"x"}') end },
  { id = "signin-user-data-not-json", what = "pusher:signin whose user_data is not JSON",
    send = function(c) c:send_raw('{"event":"pusher:signin","data":{"auth":"a:b","user_data":"{nope"}}') end },
}

-- FRAME-4's clause (scenarios/CLAUSES.md) each input judges; pusher: events with
-- data or fields of the wrong type are "wrong-data-types".
local CLAUSE = {
  ["invalid-json"] = ps.clause("FRAME-4:invalid-json"), ["truncated-json"] = ps.clause("FRAME-4:invalid-json"),
  ["not-an-object"] = ps.clause("FRAME-4:non-object"), ["json-scalar"] = ps.clause("FRAME-4:non-object"),
  ["missing-event"] = ps.clause("FRAME-4:event-missing"),
  ["event-not-string"] = ps.clause("FRAME-4:event-not-string"), ["deep-nesting"] = ps.clause("FRAME-4:deep-nesting"),
  ["binary-frame"] = ps.clause("FRAME-4:binary-frame"), ["invalid-utf8"] = ps.clause("FRAME-4:invalid-utf8"),
  ["oversized"] = ps.clause("FRAME-4:oversized"),
}

for _, input in ipairs(INPUTS) do
  local answered = CLAUSE[input.id] or ps.clause("FRAME-4:wrong-data-types")
  scenario {
    id = "frame-hostile-" .. input.id,
    title = "The server survives " .. input.what .. " and refuses it with a documented error or close",
    rules = { "FRAME-4" },
    tags = { "destructive" },
    timeout = 20,
    run = function(t)
      local ch = t:channel("pub-")
      local bystander = t:open()
      bystander:subscribe(ch)
      t:joined(bystander, ch, "a bystander")
      local victim = t:open()
      t:input(input.what)
      -- the WebSocket-level fault this input commits (its RFC 6455 close code is documented too);
      -- Conn marks invalid UTF-8 itself, the size of a frame is this scenario's to say
      victim.ws_fault = input.fault
      input.send(victim)
      local documented = ps.verify.DOCUMENTED_CLOSE ..
        (input.fault and (", or " .. ps.verify.WS_FAULT_CODE[input.fault] .. " (RFC 6455)") or "")
      -- a server that refuses input does so at once; silence is the failure
      local answer = victim:expect(function(m) return m.event == "pusher:error" end, { within = input.within or 600 })
      local closed = not answer and victim:expect_close { within = 200 }
      local ok = answer ~= nil or (closed and ps.verify.documented_close(closed.code, input.fault))
      if closed and closed.code then
        t:check("FRAME-4:documented-close", ps.verify.documented_close(closed.code, input.fault), "a close code " ..
          documented .. " for " .. input.what, closed.text)
      end
      t:check(answered, ok, "pusher:error or a close with a documented code (" .. documented .. ") for " .. input.what,
        answer or (closed and closed.text) or "no answer and the connection stayed open")
      local res, seen = t:publish({ channel = ch, name = "still-alive", data = "1" }, nil, "check")
      local m, why = bystander:expect({ event = "still-alive" }, { within = 3000 })
      t:check("FRAME-4:others-keep-working", res.status >= 200 and res.status < 300 and m ~= nil, "another connection keeps getting events",
        m and "" or (seen .. "; " .. tostring(why)))
    end,
  }
end

scenario {
  id = "frame-unknown-pusher-event",
  title = "Unknown pusher: events are answered with pusher:error or ignored",
  rules = { "FRAME-5" },
  tags = { "destructive" },
  run = function(t)
    local c = t:open()
    t:input("pusher:no_such_event")
    c:send { event = "pusher:no_such_event", data = { x = 1 } }
    t:input("a client-sent pusher_internal:member_added")
    c:send { event = "pusher_internal:member_added", channel = t:channel("presence-"), data = { user_id = "x" } }
    local usable, why = ps.verify.usable(c)
    t:check("FRAME-5:no-crash", usable, "the connection still answers pusher:ping after unknown pusher: events", why)
    for _, m in ipairs(c.inbox) do
      t:check("FRAME-5:answered-or-ignored", m.event == "pusher:error", "nothing but pusher:error in answer", m)
    end
  end,
}

local BAD_BODIES = {
  { what = "a JSON array", body = "[]" },
  { what = "a numeric name and string channels", body = '{"name":5,"channels":"x","data":"{}"}' },
  { what = "no channels", body = '{"name":"x","data":"{}"}' },
  { what = "data as an object", body = '{"name":"x","channels":["a"],"data":{"k":1}}' },
  { what = "a null body", body = "null" },
}

scenario {
  id = "frame-hostile-http-bodies",
  title = "HTTP API bodies of the wrong shape are refused with 4xx and the server survives",
  rules = { "FRAME-4" },
  tags = { "destructive" },
  run = function(t)
    for _, case in ipairs(BAD_BODIES) do
      t:input("POST /events with a body of " .. case.what .. ": " .. case.body)
      local res = t:api("POST", "/events", { body = case.body, within = 2000 })
      t:check("FRAME-4:http-body-4xx", res.status >= 400 and res.status < 500, "HTTP 4xx for a body with " .. case.what,
        res.status == 0 and res.error or (res.status .. " " .. res.body))
    end
  end,
}
