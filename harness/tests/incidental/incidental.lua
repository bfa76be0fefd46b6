-- Scenarios for test_incidental.sh against harness/tests/hostile/deviant.py: none declares
-- HTTP-1, PRES-1 or SUB-1, yet each deviation it meets must fail that rule.
local scenario = ps.scenario

scenario {
  id = "inc-publish-202",
  title = "A set-up trigger answered 202 is accepted; HTTP-1 fails, EVT-1 passes",
  rules = { "EVT-1" },
  run = function(t)
    local ch = t:channel("pub-")
    local c = t:subscribers("EVT-1", ch)[1]
    t:publish { channel = ch, name = "inc", data = "1" }
    local m, why = c:expect { event = "inc", channel = ch }
    t:check("EVT-1", m and m.data == "1", "the event arrives", m or why)
  end,
}

scenario {
  id = "inc-presence-count",
  title = "A presence subscription_succeeded whose count disagrees with ids fails PRES-1",
  rules = { "SUB-2" },
  run = function(t)
    local c = t:open()
    local ch = t:channel("presence-")
    c:subscribe(ch)
    c:subscribed(ch)
    t:check("SUB-2", true, "nothing judged here but the frames")
  end,
}

scenario {
  id = "inc-setup-refused",
  title = "A refused set-up subscription is an error of this scenario and a fail of SUB-1",
  rules = { "EVT-2" },
  run = function(t)
    t:subscribers("EVT-2", t:channel("pub-refuse-"))
    t:check("EVT-2", false, "never reached", "reached")
  end,
}

scenario {
  id = "inc-close-code",
  title = "A close with an undocumented code fails CONN-10 in a scenario not declaring it",
  rules = { "SUB-3" },
  run = function(t)
    local c = t:open()
    c:subscribe(t:channel("pub-close1011-"))
    local closed = c:expect_close { within = 3000 }
    t:check("SUB-3", closed ~= nil, "the server closed the connection", closed)
  end,
}
