-- FRAME: the shape of every server message (RULES.md "FRAME — message format").
-- The codec validates every frame any scenario receives; this one provokes
-- most server message types so their shapes are seen.
local scenario = ps.scenario

scenario {
  id = "frame-wire-shapes",
  title = "Server messages of every kind are JSON objects with the documented data encoding",
  rules = { "FRAME-1", "FRAME-2", "FRAME-3" },
  wire = { "FRAME-1", "FRAME-2", "FRAME-3" },
  -- a server whose frames are all malformed makes each expect wait its full time: the scenario
  -- must outlive them, so the frames' violations are judged instead of a timeout
  timeout = 60,
  run = function(t)
    local a, b = t:open(), t:open()
    local pub, priv, pres = t:channel("pub-"), t:channel("private-"), t:channel("presence-")
    for _, c in ipairs { a, b } do
      c:subscribe(pub)
      c:subscribe(priv)
    end
    a:subscribe(pres, { user = { user_id = "frame-a" } })
    for _, ch in ipairs { pub, priv, pres } do a:subscribed(ch) end
    b:subscribed(pub)
    b:subscribed(priv)
    b:subscribe(pres, { user = { user_id = "frame-b", user_info = { n = 1 } } })
    b:subscribed(pres)
    a:expect { event = "pusher_internal:member_added" }
    b:unsubscribe(pres)
    a:expect { event = "pusher_internal:member_removed" }
    t:publish { channels = { pub, priv }, name = "shape", data = '{"k":"v"}' }
    a:expect { event = "shape", channel = pub }
    a:expect { event = "shape", channel = priv }
    a:send { event = "pusher:ping", data = {} }
    a:expect { event = "pusher:pong" }
    local refused = t:channel("private-")
    a:subscribe(refused, { auth = "bad:signature" })
    ps.verify.await_refusal(a, { channel = refused, within = 5000 })   -- its answer's shape is checked
    local seen = 0
    for _, c in ipairs { a, b } do seen = seen + c.received end
    t:check("FRAME-1", seen >= 10, "at least 10 server messages to inspect", seen .. " messages")
  end,
}

scenario {
  id = "frame-data-encoding",
  title = "pusher:error, pong, subscription_error and signin_success carry data as a JSON string",
  rules = { "FRAME-6" },
  wire = { "FRAME-6" },
  run = function(t)
    local c = t:open()
    c:send { event = "pusher:ping", data = {} }
    c:expect { event = "pusher:pong" }
    local pub = t:channel("pub-")
    c:subscribe(pub)
    c:subscribed(pub)
    local refused = t:channel("private-")
    c:subscribe(refused, { auth = t.app.key .. ":" .. string.rep("0", 64) })
    ps.verify.await_refusal(c, { channel = refused, within = 5000 })
    local user_data = ps.json.encode { id = "frame-6-" .. c.socket_id }
    c:send { event = "pusher:signin", data = { auth = t:sign_user(c.socket_id, user_data), user_data = user_data } }
    c:expect({ event = "pusher:signin_success" }, { within = 2000 })
    c:send { event = "client-on-public", channel = pub, data = {} }
    c:expect({ event = "pusher:error" }, { within = 1000 })
  end,
}
