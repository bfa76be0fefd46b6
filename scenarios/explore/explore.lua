-- pushspec explore (issue 18): random operation sequences against the server,
-- every observation compared with the reference model (harness/lua/explore.lua,
-- model.lua). explore-1 .. explore-16 are the parallel jobs: `--jobs N` runs the
-- first N, each on channels of its own. Only `pushspec explore` runs them; they
-- judge the rules of every operation family a server has, clause by clause.
local SECTIONS = { "CONN", "SUB", "AUTH", "PRES", "CEV", "EVT", "CACHE", "ENC", "SIGNIN", "HTTP", "HOOK" }
local rules = {}
for _, s in ipairs(SECTIONS) do
  for i = 1, 20 do
    local r = ps.rule(s .. "-" .. i)
    if r and r.roles:find("S") then rules[#rules + 1] = r.id end
  end
end

for job = 1, 16 do
  ps.scenario {
    id = "explore-" .. job,
    title = "Random operation sequences agree with the reference model (explore job " .. job .. ")",
    rules = rules,
    tags = { "explore" },
    -- the budget, then shrinking (bounded in replays) and the last webhooks
    timeout = function(target)
      local o = target and target.explore
      return o and (o.budget + 600) or 60
    end,
    run = function(t) ps.explore.run(t, job) end,
  }
end
