-- Offline test of how prelude.lua wires the modules of harness/lua, run by
-- ctest as  lua5.4 harness/tests/lua_modules.lua harness/lua
-- The C primitives are stubs: this checks the loader, the entry points C
-- calls, chunk names in errors, and what a scenario file's sandbox holds.
local dir = arg[1] or "harness/lua"
local failures, count = 0, 0
local function expect(name, ok, detail)
  count = count + 1
  if not ok then
    failures = failures + 1
    print("FAIL " .. name .. (detail and (": " .. tostring(detail)) or ""))
  end
end

local modules = {}
for _, name in ipairs { "sandbox", "match", "conn", "rawws", "case", "capabilities", "forms", "sdk", "verify", "target", "model", "model_seq" } do
  local f = assert(io.open(dir .. "/" .. name .. ".lua"))
  modules[name] = f:read("a")
  f:close()
end
local logged = {}
local prim = setmetatable({ wall = function() return 1700000000 end, timeout_scale = function() return 1 end,
  getenv = function() return nil end, log = function(s) logged[#logged + 1] = s end },
  { __index = function(_, k) return function() error("prim." .. k .. " is not stubbed", 2) end end })
local prelude = assert(loadfile(dir .. "/prelude.lua"))
local api = prelude(prim, modules)

for _, fn in ipairs { "load_scenario_file", "specs", "run_case", "liveness", "set_target", "set_sdk" } do
  expect("api." .. fn .. " is a function", type(api[fn]) == "function")
end

local ok, err = pcall(prelude, prim, {})
expect("a missing module is named", not ok and tostring(err):find("no embedded module", 1, true), err)

api.set_target(nil, { url = "ws://127.0.0.1:1", app_id = "1", key = "k", secret = "s" })

-- A scenario file, from a temporary file, and what loading it says.
local function load_scenario(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  local lok, lerr = pcall(api.load_scenario_file, path)
  os.remove(path)
  return lok, lerr
end

ok, err = load_scenario("ps.verify.usable(nil)\n")
expect("an error inside a module names it: verify.lua:LINE", not ok and tostring(err):match("verify%.lua:%d+:"), err)

ok, err = load_scenario("local x = nil\nx.y = 1\n")
expect("an error in the scenario names its line", not ok and tostring(err):match(":2:"), err)

ok, err = load_scenario([[
local seen = {}
for _, name in ipairs { "require", "load", "loadfile", "dofile", "io", "os", "debug", "package" } do
  if _ENV[name] ~= nil then seen[#seen + 1] = name end
end
if ("").dump ~= nil then seen[#seen + 1] = "string.dump" end
if #seen > 0 then error("visible: " .. table.concat(seen, " ")) end
]])
expect("the sandbox has no require, load, io, os, debug", ok, err)

ok, err = load_scenario("ps.verify.refusal = function() return true end\n")
expect("ps.verify is read-only", not ok and tostring(err):find("read-only", 1, true), err)

ok, err = load_scenario([[
assert(ps.verify.documented_close(1000))
assert(not ps.verify.documented_close(1011))
ps.scenario { id = "probe", title = "t", rules = { "CONN-1" }, run = function() end }
]])
expect("a scenario file uses ps.verify and registers", ok and #api.specs() == 1 and api.specs()[1].id == "probe", err)

ok, err = load_scenario([[
local m = ps.model.new { prefix = "S-" }
m:apply { op = "connect", conn = 1 }
local p = m:apply { op = "subscribe", conn = 1, channel = "private-S-a", auth = "none" }
assert(p.frames[1].refusal and p.frames[1].clause == "AUTH-1:private-no-auth", "refusal predicted")
assert(m:snapshot().conns[1].open)
]])
expect("a scenario file uses ps.model", ok, err)
ok, err = load_scenario("ps.model.new = nil\n")
expect("ps.model is read-only", not ok and tostring(err):find("read-only", 1, true), err)

-- ps.clause: a label a table hands on to a check. The run names a declared label no check
-- judged, once every scenario of the declaring file ran to its end (runner.c shows the note).
local checked = {}
rawset(prim, "check", function(rule) checked[#checked + 1] = rule end)
ok, err = load_scenario([[
local LABEL = { a = ps.clause("CONN-1:judged"), b = ps.clause("CONN-1:never-judged") }
ps.scenario { id = "clause-one", title = "t", rules = { "CONN-1" }, run = function(t) t:check(LABEL.a, true) end }
ps.scenario { id = "clause-two", title = "t", rules = { "CONN-1" }, run = function(t) t:check(LABEL.a, true) end }
]])
expect("ps.clause in a table loads", ok, err)
local one, two
for _, s in ipairs(api.specs()) do
  if s.id == "clause-one" then one = s elseif s.id == "clause-two" then two = s end
end
api.run_case(one)
expect("ps.clause: while a scenario of the file has not run, the run says nothing", api.unjudged_clauses() == nil,
  api.unjudged_clauses())
api.run_case(two)
local said = api.unjudged_clauses()
expect("ps.clause: once all ran, the run names the declared label no check judged, with file:line",
  said and said:find("CONN-1:never-judged (", 1, true) and said:find(":1)", 1, true), said)
expect("ps.clause: ... and not the judged one", said and not said:find("CONN-1:judged", 1, true), said)
expect("ps.clause returns the label t:check gets", checked[1] == "CONN-1:judged", checked[1])
ok, err = load_scenario('local x = 1\nps.clause("conn-1:x")\n')
expect("ps.clause refuses a malformed label, naming the caller's line",
  not ok and tostring(err):find("ps.clause takes", 1, true) and tostring(err):match(":2:"), err)

print(string.format("%d module tests, %d failed", count, failures))
os.exit(failures == 0 and 0 or 1)
