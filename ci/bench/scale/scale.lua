-- Benchmark scenarios for ci/bench.sh (not part of the conformance suite):
-- open N connections at once, wait until each has its connection_established,
-- hold them all for 3 s, then check each is still open. The harness's peak RSS
-- with scale-1000 minus that with scale-1 is the memory cost of 1000 connections.
local scenario = ps.scenario

local function hold(n)
  return function(t)
    local conns = {}
    for i = 1, n do conns[i] = t:connect() end   -- all opening at once
    local established = 0
    for _, c in ipairs(conns) do
      if c:established { within = 20000 } then established = established + 1 end
    end
    t:require("CONN-1", established == n, n .. " connections established",
      established .. " established")
    t:sleep(3000)
    local open = 0
    for _, c in ipairs(conns) do
      if not c:is_closed() then open = open + 1 end
    end
    t:check("CONN-1", open == n, n .. " connections still open after 3 s", open .. " open")
  end
end

scenario {
  id = "scale-1000",
  title = "1000 concurrent connections are established and held for 3 s",
  rules = { "CONN-1" },
  timeout = 60,
  run = hold(1000),
}

scenario {
  id = "scale-1",
  title = "1 connection is established and held for 3 s (baseline of scale-1000)",
  rules = { "CONN-1" },
  timeout = 60,
  run = hold(1),
}
