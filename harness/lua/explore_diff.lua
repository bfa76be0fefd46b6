-- pushspec explore's differential mode (two --target): what each operation made the server
-- show, normalized, one JSON line per operation. The parent process (harness/explore_diff.c)
-- runs the same seeds against both targets and compares the two logs line by line.
-- Normalized away: the channel prefix (each run has its own), socket ids (named by the
-- connection that got them), timestamps, key order and spacing of JSON, and the order of
-- what the protocol leaves unordered (presence ids, user lists).
local P = ...
local prim = P.prim   -- json_decode, json_array (a stand-in offline: harness/tests/lua_explore_diff.lua)
local D = {}

local ESC = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return ESC[c] or string.format("\\u%04x", c:byte()) end) .. '"'
end

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  table.sort(ks)
  return ks
end

local function is_array(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n == #t and (n > 0 or getmetatable(t) ~= nil)
end

-- Canonical JSON: keys sorted, no spacing.
function D.canon(v)
  local ty = type(v)
  if ty == "table" then
    local parts = {}
    if is_array(v) then
      for i = 1, #v do parts[i] = D.canon(v[i]) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    for _, k in ipairs(sorted_keys(v)) do
      local val = v[k]
      if val == nil then val = v[tonumber(k)] end
      parts[#parts + 1] = json_string(k) .. ":" .. D.canon(val)
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif ty == "string" then
    return json_string(v)
  elseif ty == "number" then
    if v == math.floor(v) and math.abs(v) < 2 ^ 53 then return string.format("%d", v) end
    return string.format("%.17g", v)
  elseif ty == "nil" or ty == "userdata" then
    return "null"   -- JSON null is a light userdata
  end
  return tostring(v)
end

-- Unordered by the protocol: a list of plain values, or of objects with an id.
local UNORDERED = { ids = true, users = true }

-- v with the prefix and socket ids replaced, timestamps dropped, JSON strings decoded.
local function norm(v, ctx, key)
  if type(v) == "string" then
    if ctx.sid_names[v] then return ctx.sid_names[v] end
    local first = v:sub(1, 1)
    if (first == "{" or first == "[") and key == "data" then
      local ok, d = pcall(prim.json_decode, v)
      if ok and type(d) == "table" then return { json = norm(d, ctx) } end
    end
    local out = v:gsub(ctx.prefix_pat, "X-")
    return out
  elseif type(v) ~= "table" then
    return v
  end
  local out = {}
  for k, x in pairs(v) do
    if k ~= "time_ms" and k ~= "raw" and k ~= "t" and k ~= "violations" and k ~= "decoded" then
      local nk = type(k) == "string" and k:gsub(ctx.prefix_pat, "X-") or k
      out[nk] = norm(x, ctx, k)
    end
  end
  if UNORDERED[key] and #out > 0 then
    table.sort(out, function(a, b) return D.canon(a) < D.canon(b) end)
  end
  if getmetatable(v) ~= nil then setmetatable(out, getmetatable(v)) end
  return out
end

local function frame_view(m)
  local data = m.data
  if type(m.payload) == "table" then data = m.payload end
  return { event = m.event, channel = m.channel, user_id = m.user_id, data = data, status = m.status }
end

local Rec = {}
Rec.__index = Rec

-- seed: the sequence's seed; prefix: its channel prefix.
function D.new(seed, prefix)
  return setmetatable({ seed = seed, prefix_pat = prefix:gsub("%p", "%%%0"), sid_names = {}, lines = {},
    frames = {}, i = 0 }, Rec)
end

-- Connection k: every frame it receives is noted for the operation running then.
function Rec:watch(k, c)
  local rec, pump = self, c.pump
  c.pump = function(conn)
    local before = #conn.inbox
    pump(conn)
    for j = before + 1, #conn.inbox do
      local m = conn.inbox[j]
      if m.event ~= "pusher:ping" and m.event ~= "pusher:pong" then
        rec.frames[#rec.frames + 1] = { conn = k, m = m }
      end
    end
  end
end

function Rec:begin(op)
  self.i = self.i + 1
  self.op, self.frames = op, {}
end

-- After the operation: its HTTP answer (if any), the frames, and what the model said.
function Rec:done(res, divs, pred, sids)
  for k, sid in pairs(sids) do self.sid_names[sid] = "<socket id of " .. tostring(k) .. ">" end
  local obs = {}
  if res then
    local body = res.json ~= nil and res.json or res.body
    if type(body) == "table" and type(body.channels) == "table" and getmetatable(body.channels) == nil then
      -- GET /channels lists every sequence's channels (other jobs run at the same time): this
      -- sequence observes its own
      local own = {}
      for name, v in pairs(body.channels) do
        if type(name) == "string" and name:find(self.prefix_pat) then own[name] = v end
      end
      local copy = {}
      for k, v in pairs(body) do copy[k] = v end
      copy.channels, body = own, copy
    end
    obs[#obs + 1] = "http " .. tostring(res.status) .. " " .. D.canon(norm(body, self, "body"))
  end
  local per = {}   -- frames of one connection keep their order; between connections none is promised
  for _, f in ipairs(self.frames) do
    per[#per + 1] = { k = tostring(f.conn), n = #per, text = D.canon(norm(frame_view(f.m), self)) }
  end
  table.sort(per, function(a, b) if a.k ~= b.k then return a.k < b.k end return a.n < b.n end)
  for _, f in ipairs(per) do obs[#obs + 1] = "conn " .. f.k .. ": " .. f.text end
  local clauses = {}
  for _, x in ipairs(divs or {}) do clauses[#clauses + 1] = x.clause end
  local open = pred and type(pred.open) == "table" and #pred.open > 0
  self.lines[#self.lines + 1] = D.canon({ seed = self.seed, i = self.i,
    op = D.canon(norm(self.op, self)), obs = prim.json_array(obs),
    divergences = prim.json_array(clauses), open = open or false })
  self.frames = {}
end

-- The end of a sequence: the webhooks of its channels, as one unordered set.
function Rec:hooks(list)
  local evs = {}
  for _, h in ipairs(list or {}) do
    for _, ev in ipairs(type(h.json) == "table" and type(h.json.events) == "table" and h.json.events or {}) do
      if type(ev.channel) == "string" and ev.channel:find(self.prefix_pat) then
        evs[#evs + 1] = D.canon(norm(ev, self))
      end
    end
  end
  table.sort(evs)
  self.lines[#self.lines + 1] = D.canon({ seed = self.seed, i = 0, op = "webhooks of the sequence",
    obs = prim.json_array(evs), divergences = prim.json_array(), open = false })
end

function Rec:text() return table.concat(self.lines, "\n") .. (#self.lines > 0 and "\n" or "") end

return D
