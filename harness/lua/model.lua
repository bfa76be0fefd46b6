-- model.lua: the reference model of a Pusher server, written from scenarios/RULES.md
-- (its Facts and rules, clause by clause), the one source of expectations for
-- `pushspec explore` (issue 18; documented in scenarios/API.md, section model.lua).
-- Pure: no I/O, no `ps`, no clock (the driver passes ctx.now). Role-independent: it
-- says what a server must do, so it can judge a server or play one.
--
-- Additions to the contract's prediction shapes (no change to its fields):
--   frame item   {conn, pattern, clause}        a message matching pattern arrives on conn
--                once_clause                     ... exactly once (a second one fails this clause)
--                fields, fields_clause           the message found matches these fields (decoded)
--                checks = {{fields, clause}}     more field checks of that same message, each its clause
--                members, members_clause         presence: its presence ids are exactly this set
--                refusal = true (pattern nil)    the op on `channel` is refused (ps.verify.refusal:
--                                                pusher:error, subscription_error or a 4000-4399 close)
--                close = true (pattern nil)      the server closes conn
--   http         one_of = {401, 400}             when status is "4xx" and the rule names the choices
--                fields = {{path="occupied", value=true, clause=...}}  per-field clauses of the body
--                channels = {NAME = {user_count=N}}, scope = PREFIX: GET /channels lists exactly
--                these among the channels whose name (after the kind prefix) starts with PREFIX
--                users = {ids sorted}            GET users lists exactly these ids
--   webhook item eventually = true               subscription_count: the last one seen has this count
--                after, after_clause             the message arrives after the one taken for the
--                                                item whose pattern is `after` (same conn)
--   unsure = {channel}                           after this op the model cannot say what messages the
--                                                channel's members get (a driver stops judging them)
--   may = {{conn, channel}}                      one message on channel may come to conn (the model has
--                                                no opinion which: see open); it is no extra message
local P = ... -- the prelude's shared state when embedded; unused (pure module)
local M = {}
M.__index = M

local SUCCEEDED = "pusher_internal:subscription_succeeded"
local MEMBER_ADDED, MEMBER_REMOVED = "pusher_internal:member_added", "pusher_internal:member_removed"
local CACHE_MISS = "pusher:cache_miss"

-- ------------------------------------------------------------------ channel names (Facts)

-- Longest prefix first: private-encrypted- and private-cache- before private-.
local KINDS = {
  { "private-encrypted-", "encrypted" }, { "private-cache-", "private-cache" },
  { "presence-cache-", "presence-cache" }, { "cache-", "cache" },
  { "private-", "private" }, { "presence-", "presence" },
}
M.KIND_PREFIXES = {}
for _, k in ipairs(KINDS) do M.KIND_PREFIXES[k[2]] = k[1] end
M.KIND_PREFIXES.public = ""
M.MAX_CHANNEL, M.MAX_EVENT, M.MAX_TRIGGER_CHANNELS, M.MAX_BATCH = 164, 200, 100, 10
M.USER_CHANNEL = "#server-to-user-"

function M.kind(name)
  if name:sub(1, #M.USER_CHANNEL) == M.USER_CHANNEL then return "user" end
  for _, k in ipairs(KINDS) do
    if name:sub(1, #k[1]) == k[1] then return k[2] end
  end
  return "public"
end

local function is_presence(kind) return kind == "presence" or kind == "presence-cache" end
local function is_cache(kind) return kind == "cache" or kind == "private-cache" or kind == "presence-cache" end
local function needs_auth(kind) return kind ~= "public" and kind ~= "cache" end
M.is_presence, M.is_cache, M.needs_auth = is_presence, is_cache, needs_auth

-- nil when valid, else the SUB-3 / HTTP-7 reason ("bad-characters" | "too-long")
function M.name_problem(name)
  if type(name) ~= "string" or name == "" or name:find("[^%w_%-=@,%.;]") then return "bad-characters" end
  if #name > M.MAX_CHANNEL then return "too-long" end
  return nil
end

-- ------------------------------------------------------------------ small helpers

local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out, function(a, b) return tostring(a) < tostring(b) end)
  return out
end

local function copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = copy(x) end
  return out
end
M.copy = copy

-- Byte length of the JSON text of v (for the payload limit when data is a table; the
-- driver sends strings as they are). Keys sorted: only the length matters.
local function json_len(v)
  local t = type(v)
  if t == "string" then
    local extra = 0
    for c in v:gmatch('[%c"\\]') do extra = extra + ((c == '"' or c == "\\" or c == "\n" or c == "\t"
      or c == "\r" or c == "\b" or c == "\f") and 1 or 5) end
    return #v + 2 + extra
  elseif t == "number" then return #tostring(v)
  elseif t == "boolean" then return t and 4 or 5
  elseif t == "table" then
    local n, len = #v, 2
    if n > 0 or next(v) == nil then
      for i = 1, n do len = len + json_len(v[i]) + (i > 1 and 1 or 0) end
      return len
    end
    local first = true
    for k, x in pairs(v) do
      len = len + json_len(tostring(k)) + 1 + json_len(x) + (first and 0 or 1)
      first = false
    end
    return len
  end
  return 4
end
M.json_len = json_len

local function data_len(d) if type(d) == "string" then return #d end return json_len(d) end

-- ------------------------------------------------------------------ the state

-- opts: prefix (the sequence's channel prefix, e.g. "P3-"), max_payload (bytes, the target's
-- limits.max_payload; 10240 by default), client_event_rate (per s, default 10)
function M.new(opts)
  opts = opts or {}
  return setmetatable({
    prefix = opts.prefix or "",
    max_payload = opts.max_payload or 10240,
    client_event_rate = opts.client_event_rate or 10,
    conns = {},      -- conn -> {open, socket_id, node, user (signed in), subs = {channel=true}, had = {channel=true}, events = {times}}
    channels = {},   -- name -> {subs = {conn = user_id|true}, count, members = {user_id = {n=, info=}}, users}
    cache = {},      -- name -> {event=, data=} | {unknown=true}
    signed_in = {},  -- user_id -> {conn = true}
    ever_occupied = {},
  }, M)
end

local function channel(m, name)
  local ch = m.channels[name]
  if not ch then
    ch = { subs = {}, count = 0, members = {}, users = 0 }
    m.channels[name] = ch
  end
  return ch
end

function M:learn(conn, facts)
  local c = self.conns[conn]
  if c and facts then
    for k, v in pairs(facts) do c[k] = v end
  end
end

function M:socket_id(conn) local c = self.conns[conn]; return c and c.socket_id end

function M:is_open(conn) local c = self.conns[conn]; return c ~= nil and c.open end

-- Channels conn is subscribed to (sorted), users of a presence channel (sorted).
function M:subscriptions(conn)
  local c = self.conns[conn]
  return c and sorted_keys(c.subs) or {}
end

function M:members(name)
  local ch = self.channels[name]
  return ch and sorted_keys(ch.members) or {}
end

function M:subscription_count(name)
  local ch = self.channels[name]
  return ch and ch.count or 0
end

-- Is this channel one of the sequence's own (its name after the kind prefix starts with prefix)?
function M:owned(name)
  local kind = M.kind(name)
  if kind == "user" then return false end
  return name:sub(#M.KIND_PREFIXES[kind] + 1, #M.KIND_PREFIXES[kind] + #self.prefix) == self.prefix
end

function M:occupied_channels()
  local out = {}
  for name, ch in pairs(self.channels) do
    if ch.count > 0 then out[#out + 1] = name end
  end
  table.sort(out)
  return out
end

-- ------------------------------------------------------------------ predictions

local function new_prediction()
  return { frames = {}, silent = {}, webhooks = {}, open = {} }
end

local function add(list, item) list[#list + 1] = item; return item end

-- Is a user of this presence channel on more than one of its connections?
function M.multi_connection(ch)
  for _, mem in pairs(ch.members) do if mem.n > 1 then return true end end
  return false
end

-- Connections that unsubscribed from name (and did not come back) get none of its events (SUB-2).
local function unsubscribed_silent(m, pred, name, pattern)
  for _, conn in ipairs(sorted_keys(m.conns)) do
    local c = m.conns[conn]
    if c.open and c.had[name] and not c.subs[name] then
      add(pred.silent, { conn = conn, pattern = copy(pattern), clause = "SUB-2:no-events-after" })
    end
  end
end

-- Add conn to channel (after a success): member_added to the others for the user's first
-- connection (PRES-2, PRES-3), channel_occupied on the first subscriber (HOOK-1).
local function join(m, pred, conn, name, user)
  local ch, kind = channel(m, name), M.kind(name)
  local c = m.conns[conn]
  if ch.count == 0 then
    add(pred.webhooks, { name = "channel_occupied", channel = name, clause = "HOOK-1:occupied" })
  end
  ch.subs[conn] = user and user.id or true
  ch.count = ch.count + 1
  c.subs[name] = true
  c.had[name] = true
  m.ever_occupied[name] = true
  add(pred.webhooks, { name = "subscription_count", channel = name, subscription_count = ch.count,
    clause = "HOOK-6:subscription-count", eventually = true })
  if is_presence(kind) and user then
    local mem = ch.members[user.id]
    if mem then
      mem.n = mem.n + 1
      -- a second connection of a present user: nobody is told (PRES-3:added-once)
      for _, other in ipairs(sorted_keys(ch.subs)) do
        if other ~= conn then
          add(pred.silent, { conn = other, pattern = { event = MEMBER_ADDED, channel = name,
            data = { user_id = user.id } }, clause = "PRES-3:added-once" })
        end
      end
      if not M.same(mem.info, user.info) then
        add(pred.open, "which user_info a member present on two connections with different user_info shows (RULES.md is silent)")
      end
    else
      ch.members[user.id] = { n = 1, info = copy(user.info) }
      ch.users = ch.users + 1
      for _, other in ipairs(sorted_keys(ch.subs)) do
        if other ~= conn then
          local f = add(pred.frames, { conn = other, pattern = { event = MEMBER_ADDED, channel = name,
            data = { user_id = user.id } }, clause = "PRES-2:added-sent", once_clause = "PRES-3:added-once" })
          if user.info ~= nil then f.fields = { data = { user_info = copy(user.info) } }; f.fields_clause = "PRES-2:added-user-info" end
        end
      end
      add(pred.webhooks, { name = "member_added", channel = name, user_id = user.id, clause = "HOOK-2:added" })
      unsubscribed_silent(m, pred, name, { event = MEMBER_ADDED, channel = name })
    end
    add(pred.silent, { conn = conn, pattern = { event = MEMBER_ADDED, channel = name, data = { user_id = user.id } },
      clause = "PRES-2:none-for-self" })
  end
end

-- Remove conn from channel: member_removed after the user's last connection (PRES-3, PRES-4),
-- channel_vacated after the last subscriber (HOOK-1). how: "unsubscribe" | "disconnect".
local function leave(m, pred, conn, name, how)
  local ch = m.channels[name]
  local c = m.conns[conn]
  if not ch or ch.subs[conn] == nil then return end
  local uid = ch.subs[conn]
  ch.subs[conn] = nil
  ch.count = ch.count - 1
  c.subs[name] = nil
  if uid ~= true then
    local mem = ch.members[uid]
    mem.n = mem.n - 1
    if mem.n == 0 then
      ch.members[uid] = nil
      ch.users = ch.users - 1
      for _, other in ipairs(sorted_keys(ch.subs)) do
        add(pred.frames, { conn = other, pattern = { event = MEMBER_REMOVED, channel = name, data = { user_id = uid } },
          clause = how == "disconnect" and "PRES-4:after-disconnect" or "PRES-4:after-unsubscribe",
          once_clause = "PRES-3:removed-after-last" })
      end
      add(pred.webhooks, { name = "member_removed", channel = name, user_id = uid, clause = "HOOK-2:removed" })
    else
      for _, other in ipairs(sorted_keys(ch.subs)) do
        add(pred.silent, { conn = other, pattern = { event = MEMBER_REMOVED, channel = name, data = { user_id = uid } },
          clause = "PRES-3:removed-after-last" })
      end
    end
  end
  if pred then
    add(pred.webhooks, { name = "subscription_count", channel = name, subscription_count = ch.count,
      clause = "HOOK-6:subscription-count", eventually = true })
  end
  if ch.count == 0 then
    add(pred.webhooks, { name = "channel_vacated", channel = name, clause = "HOOK-1:vacated" })
  end
end

function M.same(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not M.same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

local function close_conn(m, pred, conn)
  local c = m.conns[conn]
  if not c or not c.open then return end
  for _, name in ipairs(sorted_keys(c.subs)) do leave(m, pred, conn, name, "disconnect") end
  if c.user and m.signed_in[c.user] then
    m.signed_in[c.user][conn] = nil
    if next(m.signed_in[c.user]) == nil then m.signed_in[c.user] = nil end
  end
  c.open = false
end

-- The clause refusing a subscribe with a bad auth form, by channel kind (AUTH-1..8).
local REFUSAL = {
  none = { private = "AUTH-1:private-no-auth", presence = "AUTH-1:presence-no-auth",
    encrypted = "AUTH-8:encrypted-no-auth", ["private-cache"] = "AUTH-8:private-cache-no-auth",
    ["presence-cache"] = "AUTH-8:presence-cache-no-auth" },
  ["bad-signature"] = { private = "AUTH-2:altered-signature", presence = "AUTH-2:altered-signature",
    encrypted = "AUTH-8:encrypted-bad-signature", ["private-cache"] = "AUTH-8:private-cache-bad-signature",
    ["presence-cache"] = "AUTH-2:altered-signature" },
  ["zero-signature"] = "AUTH-2:zero-signature",
  malformed = "AUTH-2:altered-signature",      -- not KEY:HEX at all: a wrong signature
  ["wrong-key"] = "AUTH-5:other-app-key",
  ["other-socket"] = "AUTH-3:other-socket",
  ["other-channel"] = "AUTH-4:other-channel",
  ["channel-data-mismatch"] = "AUTH-7:data-changed",
  ["no-channel-data"] = "AUTH-7:data-missing",
  ["no-user-id"] = "AUTH-7:user-id-missing",
}
M.AUTH_FORMS = { "valid", "none", "bad-signature", "zero-signature", "malformed", "wrong-key", "other-socket",
  "other-channel", "channel-data-mismatch", "no-channel-data", "no-user-id" }

local function refusal_clause(auth, kind)
  local r = REFUSAL[auth]
  if type(r) == "table" then return r[kind] end
  if (auth == "channel-data-mismatch" or auth == "no-channel-data" or auth == "no-user-id") and not is_presence(kind) then
    return nil   -- channel_data on a private channel: RULES.md is silent
  end
  return r
end

local ops = {}

function ops.connect(m, op, pred)
  local c = m.conns[op.conn]
  if c and c.open then
    add(pred.open, "connect on a connection already open (a driver error)")
    return
  end
  m.conns[op.conn] = { open = true, node = op.node or 1, subs = {}, had = {}, events = {} }
  add(pred.frames, { conn = op.conn, pattern = { event = "pusher:connection_established" }, clause = "CONN-1:established-first" })
end

function ops.close(m, op, pred)
  close_conn(m, pred, op.conn)
end

function ops.subscribe(m, op, pred)
  local conn, name = op.conn, op.channel
  local kind = M.kind(name)
  local c = m.conns[conn]
  local problem = M.name_problem(name)
  if problem then
    add(pred.frames, { conn = conn, refusal = true, channel = name,
      clause = problem == "too-long" and "SUB-3:too-long" or "SUB-3:bad-characters" })
    add(pred.silent, { conn = conn, pattern = { event = SUCCEEDED, channel = name },
      clause = problem == "too-long" and "SUB-3:too-long" or "SUB-3:bad-characters" })
    return
  end
  if c.subs[name] then
    add(pred.open, "a second subscribe to a channel already subscribed on the same connection (RULES.md is silent)")
    -- and so on what it does to the channel's members and messages (a member_added for another user_id)
    pred.unsure = pred.unsure or {}
    add(pred.unsure, name)
    return
  end
  local auth = op.auth or "none"
  if kind == "public" or kind == "cache" then
    -- SUB-1 is unconditional: an auth field (of any form) does not make a public channel private
  elseif auth ~= "valid" then
    local clause = refusal_clause(auth, kind)
    if not clause then
      add(pred.open, "auth form '" .. tostring(auth) .. "' on a " .. kind .. " channel (RULES.md is silent)")
      return
    end
    add(pred.frames, { conn = conn, refusal = true, channel = name, clause = clause })
    add(pred.silent, { conn = conn, pattern = { event = SUCCEEDED, channel = name }, clause = clause })
    return
  end
  if is_presence(kind) and not (op.user and op.user.id ~= nil) then
    add(pred.open, "a presence subscribe without a user")
    return
  end
  local clause = (kind == "public" or kind == "cache") and "SUB-1:succeeded"
    or is_presence(kind) and "AUTH-6:presence-accepted" or "AUTH-6:private-accepted"
  local user = is_presence(kind) and { id = tostring(op.user.id), info = op.user.info } or nil
  local f = add(pred.frames, { conn = conn, pattern = { event = SUCCEEDED, channel = name }, clause = clause })
  join(m, pred, conn, name, user)
  if user then
    local ch = m.channels[name]
    -- with a user on several connections a wrong list is the per-user count's fault (PRES-3)
    local listing = M.multi_connection(ch) and "PRES-3:counted-once" or "PRES-1:lists-members"
    f.members = sorted_keys(ch.members)
    f.members_clause = listing
    f.fields = { data = { presence = { count = ch.users } } }
    f.fields_clause = listing
    -- the same message, another check: its own entry in hash (unless the user is present on
    -- another connection with other user_info: which one shows is open). One item per message:
    -- a driver takes the message it matches.
    if user.info ~= nil and M.same(ch.members[user.id].info, user.info) then
      f.checks = { { fields = { data = { presence = { hash = { [user.id] = copy(user.info) } } } },
        clause = "PRES-1:includes-subscriber" } }
    end
  end
  if is_cache(kind) then
    local last = m.cache[name]
    if last and last.unknown then
      add(pred.open, "the cached event of " .. name .. " after a client event on it (RULES.md says only 'the last event')")
      -- whichever it is, one event (or a cache_miss) on name may come to conn: no "extra" message
      pred.may = pred.may or {}
      add(pred.may, { conn = conn, channel = name })
    elseif last then
      add(pred.frames, { conn = conn, pattern = { event = last.event, channel = name }, clause = "CACHE-2:last-event",
        fields = { data = last.data }, fields_clause = "CACHE-2:last-event" })
      add(pred.silent, { conn = conn, pattern = { event = CACHE_MISS, channel = name }, clause = "CACHE-2:only-last" })
    else
      add(pred.frames, { conn = conn, pattern = { event = CACHE_MISS, channel = name }, clause = "CACHE-1:miss-sent",
        after = { event = SUCCEEDED, channel = name }, after_clause = "CACHE-1:after-succeeded" })
      add(pred.webhooks, { name = "cache_miss", channel = name, clause = "HOOK-6:cache-miss" })
    end
  end
end

function ops.unsubscribe(m, op, pred)
  local c = m.conns[op.conn]
  if not c.subs[op.channel] then
    add(pred.open, "unsubscribe from a channel not subscribed (RULES.md is silent)")
    return
  end
  leave(m, pred, op.conn, op.channel, "unsubscribe")
end

-- Count client events in the last second (CEV-6): over the rate, no opinion on delivery.
local function over_rate(m, c, now)
  if not now then return false end
  local kept = {}
  for _, t in ipairs(c.events) do if now - t < 1000 then kept[#kept + 1] = t end end
  kept[#kept + 1] = now
  c.events = kept
  return #kept > m.client_event_rate
end

function ops.client_event(m, op, pred, ctx)
  local conn, name, event = op.conn, op.channel, op.event
  local c = m.conns[conn]
  local kind = M.kind(name)
  local ch = m.channels[name]
  local function none_delivered(clause)
    if ch then
      for _, other in ipairs(sorted_keys(ch.subs)) do
        add(pred.silent, { conn = other, pattern = { event = event, channel = name }, clause = clause })
      end
    end
  end
  if type(event) ~= "string" or event:sub(1, 7) ~= "client-" then
    none_delivered("CEV-3:not-delivered")
    return
  end
  if not c.subs[name] then
    none_delivered(c.had[name] and "CEV-4:after-unsubscribe" or "CEV-4:never-subscribed")
    return
  end
  if kind == "public" or kind == "cache" then
    add(pred.frames, { conn = conn, refusal = true, channel = name, clause = "CEV-2:error" })
    none_delivered("CEV-2:not-delivered")
    return
  end
  if kind == "encrypted" then
    add(pred.frames, { conn = conn, refusal = true, channel = name, clause = "ENC-2:refused" })
    none_delivered("ENC-2:not-delivered")
    return
  end
  if over_rate(m, c, ctx and ctx.now) then
    add(pred.open, "client events over the app's rate (CEV-6 is a SHOULD with a profile)")
    if is_cache(kind) then m.cache[name] = { unknown = true } end   -- delivered or not: unknown
    return
  end
  local uid = ch.subs[conn]
  for _, other in ipairs(sorted_keys(ch.subs)) do
    if other ~= conn then
      local f = add(pred.frames, { conn = other, pattern = { event = event, channel = name }, clause = "CEV-1:reaches-others",
        fields = { data = copy(op.data) }, fields_clause = "CEV-1:reaches-others" })
      if uid ~= true then f.fields.user_id = uid; f.fields_clause = "CEV-5:user-id" end
    end
  end
  add(pred.silent, { conn = conn, pattern = { event = event, channel = name }, clause = "CEV-1:not-sender" })
  unsubscribed_silent(m, pred, name, { event = event, channel = name })
  add(pred.webhooks, { name = "client_event", channel = name, event = event, socket_id = c.socket_id,
    user_id = uid ~= true and uid or nil, clause = "HOOK-3:event" })
  if is_cache(kind) then m.cache[name] = { unknown = true } end
end

-- The status a request signed with form `sign` gets (HTTP-2..5), nil for a valid one.
local SIGN = {
  ["bad-signature"] = { 401, "HTTP-2:tampered-signature" },
  ["wrong-secret"] = { 401, "HTTP-2:wrong-secret" },
  ["wrong-key"] = { 401, "HTTP-2:wrong-secret" },
  ["param-changed"] = { 401, "HTTP-2:param-changed" },
  ["stale-timestamp"] = { 401, "HTTP-4:past" },
  ["future-timestamp"] = { 401, "HTTP-4:future" },
  ["missing-param"] = { "4xx", "HTTP-3:no-auth-signature" },
  ["no-auth-signature"] = { "4xx", "HTTP-3:no-auth-signature" },
  ["no-auth-key"] = { "4xx", "HTTP-3:no-auth-key" },
  ["no-auth-timestamp"] = { "4xx", "HTTP-3:no-auth-timestamp" },
  ["no-auth-version"] = { "4xx", "HTTP-3:no-auth-version" },
  ["no-auth"] = { "4xx", "HTTP-3:none" },
  ["no-body-md5"] = { "4xx", "HTTP-3:no-body-md5", body = true },
  ["body-md5-mismatch"] = { "4xx", "HTTP-5:events", body = true },
}
M.SIGN_FORMS = sorted_keys(SIGN)
table.insert(M.SIGN_FORMS, 1, "valid")

-- Apply the signing form: returns true when the request is refused for it (pred.http set).
-- An unknown app id (op.app = "unknown") is refused first: 4xx (HTTP-13).
local function refused_by_signing(op, pred, has_body)
  if op.app == "unknown" then
    pred.http = { status = "4xx", clause = has_body and "HTTP-13:post" or "HTTP-13:get" }
    return true
  elseif op.app ~= nil then
    add(pred.open, "app form '" .. tostring(op.app) .. "'")
    pred.http = {}
    return true
  end
  local s = op.sign or "valid"
  if s == "valid" then return false end
  local r = SIGN[s]
  if not r or (r.body and not has_body) then
    add(pred.open, "signing form '" .. tostring(s) .. "' on " .. op.op)
    pred.http = { status = nil }
    return true
  end
  local clause = r[2]
  if s == "body-md5-mismatch" and op.op == "trigger" and op.form == "batch" then clause = "HTTP-5:batch" end
  if op.op ~= "trigger" and s == "bad-signature" then clause = "HTTP-2:get-request" end
  pred.http = { status = r[1], clause = clause, one_of = r[1] == "4xx" and { 401, 400 } or nil }
  return true
end

-- The events of a trigger op: {channel, event, data} in order.
local function trigger_events(op)
  if op.form == "batch" then
    if op.batch then return op.batch end
    local out = {}
    for _, name in ipairs(op.channels or {}) do out[#out + 1] = { channel = name, event = op.event, data = op.data } end
    return out
  end
  local out = {}
  for _, name in ipairs(op.channels or {}) do out[#out + 1] = { channel = name, event = op.event, data = op.data } end
  return out
end
M.trigger_events = trigger_events


-- A trigger the model has no opinion on may still have been published: the cached event of
-- its cache channels is unknown from then on.
local function trigger_open(m, pred, events, why)
  add(pred.open, why)
  pred.http = {}
  for _, e in ipairs(events) do
    if type(e.channel) == "string" and is_cache(M.kind(e.channel)) then m.cache[e.channel] = { unknown = true } end
  end
end

local function sealed(data)
  return type(data) == "string" and data:find('"nonce"', 1, true) and data:find('"ciphertext"', 1, true)
end

function ops.trigger(m, op, pred)
  local events = trigger_events(op)
  local batch = op.form == "batch"
  -- 400 / 413 reasons, in rule order; several reasons: any 4xx
  local bad = {}
  if batch then
    if #events > M.MAX_BATCH then bad[#bad + 1] = { 400, "HTTP-8:eleven-400" } end
    if #events == 0 then return trigger_open(m, pred, events, "an empty batch (RULES.md is silent)") end
  else
    if #events == 0 then return trigger_open(m, pred, events, "a trigger to no channel (RULES.md is silent)") end
    if #events > M.MAX_TRIGGER_CHANNELS then bad[#bad + 1] = { 400, "HTTP-7:channels-over-100" } end
    if op.form == "channel" and #events > 1 then
      return trigger_open(m, pred, events, "the channel form with several channels")
    end
  end
  for _, e in ipairs(events) do
    if M.kind(e.channel) == "encrypted" and not sealed(e.data) and op.body == nil then
      -- a server may refuse what is not {nonce, ciphertext} there, or relay it: RULES.md is silent
      return trigger_open(m, pred, events, "data that is not {nonce, ciphertext} on an encrypted channel (RULES.md is silent)")
    end
    if M.kind(e.channel) ~= "user" then
      local problem = M.name_problem(e.channel)
      if problem then
        bad[#bad + 1] = { 400, problem == "too-long" and "HTTP-7:channel-name-over-164" or "HTTP-7:bad-channel-name" }
      end
    end
    if type(e.event) ~= "string" or #e.event > M.MAX_EVENT then bad[#bad + 1] = { 400, "HTTP-7:event-name-over-200" } end
    if e.event == "" then
      return trigger_open(m, pred, events, "an empty event name (the Facts give only a maximum length)")
    end
    if data_len(e.data) > m.max_payload then bad[#bad + 1] = { 413, "HTTP-7:data-too-large" } end
  end
  local function nothing_delivered(clause)
    for _, e in ipairs(events) do
      local ch = m.channels[e.channel]
      if ch then
        for _, conn in ipairs(sorted_keys(ch.subs)) do
          add(pred.silent, { conn = conn, pattern = { event = e.event, channel = e.channel }, clause = clause })
        end
      end
    end
  end
  -- a body that is not the JSON object it should be (op.body names the form): 400 (HTTP-6)
  if op.body ~= nil then
    bad = { { 400, batch and "HTTP-6:batch" or "HTTP-6:events" } }
  end
  if refused_by_signing(op, pred, true) then
    if pred.http.status and #bad > 0 and op.app == nil then pred.http.status = "4xx"; pred.http.one_of = nil end
    if pred.http.clause then nothing_delivered(pred.http.clause) end
    return
  end
  if #bad > 0 then
    local status = bad[1][1]
    for _, b in ipairs(bad) do if b[1] ~= status then status = "4xx" end end
    pred.http = { status = status, clause = bad[1][2] }
    if status == "4xx" and op.body == nil then pred.http.one_of = { 400, 413 } end
    nothing_delivered(bad[1][2])
    return
  end
  local status_clause = batch and "HTTP-8:ten-ok" or op.form == "channel" and "HTTP-1:channel-string" or "HTTP-1:status-200"
  pred.http = { status = 200, body = {}, body_match = "subset", clause = status_clause,
    fields = { { path = "", type = "object", clause = "HTTP-1:json-object" } } }
  if op.info and not batch then
    local want = {}
    for w in tostring(op.info):gmatch("[^,]+") do want[w] = true end
    for _, e in ipairs(events) do
      local ch = m.channels[e.channel]
      if not (ch and ch.count > 0) then
        add(pred.open, "trigger info for a channel without subscribers (RULES.md does not say whether it is listed)")
        ch = nil
      end
      if ch and want.subscription_count then
        add(pred.http.fields, { path = "channels." .. e.channel .. ".subscription_count", value = ch and ch.count or 0,
          clause = "HTTP-14:subscription-count" })
      end
      if ch and want.user_count and is_presence(M.kind(e.channel)) then
        add(pred.http.fields, { path = "channels." .. e.channel .. ".user_count", value = ch and ch.users or 0,
          clause = "HTTP-14:user-count" })
      end
    end
  elseif op.info then
    add(pred.open, "info on batch_events (RULES.md names it for a trigger only)")
  end
  local exclude = op.exclude and m.conns[op.exclude]
  for i, e in ipairs(events) do
    local kind = M.kind(e.channel)
    if kind == "user" then
      local uid = e.channel:sub(#M.USER_CHANNEL + 1)
      for _, conn in ipairs(sorted_keys(m.conns)) do
        local c = m.conns[conn]
        if c.open then
          local mine = m.signed_in[uid] and m.signed_in[uid][conn]
          local item = { conn = conn, pattern = { event = e.event, channel = e.channel },
            clause = mine and "EVT-5:user-gets-it" or "EVT-5:others-not" }
          if mine and exclude and op.exclude == conn then item.clause, mine = "EVT-3:excluded", false end
          add(mine and pred.frames or pred.silent, item)
        end
      end
    else
      local ch = m.channels[e.channel]
      local arrive = batch and "EVT-4:each-channel" or #events > 1 and "EVT-2:each-channel"
        or exclude and "EVT-3:others-get-it" or "SUB-4:every-subscriber"
      for _, conn in ipairs(sorted_keys(ch and ch.subs or {})) do
        if exclude and op.exclude == conn then
          add(pred.silent, { conn = conn, pattern = { event = e.event, channel = e.channel }, clause = "EVT-3:excluded" })
        else
          local f = add(pred.frames, { conn = conn, pattern = { event = e.event, channel = e.channel }, clause = arrive,
            once_clause = "SUB-4:exactly-once", seq = i })
          f.fields = { data = e.data }
          f.fields_clause = kind == "encrypted" and "ENC-1:data-unchanged" or "EVT-1:data-identical"
        end
      end
      unsubscribed_silent(m, pred, e.channel, { event = e.event, channel = e.channel })
      if is_cache(kind) then m.cache[e.channel] = { event = e.event, data = e.data } end
    end
  end
  -- Order (SUB-4:in-order, "events from one publisher arrive in order"): across operations the
  -- model has nothing to predict that a driver could see, since a driver takes each operation's
  -- deliveries before it starts the next, so no two are in flight together. Within one batch,
  -- RULES.md does not say that the order of a batch's events is its publisher's order, or which
  -- of two events in one batch a cache channel keeps as its last.
  if batch then
    local per = {}
    for _, e in ipairs(events) do per[e.channel] = (per[e.channel] or 0) + 1 end
    for _, name in ipairs(sorted_keys(per)) do
      if per[name] > 1 then
        add(pred.open, "the order of a batch's " .. per[name] .. " events on " .. name .. " (SUB-4:in-order: RULES.md "
          .. "does not say a batch's order is its publisher's)")
        if is_cache(M.kind(name)) then m.cache[name] = { unknown = true } end
      end
    end
  end
end

-- info=a,b of a GET query: the set, or nil and a reason when RULES.md has no opinion on its form
local function info_set(info, allowed)
  local set = {}
  if info == nil then return set end
  if info == "" then return nil, "an empty info parameter" end
  for w in tostring(info):gmatch("[^,]*") do
    if w ~= "" then
      if not allowed[w] then return nil, "info value '" .. w .. "'" end
      set[w] = true
    end
  end
  return set
end

function ops.get_channels(m, op, pred)
  if refused_by_signing(op, pred, false) then return end
  local q = op.query or {}
  local prefix = q.filter_by_prefix
  local info, why = info_set(q.info, { user_count = true, subscription_count = true })
  if not info then add(pred.open, why .. " on GET /channels (RULES.md is silent)"); pred.http = {}; return end
  if info.user_count then
    if prefix == nil then
      pred.http = { status = 400, clause = "HTTP-9:user-count-unfiltered" }
      return
    elseif prefix:sub(1, 9) ~= "presence-" then
      if ("presence-"):sub(1, #prefix) == prefix then
        add(pred.open, "info=user_count with filter_by_prefix '" .. prefix .. "', a prefix of presence- (RULES.md is silent)")
        pred.http = {}
        return
      end
      pred.http = { status = 400, clause = "HTTP-9:user-count-non-presence" }
      return
    end
  end
  local channels = {}
  for _, name in ipairs(m:occupied_channels()) do
    if m:owned(name) and (prefix == nil or name:sub(1, #prefix) == prefix) then
      local entry = {}
      if info.user_count then entry.user_count = m.channels[name].users end
      channels[name] = entry
    end
  end
  pred.http = { status = 200, clause = prefix and "HTTP-9:filter" or "HTTP-9:list", channels = channels,
    scope = m.prefix, body_match = "channels", fields = {} }
  if info.user_count then pred.http.user_count_clause = "HTTP-9:user-count" end
  if info.subscription_count then
    add(pred.open, "subscription_count values in GET /channels (HTTP-9 names only user_count)")
  end
end

function ops.get_channel(m, op, pred)
  if refused_by_signing(op, pred, false) then return end
  local name = op.channel
  if M.name_problem(name) then
    add(pred.open, "GET /channels/NAME for an invalid name (RULES.md is silent)"); pred.http = {}; return
  end
  local q = op.query or {}
  local info, why = info_set(q.info, { user_count = true, subscription_count = true, cache = true })
  if not info then add(pred.open, why .. " on GET /channels/NAME (RULES.md is silent)"); pred.http = {}; return end
  local kind = M.kind(name)
  if info.user_count and not is_presence(kind) then
    add(pred.open, "info=user_count on a non-presence channel (RULES.md is silent)"); pred.http = {}; return
  end
  local ch = m.channels[name]
  local count = ch and ch.count or 0
  local fields = {}
  if count > 0 then
    fields[#fields + 1] = { path = "occupied", value = true, clause = "HTTP-10:occupied" }
    if info.subscription_count then
      fields[#fields + 1] = { path = "subscription_count", value = count, clause = "HTTP-10:subscription-count" }
    end
    if info.user_count then
      fields[#fields + 1] = { path = "user_count", value = ch.users, clause = "HTTP-10:user-count" }
    end
  else
    fields[#fields + 1] = { path = "occupied", value = false,
      clause = m.ever_occupied[name] and "HTTP-10:after-leave" or "HTTP-10:unoccupied" }
  end
  if info.cache then add(pred.open, "the cache field of GET /channels/NAME (RULES.md names it, says nothing of it)") end
  local body = {}
  for _, f in ipairs(fields) do body[f.path] = f.value end
  pred.http = { status = 200, clause = fields[1].clause, body = body, body_match = "subset", fields = fields }
end

function ops.get_users(m, op, pred)
  if refused_by_signing(op, pred, false) then return end
  local name = op.channel
  if M.name_problem(name) then
    add(pred.open, "GET users for an invalid name (RULES.md is silent)"); pred.http = {}; return
  end
  if not is_presence(M.kind(name)) then
    pred.http = { status = 400, clause = "HTTP-11:non-presence" }
    return
  end
  local ids = m:members(name)
  local list = {}
  for _, id in ipairs(ids) do list[#list + 1] = { id = id } end
  pred.http = { status = 200, clause = "HTTP-11:users", users = ids,
    users_clause = M.multi_connection(m.channels[name] or { members = {} }) and "HTTP-11:users-once" or "HTTP-11:users",
    body = { users = list }, body_match = "users" }
end

local SIGNIN_REFUSAL = {
  ["bad-signature"] = "SIGNIN-2:zero-signature", ["zero-signature"] = "SIGNIN-2:zero-signature",
  ["other-socket"] = "SIGNIN-2:other-socket", ["changed-user-data"] = "SIGNIN-2:changed-user-data",
  ["wrong-key"] = "SIGNIN-2:other-secret", ["other-secret"] = "SIGNIN-2:other-secret",
  malformed = "SIGNIN-2:zero-signature",   -- not KEY:HEX at all: a bad signature
  ["no-id"] = "SIGNIN-3:no-id", ["user-id-not-id"] = "SIGNIN-3:user-id-not-id", ["not-object"] = "SIGNIN-3:not-object",
}
M.SIGNIN_FORMS = sorted_keys(SIGNIN_REFUSAL)
table.insert(M.SIGNIN_FORMS, 1, "valid")

function ops.signin(m, op, pred)
  local c = m.conns[op.conn]
  local auth = op.auth or "valid"
  if c.user then
    add(pred.open, "a second pusher:signin on a signed-in connection (RULES.md is silent)")
    return
  end
  if auth ~= "valid" then
    local clause = SIGNIN_REFUSAL[auth]
    if not clause then add(pred.open, "sign-in form '" .. tostring(auth) .. "'"); return end
    add(pred.frames, { conn = op.conn, refusal = true, clause = clause })
    add(pred.silent, { conn = op.conn, pattern = { event = "pusher:signin_success" }, clause = clause })
    return
  end
  local uid = tostring(op.user.id)
  add(pred.frames, { conn = op.conn, pattern = { event = "pusher:signin_success" }, clause = "SIGNIN-1:success" })
  c.user = uid
  m.signed_in[uid] = m.signed_in[uid] or {}
  m.signed_in[uid][op.conn] = true
end

function ops.terminate_user(m, op, pred)
  if refused_by_signing(op, pred, false) then
    if op.app == "unknown" then pred.http.clause = "HTTP-13:post" end
    return
  end
  local uid = tostring(op.user)
  pred.http = { status = 200, clause = "HTTP-12:status-200" }
  local conns = sorted_keys(m.signed_in[uid] or {})
  for _, conn in ipairs(conns) do
    add(pred.frames, { conn = conn, close = true, clause = "SIGNIN-6:all-closed" })
    close_conn(m, pred, conn)
  end
  for _, conn in ipairs(sorted_keys(m.conns)) do
        local c = m.conns[conn]
    if c.open and c.user and c.user ~= uid then
      add(pred.silent, { conn = conn, close = true, clause = "SIGNIN-6:others-open" })
    end
  end
end

function ops.wait() end

local NEEDS_CONN = { close = true, subscribe = true, unsubscribe = true, client_event = true, signin = true }

-- Predict what op must cause, and take on its effect. ctx: {now = ms} (optional).
function M:apply(op, ctx)
  local pred = new_prediction()
  local f = ops[op.op]
  if not f then
    add(pred.open, "unknown op '" .. tostring(op.op) .. "'")
    return pred
  end
  if NEEDS_CONN[op.op] and not self:is_open(op.conn) then
    add(pred.open, op.op .. " on a connection that is not open (conn " .. tostring(op.conn) .. ")")
    return pred
  end
  f(self, op, pred, ctx)
  return pred
end

-- Take on the state the server showed after a divergence, so one deviation is reported once.
-- kind: "closed" {conn}: the server closed conn; "refused" {conn, channel}: a subscribe the model
-- took as a success was refused; "subscribed" {conn, channel, user?}: one it took as refused succeeded;
-- "cache" {channel, event?, data?}: the cached event is that (nil event: none) or unknown ({unknown=true}).
-- Returns true and what taking it on implies (a prediction: the webhooks, member events of the
-- transition, e.g. channel_occupied after a subscribe the server accepted), or false when it
-- cannot (the sequence ends).
function M:adopt(kind, observed)
  observed = observed or {}
  local scratch = new_prediction()
  if kind == "closed" then
    if not self:is_open(observed.conn) then return false end
    close_conn(self, scratch, observed.conn)
    return true, scratch
  elseif kind == "refused" or kind == "unsubscribed" then
    if not self:is_open(observed.conn) then return false end
    leave(self, scratch, observed.conn, observed.channel, "unsubscribe")   -- nothing when not held
    return true, scratch
  elseif kind == "subscribed" then
    -- also a name the Facts forbid, when the server took it: the model follows the server
    local c = self.conns[observed.conn]
    if not (c and c.open) or type(observed.channel) ~= "string" then return false end
    if c.subs[observed.channel] then return true, scratch end   -- held already: nothing to take on
    local presence = is_presence(M.kind(observed.channel))
    if presence and not (observed.user and observed.user.id ~= nil) then return false end
    join(self, scratch, observed.conn, observed.channel,
      presence and { id = tostring(observed.user.id), info = observed.user.info } or nil)
    return true, scratch
  elseif kind == "cache" then
    if observed.unknown then self.cache[observed.channel] = { unknown = true }
    elseif observed.event then self.cache[observed.channel] = { event = observed.event, data = observed.data }
    else self.cache[observed.channel] = nil end
    return true, scratch
  elseif kind == "signed_out" then
    local c = self.conns[observed.conn]
    if not c or not c.user then return false end
    local set = self.signed_in[c.user]
    if set then set[observed.conn] = nil; if next(set) == nil then self.signed_in[c.user] = nil end end
    c.user = nil
    return true, scratch
  end
  return false
end

-- The presence object a server sends in subscription_succeeded of a presence channel (for a
-- driver that plays the server): ids sorted, hash of user_info ({} for a member without one).
function M:presence_data(name)
  local ch = self.channels[name]
  local ids, hash = {}, {}
  for _, id in ipairs(ch and sorted_keys(ch.members) or {}) do
    ids[#ids + 1] = id
    hash[id] = copy(ch.members[id].info) or {}
  end
  return { ids = ids, hash = hash, count = #ids }
end

-- A JSON-able summary of the state.
function M:snapshot()
  local conns = {}
  for _, id in ipairs(sorted_keys(self.conns)) do
    local c = self.conns[id]
    conns[#conns + 1] = { conn = id, open = c.open, socket_id = c.socket_id, user = c.user, channels = sorted_keys(c.subs) }
  end
  local channels = {}
  for name, ch in pairs(self.channels) do
    if ch.count > 0 then
      local members = {}
      for uid, mem in pairs(ch.members) do members[uid] = mem.n end
      channels[name] = { subscription_count = ch.count, user_count = is_presence(M.kind(name)) and ch.users or nil,
        members = next(members) and members or nil }
    end
  end
  local cache = {}
  for name, e in pairs(self.cache) do cache[name] = e.unknown and "unknown" or e.event end
  local signed = {}
  for uid, set in pairs(self.signed_in) do signed[uid] = sorted_keys(set) end
  return { prefix = self.prefix, conns = conns, channels = channels, cache = cache, signed_in = signed }
end

-- ------------------------------------------------------------------ sequences (for the shrinker)

-- repair, valid_sequence, refs, deps, depends, related, simplify: model_seq.lua adds them.
local install = assert(type(P) == "table" and P.require, "model.lua: load it with the prelude's P (P.require)")("model_seq")
install(M, { NEEDS_CONN = NEEDS_CONN, copy = copy })

return M
