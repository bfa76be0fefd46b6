-- SUB: subscribing and unsubscribing (RULES.md "SUB — subscriptions").
local scenario = ps.scenario

scenario {
  id = "sub-public",
  title = "Subscribing to a public channel yields subscription_succeeded naming it",
  rules = { "SUB-1", "FRAME-3" },
  wire = { "FRAME-3" },
  run = function(t)
    local c = t:open()
    local ch = t:channel("pub-")
    c:subscribe(ch)
    local m, why, answer = c:subscribed(ch)
    -- a subscription_succeeded naming another channel (or none) still answers the subscribe
    answer = m or answer or c:expect({ event = "pusher_internal:subscription_succeeded" }, { within = 100 })
    t:check("SUB-1:succeeded", answer and answer.event == "pusher_internal:subscription_succeeded",
      "pusher_internal:subscription_succeeded for " .. ch, answer or why)
    t:check("SUB-1:names-channel", m ~= nil, "pusher_internal:subscription_succeeded with channel " .. ch, m or why)
  end,
}

scenario {
  id = "sub-unsubscribe-stops-events",
  title = "After pusher:unsubscribe no events of the channel arrive and nothing is answered",
  rules = { "SUB-2" },
  run = function(t)
    local ch = t:channel("pub-")
    local a, witness = t:open(), t:open()
    a:subscribe(ch)
    witness:subscribe(ch)
    t:joined(a, ch, "the connection that unsubscribes")
    t:joined(witness, ch, "the witness")
    a:unsubscribe(ch)
    local quiet, reply = a:expect_silence(1000)
    t:check("SUB-2:no-reply", quiet, "no reply to pusher:unsubscribe", reply)
    t:publish { channel = ch, name = "after-unsubscribe", data = "x" }
    local got, why = witness:expect { event = "after-unsubscribe", channel = ch }
    -- the positive control (ps.verify.control): the still-subscribed witness gets the event
    local ctl = ps.verify.control(t, "EVT-1:name", got ~= nil, "the still-subscribed witness gets the event", got or why)
    local none, leaked = a:expect_silence(1000, { channel = ch })
    ps.verify.negative(t, ctl, "SUB-2:no-events-after", none, "no event of " .. ch .. " after unsubscribing", leaked)
  end,
}

scenario {
  id = "sub-invalid-names",
  title = "Invalid channel names are refused and the connection stays usable",
  rules = { "SUB-3" },
  run = function(t)
    local c = t:open()
    -- the positive control: a valid name is subscribed on the same connection (SUB-1)
    local good = t:channel("pub-")
    c:subscribe(good)
    local m, why0 = c:subscribed(good)
    local ctl = ps.verify.control(t, "SUB-1:succeeded", m ~= nil, "subscription_succeeded for " .. good, m or why0)
    local long = t:channel("pub-")
    long = long .. string.rep("a", 165 - #long)
    for _, case in ipairs { { "bad channel!", ps.clause("SUB-3:bad-characters") }, { "bad:channel", ps.clause("SUB-3:bad-characters") },
      { "", ps.clause("SUB-3:bad-characters") }, { long, ps.clause("SUB-3:too-long") } } do
      local ch = case[1]
      c:subscribe(ch, { auth = false })
      -- any recognizable refusal: the form of a subscription refusal is AUTH-1's, a close code CONN-10's
      local refused, seen = ps.verify.await_refused(c, { channel = ch, within = 2500 })
      local shown = #ch > 20 and (ch:sub(1, 10) .. "... (" .. #ch .. " chars)") or ("'" .. ch .. "'")
      ps.verify.negative(t, ctl, case[2], refused, "channel " .. shown .. " is refused (no subscription_succeeded)", seen)
      if c:is_closed() then break end
    end
    -- the limit is 164, not lower: a valid name of exactly 164 characters is a channel
    local max = t:channel("pub-")
    max = max .. string.rep("b", 164 - #max)
    local ok164, why164 = ps.verify.usable(c, { subscribe = max })
    t:check("SUB-3:max-length-accepted", ok164, "subscription_succeeded for a valid 164-character name", why164)
    local usable, why = ps.verify.usable(c, { subscribe = t:channel("pub-") })
    t:check("SUB-3:stays-usable", usable, "the connection stays usable: pusher:ping answered, a valid subscription works", why)
  end,
}

scenario {
  id = "sub-delivery-once-in-order",
  title = "Every subscriber gets each triggered event exactly once, in publishing order",
  rules = { "SUB-4" },
  run = function(t)
    local ch = t:channel("pub-")
    local subs = { (t:open()), (t:open()), (t:open()) }
    for _, c in ipairs(subs) do c:subscribe(ch) end
    for i, c in ipairs(subs) do t:joined(c, ch, "subscriber " .. i) end
    for i = 1, 5 do
      t:publish { channel = ch, name = "seq", data = tostring(i) }
    end
    for n, c in ipairs(subs) do
      -- every seq event until 500 ms of silence after the fifth (a duplicate is seen, not cut off)
      local seen, firsts, got, dup = {}, {}, {}, false
      while #seen < 20 do
        local m = c:expect({ event = "seq", channel = ch }, { within = #seen < 5 and 5000 or 500 })
        if not m then break end
        seen[#seen + 1] = m.data
        if got[m.data] then dup = true else firsts[#firsts + 1] = m.data end
        got[m.data] = true
      end
      local all = true
      for i = 1, 5 do all = all and got[tostring(i)] == true end
      local shown = #seen > 0 and table.concat(seen, ",") or "none"
      t:check("SUB-4:every-subscriber", all, "subscriber " .. n .. " gets each of the events 1..5", shown)
      t:check("SUB-4:exactly-once", not dup and #seen <= 5, "subscriber " .. n .. " gets each event once, no more", shown)
      local ordered = true   -- judged on first arrivals: a duplicate is exactly-once's
      for i = 2, #firsts do ordered = ordered and (tonumber(firsts[i]) or 0) > (tonumber(firsts[i - 1]) or 0) end
      t:check("SUB-4:in-order", ordered, "subscriber " .. n .. " gets them in publishing order 1,2,3,4,5", shown)
    end
  end,
}
