-- FRAME: the shape of every server message (RULES.md "FRAME — message format").
-- The codec validates every frame any scenario receives; this one provokes
-- most server message types so their shapes are seen.
local scenario = ps.scenario

-- The codec's violations of clause "RULE-ID:label" in the messages of list;
-- ok when none, and the text that says which.
local function clause_ok(name, list)
  local rule, label = name:match("^([^:]+):(.+)$")
  local bad = {}
  for _, m in ipairs(list) do
    for _, v in ipairs(m.violations or {}) do
      if v.rule == rule and v.label == label then bad[#bad + 1] = v.text .. " in " .. (m.raw or "a frame") end
    end
  end
  if #bad == 0 then return true, #list .. " message(s) without a violation of it" end
  return false, table.concat(bad, "; ")
end

-- Every message of list for which pick(m) is true.
local function those(list, pick)
  local out = {}
  for _, m in ipairs(list) do if pick(m) then out[#out + 1] = m end end
  return out
end

-- Checks name on the messages of list (none: nothing to judge, no check).
local function judge(t, name, list, expected)
  if #list == 0 then return t:log("no message to judge " .. name .. " on") end
  local ok, text = clause_ok(name, list)
  t:check(name, ok, expected, text)
end

scenario {
  id = "frame-wire-shapes",
  title = "Server messages of every kind are JSON objects with the documented data encoding",
  rules = { "FRAME-1", "FRAME-2", "FRAME-3" },
  wire = { "FRAME-1", "FRAME-2", "FRAME-3" },
  -- a server whose frames are all malformed makes each expect wait its full time: the scenario
  -- must outlive them, so the frames' violations are judged instead of a timeout
  timeout = 60,
  run = function(t)
    local seen = {}
    local function got(m) if m then seen[#seen + 1] = m end return m end
    local a, ea = t:open()
    local b, eb = t:open()
    got(ea)
    got(eb)
    local pub, priv, pres = t:channel("pub-"), t:channel("private-"), t:channel("presence-")
    local cache = t:channel("cache-")
    for _, c in ipairs { a, b } do
      c:subscribe(pub)
      c:subscribe(priv)
    end
    a:subscribe(pres, { user = { user_id = "frame-a" } })
    a:subscribe(cache)
    for _, ch in ipairs { pub, priv, pres, cache } do got(a:subscribed(ch)) end
    got(a:expect({ event = "pusher:cache_miss" }, { within = 2000 }))
    got(b:subscribed(pub))
    got(b:subscribed(priv))
    b:subscribe(pres, { user = { user_id = "frame-b", user_info = { n = 1 } } })
    got(b:subscribed(pres))
    got(a:expect { event = "pusher_internal:member_added" })
    b:unsubscribe(pres)
    got(a:expect { event = "pusher_internal:member_removed" })
    t:publish { channels = { pub, priv }, name = "shape", data = '{"k":"v"}' }
    got(a:expect { event = "shape", channel = pub })
    got(a:expect { event = "shape", channel = priv })
    b:send { event = "client-shape", channel = priv, data = { k = 1 } }
    got(a:expect({ event = "client-shape" }, { within = 2000 }))
    a:send { event = "pusher:ping", data = {} }
    got(a:expect { event = "pusher:pong" })
    local refused = t:channel("private-")
    a:subscribe(refused, { auth = "bad:signature" })
    local _, _, answer = ps.verify.await_refusal(a, { channel = refused, within = 5000 })
    got(answer)
    for _, c in ipairs { a, b } do   -- whatever else arrived is judged too
      c:pump()
      for _, m in ipairs(c.inbox) do got(m) end
    end
    local nontext = those(seen, function(m) return m.kind ~= "text" end)
    local text_ok, text_why = clause_ok("FRAME-1:text-frame", seen)
    t:check("FRAME-1:text-frame", #nontext == 0 and text_ok, "every message a text frame", #nontext > 0 and
      (#nontext .. " of " .. #seen .. " messages in " .. tostring(nontext[1].kind) .. " frames, e.g. " ..
        tostring(nontext[1].raw)) or text_why)
    judge(t, "FRAME-1:json-object", seen, "every message one JSON object")
    judge(t, ps.clause("FRAME-1:event-string"), seen, "every message with a string event")
    local function ev(name) return those(seen, function(m) return m.event == name end) end
    local function kind(list) return those(list, function(m) return m.data_kind ~= "string" end) end
    local est = ev("pusher:connection_established")
    judge(t, "FRAME-2:established-data", est, "connection_established data a JSON string with socket_id, activity_timeout")
    t:check("FRAME-2:established-data", #est == 2 and #kind(est) == 0, "two connection_established, data a JSON string",
      #kind(est) > 0 and kind(est)[1] or (#est .. " seen"))
    local succ = ev("pusher_internal:subscription_succeeded")
    -- presence and other channels apart: a deviation on one kind does not hide one on the other
    for _, part in ipairs { { "presence", true }, { "non-presence", false } } do
      local these = those(succ, function(m) return (m.channel == pres) == part[2] end)
      judge(t, "FRAME-2:succeeded-data", these, part[1] .. " subscription_succeeded data a JSON string holding an object")
      t:check("FRAME-2:succeeded-data", #these > 0 and #kind(these) == 0,
        part[1] .. " subscription_succeeded data a JSON string", #kind(these) > 0 and kind(these)[1] or (#these .. " seen"))
    end
    local members = those(seen, function(m) return (m.event or ""):match("^pusher_internal:member_") ~= nil end)
    judge(t, "FRAME-2:member-data", members, "member_added/removed data a JSON string with user_id")
    t:check("FRAME-2:member-data", #members == 2 and #kind(members) == 0, "member_added and member_removed, data a JSON string",
      #kind(members) > 0 and kind(members)[1] or (#members .. " seen"))
    judge(t, ps.clause("FRAME-2:internal-data"), those(seen, function(m)
      return (m.event or ""):match("^pusher_internal:") and m.event ~= "pusher_internal:subscription_succeeded" and
        not m.event:match("^pusher_internal:member_")
    end), "other pusher_internal: events with data a JSON string matching their schema")
    judge(t, ps.clause("FRAME-2:reply-schema"), those(seen, function(m) return m.event == "pusher:error" end),
      "pusher:error data holding message (and code)")
    judge(t, ps.clause("FRAME-3:succeeded-channel"), succ, "subscription_succeeded with channel")
    judge(t, ps.clause("FRAME-3:error-channel"), ev("pusher:subscription_error"), "subscription_error with channel")
    judge(t, ps.clause("FRAME-3:member-channel"), members, "member_added/removed with channel")
    judge(t, ps.clause("FRAME-3:cache-miss-channel"), ev("pusher:cache_miss"), "pusher:cache_miss with channel")
    judge(t, ps.clause("FRAME-3:event-channel"), those(seen, function(m) return m.event == "shape" or m.event == "client-shape" end),
      "triggered and client events with channel")
    t:check("FRAME-1:json-object", #seen >= 12, "at least 12 server messages to inspect", #seen .. " messages")
  end,
}

-- The data_kind check of a FRAME-6 clause on m (nil: the message never came).
local function data_string(t, name, m, why, what)
  t:check(name, m and m.data_kind == "string", what .. " with data a JSON string", m or why)
end

scenario {
  id = "frame-data-encoding",
  title = "pusher:error, pong, subscription_error and signin_success carry data as a JSON string",
  rules = { "FRAME-6" },
  wire = { "FRAME-6" },
  run = function(t)
    local c = t:open()
    c:send { event = "pusher:ping", data = {} }
    local pong, why = c:expect { event = "pusher:pong" }
    data_string(t, ps.clause("FRAME-6:pong-data-string"), pong, why, "pusher:pong")
    local pub = t:channel("pub-")
    c:subscribe(pub)
    local ok, why2 = c:subscribed(pub)
    t:check("FRAME-6:succeeded-data-empty", ok and ok.data_kind == "string" and ok.data == "{}",
      "subscription_succeeded for the public " .. pub .. " with data \"{}\"", ok or why2)
    local refused = t:channel("private-")
    c:subscribe(refused, { auth = t.app.key .. ":" .. string.rep("0", 64) })
    local _, seen, answer = ps.verify.await_refusal(c, { channel = refused, within = 5000 })
    if answer and answer.event == "pusher:subscription_error" then
      data_string(t, ps.clause("FRAME-6:subscription-error-data-string"), answer, seen, "pusher:subscription_error")
    elseif answer then
      data_string(t, ps.clause("FRAME-6:error-data-string"), answer, seen, "pusher:error")
    else
      t:log("no answer to a refused subscription to judge FRAME-6 on: " .. tostring(seen))
    end
    -- sign-in on the app the target offers for it (user_authentication), else the main one
    local u = t:open { app = t:profile("user_authentication") and "user_authentication" or nil }
    local user_data = ps.json.encode { id = "frame-6-" .. u.socket_id }
    u:send { event = "pusher:signin", data = { auth = t:sign_user(u.socket_id, user_data, u.app), user_data = user_data } }
    local signed, why3 = u:expect({ event = "pusher:signin_success" }, { within = 2000 })
    if signed then data_string(t, ps.clause("FRAME-6:signin-success-data-string"), signed, why3, "pusher:signin_success")
    else t:log("no pusher:signin_success to judge FRAME-6 on: " .. tostring(why3)) end
    -- a pusher:error: a client event on a public channel (CEV-2), else a too-long channel name (SUB-3)
    c:send { event = "client-on-public", channel = pub, data = {} }
    local err = c:expect({ event = "pusher:error" }, { within = 1000 })
    if not err then   -- else the refusal of an unknown app key (CONN-4)
      local stranger = t:connect { key = "no-such-key-" .. t:channel() }
      err = stranger:expect({ event = "pusher:error" }, { within = 3000 })
    end
    if err then data_string(t, ps.clause("FRAME-6:error-data-string"), err, nil, "pusher:error")
    else t:log("no pusher:error to judge FRAME-6 on") end
  end,
}
