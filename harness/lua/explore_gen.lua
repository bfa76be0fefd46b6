-- explore_gen.lua: the seeded operation generator of `pushspec explore` (issue 18).
-- Values come from the Facts of scenarios/RULES.md, not from the scenarios: every channel
-- kind, every allowed channel-name character, the maximum lengths and one over, empty and list
-- forms, optional parameters present and absent, wrong values as well as missing ones, every
-- auth and signing form. Its own PRNG (xorshift64): the same seed and weights give the same
-- sequence on every machine. Pure: loads in plain lua5.4.
--   local g = gen.new{seed=1, prefix="P3-", weights={...}, max_conns=4, max_users=3, families={...},
--                     forms=gen.ALL_FORMS (the wrong input forms the driver can make; default the contract's),
--                     nodes=N (a cluster: each connect and HTTP call draws its node 1..N; default 1)}
--   local op = g:next(model)      -- model: a model.lua instance (its state steers useful ops)
local P = ... -- unused: the model module comes with the model instance g:next is given

local G = {}
G.__index = G

-- Op families (an op name or one of these group names can be left out through `families`).
G.GROUPS = {
  connections = { "connect", "close" },
  subscriptions = { "subscribe", "unsubscribe" },
  client_events = { "client_event" },
  triggers = { "trigger" },
  queries = { "get_channels", "get_channel", "get_users" },
  signin = { "signin", "terminate_user" },
  wait = { "wait" },
}
G.OPS = { "connect", "close", "subscribe", "unsubscribe", "client_event", "trigger", "get_channels",
  "get_channel", "get_users", "signin", "terminate_user", "wait" }
G.DEFAULT_WEIGHTS = { connect = 8, close = 3, subscribe = 16, unsubscribe = 5, client_event = 6, trigger = 12,
  get_channels = 6, get_channel = 6, get_users = 4, signin = 3, terminate_user = 1, wait = 1 }

-- Check weights given by a user: returns nil or the reason (exit 2 material for the command).
function G.check_weights(w)
  if w == nil then return nil end
  if type(w) ~= "table" then return "weights must be a table of op = number" end
  local known = {}
  for _, n in ipairs(G.OPS) do known[n] = true end
  local total = 0
  for k, v in pairs(w) do
    if not known[k] then return "unknown op '" .. tostring(k) .. "' in weights (ops: " .. table.concat(G.OPS, ", ") .. ")" end
    if type(v) ~= "number" or v < 0 or v ~= v or v == math.huge then
      return "weight of " .. k .. " must be a number >= 0"
    end
  end
  for _, n in ipairs(G.OPS) do total = total + (w[n] or G.DEFAULT_WEIGHTS[n]) end   -- ops not named keep theirs
  if total <= 0 then return "every weight is 0: nothing to generate" end
  return nil
end

-- ------------------------------------------------------------------ PRNG (xorshift64)

local function new_rng(seed)
  local x = math.tointeger(seed) or 0
  x = x ~ 0x9E3779B97F4A7C15
  if x == 0 then x = 88172645463325252 end
  local r = {}
  function r.next()
    x = x ~ (x << 13)
    x = x ~ (x >> 7)
    x = x ~ (x << 17)
    return x
  end
  for _ = 1, 8 do r.next() end   -- spread small seeds
  return r
end

function G:int(n)   -- 1..n
  return ((self.rng.next() >> 11) % n) + 1
end

function G:chance(percent) return self:int(1000) <= percent * 10 end

function G:pick(list) return list[self:int(#list)] end

-- Choose among {value, weight} pairs.
function G:weighted(pairs_list)
  local total = 0
  for _, p in ipairs(pairs_list) do total = total + p[2] end
  local r = (self.rng.next() >> 11) % (total * 1000) / 1000
  for _, p in ipairs(pairs_list) do
    r = r - p[2]
    if r < 0 then return p[1] end
  end
  return pairs_list[#pairs_list][1]
end

-- ------------------------------------------------------------------ construction

function G.new(opts)
  opts = opts or {}
  local why = G.check_weights(opts.weights)
  if why then error("explore_gen: " .. why, 2) end
  local g = setmetatable({
    seed = opts.seed or 1,
    prefix = opts.prefix or "P1-",
    max_conns = opts.max_conns or 4,
    max_users = opts.max_users or 3,
    max_payload = opts.max_payload or 10240,
    nodes = opts.nodes or 1,   -- a cluster target's node count: connects and HTTP calls pick one
    count = 0,
  }, G)
  g.rng = new_rng(g.seed)
  local weights = {}
  for _, n in ipairs(G.OPS) do weights[n] = (opts.weights and opts.weights[n]) or G.DEFAULT_WEIGHTS[n] end
  -- families: {name = false} leaves a group or op out; a list keeps only the groups/ops it names
  local fam = opts.families
  if fam then
    local listed = #fam > 0
    local keep = {}
    if listed then
      for _, name in ipairs(fam) do
        for _, o in ipairs(G.GROUPS[name] or { name }) do keep[o] = true end
      end
    end
    for _, n in ipairs(G.OPS) do
      if listed and not keep[n] then weights[n] = 0 end
    end
    for name, v in pairs(fam) do
      if v == false then
        for _, o in ipairs(G.GROUPS[name] or { name }) do weights[o] = 0 end
      end
    end
  end
  g.weights = weights
  g.left_out = {}
  for _, n in ipairs(G.OPS) do if weights[n] == 0 then g.left_out[#g.left_out + 1] = n end end
  -- the wrong forms the driver can produce (see G.CONTRACT_FORMS)
  g.forms = {}
  for kind, list in pairs(G.CONTRACT_FORMS) do g.forms[kind] = (opts.forms and opts.forms[kind]) or list end
  g.request_forms = {}
  for _, f in ipairs(g.forms.request) do g.request_forms[f] = true end
  g.users = {}
  for i = 1, g.max_users do g.users[i] = "u" .. i end
  -- each user joins with one user_info (a form per user), sometimes another
  local infos = { false, {}, { name = "User" }, { name = "Zoë ☃", tags = { "a", "b" }, n = 1, nested = { deep = { x = true } } } }
  g.infos = {}
  for i, u in ipairs(g.users) do g.infos[u] = infos[(i - 1) % #infos + 1] end
  return g
end

-- ------------------------------------------------------------------ values from the Facts

G.KINDS = { "public", "private", "presence", "encrypted", "cache", "private-cache", "presence-cache" }
G.NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=@,.;"
G.BAD_NAME_PARTS = { " ", "!", ":", "#", "/", "é", "*", "\"", "?", "%" }

G.KIND_PREFIXES = { public = "", private = "private-", presence = "presence-", encrypted = "private-encrypted-",
  cache = "cache-", ["private-cache"] = "private-cache-", ["presence-cache"] = "presence-cache-" }

function G:channel_of(kind, suffix)
  return G.KIND_PREFIXES[kind] .. self.prefix .. suffix
end

-- A channel name of the kind: mostly one of two shared names (so ops meet), sometimes every
-- allowed character, exactly 164 characters, or (invalid=true allowed) a bad one.
function G:channel(kind, allow_invalid)
  kind = kind or self:weighted { { "public", 3 }, { "private", 3 }, { "presence", 4 }, { "encrypted", 1 },
    { "cache", 1 }, { "private-cache", 1 }, { "presence-cache", 1 } }
  local form = self:weighted { { "a", 45 }, { "b", 35 }, { "chars", 6 }, { "max", 4 },
    { "over", allow_invalid and 3 or 0 }, { "bad", allow_invalid and 4 or 0 }, { "empty", allow_invalid and 1 or 0 } }
  if form == "a" or form == "b" then return self:channel_of(kind, form) end
  if form == "chars" then return self:channel_of(kind, "x" .. G.NAME_CHARS) end   -- every allowed character
  local base = self:channel_of(kind, "m")
  if form == "max" then return base .. string.rep("m", 164 - #base) end
  if form == "over" then return base .. string.rep("m", 165 - #base) end
  if form == "empty" then return "" end
  return self:channel_of(kind, "b" .. self:pick(G.BAD_NAME_PARTS) .. "d")
end

function G:user()
  return self:pick(self.users)
end

function G:user_record(uid)
  local info = self.infos[uid]
  if self:chance(5) then info = { name = "other " .. uid } end
  return { id = uid, info = info or nil }
end

function G:event_name()
  local f = self:weighted { { "short", 80 }, { "chars", 8 }, { "max", 4 }, { "over", 3 }, { "empty", 1 } }
  if f == "short" then return "e" .. self:int(3) end
  if f == "chars" then return "ev-" .. G.NAME_CHARS:sub(53) .. ":/ é" end
  if f == "max" then return string.rep("e", 200) end
  if f == "over" then return string.rep("e", 201) end
  return ""
end

function G:data(big_ok)
  local f = self:weighted { { "text", 25 }, { "json", 20 }, { "spaces", 10 }, { "unicode", 8 }, { "empty", 4 },
    { "object", 15 }, { "max", big_ok and 2 or 0 }, { "over", big_ok and 2 or 0 } }
  if f == "text" then return "hello " .. self:int(99) end
  if f == "json" then return '{"n":' .. self:int(99) .. ',"s":"x"}' end
  if f == "spaces" then return ' { "a" : [ 1, 2 ] , "b" : null } ' end
  if f == "unicode" then return "Zoë ☃ \\u00e9 \"quoted\"" end
  if f == "empty" then return "" end
  if f == "object" then   -- trigger data is a string (HSDK-2): an object goes as its JSON text
    return '{"n":' .. self:int(99) .. ',"list":[1,"two"],"nested":{"ok":true}}'
  end
  if f == "max" then return string.rep("d", self.max_payload) end
  return string.rep("d", self.max_payload + 1)
end

-- The wrong forms of each kind of input. A driver names those it can produce
-- (gen.new{forms = {sign = {...}, ...}}, or forms = gen.ALL_FORMS); by default the generator
-- makes only the forms of the explore contract, so a driver that sends an unknown form as a
-- valid one never meets a false divergence.
G.CONTRACT_FORMS = {
  auth = { "none", "bad-signature", "wrong-key", "malformed", "other-socket", "other-channel", "channel-data-mismatch" },
  sign = { "bad-signature", "stale-timestamp", "wrong-key", "missing-param" },
  signin = { "bad-signature", "other-socket", "malformed", "wrong-key" },
  request = {},
}
G.ALL_FORMS = {
  auth = { "none", "bad-signature", "zero-signature", "malformed", "wrong-key", "other-socket", "other-channel",
    "channel-data-mismatch", "no-channel-data", "no-user-id" },
  sign = { "bad-signature", "wrong-secret", "wrong-key", "missing-param", "param-changed", "stale-timestamp",
    "future-timestamp", "no-auth-signature", "no-auth-key", "no-auth-timestamp", "no-auth-version", "no-auth",
    "no-body-md5", "body-md5-mismatch" },
  signin = { "bad-signature", "zero-signature", "malformed", "wrong-key", "other-socket", "changed-user-data",
    "other-secret", "no-id", "user-id-not-id", "not-object" },
  request = { "body", "app" },   -- a body that is not JSON (op.body), an unknown app id (op.app)
}
local PRESENCE_ONLY = { ["channel-data-mismatch"] = true, ["no-channel-data"] = true, ["no-user-id"] = true }
local BODY_ONLY = { ["no-body-md5"] = true, ["body-md5-mismatch"] = true }

-- One wrong form of kind (nil when none fits), keep(form) filtering.
function G:wrong(kind, keep)
  local list = {}
  for _, f in ipairs(self.forms[kind] or {}) do if not keep or keep(f) then list[#list + 1] = f end end
  if #list == 0 then return nil end
  return self:pick(list)
end

-- Data shaped as the Facts' encrypted payload ({"nonce": b64(24 bytes), "ciphertext": b64}): a
-- server relays it unchanged (ENC-1); it need not open with any key to be relayed.
function G:sealed()
  local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  local function b(n)
    local out = {}
    for i = 1, n do local k = self:int(64); out[i] = b64:sub(k, k) end
    return table.concat(out)
  end
  return '{"nonce":"' .. b(32) .. '","ciphertext":"' .. b(24) .. '"}'
end

function G:sign(has_body)
  if self:chance(90) then return "valid" end
  return self:wrong("sign", function(f) return has_body or not BODY_ONLY[f] end) or "valid"
end

-- ------------------------------------------------------------------ state helpers

local function open_conns(model)
  local out = {}
  for id, c in pairs(model.conns) do if c.open then out[#out + 1] = id end end
  table.sort(out)
  return out
end

function G:free_conn(model)
  local free = {}
  for i = 1, self.max_conns do
    if not model:is_open(i) then free[#free + 1] = i end
  end
  if #free == 0 then return nil end
  return self:pick(free)
end

-- The user a conn joins presence channels as: users spread over conns, so several
-- connections share a user (max_conns > max_users), sometimes another one.
function G:user_of(conn)
  if self:chance(15) then return self:user() end
  return self.users[(conn - 1) % #self.users + 1]
end

-- A presence channel some open connection holds as a user whose other open connection
-- (conn first, else any) does not hold it: {conn, channel, user}, or nil.
function G:shared_presence(model, conn, open)
  local M = self.M
  local order = { conn }
  for _, c in ipairs(open) do if c ~= conn then order[#order + 1] = c end end
  for _, c in ipairs(order) do
    local uid = self.users[(c - 1) % #self.users + 1]
    for _, other in ipairs(open) do
      if other ~= c and self.users[(other - 1) % #self.users + 1] == uid then
        for _, name in ipairs(model:subscriptions(other)) do
          local ch = model.channels[name]
          if M.is_presence(M.kind(name)) and not model.conns[c].subs[name] and ch and ch.subs[other] == uid then
            return { conn = c, channel = name, user = uid }
          end
        end
      end
    end
  end
  return nil
end

-- ------------------------------------------------------------------ ops

local make = {}

function make.connect(g, model)
  local conn = g:free_conn(model)
  if not conn then return nil end
  return { op = "connect", conn = conn, node = 1 }
end

function make.close(g, model)
  local open = open_conns(model)
  if #open == 0 then return nil end
  return { op = "close", conn = g:pick(open) }
end

function make.subscribe(g, model)
  local open = open_conns(model)
  if #open == 0 then return nil end
  local conn = g:pick(open)
  -- often the user's other connection joins a presence channel this user is already in:
  -- counts, member events and user lists with one user on several connections (issue 18)
  local join = g:chance(40) and g:shared_presence(model, conn, open)
  if join then
    return { op = "subscribe", conn = join.conn, channel = join.channel, auth = "valid",
      user = g:user_record(join.user) }
  end
  local name = g:channel(nil, true)
  for _ = 1, 3 do   -- mostly a channel this conn does not hold yet (a second subscribe is open)
    if not model.conns[conn].subs[name] then break end
    name = g:channel(nil, true)
  end
  local M = g.M
  local kind = M.kind(name)
  local op = { op = "subscribe", conn = conn, channel = name }
  if not M.needs_auth(kind) then
    op.auth = g:chance(97) and "none" or "valid"
  else
    op.auth = g:chance(85) and "valid"
      or g:wrong("auth", function(f) return M.is_presence(kind) or not PRESENCE_ONLY[f] end) or "valid"
  end
  if M.is_presence(kind) then op.user = g:user_record(g:user_of(conn)) end
  return op
end

function make.unsubscribe(g, model)
  local open = open_conns(model)
  if #open == 0 then return nil end
  local holding = {}
  for _, c in ipairs(open) do if #model:subscriptions(c) > 0 then holding[#holding + 1] = c end end
  local conn = (#holding > 0 and g:chance(90)) and g:pick(holding) or g:pick(open)
  local subs = model:subscriptions(conn)
  local name = (#subs > 0 and g:chance(90)) and g:pick(subs) or g:channel(nil, false)
  return { op = "unsubscribe", conn = conn, channel = name }
end

function make.client_event(g, model)
  local open = open_conns(model)
  if #open == 0 then return nil end
  local conn = g:pick(open)
  local subs = model:subscriptions(conn)
  local name
  if #subs > 0 and g:chance(85) then name = g:pick(subs)
  else name = g:channel(g:pick { "private", "presence", "public" }, false) end
  local event = g:weighted { { "client-" .. g:pick { "x", "y", "move" }, 90 }, { "no-prefix", 5 }, { "my-client-x", 5 } }
  local data = g:chance(60) and { n = g:int(99), from = "c" .. conn } or ("text " .. g:int(99))
  return { op = "client_event", conn = conn, channel = name, event = event, data = data }
end

function make.trigger(g, model)
  local form = g:weighted { { "channels", 50 }, { "channel", 30 }, { "batch", 20 } }
  local op = { op = "trigger", form = form }
  local function one_channel()
    if g:chance(4) then return "#server-to-user-" .. g:user() end
    return g:channel(nil, g:chance(30))
  end
  if form == "batch" then
    local n = g:weighted { { 1, 40 }, { 2, 25 }, { 3, 20 }, { 10, 8 }, { 11, 7 } }
    op.batch = {}
    for i = 1, n do
      op.batch[i] = { channel = one_channel(), event = g:event_name(), data = g:data(n <= 3) }
    end
  else
    local n = form == "channel" and 1 or g:weighted { { 1, 50 }, { 2, 25 }, { 3, 17 }, { 100, 3 }, { 101, 3 }, { 0, 2 } }
    op.channels = {}
    if n >= 100 then
      for i = 1, n do op.channels[i] = g:channel_of("public", "n" .. i) end
    else
      local seen = {}
      for _ = 1, n do
        local name = one_channel()
        if not seen[name] then seen[name] = true; op.channels[#op.channels + 1] = name end
      end
    end
    op.event = g:event_name()
    op.data = g:data(true)
    op.info = g:weighted { { false, 70 }, { "user_count", 8 }, { "subscription_count", 8 },
      { "subscription_count,user_count", 14 } } or nil
  end
  -- an encrypted channel mostly gets data shaped as a sealed payload
  local function enc(name) return name:sub(1, 18) == "private-encrypted-" end
  for _, e in ipairs(op.batch or {}) do if enc(e.channel) and g:chance(80) then e.data = g:sealed() end end
  for _, name in ipairs(op.channels or {}) do
    if enc(name) and g:chance(80) then op.data = g:sealed(); break end
  end
  local open = open_conns(model)
  if #open > 0 and g:chance(25) then op.exclude = g:pick(open) end
  op.sign = g:sign(true)
  -- wrong values of the request itself: a body that is not JSON, an app id that does not exist
  local wrong = g:chance(4) and g:wrong("request")
  if wrong == "body" then op.body = g:pick { "truncated-object", "not-json", "truncated-array" } end
  if wrong == "app" then op.app = "unknown" end
  return op
end

function make.get_channels(g, model)
  local P = g.prefix
  local prefix = g:weighted { { false, 20 }, { "presence-", 10 }, { "presence-" .. P, 14 }, { "private-", 6 },
    { "private-" .. P, 6 }, { "private-encrypted-", 4 }, { "cache-", 3 }, { "private-cache-", 3 },
    { "presence-cache-" .. P, 4 }, { P, 8 }, { "", 3 }, { "presence", 2 }, { "nomatch-", 3 },
    { "chars", 4 } } or nil
  if prefix == "chars" then   -- the prefix of a name with every allowed character (signed unescaped)
    prefix = g:pick { "presence-", "private-", "" } .. P .. "x" .. G.NAME_CHARS:sub(1, g:int(#G.NAME_CHARS))
  end
  local info = g:weighted { { false, 50 }, { "user_count", 25 }, { "subscription_count", 10 },
    { "user_count,subscription_count", 7 }, { "", 4 }, { "bogus", 4 } } or nil
  return { op = "get_channels", query = { filter_by_prefix = prefix, info = info }, sign = g:sign(false),
    app = (g:chance(2) and g.request_forms.app) and "unknown" or nil }
end

function make.get_channel(g, model)
  local info = g:weighted { { false, 40 }, { "subscription_count", 20 }, { "user_count", 15 },
    { "user_count,subscription_count", 15 }, { "cache", 5 }, { "subscription_count,user_count,cache", 5 } } or nil
  local name = g:channel(nil, g:chance(10))
  return { op = "get_channel", channel = name, query = { info = info }, sign = g:sign(false) }
end

function make.get_users(g, model)
  local kind = g:chance(85) and g:pick { "presence", "presence", "presence-cache" } or g:pick { "public", "private", "cache" }
  return { op = "get_users", channel = g:channel(kind, false), sign = g:sign(false) }
end

function make.signin(g, model)
  local open = open_conns(model)
  if #open == 0 then return nil end
  local fresh = {}
  for _, c in ipairs(open) do if not model.conns[c].user then fresh[#fresh + 1] = c end end
  if #fresh == 0 then return nil end   -- a second signin on a connection: RULES.md is silent
  local conn = g:pick(fresh)
  local auth = g:chance(80) and "valid" or g:wrong("signin") or "valid"
  local uid = g:user_of(conn)
  return { op = "signin", conn = conn, user = g:user_record(uid), auth = auth }
end

function make.terminate_user(g, model)
  return { op = "terminate_user", user = g:user(), sign = g:sign(false) }   -- its POST has no body to sign
end

function make.wait(g, model)
  return { op = "wait", ms = g:pick { 50, 100, 250 } }
end

-- The next op. A family that has nothing to do in this state (close with nothing open) yields
-- to another draw; with no connection open, a connect comes first when connections are allowed.
function G:next(model)
  self.count = self.count + 1
  self.M = getmetatable(model)   -- model.lua: channel kinds
  local list = {}
  for _, n in ipairs(G.OPS) do
    if self.weights[n] > 0 then list[#list + 1] = { n, self.weights[n] } end
  end
  if #open_conns(model) == 0 and self.weights.connect > 0 and self:chance(80) then
    local op = make.connect(self, model)
    if op then return self:place(op) end
  end
  for _ = 1, 20 do
    local name = self:weighted(list)
    local op = make[name](self, model)
    if op then return self:place(op) end
  end
  return { op = "wait", ms = 50 }
end

-- The ops that reach a node themselves: a connect (its connection's later ops follow it) and
-- every HTTP call. The node is drawn last and only for a cluster, so one-node sequences are
-- exactly those of a one-node generator.
G.NODE_OPS = { connect = true, trigger = true, get_channels = true, get_channel = true, get_users = true,
  terminate_user = true }
function G:place(op)
  if self.nodes > 1 and G.NODE_OPS[op.op] then op.node = self:int(self.nodes) end
  return op
end

-- A whole sequence of n ops, applied to model as it goes (offline use and tests).
function G:sequence(model, n)
  local out = {}
  for i = 1, n do
    out[i] = self:next(model)
    model:apply(out[i])
  end
  return out
end

return G
