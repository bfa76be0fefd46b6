-- CEV: client events (RULES.md "CEV — client events").
local scenario = ps.scenario

-- n connections (of app, default the main one) subscribed to ch; presence
-- members are user_id PREFIX-i with user_info {i = i}.
local function members(t, rule, ch, n, app, prefix)
  return t:subscribers(rule, ch, n, { app = app,
    user = function(i) return { user_id = prefix .. "-" .. i, user_info = { i = i } } end })
end

-- The top-level user_id of a received message (as text), or nil.
local function user_id_of(m)
  local root = ps.json.decode(m.raw)
  return type(root) == "table" and root.user_id ~= nil and tostring(root.user_id) or nil
end

local function client_event(c, ch, name, data)
  c:send { event = name, channel = ch, data = data }
end

-- Positive control for a "not delivered" check (ps.verify.control): an
-- HTTP-triggered event on ch reaches the witness (EVT-1), so a silent witness
-- was really listening. forbidden: the event names that must not have reached
-- the witness before the control either (a relay slower than the silence window
-- is still a relay): returns the control and those late events, by name.
local function control(t, witness, ch, app, forbidden)
  t:publish({ channel = ch, name = "control", data = "still here" }, { app = app })
  local m, why = witness:expect { event = "control", channel = ch }
  local ctl = ps.verify.control(t, "EVT-1:name", m ~= nil, "the witness gets an event triggered on " .. ch ..
    " after the client event", m or why)
  local late = {}
  for _, name in ipairs(forbidden or {}) do
    for _, x in ipairs(witness.inbox) do if x.event == name then late[name] = x end end
  end
  return ctl, late
end

-- A "not delivered" check behind its control: silent until the control event arrived.
local function not_delivered(t, ctl, late, clause, quiet, leaked, expected)
  ps.verify.negative(t, ctl, clause, quiet and not late, expected .. " (nor before the control event)", leaked or late)
end

-- A pusher:error answer on c, or nil and why.
local function error_answer(c, within)
  return c:expect({ event = "pusher:error" }, { within = within or 2000 })
end

scenario {
  id = "cev-private-relay",
  title = "A client- event on a private channel reaches the other subscribers, not the sender",
  rules = { "CEV-1" },
  run = function(t)
    local ch = t:channel("private-")
    local c = members(t, "CEV-1", ch, 3)
    client_event(c[1], ch, "client-greeting", { text = "hi", n = 1 })
    for i = 2, 3 do
      local m, why = c[i]:expect { event = "client-greeting", channel = ch }
      t:check("CEV-1:reaches-others", m and type(m.payload) == "table" and m.payload.text == "hi" and m.payload.n == 1,
        "subscriber " .. i .. " gets client-greeting on " .. ch .. " with data {text: hi, n: 1}", m or why)
    end
    local quiet, echo = c[1]:expect_silence(1000, { event = "client-greeting" })
    t:check("CEV-1:not-sender", quiet, "the sender does not get its own client-greeting back", echo)
    -- positive control: the sender's connection does receive client events of others
    client_event(c[2], ch, "client-reply", { text = "back" })
    local m, why = c[1]:expect { event = "client-reply", channel = ch }
    t:check("CEV-1:reaches-others", m ~= nil, "the first sender gets client-reply sent by another subscriber", m or why)
  end,
}

scenario {
  id = "cev-presence-relay",
  title = "A client- event on a presence channel reaches the other members, not the sender, with the sender's user_id",
  rules = { "CEV-1", "CEV-5" },
  run = function(t)
    local ch = t:channel("presence-")
    local prefix = t:channel("")
    local c = members(t, "CEV-1", ch, 3, nil, prefix)
    client_event(c[1], ch, "client-wave", { hand = "left" })
    for i = 2, 3 do
      local m, why = c[i]:expect { event = "client-wave", channel = ch }
      t:check("CEV-1:reaches-others", m and type(m.payload) == "table" and m.payload.hand == "left",
        "member " .. i .. " gets client-wave on " .. ch .. " with data {hand: left}", m or why)
      if m then
        t:check("CEV-5:user-id", user_id_of(m) == prefix .. "-1",
          "the delivered client-wave carries user_id " .. prefix .. "-1 (the sender)", m)
      else
        t:check("CEV-5:user-id", false, "a delivered client-wave carrying the sender's user_id", why)
      end
    end
    local quiet, echo = c[1]:expect_silence(1000, { event = "client-wave" })
    t:check("CEV-1:not-sender", quiet, "the sender does not get its own client-wave back", echo)
    client_event(c[3], ch, "client-wave-back", "plain string data")
    local m, why = c[1]:expect { event = "client-wave-back", channel = ch }
    t:check("CEV-1:reaches-others", m and m.data == "plain string data",
      "the first sender gets client-wave-back (string data) sent by member 3", m or why)
    if m then
      t:check("CEV-5:user-id", user_id_of(m) == prefix .. "-3",
        "the delivered client-wave-back carries user_id " .. prefix .. "-3 (its sender)", m)
    end
  end,
}

scenario {
  id = "cev-public-refused",
  title = "A client event on a public channel is refused with pusher:error and not delivered",
  rules = { "CEV-2" },
  run = function(t)
    local ch = t:channel("pub-")
    local c = members(t, "CEV-2", ch, 2)
    client_event(c[1], ch, "client-shout", { text = "public" })
    local err, why = error_answer(c[1])
    t:check("CEV-2:error", err ~= nil, "pusher:error for client-shout on the public channel " .. ch, err or why)
    local quiet, leaked = c[2]:expect_silence(1000, { event = "client-shout" })
    local ctl, late = control(t, c[2], ch, nil, { "client-shout" })
    not_delivered(t, ctl, late["client-shout"], ps.clause("CEV-2:not-delivered"), quiet, leaked,
      "the other subscriber of " .. ch .. " does not get client-shout")
  end,
}

scenario {
  id = "cev-without-prefix",
  title = "An event a client sends without the client- prefix is not delivered",
  rules = { "CEV-3" },
  run = function(t)
    local ch = t:channel("private-")
    local c = members(t, "CEV-3", ch, 2)
    local seen = {}
    for _, name in ipairs { "greeting", "my-client-greeting" } do
      client_event(c[1], ch, name, { text = "no prefix" })
      local quiet, leaked = c[2]:expect_silence(1000, { event = name })
      seen[#seen + 1] = { name, quiet, leaked }
    end
    -- positive control: the same sender's client- event does arrive (CEV-1)
    client_event(c[1], ch, "client-greeting", { text = "prefixed" })
    local m, why = c[2]:expect { event = "client-greeting", channel = ch }
    local ctl = ps.verify.control(t, "CEV-1:reaches-others", m ~= nil, "the other subscriber gets a later client-greeting " ..
      "from the same sender", m or why)
    for _, x in ipairs(seen) do
      local late   -- a relay slower than the silence window is still a relay
      for _, y in ipairs(c[2].inbox) do if y.event == x[1] then late = y end end
      not_delivered(t, ctl, late, ps.clause("CEV-3:not-delivered"), x[2], x[3], "the other subscriber does not get '" .. x[1] ..
        "' sent by a client")
    end
  end,
}

scenario {
  id = "cev-not-subscribed",
  title = "A client event on a channel the sender is not subscribed to is not delivered",
  rules = { "CEV-4" },
  run = function(t)
    local ch = t:channel("private-")
    local witness = members(t, "CEV-4", ch, 1)[1]
    local stranger = t:open()
    client_event(stranger, ch, "client-intrude", { from = "never subscribed" })
    local quiet1, leaked1 = witness:expect_silence(1000, { event = "client-intrude" })
    local leaver = members(t, "CEV-4", ch, 1)[1]
    leaver:unsubscribe(ch)
    t:sleep(300)
    client_event(leaver, ch, "client-after-leaving", { from = "unsubscribed" })
    local quiet2, leaked2 = witness:expect_silence(1000, { event = "client-after-leaving" })
    local ctl, late = control(t, witness, ch, nil, { "client-intrude", "client-after-leaving" })
    not_delivered(t, ctl, late["client-intrude"], ps.clause("CEV-4:never-subscribed"), quiet1, leaked1,
      "the subscriber does not get client-intrude from a connection never subscribed")
    not_delivered(t, ctl, late["client-after-leaving"], ps.clause("CEV-4:after-unsubscribe"), quiet2, leaked2,
      "the subscriber does not get client-after-leaving from a connection that unsubscribed")
  end,
}

scenario {
  id = "cev-rate-limit",
  title = "Client events over the app's rate are answered with pusher:error 4301",
  rules = { "CEV-6" },
  profile = "client_event_rate",
  run = function(t)
    local rate = t:profile("client_event_rate").per_second or 10
    local ch = t:channel("private-")
    local c = members(t, "CEV-6", ch, 2, "client_event_rate")
    local sent = rate * 4
    for i = 1, sent do client_event(c[1], ch, "client-burst", { i = i }) end
    local err, why = c[1]:expect({ event = "pusher:error" }, { within = 3000 })
    local code = err and type(err.payload) == "table" and err.payload.code
    t:check("CEV-6:code-4301", code == 4301, sent .. " client events at once (rate " .. rate ..
      "/s) give pusher:error with code 4301", err or why)
    local got = 0
    while c[2]:expect({ event = "client-burst" }, { within = 300 }) do got = got + 1 end
    t:log("the other subscriber got " .. got .. " of " .. sent .. " client-burst events")
  end,
}

scenario {
  id = "cev-disabled-app",
  title = "An app with client events off does not deliver them",
  rules = { "CEV-7" },
  profile = "client_events_disabled",
  run = function(t)
    local app = "client_events_disabled"
    local ch = t:channel("private-")
    local c = members(t, "CEV-7", ch, 2, app)
    client_event(c[1], ch, "client-muted", { text = "off" })
    local quiet, leaked = c[2]:expect_silence(1000, { event = "client-muted" })
    local err = c[1]:expect({ event = "pusher:error" }, { within = 100 })
    if err then t:log("the sender got a pusher:error:", err) else t:log("the sender got no pusher:error") end
    local ctl, late = control(t, c[2], ch, app, { "client-muted" })
    not_delivered(t, ctl, late["client-muted"], ps.clause("CEV-7:not-delivered"), quiet, leaked,
      "the other subscriber does not get client-muted")
  end,
}
