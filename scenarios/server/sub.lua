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
    local m, why = c:subscribed(ch)
    t:check("SUB-1", m ~= nil, "pusher_internal:subscription_succeeded with channel " .. ch, m or why)
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
    t:check("SUB-2", quiet, "no reply to pusher:unsubscribe", reply)
    t:publish { channel = ch, name = "after-unsubscribe", data = "x" }
    local got, why = witness:expect { event = "after-unsubscribe", channel = ch }
    t:require("SUB-2", got, "the still-subscribed witness gets the event", why)
    local none, leaked = a:expect_silence(1000, { channel = ch })
    t:check("SUB-2", none, "no event of " .. ch .. " after unsubscribing", leaked)
  end,
}

scenario {
  id = "sub-invalid-names",
  title = "Invalid channel names are refused and the connection stays usable",
  rules = { "SUB-3" },
  run = function(t)
    local c = t:open()
    for _, ch in ipairs { "bad channel!", "bad:channel", string.rep("a", 165), "" } do
      c:subscribe(ch, { auth = false })
      local refused, seen = ps.verify.await_refusal(c, { channel = ch, within = 5000 })
      local shown = #ch > 20 and (ch:sub(1, 10) .. "... (" .. #ch .. " chars)") or ("'" .. ch .. "'")
      t:judge("SUB-3", refused, "subscription_error or pusher:error for channel " .. shown, seen)
      if c:is_closed() then break end
    end
    local usable, why = ps.verify.usable(c, { subscribe = t:channel("pub-") })
    t:check("SUB-3", usable, "the connection stays usable: pusher:ping answered, a valid subscription works", why)
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
      local seen = {}
      for _ = 1, 5 do
        local m = c:expect { event = "seq", channel = ch }
        if not m then break end
        seen[#seen + 1] = m.data
      end
      local extra = c:expect_silence(500, { event = "seq" })
      t:check("SUB-4", table.concat(seen, ",") == "1,2,3,4,5" and extra,
        "subscriber " .. n .. " gets 1,2,3,4,5 once each", table.concat(seen, ",") .. (extra and "" or " and more"))
    end
  end,
}
