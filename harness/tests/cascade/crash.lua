-- Scenarios for test_cascade_crash.sh against harness/tests/hostile/cascade.py crash: the
-- first takes the server down (it exits at a subscription to a "crash" channel); the
-- others then meet a dead server, and must be errors naming it, not fails of their rules
-- (their set-up trigger is no HTTP-1 finding either). Run with --jobs 1, in this order.
local scenario = ps.scenario

scenario {
  id = "cascade-crash",
  title = "A subscription that takes the server down",
  rules = { "SUB-1" },
  run = function(t)
    local c = t:open()
    local ch = t:channel("crash-")
    c:subscribe(ch)
    local m, why = c:subscribed(ch)
    t:check("SUB-1:succeeded", m ~= nil, "subscription_succeeded for " .. ch, m or why)
  end,
}

scenario {
  id = "cascade-after-crash-event",
  title = "An event to a subscriber, after the crash",
  rules = { "EVT-1" },
  run = function(t)
    local ch = t:channel("pub-")
    local c = t:subscribers("EVT-1", ch)[1]
    t:publish { channel = ch, name = "after", data = "1" }
    local m, why = c:expect { event = "after", channel = ch }
    t:check("EVT-1", m ~= nil, "the event arrives", m or why)
  end,
}

scenario {
  id = "cascade-after-crash-trigger",
  title = "A trigger, after the crash",
  rules = { "HTTP-1" },
  run = function(t)
    local res = t:api("POST", "/events", { body = { name = "x", channels = ps.json.array { t:channel("pub-") }, data = "{}" } })
    t:check("HTTP-1:status-200", res.status == 200, "HTTP 200", res.status == 0 and res.error or res.status)
  end,
}

-- For http-drop (every HTTP request closed unanswered): a set-up trigger with no answer is
-- no HTTP-1 finding, and a server whose WebSocket side answers is not down.
scenario {
  id = "drop-trigger",
  title = "A set-up trigger that gets no answer",
  rules = { "EVT-1" },
  run = function(t)
    local ch = t:channel("pub-")
    local c = t:subscribers("EVT-1", ch)[1]
    t:publish { channel = ch, name = "never", data = "1" }
    local m, why = c:expect { event = "never", channel = ch }
    t:check("EVT-1", m ~= nil, "the event arrives", m or why)
  end,
}

scenario {
  id = "drop-after",
  title = "A subscription after it: the server is still up",
  rules = { "SUB-1" },
  run = function(t)
    local c = t:open()
    local ch = t:channel("pub-")
    c:subscribe(ch)
    local m, why = c:subscribed(ch)
    t:check("SUB-1:succeeded", m ~= nil, "subscription_succeeded for " .. ch, m or why)
  end,
}
