-- A scenario that needs a profile the target lacks is skipped, and says why.
ps.scenario { id = "needs-profile", title = "needs a profile no target offers", rules = { "SUB-3" },
  profile = "no-such-profile",
  run = function(t) t:check("SUB-3", false, "never run", "it ran") end }
