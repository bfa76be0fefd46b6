-- CEV-8: client events the SDK sends (RULES.md "CEV — client events"). The
-- codec also checks every client- frame (prefix, channel kind, name length).
local scenario = ps.scenario

scenario {
  id = "cev-frame-format",
  title = "The client sends client events with the client- prefix on private/presence channels in the documented frame format",
  rules = { "CEV-8" },
  needs = { "client_events" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local priv, pres = t:channel("private-"), t:channel("presence-")
    t:subscribe_sdk(sdk, c, priv)
    t:subscribe_sdk(sdk, c, pres, { presence = { ids = { t.user.id }, hash = { [t.user.id] = t.user.user_info },
      count = 1 } })
    -- The rule's subject is the frame sent, not trigger's return value (true, null, a
    -- channel for chaining: SDKs differ); the reply is only shown when no frame came.
    for _, ch in ipairs { priv, pres } do
      local r, err = sdk:call("trigger", { channel = ch, event = "client-typing", data = { who = "A", n = 1 } })
      t:record("trigger_reply", r == nil and { error = tostring(err) } or r)   -- shown, not judged
      local m, why = c:expect(function(f) return f.event == "client-typing" and f.channel == ch end, { within = 3000 })
      t:check("CEV-8:frame-format", m and type(m.data) == "table" and m.data.who == "A" and m.data.n == 1,
        "{\"event\": \"client-typing\", \"channel\": \"" .. ch .. "\", \"data\": {\"who\": \"A\", \"n\": 1}}",
        m or (why .. "; trigger answered " .. (r == nil and ("error: " .. tostring(err)) or ps.json.encode(r))))
    end
    -- without the prefix: refused by the SDK (an SDK with no way to send it answers
    -- unsupported, also a refusal), nothing on the wire
    local r, err = sdk:call("trigger", { channel = priv, event = "typing", data = {} }, { unsupported_ok = true })
    local m = c:expect(function(f) return f.event == "typing" end, { within = 1000 })
    t:check("CEV-8:prefix-only", m == nil, "no frame for an event named typing (no client- prefix)", m)
    t:log("trigger without prefix answered", r or err)
  end,
}

scenario {
  id = "cev-not-on-public",
  title = "The client sends client events only on private/presence channels, never on a public one",
  rules = { "CEV-8" },
  needs = { "client_events" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local pub = t:channel("")
    t:subscribe_sdk(sdk, c, pub)
    -- an SDK with no client events on public channels (unsupported) cannot break the rule either
    local r, err = sdk:call("trigger", { channel = pub, event = "client-typing", data = { who = "A" } },
      { unsupported_ok = true })
    t:log("trigger on a public channel answered", r or err)
    local m = c:expect(function(f) return f.event == "client-typing" end, { within = 1500 })
    t:check("CEV-8:not-public", m == nil, "no client event frame on the public channel " .. pub, m)
  end,
}
