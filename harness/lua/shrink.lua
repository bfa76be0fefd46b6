-- shrink.lua: make a failing op sequence minimal by replaying candidates (issue 18, item 4).
-- Generic: it knows nothing of Pusher; the model module gives it `repair` (drop ops whose
-- connection's connect was dropped) and `simplify` (simpler values). Pure: loads in plain lua5.4.
--
--   local small, stats = shrink.minimize(ops, fails, {max_replays = 60, repair = model.repair, deps = model.deps,
--                                                     related = model.related,
--                                                     simplify = function(ops) return model.simplify(ops, prefix) end})
--   deps(ops, i) -> indices of the earlier ops ops[i] cannot run without (taken along, not searched for)
--   related(op, found_ops) -> true when op shares something with the ops found needed so far
--   fails(candidate) -> true when the candidate still shows the divergence (one replay each).
--
-- Removal is a binary search for the ops the failure needs, one at a time from the end: the
-- shortest prefix of the remaining ops that (with the ops already known needed) still fails
-- ends with a needed op; the ops it depends on (deps) come along unsearched, and after each
-- find one replay asks whether the needed ops alone fail already. k needed ops out of n cost about k * log2(n) replays, where plain ddmin
-- costs several times that; the result is 1-minimal when the failure is monotone in the ops
-- kept (a failure that needs "a or b" keeps one of them). Before each search one replay tries
-- only the ops `related` to those found (sharing a connection, channel or user). Candidates
-- seen before are not replayed (memo). Then, budget allowing, simplify's candidates are tried,
-- the first still failing kept, until none is; and each op is tried away once more. The
-- sequence given is taken as failing (not replayed).
local S = {}

-- A cheap, deterministic text of a candidate (memo key).
local function ser(v, out)
  local t = type(v)
  if t == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    out[#out + 1] = "{"
    for _, k in ipairs(keys) do
      out[#out + 1] = tostring(k)
      out[#out + 1] = "="
      ser(v[k], out)
      out[#out + 1] = ","
    end
    out[#out + 1] = "}"
  elseif t == "string" then
    out[#out + 1] = string.format("%q", v)
  else
    out[#out + 1] = tostring(v)
  end
  return out
end
function S.key(ops) return table.concat(ser(ops, {})) end

function S.minimize(ops, fails, opts)
  opts = opts or {}
  local max = opts.max_replays or 60
  local repair = opts.repair or function(x) return x end
  local log = opts.log or function() end
  local confirm = opts.confirm or 2   -- replays in a row a candidate must fail to be kept
  local stats = { replays = 0, cached = 0, start = #ops, exhausted = false, confirms = 0, flaky = 0 }
  local memo = {}
  local best = repair(ops)
  memo[S.key(best)] = true

  -- Does this candidate (a list of ops, repaired here) fail? nil once the budget is spent.
  local function test(candidate)
    candidate = repair(candidate)
    local k = S.key(candidate)
    if memo[k] ~= nil then stats.cached = stats.cached + 1; return memo[k], candidate end
    if stats.replays >= max then stats.exhausted = true; return nil, candidate end
    stats.replays = stats.replays + 1
    local ok = fails(candidate) and true or false
    memo[k] = ok
    log(string.format("shrink: replay %d, %d ops: %s", stats.replays, #candidate, ok and "fails" or "passes"))
    return ok, candidate
  end

  -- Test, and before a failing candidate is kept (it becomes the base of every later one)
  -- replay it again: one that failed once for a timing reason is then memoized as passing.
  -- Only kept candidates are confirmed, not every failing probe of a search: a search misled
  -- by a false failure ends at a candidate that does not fail again, and runs once more.
  local confirmed = {}
  local function sure(candidate)
    local ok, cand = test(candidate)
    if not ok then return ok, cand end
    local k = S.key(cand)
    if confirmed[k] then return true, cand end
    for _ = 2, confirm do
      if stats.replays >= max then stats.exhausted = true; return nil, cand end
      stats.replays, stats.confirms = stats.replays + 1, stats.confirms + 1
      if not fails(cand) then
        memo[k], stats.flaky = false, stats.flaky + 1
        log(string.format("shrink: replay %d, %d ops: passes this time (a flaky failure: not kept)", stats.replays, #cand))
        return false, cand
      end
    end
    confirmed[k] = true
    return true, cand
  end

  -- needed[i] / rest: indices into ops, in order
  local needed, rest = {}, {}
  for i = 1, #ops do rest[i] = i end
  local function build(prefix_len)
    local marks = {}
    for i in pairs(needed) do marks[i] = true end
    for j = 1, prefix_len do marks[rest[j]] = true end
    local out = {}
    for i = 1, #ops do if marks[i] then out[#out + 1] = ops[i] end end
    return out
  end

  -- Removal: binary search for the shortest failing prefix of rest (with needed); its last op is needed.
  while #rest > 0 do
    -- the ops related to those found (same connection, channel or user) often suffice: one
    -- replay, and the search runs over a few dozen ops instead of hundreds
    if opts.related and next(needed) then
      local found_ops, near = {}, {}
      for i = 1, #ops do if needed[i] then found_ops[#found_ops + 1] = ops[i] end end
      local take = {}
      for _, r in ipairs(rest) do
        if opts.related(ops[r], found_ops) then
          take[r] = true
          for _, d in ipairs(opts.deps and opts.deps(ops, r) or {}) do take[d] = true end   -- and their connects
        end
      end
      for _, r in ipairs(rest) do if take[r] then near[#near + 1] = r end end
      if #near < #rest then
        local all = rest
        rest = near
        if not sure(build(#rest)) then rest = all end
      end
    end
    local lo, hi = 0, #rest   -- needed + rest[1..hi] fails
    while lo < hi do
      local mid = (lo + hi) // 2
      local ok = test(build(mid))
      if ok == nil then break end
      if ok then hi = mid else lo = mid + 1 end
    end
    if stats.exhausted then   -- the last base known to fail (hi rests on unconfirmed replays)
      best = repair(build(#rest))
      break
    end
    -- the candidate the search ends at is kept only when it fails again
    local again = sure(build(lo))
    if again == nil then best = repair(build(#rest)); break end
    if again == false and lo == #rest then
      -- the base itself no longer fails: nothing smaller can be trusted
      best = repair(build(#rest))
      stats.unsure = true
      break
    end
    if again and lo == 0 then best = repair(build(0)); break end
    if again then
    local found = rest[lo]
    needed[found] = true
    for j = #rest, lo, -1 do rest[j] = nil end
    -- what the needed op depends on (its connection's connect) is needed too: no search for it
    if opts.deps then
      local take = {}
      for _, d in ipairs(opts.deps(ops, found)) do needed[d] = true; take[d] = true end
      local kept = {}
      for _, r in ipairs(rest) do if not take[r] then kept[#kept + 1] = r end end
      rest = kept
    end
    -- often the ops found so far are all it needs: one replay may save a whole search
    if #rest > 0 then
      local ok = sure(build(0))
      if ok then rest = {} end
    end
    best = repair(build(0 + #rest))   -- needed + what is left still fails (hi = lo known failing)
    end   -- (not kept: the search runs again, the false failure now memoized as passing)
  end
  if not stats.exhausted then best = repair(build(0)) end

  -- Simpler values: take the first candidate that still fails, until none does.
  if opts.simplify then
    local progress = true
    while progress and not stats.exhausted do
      progress = false
      local current = S.key(best)
      for _, cand in ipairs(opts.simplify(best)) do
        local repaired = repair(cand)
        if S.key(repaired) ~= current then   -- a candidate no simpler than best would loop
          local ok = sure(repaired)
          if ok == nil then break end
          if ok then best = repaired; progress = true; break end
        end
      end
    end
  end
  -- One more try without each needed op (a failure that needed "a or b" may have kept both).
  local i = 1
  while i <= #best and not stats.exhausted do
    local cand = {}
    for j, op in ipairs(best) do if j ~= i then cand[#cand + 1] = op end end
    local ok, repaired = sure(cand)
    if ok then best = repaired else i = i + 1 end
  end

  stats.final = #best
  return best, stats
end

return S
