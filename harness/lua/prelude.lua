-- prelude.lua: the entry points C calls (the `api` table), built from the
-- modules of the scenario API. Trusted code: it may use debug and loadfile;
-- scenarios and target files get only what sandbox.lua's new_env() copies.
--
-- C passes `prim` (the C primitives) and `modules`, the embedded text of every
-- other harness/lua/*.lua by name. P.require loads one once, as chunk
-- "=NAME.lua" so errors and tracebacks name its file and line, and hands it P:
-- the state and helpers the modules share (prim, target, sdk_info, wait, ...).
local prim, modules = ...
local yield = coroutine.yield

local P = { prim = prim, run_nonce = tostring(prim.wall() % 100000),
  DEFAULT_WITHIN = 5000 }   -- ms an expect waits, before --timeout-scale
local loaded = {}
function P.require(name)
  if loaded[name] == nil then
    local text = modules[name]
    if not text then error("prelude: no embedded module " .. name, 2) end
    local chunk = assert(load(text, "=" .. name .. ".lua", "t"))
    loaded[name] = chunk(P) or true
  end
  return loaded[name]
end

function P.scaled(ms) return math.floor(ms * prim.timeout_scale()) end

-- ps.clause "RULE-ID:label": a label a table or a helper hands on to a check. It returns
-- the label; the clause audit (ci/check-clauses.sh) counts a label as checked only in a
-- t:check/t:judge call, a ps.verify verifier or this declaration, not in a bare table entry.
-- The run holds the declaration to it: api.unjudged_clauses names the labels declared here
-- that no check judged (P.judged, marked by case.lua) though their file's scenarios all ran.
P.declared, P.judged = {}, {}
function P.clause(label)
  local l = type(label) == "string" and label:match("^[A-Z][A-Z0-9%-]*%-%d+:([a-z0-9%-]+)$")
  if not l or #l > 48 then error("ps.clause takes 'RULE-ID:label' (CLAUSES.md), not " .. tostring(label), 2) end
  if not P.declared[label] then
    local info = debug.getinfo(2, "Sl")
    local file = info.source:sub(1, 1) == "@" and info.source:sub(2) or info.short_src
    P.declared[label] = { file = file, where = file .. ":" .. (info.currentline or 0) }
  end
  return label
end

-- The case of each running coroutine, for duties done while it waits.
local case_of = setmetatable({}, { __mode = "k" })

-- Block the scenario until something it owns has news or `deadline` (ms)
-- passes. Before sleeping, the case answers what answers itself (the fake
-- server's auth endpoints, API requests it was told how to serve).
function P.wait(deadline)
  local case = case_of[coroutine.running()]
  if case and case._service then case:_service() end
  yield(deadline)
end

-- Every expect: call step() until it returns true (then return what follows
-- it), waiting for news in between; after opts.within ms (default_ms, or
-- DEFAULT_WITHIN; scaled) give up with nil, "WHAT within N ms". what is a
-- string or a function making one (only built when needed).
function P.poll(opts, default_ms, what, step)
  local within = P.scaled(opts and opts.within or default_ms or P.DEFAULT_WITHIN)
  local deadline = prim.now() + within
  while true do
    local done, a, b = step()
    if done then return a, b end
    if prim.now() >= deadline then
      local limits = prim.limits_note()   -- a bound of pushspec's may be why it never came
      return nil, string.format("%s within %d ms%s", type(what) == "function" and what() or what, within,
        limits and (" (pushspec limits reached during this scenario: " .. limits .. ")") or "")
    end
    P.wait(deadline)
  end
end

function P.show(v, limit)
  limit = limit or 300
  local s
  if type(v) == "table" and v.raw then s = v.raw
  elseif type(v) == "table" then s = prim.json_encode(v)
  else s = tostring(v) end
  if #s > limit then s = s:sub(1, limit) .. string.format("... (%d bytes)", #s) end
  return s
end

local new_env = P.require("sandbox").new_env
local M = P.require "match"
local Case = P.require "case"
P.require "sdk"
local verify = P.require "verify"
local target = P.require "target"

local api = { set_target = target.set_target, set_sdk = target.set_sdk }
local specs = {}

-- ---------------------------------------------------------------- entry points for C

local app_seq = 0   -- apps given out in this run (fake-server role)
local ran_to_end = setmetatable({}, { __mode = "k" })   -- spec -> true: its run function returned

-- (a scenario needing a profile the target lacks never gets here: the runner skips it, runner.c start)
function api.run_case(spec)
  local lacking = P.require("capabilities").missing(spec)   -- needs = {...} the SDK's hello lacks
  if lacking then
    for _, r in ipairs(spec.rules) do prim.skip(r, lacking, prim.SKIP_CAPABILITY) end
    return
  end
  local t = Case.new(spec)
  -- the wire checks judge what was received even when the scenario stops early
  local judge <close> = setmetatable({}, { __close = function() t:_judge_wire() end })
  case_of[coroutine.running()] = t
  if P.sdk_info then
    -- every scenario is its own app: its connections and requests come to it alone. The id is
    -- numeric (as many SDKs require) and, like the key, unique in the run and unlike the last run's
    -- (below 2^31); a hello's app_id_form may ask for another form (sdk.lua).
    app_seq = app_seq + 1
    local n = spec.id:gsub("[^%w]", "")
    local id = string.format("%d", (tonumber(P.run_nonce) + 1) * 10000 + app_seq)
    -- the secret shares no run of 6 characters with any other text (redaction takes any such run
    -- out of every output): 24 letters from an HMAC, unlike the id and key
    local secret = prim.hmac("pushspec-fake-app", id .. n):sub(1, 24):gsub("%x", function(h)
      return string.char(103 + tonumber(h, 16)) end)
    t.app = { id = id, key = "key-" .. n .. "-" .. id, secret = secret, name = n,
      numeric_id = id, form = "numeric" }
    t.master_key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    t.user = { id = "sdk-user-1", user_info = { name = "SDK User" } }
    prim.fake_app(t.app.id, t.app.key, t.app.secret)
  end
  spec.run(t)
  t:_finish()
  ran_to_end[spec] = true
end

-- The labels declared with ps.clause that no check judged in this run, though every scenario
-- of the file declaring them ran to its end (a run with some skipped, stopped or filtered out
-- says nothing of that file): one line for C to show, or nil.
function api.unjudged_clauses()
  local total, done = {}, {}
  for _, s in ipairs(specs) do
    total[s.file] = (total[s.file] or 0) + 1
    if ran_to_end[s] then done[s.file] = (done[s.file] or 0) + 1 end
  end
  local out = {}
  for label, d in pairs(P.declared) do
    if not P.judged[label] and total[d.file] and done[d.file] == total[d.file] then
      out[#out + 1] = label .. " (" .. d.where .. ")"
    end
  end
  if #out == 0 then return nil end
  table.sort(out)
  return "declared with ps.clause but judged by no check, though every scenario of its file ran: " ..
    table.concat(out, ", ")
end

-- Is the server still serving? Returns ok, why (run by C after destructive cases).
function api.liveness()
  if P.sdk_info then return true, "" end   -- the fake-server role: the server is pushspec itself
  local t = Case.new { id = "liveness", rules = {} }
  local ok, live, why = pcall(verify.alive, t)
  if ok then return live, why end
  return false, type(live) == "table" and tostring(live.ps_abort) or tostring(live)
end

-- Can the server still be reached at all (a WebSocket upgrade to the target
-- completes)? Run by C after a scenario that ended failing: only a server whose
-- connections fail (refused, reset) is down; one that answers badly or slowly
-- (a busy machine) keeps its verdicts.
function api.reachable()
  if P.sdk_info then return true, "" end
  return P.reachable(Case.new { id = "reachable", rules = {} })
end

-- The same probe through case t (pushspec explore asks it after a divergence).
function P.reachable(t)
  local c = t:connect()
  local ok, why = P.poll({ within = 3000 }, nil, "no answer to the WebSocket upgrade", function()
    local st = c:state()
    if st == "open" then return true, true end
    if st ~= "connecting" then return true, false, "the connection " .. c:close_text() end
  end)
  c:release()
  if ok == nil then return true, why end   -- slow is not gone: only a refused or reset connection is
  return ok, why or ""
end

local function register(spec)
  if type(spec) ~= "table" then error("ps.scenario takes a table", 2) end
  local info = debug.getinfo(2, "Sl")
  local where = (info.short_src or "?") .. ":" .. (info.currentline or 0)
  local function bad(what) error(where .. ": scenario " .. tostring(spec.id) .. ": " .. what, 0) end
  if type(spec.id) ~= "string" or not spec.id:match("^[a-z0-9][a-z0-9%-]*$") then
    bad("id must be lowercase letters, digits and dashes")
  end
  if type(spec.title) ~= "string" then bad("needs a title") end
  if type(spec.rules) ~= "table" or #spec.rules == 0 then bad("needs rules = {\"ID\", ...}") end
  if type(spec.run) ~= "function" then bad("needs run = function(t) ... end") end
  if spec.tags ~= nil and type(spec.tags) ~= "table" then bad("tags must be a list") end
  P.require("capabilities").check_needs(spec.needs, bad)
  -- a deadline that depends on the target (e.g. pushspec fuzz --seconds): target is
  -- nil when scenarios are only listed
  if type(spec.timeout) == "function" then spec.timeout = spec.timeout(P.target) end
  if spec.timeout ~= nil and type(spec.timeout) ~= "number" then bad("timeout must be a number of seconds") end
  spec.tags = spec.tags or {}
  spec.file = info.source:sub(1, 1) == "@" and info.source:sub(2) or info.short_src
  spec.line = info.currentline
  specs[#specs + 1] = spec
end

-- ps.verify is shared by every scenario: none may change a rule for the others.
local function readonly(t, name)
  return setmetatable({}, { __index = t, __metatable = false,
    __newindex = function() error(name .. " is read-only", 2) end })
end

local ps = {
  scenario = register,
  clause = P.clause,
  verify = readonly(verify, "ps.verify"),
  model = readonly(P.require "model", "ps.model"),   -- the reference model of a server (explore)
  equal = M.equal,
  json = { encode = prim.json_encode, decode = prim.json_decode, null = prim.null, array = prim.json_array,
    outline = prim.json_outline },
  now = prim.now,
  wall = prim.wall,
  channel_kind = prim.channel_kind,
  hmac = prim.hmac,
  md5 = prim.md5,
  b64 = { encode = prim.b64_encode, decode = prim.b64_decode },
  shared_secret = prim.shared_secret,
  encrypt = prim.encrypt,
  decrypt = prim.decrypt,
  rule = prim.rule,
  corpus = prim.corpus,
  -- pushspec explore's driver (loaded on first use: the model comes with it)
  explore = readonly({ run = function(t, job) return P.require("explore").run(t, job) end,
    replay = function(t, spec) return P.require("explore").replay(t, spec) end }, "ps.explore"),
}

-- TEXT: the file's embedded copy (then PATH only names it in errors and results).
function api.load_scenario_file(path, text)
  local env = new_env { ps = ps, print = function(...) prim.log(...) end }
  local chunk, err
  if text then chunk, err = load(text, "@" .. path, "t", env) else chunk, err = loadfile(path, "t", env) end
  if not chunk then error(err, 0) end
  local ok, e = pcall(chunk)
  if not ok then error(type(e) == "string" and e or tostring(e), 0) end
end

function api.specs() return specs end

return api
