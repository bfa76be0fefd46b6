-- explore.lua: the live half of `pushspec explore` (issue 18). Runs operations
-- (explore_gen.lua makes them) against the server through the case object t,
-- observes frames, HTTP answers and webhooks, and compares them with what the
-- reference model (model.lua) predicts: a divergence fails the clause the
-- prediction names. A failing sequence is shrunk (shrink.lua) by replaying
-- parts of it on fresh channels and connections, and written out as a scenario
-- file that `pushspec run --scenarios DIR` replays (E.replay).
local P = ...
local prim, scaled, show = P.prim, P.scaled, P.show
local M = P.require "match"
local verify = P.require "verify"
local E = {}
-- Restarts of the server in this run (every job's: jobs share this module). A sequence that
-- saw one during its life has lost its server state; see Driver:step.
E.epoch, E.restarted_at = 0, {}

-- The operation families (pushspec help explore); --weights names them.
E.FAMILIES = { "connect", "close", "subscribe", "unsubscribe", "client_event", "trigger", "get_channels",
  "get_channel", "get_users", "signin", "terminate_user", "wait" }
local FRAME_MS, SETTLE_MS, HOOK_MS, KNOWN_MS = 2000, 80, 5000, 300
local HOOKS_JUDGED = 1900   -- webhooks judged while the receiver holds fewer (it keeps 2000)

-- --weights "name=w,...": a table, or an error naming the unknown operation (exit 2).
function E.check_options(o)
  local known, w = {}, nil
  for _, f in ipairs(E.FAMILIES) do known[f] = true end
  if o.weights then
    w = {}
    for name, v in o.weights:gmatch("([%w_]+)=([^,]+)") do
      if not known[name] then
        error("--weights: unknown operation '" .. name .. "' (known: " .. table.concat(E.FAMILIES, ", ") .. ")", 0)
      end
      w[name] = tonumber(v)
    end
  end
  local why = w and P.require("explore_gen").check_weights(w)
  if why then error("--weights: " .. why, 0) end
  o.weights = w
  o.ops = o.ops or 200
  o.budget = o.budget or 30
end

local function lazy(name) return function() return P.require(name) end end
local model_mod, gen_mod, shrink_mod = lazy "model", lazy "explore_gen", lazy "shrink"

-- ---------------------------------------------------------------- names and values

local B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
local prefix_n = 0
-- A channel prefix of fixed length (a replay's names are exactly as long as the
-- original's, so no name crosses the 164-character limit by being renamed).
local function new_prefix()
  prefix_n = prefix_n + 1
  local n, s = prefix_n, ""
  for _ = 1, 4 do local d = n % 36 s = B36:sub(d + 1, d + 1) .. s n = n // 36 end
  return string.format("X%05d%s-", tonumber(P.run_nonce) or 0, s)
end

-- v with every occurrence of prefix a in its strings (keys too) replaced by b.
local function rename(v, a, b)
  if type(v) == "string" then
    local out, i = {}, 1
    while true do
      local s, e = v:find(a, i, true)
      if not s then break end
      out[#out + 1] = v:sub(i, s - 1) .. b
      i = e + 1
    end
    out[#out + 1] = v:sub(i)
    return table.concat(out)
  end
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[rename(k, a, b)] = rename(x, a, b) end
  return t
end
E.rename = rename

local function copy(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = copy(x) end
  return t
end

-- An operation as one line of text (history, reports).
local function op_text(op) return show(op, 400) end

local function with_query(q)
  local out = {}
  for k, v in pairs(q or {}) do out[k] = v end
  return out
end

-- ---------------------------------------------------------------- the driver

local Driver = {}
Driver.__index = Driver

-- quiet: a replay while shrinking (nothing reported, divergences only collected).
function Driver.new(t, model, prefix, opts)
  return setmetatable({ t = t, model = model, prefix = prefix, conns = {}, sids = {}, history = {}, conn_node = {},
    pending_hooks = {}, quiet = opts.quiet, report = opts.report, webhooks = opts.webhooks,
    hook_ms = opts.hook_ms or HOOK_MS, divergences = {}, hooks_seen = {}, forgotten = {}, tolerate = {}, accepted_now = {}, unsure = {},
    epoch = E.epoch }, Driver)
end

-- The auth string of a subscribe in one of the contract's forms.
function Driver:channel_auth(form, sid, ch, cd)
  local t, app = self.t, self.t.app
  local function sign(s, c, d) return t:sign_channel(s, c, d) end
  if form == "none" then return false end
  if form == "valid" or form == nil then return sign(sid, ch, cd) end
  if form == "zero-signature" then return app.key .. ":" .. string.rep("0", 64) end
  if form == "bad-signature" then   -- the right signature with one digit changed
    return (sign(sid, ch, cd):gsub(":(%x)", function(d) return ":" .. (d == "0" and "1" or "0") end, 1))
  end
  if form == "wrong-key" then return "wrong-" .. app.key .. ":" .. (sign(sid, ch, cd):match(":(.*)$") or "") end
  if form == "malformed" then return "not-an-auth-string" end
  if form == "other-socket" then return sign("1234.5678", ch, cd) end
  if form == "other-channel" then return sign(sid, ch .. "x", cd) end
  if form == "channel-data-mismatch" then
    return sign(sid, ch, prim.json_encode { user_id = "someone-else" })
  end
  return sign(sid, ch, cd)
end

-- The query without parameter name (the raw, encoded query text).
local function drop_param(q, name)
  q = ("&" .. q):gsub("&" .. name .. "=[^&]*", "")
  return (q:gsub("^&", ""))
end

-- The first hex digit of the signature changed (a near miss, not a random string).
local function alter_signature(q)
  return (q:gsub("auth_signature=(%x)", function(d) return "auth_signature=" .. (d == "0" and "1" or "0") end))
end

-- t:api options for a request signed as op.sign says (model.lua's SIGN forms). body: the
-- text sent, for the forms that sign another body.
local function api_opts(sign, o, app)
  o = o or {}
  local body = o.body
  if type(body) == "table" then body = prim.json_encode(body); o.body = body end
  if sign == "bad-signature" then o.tamper = alter_signature
  elseif sign == "wrong-secret" then o.app = { id = app.id, key = app.key, secret = "wrong-" .. app.secret }
  elseif sign == "wrong-key" then o.tamper = function(q) return (q:gsub("auth_key=([^&]*)", "auth_key=wrong-%1")) end
  elseif sign == "param-changed" then
    o.tamper = function(q) return (q:gsub("auth_timestamp=(%d+)", function(ts) return "auth_timestamp=" .. (tonumber(ts) + 1) end)) end
  elseif sign == "stale-timestamp" then o.timestamp = prim.wall() - 1000
  elseif sign == "future-timestamp" then o.timestamp = prim.wall() + 1000
  elseif sign == "missing-param" or sign == "no-auth-signature" then o.tamper = function(q) return drop_param(q, "auth_signature") end
  elseif sign == "no-auth-key" then o.tamper = function(q) return drop_param(q, "auth_key") end
  elseif sign == "no-auth-timestamp" then o.tamper = function(q) return drop_param(q, "auth_timestamp") end
  elseif sign == "no-auth-version" then o.tamper = function(q) return drop_param(q, "auth_version") end
  elseif sign == "no-auth" then o.sign = false
  elseif sign == "no-body-md5" then o.sign_body = ""   -- signed as a request without a body: no body_md5
  elseif sign == "body-md5-mismatch" then o.sign_body = (body or "") .. " "
  end
  return o
end

-- A path segment: RFC 3986's pchar stays as it is (every character a channel name may hold is
-- one), the rest is percent-encoded. An encoded sub-delim ("%3D" for "=") is not the same URI.
local function escape_path(s)
  return (tostring(s):gsub("[^%w%-%._~!$&'()*+,;=:@]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function encode_data(d) if type(d) == "table" then return prim.json_encode(d) end return d end

-- The request forms of the generator (ALL_FORMS.request): a body that is not JSON, an unknown app.
local RAW_BODIES = { ["truncated-object"] = '{"name":"e1","channels":["x"', ["not-json"] = "not json {",
  ["truncated-array"] = "[1,2" }
local function with_app(op, o, app)
  if op.app == "unknown" then o.app = { id = "unknown-" .. app.id, key = app.key, secret = app.secret } end
  return o
end

-- The node op goes to on a cluster target (op.node, else node 1: a replay goes where the
-- original went, never where case.lua's spreading would put it); nil for one node.
function Driver:node(op)
  if not self.t.target.nodes then return nil end
  return op.node or 1
end

-- The nodes that took part in divergence x on a cluster (the op's node, the connections it
-- touched and every open connection's node): nil for one node.
function Driver:nodes_text(x)
  if not self.t.target.nodes then return nil end
  local op, o, parts = x.op or {}, x.observed or {}, {}
  local function cn(c) return "connection " .. c .. " on node " .. tostring(self.conn_node[c] or "?") end
  if op.op and op.node and op.op ~= "connect" then parts[#parts + 1] = op.op .. " through node " .. op.node end
  if op.conn then parts[#parts + 1] = cn(op.conn) end
  local oc = o.conn or (x.item and x.item.conn)
  if oc and oc ~= op.conn then parts[#parts + 1] = cn(oc) end
  local open = {}
  for c in pairs(self.conns) do if self.model:is_open(c) then open[#open + 1] = c end end
  table.sort(open)
  local ons = {}
  for _, c in ipairs(open) do ons[#ons + 1] = c .. "@node " .. tostring(self.conn_node[c] or "?") end
  if #ons > 0 then parts[#parts + 1] = "open: " .. table.concat(ons, ", ") end
  return "[cluster: " .. table.concat(parts, "; ") .. "]"
end

-- Messages of conn nc get an arrival number (a weak table, not a field of the message), so
-- the order of two messages the model predicts in order (item.after) can be judged.
local arrival_of, arrivals = setmetatable({}, { __mode = "k" }), 0
function Driver:stamp(nc)
  local pump = nc.pump
  nc.pump = function(c)
    local n0 = #c.inbox
    pump(c)
    for i = n0 + 1, #c.inbox do arrivals = arrivals + 1; arrival_of[c.inbox[i]] = arrivals end
  end
end

-- Carries out op; returns the HTTP answer when it made a request.
function Driver:execute(op)
  local t, kind = self.t, op.op
  local c = op.conn and self.conns[op.conn]
  local node = self:node(op)
  if kind == "connect" then
    local nc = t:connect { node = node }
    if self.obs then self.obs:watch(op.conn, nc) end   -- differential mode (explore_diff.lua)
    self:stamp(nc)
    self.conn_node[op.conn] = node
    local m = nc:established { within = FRAME_MS }
    self.conns[op.conn] = nc
    if m then table.insert(nc.inbox, 1, m) end   -- the model's prediction judges it too
    if m then
      self.sids[op.conn] = nc.socket_id
      self.model:learn(op.conn, { socket_id = nc.socket_id })
    end
    return nil, not m and "no connection_established" or nil
  elseif kind == "wait" then
    t:sleep(op.ms or 100)
    return nil
  elseif kind == "trigger" then
    local chs, path = op.channels or { op.channel }, "/events"
    local sid = op.exclude and self.sids[op.exclude] or nil
    local body
    if op.form == "batch" then
      local batch = {}
      for i, e in ipairs(model_mod().trigger_events(op)) do
        batch[i] = { name = e.event, channel = e.channel, data = encode_data(e.data), socket_id = sid, info = op.info }
      end
      body, path = { batch = prim.json_array(batch) }, "/batch_events"
    else
      body = { name = op.event, data = encode_data(op.data), socket_id = sid, info = op.info }
      if op.form == "channel" then body.channel = chs[1] else body.channels = prim.json_array(chs) end
    end
    if op.body then body = RAW_BODIES[op.body] or tostring(op.body) end
    local o = with_app(op, api_opts(op.sign, { body = body }, t.app), t.app)
    o.node = node
    return t:api("POST", path, o)
  elseif kind == "get_channels" then
    local o = with_app(op, api_opts(op.sign, { query = with_query(op.query) }, t.app), t.app)
    o.node = node
    return t:api("GET", "/channels", o)
  elseif kind == "get_channel" then
    local o = api_opts(op.sign, { query = with_query(op.query), node = node }, t.app)
    return t:api("GET", "/channels/" .. escape_path(op.channel), o)
  elseif kind == "get_users" then
    return t:api("GET", "/channels/" .. escape_path(op.channel) .. "/users", api_opts(op.sign, { node = node }, t.app))
  elseif kind == "terminate_user" then
    return t:api("POST", "/users/" .. escape_path(op.user) .. "/terminate_connections", api_opts(op.sign, { body = {}, node = node }, t.app))
  end
  if not c or c:is_closed() then return nil, "connection " .. tostring(op.conn) .. " is not open" end
  local sid = self.sids[op.conn] or ""
  if kind == "close" then
    c:close()
    c:expect_close { within = FRAME_MS }   -- the server has seen it before the next view is asked
  elseif kind == "subscribe" then
    local cd = op.channel_data
    if cd == nil and op.user then
      cd = prim.json_encode { user_id = op.user.id, user_info = op.user.info }
    end
    if op.auth == "no-user-id" then cd = prim.json_encode { user_info = op.user and op.user.info or { name = "x" } } end
    if op.auth == "no-channel-data" then cd = nil end
    local kindc = prim.channel_kind(op.channel)
    local signed = kindc ~= "public" and kindc ~= "cache"
    local auth = signed and self:channel_auth(op.auth, sid, op.channel, cd) or false
    if not signed and op.auth and op.auth ~= "valid" and op.auth ~= "none" then
      auth = self:channel_auth(op.auth, sid, op.channel, cd)
    end
    c:subscribe(op.channel, { auth = auth, channel_data = cd or false })
  elseif kind == "unsubscribe" then
    c:unsubscribe(op.channel)
    -- no reply exists: a ping behind it shows the server has handled it (messages of one
    -- connection are handled in order), so the next trigger or view is not a race
    c:send { event = "pusher:ping", data = {} }
    c:expect({ event = "pusher:pong" }, { within = FRAME_MS })
  elseif kind == "client_event" then
    c:send { event = op.event, channel = op.channel, data = op.data }
  elseif kind == "signin" then
    local a, u = op.auth, op.user or {}
    local ud = prim.json_encode { id = u.id, user_info = u.info }
    if a == "no-id" then ud = prim.json_encode { user_info = u.info or { name = "x" } }
    elseif a == "user-id-not-id" then ud = prim.json_encode { user_id = u.id, user_info = u.info }
    elseif a == "not-object" then ud = prim.json_encode(prim.json_array { u.id }) end
    local auth = t:sign_user(sid, ud)
    if a == "zero-signature" then auth = t.app.key .. ":" .. string.rep("0", 64)
    elseif a == "bad-signature" then auth = auth:gsub(":(%x)", function(d) return ":" .. (d == "0" and "1" or "0") end, 1)
    elseif a == "other-socket" then auth = t:sign_user("1234.5678", ud)
    elseif a == "other-secret" then auth = prim.sign_user(t.app.key, "wrong-" .. t.app.secret, sid, ud)
    elseif a == "wrong-key" then auth = "wrong-" .. auth
    elseif a == "changed-user-data" then ud = ud:gsub("}$", ',"changed":true}') end
    c:send { event = "pusher:signin", data = { user_data = ud, auth = auth } }
  end
  return nil
end

-- A divergence: reported as a failing check (or collected when quiet).
function Driver:diverge(kind, item, expected, actual, observed)
  local d = { kind = kind, clause = item.clause, expected = expected, actual = actual, at = #self.history,
    op = self.history[#self.history], observed = observed, item = item }
  d.nodes = self:nodes_text(d)
  -- a subscription the model expected refused and the server took: the webhooks it causes
  -- (occupied, member_added) are that one deviation's, not extra transitions of their own
  if kind == "accepted" and observed and observed.channel then
    local uid = type(observed.user) == "table" and observed.user.id or nil
    self.tolerate[#self.tolerate + 1] = { name = "channel_occupied", channel = observed.channel }
    if uid then self.tolerate[#self.tolerate + 1] = { name = "member_added", channel = observed.channel, user_id = uid } end
    -- and so are the messages it causes in this step, on any connection (a cache channel's last
    -- event to the subscriber, member_added to the other members)
    self.accepted_now[observed.channel] = true
  end
  self.divergences[#self.divergences + 1] = d
  if self.report then self.report(d, self) end
  return d
end

function Driver:pass(item, expected)
  if self.report_pass then self.report_pass(item, expected) end
end

local function status_ok(want, got)
  if want == nil then return true end
  if type(want) == "number" then return got == want end
  local class = tostring(want):match("^(%d)xx$")
  return class ~= nil and got // 100 == tonumber(class)
end

local function channel_of(m) return type(m) == "table" and m.channel or nil end

-- Leftover frames no prediction took: an extra channel event or presence
-- message breaks "exactly once"; other kinds are only logged.
local LEFTOVER = {
  ["pusher_internal:member_added"] = "PRES-3:added-once",
  ["pusher_internal:member_removed"] = "PRES-3:removed-after-last",
}

-- A value of the decoded body at path ("" the body; "channels.NAME.field": NAME may hold dots).
local function at_path(body, path)
  if path == "" then return body end
  local first, rest = path:match("^([^.]+)%.?(.*)$")
  if type(body) ~= "table" then return nil end
  local v = body[first]   -- (no `and/or`: a value may be false)
  if rest == "" then return v end
  if type(v) ~= "table" then return nil end
  local mid, last = rest:match("^(.*)%.([^.]+)$")
  if mid and type(v[mid]) == "table" then return v[mid][last] end
  return v[rest]
end

local function json_type(v)
  if type(v) == "table" then return (next(v) == nil or v[1] ~= nil) and "array-or-object" or "object" end
  return type(v)
end

local function sorted(list)
  local out = {}
  for i, x in ipairs(list) do out[i] = tostring(x) end
  table.sort(out)
  return out
end

-- The HTTP answer against the prediction (status, body, fields, channel and user lists).
function Driver:observe_http(h, res, why)
  local want = string.format("HTTP %s%s", h.one_of and table.concat(h.one_of, " or ") or tostring(h.status or "any"),
    h.body ~= nil and h.body_match ~= "channels" and h.body_match ~= "users"
      and (" with body " .. (h.body_match == "subset" and "containing " or "") .. show(h.body, 600)) or "")
  local got = res and (res.status == 0 and ("no answer: " .. tostring(res.error)) or ("HTTP " .. res.status .. " " .. show(res.body, 600)))
    or ("no request was made: " .. tostring(why))
  local obs = { status = res and res.status, body = res and res.json }
  local ok = res ~= nil and status_ok(h.status, res.status)
  if ok and h.one_of then
    ok = false
    for _, s in ipairs(h.one_of) do if res.status == s then ok = true end end
  end
  if ok and h.body ~= nil and h.body_match ~= "channels" and h.body_match ~= "users" then
    ok = (h.body_match == "subset" and M.subset(h.body, res.json)) or (h.body_match == nil and M.equal(h.body, res.json))
  end
  if not ok then
    if h.clause then self:diverge("http", h, want, got, obs) end
    return
  end
  if h.clause then self:pass(h, want) end
  for _, f in ipairs(h.fields or {}) do
    local v = at_path(res.json, f.path)
    local fwant = (f.path == "" and "the body" or f.path) .. (f.value ~= nil and (" = " .. show(f.value)) or "")
      .. (f.type and (" is a JSON " .. f.type) or "")
    local fok = (f.value == nil or M.equal(f.value, v)) and (f.type == nil or (f.type == "object" and type(v) == "table"))
    if fok then self:pass(f, fwant) else self:diverge("http", f, fwant, got, obs) end
  end
  if h.channels then   -- GET /channels: exactly these among the sequence's own channels
    local listed = type(res.json) == "table" and type(res.json.channels) == "table" and res.json.channels or {}
    local mine, extra, missing, counts = {}, {}, {}, {}
    local probe = setmetatable({ prefix = h.scope }, { __index = model_mod() })
    for name, entry in pairs(listed) do
      if type(name) == "string" and probe:owned(name) and not self.unsure[name] then
        mine[name] = true
        if h.channels[name] == nil then extra[#extra + 1] = name
        elseif h.channels[name].user_count ~= nil and (type(entry) ~= "table" or entry.user_count ~= h.channels[name].user_count) then
          counts[#counts + 1] = name .. ": user_count " .. show(type(entry) == "table" and entry.user_count) ..
            ", the model has " .. h.channels[name].user_count
        end
      end
    end
    for name in pairs(h.channels) do if not mine[name] and not self.unsure[name] then missing[#missing + 1] = name end end
    local names = {}
    for name, e in pairs(h.channels) do names[#names + 1] = name .. (e.user_count and ("(user_count " .. e.user_count .. ")") or "") end
    table.sort(names)
    local lwant = "the channels listed (of this sequence) are exactly: " .. (#names > 0 and table.concat(names, ", ") or "none")
    if #extra + #missing == 0 then self:pass(h, lwant) else
      self:diverge("http", h, lwant, "listed but not occupied: " .. table.concat(sorted(extra), ", ") ..
        "; occupied but not listed: " .. table.concat(sorted(missing), ", ") .. "; answer: " .. got, obs)
    end
    if h.user_count_clause then
      local c = { clause = h.user_count_clause }
      if #counts == 0 then self:pass(c, "each presence channel's user_count is its number of distinct users")
      else self:diverge("http", c, "each presence channel's user_count is its number of distinct users",
        table.concat(sorted(counts), "; ") .. "; answer: " .. got, obs) end
    end
  end
  if h.users then   -- GET users: exactly these ids, each once
    local list = type(res.json) == "table" and type(res.json.users) == "table" and res.json.users or {}
    local ids, twice = {}, {}
    local seen = {}
    for _, u in ipairs(list) do
      local id = type(u) == "table" and u.id
      ids[#ids + 1] = tostring(id)
      if seen[tostring(id)] then twice[#twice + 1] = tostring(id) end
      seen[tostring(id)] = true
    end
    local uniq = {}
    for id in pairs(seen) do uniq[#uniq + 1] = id end
    local uwant = "the users listed are exactly: " .. table.concat(sorted(h.users), ", ")
    if M.equal(sorted(uniq), sorted(h.users)) then self:pass(h, uwant) else self:diverge("http", h, uwant, got, obs) end
    if h.users_clause then
      local c = { clause = h.users_clause }
      if #twice == 0 then self:pass(c, "each user listed once") else
        self:diverge("http", c, "each user listed once", "listed more than once: " .. table.concat(twice, ", ") .. "; " .. got, obs)
      end
    end
  end
end

-- Does message m carry fields (data: the decoded data; a string: the data byte for byte)?
local function fields_match(fields, m)
  for k, v in pairs(fields) do
    if k == "data" and type(v) == "string" then
      if m.data ~= v then return false end
    elseif k == "data" then
      if type(v) == "table" and next(v) ~= nil and not M.subset(v, m.payload) then return false end
      if type(v) ~= "table" and not M.equal(v, m.payload) then return false end
    else
      local got = m[k]
      if got == nil and type(m.raw) == "string" then   -- a field the codec does not keep (user_id)
        local j = prim.json_decode(m.raw)
        got = type(j) == "table" and j[k] or nil
      end
      if not M.subset(v, got) then return false end
    end
  end
  return true
end

-- How long to wait for the frame of clause: a clause whose frame already failed to come
-- in this run (a deviation of this server) is not waited for the full time again.
local missing = setmetatable({}, { __mode = "k" })   -- case -> {clause = true}
function Driver:within(clause)
  local m = missing[self.t]
  return m and m[clause] and KNOWN_MS or FRAME_MS
end
function Driver:missed(clause)
  missing[self.t] = missing[self.t] or {}
  missing[self.t][clause] = true
end

function Driver:observe_frame(f)
  local c = self.conns[f.conn]
  local who = "connection " .. tostring(f.conn)
  if not c then return self:diverge("frame", f, who .. " is open", who .. " was never opened") end
  if f.refusal then
    local want = who .. ": " .. (f.channel and ("the subscribe to " .. f.channel) or "the request") ..
      " is refused (pusher:error, subscription_error or a close 4000-4399)"
    local ok, text = verify.await_refusal(c, { channel = f.channel, within = self:within(f.clause), control = false,
      accept = not f.channel and { "pusher:signin_success" } or nil })
    if ok then self:pass(f, want)
    elseif ok == false then
      if not text:find("subscription_succeeded", 1, true) then self:missed(f.clause) end
      self:diverge("accepted", f, want, text, { conn = f.conn, channel = f.channel, user = self.cur.user }) end
    return
  end
  if f.close then
    local want = who .. " is closed by the server"
    local closed, w = c:expect_close { within = self:within(f.clause) }
    if closed then self:pass(f, want) else self:missed(f.clause); self:diverge("frame", f, want, w, { conn = f.conn }) end
    return
  end
  local want = who .. " receives " .. M.describe(f.pattern)
  -- items naming the same message (same connection, pattern and place) judge its fields one
  -- clause each: the message is taken once
  local key = tostring(f.conn) .. " " .. prim.json_encode(f.pattern) .. " " .. tostring(f.seq)
  local m, w = self.taken[key], nil
  if m then
    if f.fields then
      local fw = want .. " with " .. show(f.fields, 400)
      if fields_match(f.fields, m) then self:pass({ clause = f.fields_clause or f.clause }, fw)
      else self:diverge("frame", { clause = f.fields_clause or f.clause }, fw, m, { conn = f.conn, message = m }) end
    end
    return
  end
  if self.taken_missing[key] then return end   -- already reported missing under its first item
  m, w = c:expect(f.pattern, { within = self:within(f.clause) })
  if m then self.taken[key] = m else self.taken_missing[key] = true end
  if m then self.taken_last[tostring(f.conn) .. " " .. prim.json_encode(f.pattern)] = m end
  local before = m and f.after and self.taken_last[tostring(f.conn) .. " " .. prim.json_encode(f.after)]
  if before and arrival_of[before] and arrival_of[m] then
    local ow = who .. " receives " .. M.describe(f.pattern) .. " after " .. M.describe(f.after)
    if arrival_of[m] > arrival_of[before] then self:pass({ clause = f.after_clause }, ow)
    else self:diverge("frame", { clause = f.after_clause }, ow, "it came first: " .. show(m, 200) .. ", then " ..
      show(before, 200), { conn = f.conn, message = m }) end
  end
  if not m then
    self:missed(f.clause)
    local gone = f.pattern.event == "pusher_internal:subscription_succeeded" and "refused" or "frame"
    return self:diverge(gone, f, want, w, { conn = f.conn, channel = f.pattern.channel })
  end
  self:pass(f, want)
  if f.fields then
    local fw = want .. " with " .. show(f.fields, 400)
    if fields_match(f.fields, m) then self:pass({ clause = f.fields_clause or f.clause }, fw)
    else self:diverge("frame", { clause = f.fields_clause or f.clause }, fw, m, { conn = f.conn, message = m }) end
  end
  if f.members then
    local p = type(m.payload) == "table" and type(m.payload.presence) == "table" and m.payload.presence or {}
    local ids = type(p.ids) == "table" and p.ids or {}
    local mw = want .. " listing exactly the members " .. table.concat(sorted(f.members), ", ")
    if M.equal(sorted(ids), sorted(f.members)) then self:pass({ clause = f.members_clause }, mw)
    else self:diverge("frame", { clause = f.members_clause }, mw, m, { conn = f.conn, message = m }) end
  end
end

local VIEWS = { get_channels = true, get_channel = true, get_users = true }

function Driver:observe(op, pred, res, why)
  local t = self.t
  pred = pred or {}
  -- a channel the model is unsure of (model.lua `unsure`): nothing about it is judged any more
  if next(self.unsure) then
    local function sure(list)
      local out = {}
      for _, f in ipairs(list or {}) do
        local ch = f.channel or (f.pattern and f.pattern.channel)
        if not (ch and self.unsure[ch]) then out[#out + 1] = f end
      end
      return out
    end
    pred.frames, pred.silent = sure(pred.frames), sure(pred.silent)
    if (op.op == "get_channel" or op.op == "get_users") and self.unsure[op.channel] then pred.http = nil end
  end
  self.taken, self.taken_missing, self.taken_last = {}, {}, {}
  if pred.http and (pred.http.status ~= nil or pred.http.clause ~= nil) then
    if VIEWS[op.op] and res then
      -- a view may lag what a connection just did (another TCP connection, no ordering
      -- between them): a divergence counts only if the view still shows it 300 ms later
      local real, report_pass = self.diverge, self.report_pass
      local seen = false
      self.diverge = function() seen = true end
      self.report_pass = nil
      self:observe_http(pred.http, res, why)
      self.diverge, self.report_pass = real, report_pass
      if seen then
        t:sleep(scaled(300))
        res, why = self:execute(op)
      end
    end
    self:observe_http(pred.http, res, why)
  end
  -- a trigger answered with an error in its body (whatever the status) was refused: when the model
  -- predicted it published, that is one divergence of the answer's clause, and its events are
  -- not waited for (they would fail every delivery clause for the same cause)
  local h = pred.http
  if op.op == "trigger" and res and type(res.json) == "table" and res.json.error ~= nil and h and h.status == 200 then
    self:diverge("http", h, "HTTP 200: the trigger is accepted and its events published",
      "HTTP " .. res.status .. " " .. show(res.body, 400) .. " (an error: nothing was published)", { status = res.status, body = res.json })
    local keep = {}
    for _, f in ipairs(pred.frames or {}) do if f.close or f.refusal then keep[#keep + 1] = f end end
    pred.frames = keep
  end
  for _, f in ipairs(pred.frames or {}) do self:observe_frame(f) end
  if pred.silent and #pred.silent > 0 then
    t:sleep(scaled(SETTLE_MS))
    for _, s in ipairs(pred.silent) do
      local c = self.conns[s.conn]
      if c and s.close then
        local want = "connection " .. tostring(s.conn) .. " stays open"
        if c:is_closed() then self:diverge("closed", s, want, "connection " .. c:close_text(), { conn = s.conn })
        else self:pass(s, want) end
      elseif c then
        local want = "connection " .. tostring(s.conn) .. " receives no " .. M.describe(s.pattern)
        if not c:is_closed() then c:pump() end
        local m = M.take(c.inbox, s.pattern)
        if m then
          local kind = s.pattern.event == "pusher_internal:subscription_succeeded" and "accepted" or "silent"
          self:diverge(kind, s, want, m, { conn = s.conn, channel = s.pattern.channel, message = m, user = self.cur.user })
        else self:pass(s, want) end
      end
    end
  end
  for _, may in ipairs(pred.may or {}) do   -- a message the model has no opinion on (model.lua `may`)
    local c = self.conns[may.conn]
    local m = c and not c:is_closed() and c:expect({ channel = may.channel }, { within = self:within("CACHE-2:last-event") })
    if m and type(m.event) == "string" and m.event:match("^pusher_internal:") then table.insert(c.inbox, 1, m) end
  end
  self:leftovers()
  for _, w in ipairs(pred.webhooks or {}) do
    if self.webhooks and self.webhooks[w.name] and not w.eventually then
      self.pending_hooks[#self.pending_hooks + 1] = { w = w, due = prim.now() + scaled(self.hook_ms) }
    end
  end
  self:check_hooks(false)
  return res   -- a view asked again: its second answer
end

-- Frames still queued that no prediction took (see LEFTOVER).
function Driver:leftovers()
  for k, c in pairs(self.conns) do
    if not c:is_closed() then c:pump() end
    local keep = {}
    for _, m in ipairs(c.inbox) do
      local ch = channel_of(m)
      local mine = type(ch) == "string" and ch:find(self.prefix, 1, true) and not self.forgotten[ch]
        and not self.accepted_now[ch] and not self.unsure[ch]
        and not (self.open_events and self.open_events[ch .. "\0" .. tostring(m.event)])
      local label = mine and (LEFTOVER[m.event] or (type(m.event) == "string" and not m.event:match("^pusher")
        and "SUB-4:exactly-once"))
      -- a member without a user id: the server took one the model refused (reported there)
      if LEFTOVER[m.event] and not (type(m.payload) == "table" and m.payload.user_id ~= nil) then label = nil end
      if label then
        self:diverge("extra", { clause = label, conn = k }, "no other message on connection " .. k ..
          " than the model predicts", m, { conn = k, message = m })
      elseif m.event ~= "pusher:ping" and m.event ~= "pusher:pong" then
        keep[#keep + 1] = m
      end
    end
    -- what no rule judges here (pusher:error, subscription_error, ...) is dropped, logged once
    for _, m in ipairs(keep) do if not self.quiet then prim.log("explore: unpredicted " .. show(m, 200)) end end
    c.inbox = {}
  end
end

local function hook_pattern(w)
  local p = {}
  for k, v in pairs(w) do if k ~= "clause" then p[k] = v end end
  return p
end

-- Predicted webhooks: each must arrive within the target's webhook delay; at the
-- end (final) every one of this sequence's channels that came unpredicted too.
function Driver:check_hooks(final)
  if not self.webhooks then return end
  local t, left = self.t, {}
  for _, p in ipairs(self.pending_hooks) do
    local ev = t:expect_webhook(hook_pattern(p.w), { within = 0 })
    local want = "webhook " .. M.describe(hook_pattern(p.w)) .. " exactly once"
    if ev then self:pass(p.w, want)
    elseif final or prim.now() >= p.due then
      if final and prim.now() < p.due then
        ev = t:expect_webhook(hook_pattern(p.w), { within = math.max(1, p.due - prim.now()) })
      end
      local across = false   -- a restart while it was due: the dead server may never have sent it
      for _, r in ipairs(E.restarted_at) do
        if r >= p.due - scaled(self.hook_ms) - FRAME_MS and r <= p.due then across = true end
      end
      local member_unsure = self.unsure[p.w.channel or ""] and tostring(p.w.name):match("^member_")
      if ev then self:pass(p.w, want)
      elseif across or member_unsure then
        if not self.quiet then prim.log("explore: " .. want .. ": not judged (the server was restarted meanwhile)") end
      else
        self:diverge("webhook", p.w, want, "no such webhook within " .. scaled(self.hook_ms) .. " ms", { missing = p.w })
      end
    else left[#left + 1] = p end
  end
  self.pending_hooks = left
  if not final then return end
  -- a webhook nobody predicted may come as late as a predicted one: wait as long
  local quiet_until = (self.last_op or 0) + scaled(self.hook_ms)
  if prim.now() < quiet_until then t:sleep(quiet_until - prim.now()) end
  if self.lost then return end   -- the model lost track of the server's state: no opinion on extras
  local extra = { channel_occupied = "HOOK-1:occupied-once", channel_vacated = "HOOK-1:vacated",
    member_added = "HOOK-2:added", member_removed = "HOOK-2:removed" }
  for i, h in ipairs(t:webhooks()) do
    for j, ev in ipairs(type(h.json) == "table" and type(h.json.events) == "table" and h.json.events or {}) do
      local key = i .. ":" .. j
      if type(ev.channel) == "string" and ev.channel:find(self.prefix, 1, true) and not t._hooks_used[key]
        and extra[ev.name] and self.webhooks[ev.name] and not self.hooks_seen[key] and not self.forgotten[ev.channel]
        and not (self.unsure[ev.channel] and ev.name:match("^member_")) then
        self.hooks_seen[key] = true
        local excused
        for i2, tol in ipairs(self.tolerate) do
          if tol.name == ev.name and tol.channel == ev.channel and (tol.user_id == nil or tol.user_id == ev.user_id) then
            excused = table.remove(self.tolerate, i2)
            break
          end
        end
        if not excused then
          self:diverge("webhook-extra", { clause = extra[ev.name] }, "each webhook transition exactly once, as the model predicts",
            ev, { extra = ev })
        end
      end
    end
  end
end

-- The server was found down after op (a fresh connection refused or reset): a malformed
-- request's HTTP answer keeps its divergence, the rest of the step is the dead server's and
-- is dropped; the kill itself diverges from FRAME-4:http-body-4xx when op sent a malformed
-- body (the rule that says such input never crashes the server), else it is a finding only.
-- divs: the step's divergences (before: their first index). Returns those kept.
function Driver:went_down(op, why, divs, before, restarted)
  local keep = {}
  -- only a malformed request's own answer stands (its rule judges that input, answered or
  -- not); any other answer may be a dying server's, or another job's input killed it
  for _, x in ipairs(divs) do if x.kind == "http" and op.body ~= nil and not restarted then keep[#keep + 1] = x end end
  for i = #self.divergences, before + 1, -1 do self.divergences[i] = nil end
  for _, x in ipairs(keep) do self.divergences[#self.divergences + 1] = x end
  local at = #self.history
  local clause = op.body ~= nil and "FRAME-4:http-body-4xx" or (keep[1] and keep[1].clause)
  if restarted then clause = nil end
  self.down = { at = at, op = op, why = why, clause = clause, dropped = #divs - #keep, epoch = E.epoch,
    restarted = restarted }
  if op.body ~= nil and not restarted then
    keep[#keep + 1] = self:diverge("down", { clause = clause }, "the server survives operation " .. at ..
      " (a malformed body) and keeps serving", "the server went down at operation " .. at .. " (" .. op_text(op) ..
      "): a fresh connection " .. tostring(why), { why = why })
  end
  self.pending_hooks, self.lost = {}, true   -- a dead server's webhooks are not judged
  if not self.quiet then
    prim.log(string.format("explore: the server went down at operation %d (%s): %s; %d divergences of that "
      .. "operation dropped", at, op_text(op), tostring(why), #divs - #keep))
  end
  return keep
end

-- One operation: predicted, carried out, observed. Returns the divergences it caused.
-- They are reported only after the server is known to be up: a divergence, or a request
-- with no answer, asks P.reachable (only a refused or reset connection is down).
function Driver:step(op, ctx)
  local report = self.report
  self.report = nil
  local out, pred = self:step_unreported(op, ctx)
  self.report = report
  if report then for _, x in ipairs(out) do report(x, self) end end
  return out, pred
end

function Driver:step_unreported(op, ctx)
  local before = #self.divergences
  self.accepted_now = {}
  self.history[#self.history + 1] = op
  self.cur = op
  self.last_op = prim.now()
  local pred = self.model:apply(op, ctx or { now = prim.now() })
  -- model.lua `unsure`: its messages and views are no longer judged (its webhooks still are: a
  -- transition is one whatever the subscribes were)
  for _, name in ipairs(pred and pred.unsure or {}) do self.unsure[name] = true end
  if self.obs then self.obs:begin(op) end
  local res, why = self:execute(op)
  -- a trigger the model has no opinion on (pred.open) may be published or not: its events are
  -- no "extra" message when they come (a batch of a sealed and an unsealed event, say)
  if op.op == "trigger" and pred and type(pred.open) == "table" and #pred.open > 0 then
    self.open_events = self.open_events or {}
    for _, e in ipairs(model_mod().trigger_events(op)) do self.open_events[tostring(e.channel) .. "\0" .. tostring(e.event)] = true end
  end
  res = self:observe(op, pred, res, why) or res
  -- a trigger answered with an error in its body was not published (whatever its status):
  -- what its cache channels hold, the model can no longer say
  if op.op == "trigger" and res and type(res.json) == "table" and res.json.error ~= nil then
    local mm = model_mod()
    for _, e in ipairs(mm.trigger_events(op)) do
      if mm.is_cache(mm.kind(e.channel)) then self.model:adopt("cache", { channel = e.channel, unknown = true }) end
    end
  end
  -- a connection the server closed without the model predicting it: the model follows
  for k, c in pairs(self.conns) do
    if c:is_closed() and self.model:is_open(k) and not (op.op == "close" and op.conn == k) then
      if not self.quiet then prim.log("explore: the server closed connection " .. k .. ": " .. c:close_text()) end
      self.model:adopt("closed", { conn = k })
    end
  end
  local out = {}
  for i = before + 1, #self.divergences do out[#out + 1] = self.divergences[i] end
  if self.epoch ~= E.epoch then
    -- another job restarted the server during this sequence (the restart blocks every job):
    -- what this step saw is the restart's, and the server holds none of the sequence's state
    out = self:went_down(op, "the server was restarted by another job during this sequence", out, before, true)
  elseif #out > 0 or (res and res.status == 0) then
    local up, down_why = E.serving(self.t)
    if not up then out = self:went_down(op, down_why, out, before) end
  end
  if self.obs then self.obs:done(res, out, pred, self.sids) end
  return out, pred
end

-- The end of a sequence: late webhooks and frames judged, connections freed.
-- A subscription the server accepted and the model cannot take on (an invalid name, a member
-- without a user id): the driver leaves the channel again, so server and model agree once more,
-- and that channel is not judged after (its webhooks, its frames). false: nothing to undo.
function Driver:forget(x)
  local o = x.observed or {}
  local c = x.kind == "accepted" and o.channel and self.conns[o.conn]
  -- closed already: the server dropped the member itself, and the member_removed webhook of a
  -- member the model never had is that same deviation's, not another
  if c and c:is_closed() then self.forgotten[o.channel] = true end
  if not c or c:is_closed() then return false end
  c:unsubscribe(o.channel)
  c:send { event = "pusher:ping", data = {} }
  c:expect({ event = "pusher:pong" }, { within = FRAME_MS })
  self.forgotten[o.channel] = true
  if not self.quiet then prim.log("explore: left " .. o.channel .. " again (the model cannot take it on)") end
  return true
end

-- defer: the webhooks are judged later (E.run judges every sequence's at the end, after one
-- wait for late ones, not one wait per sequence).
function Driver:finish(defer)
  self:leftovers()
  -- the connections still open are closed here: the model closes them too, so the webhooks
  -- their closing causes (channel_vacated, member_removed) are predicted, not extra
  local open = {}
  for k in pairs(self.conns) do if self.model:is_open(k) then open[#open + 1] = k end end
  table.sort(open)
  for _, k in ipairs(open) do
    local pred = self.model:apply({ op = "close", conn = k }, { now = prim.now() })
    for _, w in ipairs(pred and pred.webhooks or {}) do
      if self.webhooks and self.webhooks[w.name] and not w.eventually and not self.lost then
        self.pending_hooks[#self.pending_hooks + 1] = { w = w, due = prim.now() + scaled(self.hook_ms) }
      end
    end
  end
  -- closed before the webhooks are judged: a replay (not deferred) waits for the ones the
  -- closing causes, and they come only once the server sees the connections go
  for _, c in pairs(self.conns) do c:release() end
  self.conns = {}
  if #open > 0 then self.last_op = prim.now() end
  if not defer then self:check_hooks(true) end
end

-- ---------------------------------------------------------------- the model and generator

-- The webhooks a server sends by default; the target's webhooks.events lists what it enables.
local DEFAULT_HOOKS = { "channel_occupied", "channel_vacated", "member_added", "member_removed" }

local function families(t)
  local fam, left = { gen = {} }, {}
  local ua = t.target.profiles and t.target.profiles.user_authentication
  if ua and (ua.app or ua).key ~= t.app.key then
    fam.gen.signin = false
    left[#left + 1] = "signin, terminate_user (the target enables user authentication on its user_authentication " ..
      "profile's app only, and explore runs on the main app)"
  end
  local w = t.target.webhooks
  if w then
    fam.webhooks = {}
    for _, name in ipairs(type(w.events) == "table" and w.events or DEFAULT_HOOKS) do fam.webhooks[name] = true end
  else
    fam.webhooks = false
    left[#left + 1] = "webhooks (the target file has no webhooks = {listen=}): no webhook is checked"
  end
  return fam, left
end

local function new_model(t, fam, prefix)
  local rate = t.target.profiles and t.target.profiles.client_event_rate
  return model_mod().new { prefix = prefix, max_payload = t.target.limits and t.target.limits.max_payload,
    client_event_rate = rate and rate.per_second or nil }
end

-- After a divergence the model takes on what the server showed; false: it cannot.
local function adopt_after(m, x)
  local o = x.observed or {}
  if x.kind == "refused" then return m:adopt("refused", { conn = o.conn, channel = o.channel }) ~= false end
  if x.kind == "accepted" and o.channel then
    local auth = x.op and x.op.auth
    -- the server took a member without a user id: the model has no user to take on
    if auth == "no-user-id" or auth == "no-channel-data" then return false end
    return m:adopt("subscribed", { conn = o.conn, channel = o.channel, user = o.user }) ~= false
  end
  -- a trigger the model expected refused was published (2xx, no error in the body): the
  -- cache channels among its channels now hold its event
  if x.kind == "http" and x.op and x.op.op == "trigger" and type(o.status) == "number" then
    -- published (2xx, no error in the body) or not: its cache channels hold its event, or the
    -- model can no longer say what they hold
    local published = o.status // 100 == 2 and not (type(o.body) == "table" and o.body.error)
    for _, e in ipairs(model_mod().trigger_events(x.op)) do
      if model_mod().is_cache(model_mod().kind(e.channel)) then
        m:adopt("cache", published and { channel = e.channel, event = e.event, data = e.data }
          or { channel = e.channel, unknown = true })
      end
    end
  end
  if x.kind == "closed" then return m:adopt("closed", { conn = o.conn }) ~= false end
  return true   -- a view, a frame or a webhook: the model's state stands
end

-- ---------------------------------------------------------------- scenario files

local function is_ident(k) return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil end

-- v as Lua source (sorted keys: the same sequence always gives the same file).
local function lua_text(v, indent)
  indent = indent or ""
  if v == prim.null then return "ps.json.null" end
  if type(v) == "string" then return string.format("%q", v):gsub("\\\n", "\\n") end
  if type(v) ~= "table" then return tostring(v) end
  local n = #v
  local parts, keys = {}, {}
  for i = 1, n do parts[#parts + 1] = lua_text(v[i], indent) end
  for k in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b)   -- `op` first: the file reads as a list of operations
    if a == "op" or b == "op" then return a == "op" and b ~= "op" end
    return tostring(a) < tostring(b)
  end)
  for _, k in ipairs(keys) do
    parts[#parts + 1] = (is_ident(k) and k or "[" .. lua_text(k) .. "]") .. " = " .. lua_text(v[k], indent)
  end
  return "{ " .. table.concat(parts, ", ") .. " }"
end
E.lua_text = lua_text

local function scenario_text(id, found)
  local rule = found.clause:match("^([^:]+)")
  local lines = {}
  for _, l in ipairs {
    "-- Written by pushspec explore: the minimal operation sequence found (seed " .. found.seed .. ", "
      .. found.original_ops .. " operations shrunk to " .. #found.ops .. " in " .. found.replays .. " replays)",
    "-- that fails " .. found.clause .. " on " .. found.target .. ".",
    "-- Replay: pushspec run --scenarios DIR --target FILE",
    "-- Expected (the model): " .. tostring(found.expected):gsub("\n", " "),
    "-- Actual: " .. tostring(found.actual):gsub("\n", " "):sub(1, 400),
    found.nodes and ("-- Nodes: each op's node field places its connection or HTTP call; before shrinking: " .. found.nodes) or false,
    "ps.scenario {",
    "  id = " .. lua_text(id) .. ",",
    "  title = " .. lua_text("explore: " .. found.clause .. " after " .. #found.ops .. " operations (seed " .. found.seed .. ")") .. ",",
    "  rules = { " .. lua_text(rule) .. " },",
    rule:match("^HOOK%-") and ("  profile = " .. lua_text(prim.PROFILE_WEBHOOKS) .. ",  -- the webhook receiver runs") or "  -- (webhooks are not checked in this replay)",
    "  timeout = 60,",
    "  run = function(t)",
    "    ps.explore.replay(t, {",
    "      clause = " .. lua_text(found.clause) .. ",",
    "      prefix = " .. lua_text(found.prefix) .. ",",
    "      ops = {",
  } do if l then lines[#lines + 1] = l end end
  for _, op in ipairs(found.ops) do lines[#lines + 1] = "        " .. lua_text(op) .. "," end
  lines[#lines + 1] = "      },"
  lines[#lines + 1] = "    })"
  lines[#lines + 1] = "  end,"
  lines[#lines + 1] = "}"
  return table.concat(lines, "\n") .. "\n"
end

-- ---------------------------------------------------------------- replays and shrinking

-- Runs ops (named with prefix from) on fresh connections and channels; true when
-- clause diverges. Quiet: reports nothing.
local function replay_fails(t, ops, from, clause, fam)
  local prefix = new_prefix()
  local m = new_model(t, fam, prefix)
  -- webhooks only when the clause is a webhook's: a missing one costs the whole webhook delay
  local hooks = clause:match("^HOOK%-") and fam.webhooks or false
  local d = Driver.new(t, m, prefix, { quiet = true, webhooks = hooks, hook_ms = E.hook_ms(t) })
  local hit = false
  for _, op in ipairs(ops) do
    local divs = d:step(rename(op, from, prefix))
    for _, x in ipairs(divs) do if x.clause == clause then hit = true end end
    if hit or d.down then break end
    for _, x in ipairs(divs) do if not adopt_after(m, x) then d:forget(x) end end
  end
  if d.down then   -- this candidate killed the server: bring it back before the next replay
    d:finish()
    E.bring_back(t, d.down, "while shrinking " .. clause)
    return hit
  end
  if not hit then
    local n = #d.divergences
    d:finish()
    for i = n + 1, #d.divergences do if d.divergences[i].clause == clause then hit = true end end
  else
    d.webhooks = false
    d:finish()
  end
  return hit
end

function E.hook_ms(t)
  local w = t.target.webhooks
  local s = type(w) == "table" and tonumber(w.delay)   -- seconds: the server's webhook delay
  return s and math.floor(s * 1000 + 2000) or HOOK_MS
end

-- ---------------------------------------------------------------- a run

-- A failing check as Case:check records it, with the whole text (Case:check cuts Actual at 300
-- characters: the operation history would be lost).
local function fail_check(clause, expected, text)
  text = #text > 6000 and (text:sub(1, 6000) .. "...") or text
  prim.check(clause, false, expected, text)
  prim.log(string.format("check failed: %s: expected %s; actual %s", clause, expected, text))
end

-- The rules a divergence of clause may fail here: its own when the scenario declares it.
local function declared(t, clause)
  local rule = clause:match("^([^:]+)")
  for _, r in ipairs(t.spec.rules) do if r == rule then return true end end
  return false
end

local function history_text(hist, upto)
  local lines = {}
  for i = math.max(1, (upto or #hist) - 29), upto or #hist do lines[#lines + 1] = i .. ". " .. op_text(hist[i]) end
  return table.concat(lines, "\n")
end

-- Each clause is shrunk once in a run, whichever job (scenario) finds it first.
local shrunk_in_run = {}

-- The scenario `explore-JOB` of scenarios/explore/: sequences until the budget is spent.
function E.run(t, job)
  local o = t.target.explore
  if not o then
    for _, r in ipairs(t.spec.rules) do t:skip(r, "only pushspec explore runs this scenario") end
    return
  end
  local fam, left = families(t)
  if #left > 0 then t:record("families_left_out", left) end
  for _, why in ipairs(left) do prim.progress("left out: " .. why) end
  local start, budget = prim.now(), o.budget * 1000
  local seen_clause, judged = shrunk_in_run, {}
  local stats = { ops = 0, sequences = 0, divergences = 0, shrunk = 0, downs = 0, restarts = 0 }
  local last_progress = start
  local n = 0
  local found, deferred = {}, {}   -- divergences to shrink (first of each clause); sequences whose webhooks wait
  local shrink_ms = 0   -- shrinking does not count towards the budget
  local function spent() return prim.now() - start - shrink_ms end
  local shrink_found
  -- Shrinks what was found since the last call (each clause once in the run), unless known.
  function shrink_found()
    local list = found
    found = {}
    for _, f in ipairs(list) do
      local x, seed, prefix = f.x, f.seed, f.prefix
      local rule = x.clause:match("^([^:]+)")
      if o.known and (o.known[x.clause] or o.known[rule]) then
        t:record("minimal", { clause = x.clause, seed = seed, known = true,
          detail = "the baseline (--expect) lists this clause: reported, not shrunk" })
      elseif prim.now() - start > budget * 2 + 60000 then
        t:record("minimal", { clause = x.clause, seed = seed, shrunk = false,
          detail = "no time left to shrink (the budget twice over, plus 60 s, has passed)" })
      else
        local t0 = prim.now()
        E.shrink_and_save(t, x, f.d.history, prefix, seed, fam, o, stats)
        shrink_ms = shrink_ms + prim.now() - t0
      end
    end
  end
  while spent() < budget and n < (o.sequences or math.huge) do
    local seed = o.seed + ((n * o.jobs + (job - 1)) * o.shard[2] + (o.shard[1] - 1))
    n = n + 1
    local prefix = new_prefix()
    local m = new_model(t, fam, prefix)
    local g = gen_mod().new { seed = seed, weights = o.weights, prefix = prefix, families = fam.gen,
      nodes = t.target.nodes and #t.target.nodes or 1,
      forms = gen_mod().ALL_FORMS,   -- this driver makes every wrong form the generator knows
      max_payload = t.target.limits and t.target.limits.max_payload }
    local d = Driver.new(t, m, prefix, { webhooks = fam.webhooks, hook_ms = E.hook_ms(t) })
    if o.observe then d.obs = P.require("explore_diff").new(seed, prefix) end
    d.report_pass = function(item, expected)
      if item.clause and declared(t, item.clause) and not judged[item.clause] then
        judged[item.clause] = true
        t:check(item.clause, true, expected)
      end
    end
    d.report = function(x, drv)
      stats.divergences = stats.divergences + 1
      local text = tostring(show(x.actual, 800)) .. (x.nodes and ("\n" .. x.nodes) or "") .. "\noperation " .. x.at .. " of seed " .. seed .. "; history:\n" ..
        history_text(drv.history, x.at)
      if declared(t, x.clause) then fail_check(x.clause, "(model) " .. x.expected, text)
      else t:incidental(x.clause, "(model) " .. x.expected, text) end
      if not seen_clause[x.clause] then
        seen_clause[x.clause] = true
        found[#found + 1] = { x = x, d = drv, seed = seed, prefix = prefix }
      end
    end
    local ended
    for i = 1, o.ops do
      if spent() >= budget then break end
      if fam.webhooks and #t:webhooks() >= HOOKS_JUDGED then
        -- the receiver keeps PS_WEBHOOK_MAX_KEPT (net/limits.h) and refuses later ones: a
        -- webhook it refused is no missing webhook. The margin leaves room for those due.
        fam.webhooks, d.webhooks = false, false
        t:record("webhooks_not_judged", { after_operations = stats.ops, detail = "the webhook receiver holds " ..
          HOOKS_JUDGED .. " webhooks (it keeps at most 2000): later operations' webhooks are not judged" })
        prim.progress("webhooks are not judged from operation " .. stats.ops .. " on: the receiver is nearly full")
      end
      local op = g:next(m)
      if op == nil then break end
      local divs = d:step(op)
      stats.ops = stats.ops + 1
      if d.down and d.down.restarted then
        d:finish()
        ended = "the server was restarted by another job at operation " .. d.down.at .. " (this sequence's state is gone)"
        break
      end
      if d.down then ended = E.server_down(t, d, seed, prefix, fam, o, stats, deferred); break end
      for _, x in ipairs(divs) do
        if not adopt_after(m, x) and not d:forget(x) then d.lost = true; ended = "the model could not take on the state the server showed after " .. x.clause end
      end
      if prim.now() - last_progress >= 5000 then
        last_progress = prim.now()
        prim.progress(string.format("job %d: %d operations, %.0f ops/s, %d divergences", job, stats.ops,
          stats.ops * 1000 / math.max(1, spent()), stats.divergences))
      end
      if ended then break end
    end
    d:finish(true)
    deferred[#deferred + 1] = d
    stats.sequences = stats.sequences + 1
    t:record("sequence", { seed = seed, ops = #d.history, divergences = #d.divergences, ended = ended,
      first_ops = (function() local f = {} for i = 1, math.min(5, #d.history) do f[i] = d.history[i] end return f end)() })
    shrink_found()
  end
  -- every sequence's webhooks, after one wait for the late ones
  for _, d in ipairs(deferred) do d:check_hooks(true) end
  if o.observe then E.save_observations(t, o, job, deferred, fam) end
  shrink_found()
  local secs, shrink_s = spent() / 1000, shrink_ms / 1000
  t:record("summary", { seed = o.seed, jobs = o.jobs, job = job, shard = o.shard[1] .. "/" .. o.shard[2],
    ops_per_sequence = o.ops, sequences_per_job = o.sequences, weights = o.weights,   -- pushspec report merges shards on these
    sequences = stats.sequences, operations = stats.ops, divergences = stats.divergences, shrunk = stats.shrunk,
    seconds = math.floor(secs * 10 + 0.5) / 10, shrinking_seconds = math.floor(shrink_s * 10 + 0.5) / 10,
    ops_per_second = math.floor(stats.ops / math.max(secs, 0.001) + 0.5), families_left_out = left,
    server_downs = stats.downs, restarts = stats.restarts })
  prim.progress(string.format("job %d: done: %d sequences, %d operations in %.1f s (%.0f ops/s), %d divergences, "
    .. "%d shrunk in %.1f s", job, stats.sequences, stats.ops, secs, stats.ops / math.max(secs, 0.001), stats.divergences,
    stats.shrunk, shrink_s))
  for _, r in ipairs(t.spec.rules) do
    t:skip(r, "explore made no operation whose prediction this rule judges (seed " .. o.seed .. ", " .. stats.ops .. " operations)")
  end
end

-- Differential mode: this job's observations, one JSON line per operation, for the parent
-- process to compare with the other target's (harness/explore_diff.c).
function E.save_observations(t, o, job, drivers, fam)
  local parts = {}
  for _, d in ipairs(drivers) do
    if fam.webhooks then d.obs:hooks(t:webhooks()) end
    parts[#parts + 1] = d.obs:text()
  end
  local _, why = prim.save_text(o.observe, "job-" .. job .. ".jsonl", table.concat(parts))
  if why then error("explore: cannot keep the observations for the comparison: " .. why, 0) end
end

-- ---------------------------------------------------------------- a server that dies

-- Is the server serving? P.reachable (a refused or reset connection is down, a slow one is
-- not), and a server that takes the connection only to close it before connection_established
-- is down too (it is shutting down: soketi closes with 4200 "Server closed" during its grace).
function E.serving(t)
  local up, why = P.reachable(t)
  if not up then return up, why end
  local c = t:connect()
  local m, w = c:established { within = FRAME_MS }
  local closed = not m and c:is_closed()
  c:release()
  if closed then return false, "the connection was closed before connection_established: " .. tostring(w) end
  return true
end

-- Up again within a few tries (a server that was just started may take a moment).
local function back_up(t)
  local up, why
  for i = 1, 5 do
    up, why = E.serving(t)
    if up then return true end
    t:sleep(scaled(1000 * i))
  end
  return false, why
end

-- Restarts the server through the target's restart command (Case:restart_target, as
-- pushspec fuzz does) after down (Driver.down); without one, or when it does not come
-- back, the run cannot go on: error "server down since ...".
function E.bring_back(t, down, where)
  local since = string.format("server down since operation %d%s (%s): a fresh connection %s", down.at,
    where and (" " .. where) or "", op_text(down.op), tostring(down.why))
  if down.restarted then return true end   -- another job restarted it already
  if down.epoch ~= E.epoch then   -- found down before another job's restart: up again?
    if back_up(t) then return true end
  end
  if not t.target.restart then error(since .. " (no restart command in the target)", 0) end
  prim.progress("the server is down: restarting it: " .. t.target.restart)
  local ok = t:restart_target()
  local up, why = false, "the restart command failed"
  if ok then up, why = back_up(t) end
  if not up then error(since .. " (the restart command did not bring it back: " .. tostring(why) .. ")", 0) end
  E.epoch = E.epoch + 1
  E.restarted_at[#E.restarted_at + 1] = prim.now()
  return true
end

-- Sequence d (seed, channels prefix) took the server down: the finding names the last
-- operation; the killing operation alone is tried on a restarted server (a request needs
-- no connection), and the shortest sequence that kills is saved as a scenario file like a
-- shrunk one. Then the server is restarted and the run goes on with the next sequence.
-- Returns why the sequence ended.
function E.server_down(t, d, seed, prefix, fam, o, stats, deferred)
  local down = d.down
  stats.downs = stats.downs + 1
  d:finish()
  -- webhooks other sequences were still waiting for may have died with the server
  for _, other in ipairs(deferred) do
    if (other.last_op or 0) + scaled(other.hook_ms) > prim.now() then other.pending_hooks, other.lost = {}, true end
  end
  local ops = {}
  for i = 1, down.at do ops[i] = copy(d.history[i]) end
  local finding = { seed = seed, operation = down.at, op = down.op, why = down.why, clause = down.clause,
    dropped_divergences = down.dropped, sequence = #ops <= 30 and ops or nil,
    other_jobs = o.jobs > 1 and "with --jobs " .. o.jobs .. " the operation that killed it may be another job's "
      .. "(alone_kills says whether this one does alone)" or nil }
  prim.progress(string.format("the server went down at operation %d of seed %d (%s): %s", down.at, seed,
    op_text(down.op), tostring(down.why)))
  E.bring_back(t, down, "of seed " .. seed)
  stats.restarts = stats.restarts + 1
  if down.at > 1 and down.op.conn == nil and down.op.op ~= "wait" then
    local alone = new_prefix()
    local d1 = Driver.new(t, new_model(t, fam, alone), alone, { quiet = true, webhooks = false })
    d1:step(rename(copy(down.op), prefix, alone))
    d1:finish()
    if d1.down then
      ops = { ops[#ops] }
      E.bring_back(t, d1.down, "(the killing operation replayed alone)")
      stats.restarts = stats.restarts + 1
    end
    finding.alone_kills = d1.down ~= nil
  end
  finding.minimal_ops = #ops
  if down.clause then
    local found = { clause = down.clause, seed = seed, ops = ops, original_ops = down.at, replays = #ops < down.at and 1 or 0,
      target = t.target.name, prefix = prefix, expected = "the server survives every operation",
      actual = "the server went down at operation " .. down.at .. ": a fresh connection " .. tostring(down.why) }
    local id = string.format("explore-down-%d-%s", seed, down.clause:lower():gsub("[^%w]+", "-"))
    finding.file, finding.save_error = prim.save_text(o.save, id .. ".lua", scenario_text(id, found))
  end
  t:record("server_down", finding)
  return "the server went down at operation " .. down.at .. " and was restarted"
end

-- Shrinks the history up to divergence x to a minimal sequence that still fails
-- x.clause, records it and writes it as a scenario file.
function E.shrink_and_save(t, x, hist, prefix, seed, fam, o, stats)
  local ops = {}
  for i = 1, x.at do ops[i] = copy(hist[i]) end
  local replays, t0 = 0, prim.now()
  local function fails(cand)
    replays = replays + 1
    if replays % 10 == 0 then
      prim.progress(string.format("shrinking %s: replay %d, %d operations", x.clause, replays, #cand))
    end
    return replay_fails(t, cand, prefix, x.clause, fam)
  end
  prim.progress(string.format("divergence %s at operation %d (seed %d): shrinking", x.clause, x.at, seed))
  if not fails(ops) then
    t:record("minimal", { clause = x.clause, seed = seed, reproduced = false, ops = #ops,
      detail = "the divergence did not come back when the sequence was replayed: not shrunk" })
    return
  end
  local model = model_mod()
  local min, st = shrink_mod().minimize(ops, fails, { max_replays = 60, repair = model.repair, deps = model.deps,
    simplify = function(list) return model.simplify(list, prefix) end })
  min, st = min or ops, st or {}
  stats.shrunk = stats.shrunk + 1
  local found = { clause = x.clause, seed = seed, ops = min, original_ops = #ops, replays = replays,
    target = t.target.name, prefix = prefix, expected = x.expected, actual = show(x.actual, 400), nodes = x.nodes }
  local id = string.format("explore-min-%d-%s", seed, x.clause:lower():gsub("[^%w]+", "-"))
  local file, why = prim.save_text(o.save, id .. ".lua", scenario_text(id, found))
  prim.progress(string.format("%s: %d operations shrunk to %d in %d replays (%.1f s; %d candidates failed once and "
    .. "then passed: not kept)%s", x.clause, #ops, #min, replays, (prim.now() - t0) / 1000, st.flaky or 0,
    file and (": " .. file) or (": not saved: " .. tostring(why))))
  t:record("minimal", { clause = x.clause, seed = seed, reproduced = true, ops = min, original_ops = #ops,
    replays = replays, flaky_candidates = st.flaky, unsure = st.unsure, file = file, save_error = why, expected = x.expected, actual = show(x.actual, 400), nodes = x.nodes })
end

-- A saved minimal sequence (scenario files written above): replayed with every
-- prediction judged; the clause the file names is checked, other divergences logged.
function E.replay(t, spec)
  local fam = families(t)
  if t.spec.profile ~= prim.PROFILE_WEBHOOKS then fam.webhooks = false end   -- no receiver runs then
  local prefix = new_prefix()
  local m = new_model(t, fam, prefix)
  local d = Driver.new(t, m, prefix, { webhooks = fam.webhooks, hook_ms = E.hook_ms(t) })
  local hit
  d.report = function(x, drv)
    if x.clause == spec.clause then
      hit = true
      fail_check(x.clause, "(model) " .. x.expected, show(x.actual, 800) .. (x.nodes and ("\n" .. x.nodes) or "") ..
        "\nhistory:\n" .. history_text(drv.history, x.at))
    else
      prim.log("explore replay: another divergence, " .. x.clause .. ": " .. show(x.actual, 300))
    end
  end
  for _, op in ipairs(spec.ops) do
    local divs = d:step(rename(op, spec.prefix, prefix))
    if d.down then break end   -- the runner's dead-server check restarts it after this scenario
    for _, x in ipairs(divs) do if not adopt_after(m, x) then d:forget(x) end end
  end
  d:finish()
  if not hit then t:check(spec.clause, true, "the server behaves as the model predicts for this sequence") end
end

E.Driver = Driver
return E
