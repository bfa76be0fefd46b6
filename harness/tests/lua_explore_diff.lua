-- Offline tests of explore's differential-mode normalization (harness/lua/explore_diff.lua):
-- two runs that saw the same thing write the same lines, whatever their channel prefix, socket
-- ids, key order, arrival order between connections or order of presence ids; a real
-- difference stays one.
-- Run by ctest as  lua5.4 harness/tests/lua_explore_diff.lua harness/lua
local dir = arg[1] or "harness/lua"
local ARRAY = {}
-- the prelude's P as far as explore_diff uses it: prim.json_array marks an array; json_decode
-- only ever sees the data strings of these frames, given here as tables already
local P = { prim = { json_array = function(t) return setmetatable(t or {}, ARRAY) end,
  json_decode = function() return nil end } }
local D = assert(loadfile(dir .. "/explore_diff.lua"))(P)

local failures, count = 0, 0
local function eq(name, want, got)
  count = count + 1
  if want ~= got then
    failures = failures + 1
    print("FAIL " .. name .. "\n  want " .. tostring(want) .. "\n  got  " .. tostring(got))
  end
end

eq("canonical JSON: keys sorted, no spacing", '{"a":[2,1],"b":1,"c":{"x":"q\\"\\n"}}',
  D.canon { b = 1, c = { x = 'q"\n' }, a = { 2, 1 } })
eq("canonical JSON: an empty array stays one", '[]', D.canon(P.prim.json_array {}))

-- a fake connection: pump moves queued frames into the inbox, as conn.lua's does
local function conn(queue)
  local c = { inbox = {} }
  function c.pump(self) for _, m in ipairs(queue) do self.inbox[#self.inbox + 1] = m end queue = {} end
  return c
end

-- one operation as a run would see it: prefix, socket ids, frames per connection in an order
local function run(prefix, sid1, sid2, order, ids, extra)
  local r = D.new(42, prefix)
  local q1 = { { event = "pusher:connection_established", payload = { socket_id = sid1, activity_timeout = 30 } },
    { event = "e1", channel = prefix .. "a", payload = { z = 1, a = { 1, 2 } } } }
  local q2 = { { event = "pusher_internal:subscription_succeeded", channel = "presence-" .. prefix .. "p",
    payload = { presence = { ids = P.prim.json_array(ids), count = #ids } } } }
  if extra then q2[#q2 + 1] = extra end
  local c1, c2 = conn(q1), conn(q2)
  r:watch(1, c1)
  r:watch(2, c2)
  r:begin { op = "trigger", channel = prefix .. "a" }
  if order == "1 first" then c1:pump() c2:pump() else c2:pump() c1:pump() end
  r:done({ status = 200, json = { channels = { [prefix .. "a"] = { subscription_count = 1 },
    ["other-run-" .. "x"] = { subscription_count = 9 } } } }, {}, nil, { [1] = sid1, [2] = sid2 })
  local stamp = order == "1 first" and 1000 or 2000   -- a server may stamp each event too
  local ev = { channel = prefix .. "a", name = "channel_occupied", time_ms = stamp }
  r:hooks { { json = { time_ms = stamp, events = { ev } } } }
  return r:text()
end

local a = run("X123450001-", "111.222", "333.444", "1 first", { "u1", "u2" })
local b = run("X987650001-", "9.9", "8.8", "2 first", { "u2", "u1" })
eq("the same observations normalize to the same lines", a, b)
eq("the prefix is replaced", nil, a:find("X12345", 1, true))
eq("socket ids are named by connection", true, a:find("<socket id of 1>", 1, true) ~= nil)
eq("another run's channel in GET /channels is not this sequence's", nil, a:find("other-run", 1, true))
eq("timestamps dropped", nil, a:find("time_ms", 1, true))
local c = run("X555550001-", "1.1", "2.2", "1 first", { "u1", "u2" },
  { event = "e1", channel = "presence-X555550001-p", payload = {} })
eq("an extra frame is a difference", false, a == c)
local d = run("X555550001-", "1.1", "2.2", "1 first", { "u1", "u3" })
eq("another member is a difference", false, a == d)

print(string.format("%d explore_diff tests, %d failed", count, failures))
os.exit(failures == 0 and 0 or 1)
