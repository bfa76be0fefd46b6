-- Scenarios that go wrong in every way the runtime must contain.
ps.scenario { id = "err-lua", title = "indexes nil", rules = { "CONN-1" },
  run = function(t)
    local x = nil
    x.y = 1 -- ERROR LINE
  end }
ps.scenario { id = "runaway-loop", title = "loops forever", rules = { "PING-2" },
  run = function(t) while true do end end }
ps.scenario { id = "runaway-pcall", title = "loops forever inside pcall", rules = { "CONN-2" },
  run = function(t)
    while true do pcall(function() while true do end end) end
  end }
ps.scenario { id = "runaway-handler", title = "an xpcall handler that loops", rules = { "CONN-3" },
  run = function(t)
    xpcall(function() while true do end end, function() while true do end end)
  end }
ps.scenario { id = "deadline", title = "waits past its deadline", rules = { "PING-3" }, timeout = 1,
  run = function(t)
    t:sleep(60000)
    t:check("PING-3", false, "still asleep when the deadline ends the scenario", "woke up")
  end }
ps.scenario { id = "undeclared", title = "checks a rule it did not declare", rules = { "SUB-1" },
  run = function(t) t:check("CEV-1", true, "x", "y") end }
ps.scenario { id = "ok-after", title = "passes after all the others", rules = { "PING-1" },
  run = function(t) t:check("PING-1", true) end }
