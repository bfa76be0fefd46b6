-- The scenario API (`ps` and the case object `t`), built on the C primitives
-- in `core`. Trusted code: it may use debug and loadfile; scenarios and target
-- files get only what new_env() copies for them.
local core = ...
local yield = coroutine.yield

local api = {}
local specs = {}
local target
local run_nonce = tostring(core.wall() % 100000)
local DEFAULT_WITHIN = 5000   -- ms an expect waits, before --timeout-scale

local function scaled(ms) return math.floor(ms * core.timeout_scale()) end

-- The case of each running coroutine, for duties done while it waits.
local case_of = setmetatable({}, { __mode = "k" })

-- Block the scenario until something it owns has news or `deadline` (ms)
-- passes. Before sleeping, the case answers what answers itself (the fake
-- server's auth endpoints, API requests it was told how to serve).
local function wait(deadline)
  local case = case_of[coroutine.running()]
  if case and case._service then case:_service() end
  yield(deadline)
end

local function show(v, limit)
  limit = limit or 300
  local s
  if type(v) == "table" and v.raw then s = v.raw
  elseif type(v) == "table" then s = core.json_encode(v)
  else s = tostring(v) end
  if #s > limit then s = s:sub(1, limit) .. string.format("... (%d bytes)", #s) end
  return s
end

-- ---------------------------------------------------------------- sandbox

local SAFE = { "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
  "tostring", "type", "xpcall", "rawequal", "rawget", "rawlen", "rawset", "setmetatable",
  "getmetatable" }
local SAFE_LIBS = { "string", "table", "math", "utf8" }

-- Strings share one metatable whose __index is the real string library: give
-- it a copy without dump and lock it, so ("").dump is nil and no scenario can
-- replace string functions under the prelude and the other scenarios.
do
  local mt, methods = getmetatable(""), {}
  for k, v in pairs(string) do methods[k] = v end
  methods.dump = nil
  mt.__index = methods
  mt.__metatable = false
end

local function new_env(extra)
  local env = {}
  for _, name in ipairs(SAFE) do env[name] = _G[name] end
  for _, lib in ipairs(SAFE_LIBS) do
    local copy = {}
    for k, v in pairs(_G[lib]) do copy[k] = v end
    env[lib] = copy
  end
  env.string.dump = nil
  for k, v in pairs(extra or {}) do env[k] = v end
  return env
end

-- ---------------------------------------------------------------- matching

local function subset(want, got)
  if type(want) == "function" then return want(got) end
  if type(want) ~= "table" then return want == got end
  if type(got) ~= "table" then return false end
  for k, v in pairs(want) do
    if not subset(v, got[k]) then return false end
  end
  return true
end

local function match(m, pattern)
  if pattern == nil then return true end
  if type(pattern) == "function" then return pattern(m) end
  for k, v in pairs(pattern) do
    local got = k == "data" and m.payload or m[k]
    if not subset(v, got) then return false end
  end
  return true
end

local function describe(pattern)
  if pattern == nil then return "any message" end
  if type(pattern) == "function" then return "message matching the pattern" end
  local parts = {}
  for k, v in pairs(pattern) do
    parts[#parts + 1] = k .. "=" .. (type(v) == "table" and core.json_encode(v) or tostring(v))
  end
  table.sort(parts)
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- ---------------------------------------------------------------- connections

local Conn = {}
Conn.__index = Conn
Conn.__metatable = false   -- getmetatable(c) must not hand scenarios the shared method table

local function parse_frame(f, from)
  local m
  if f.kind == "text" then m = core.parse(f.raw, from or "server") else m = { status = f.kind, violations = {} } end
  m.raw, m.kind, m.t = f.raw, f.kind, f.t
  if m.decoded ~= nil then m.payload = m.decoded
  elseif type(m.data) == "table" then m.payload = m.data end
  return m
end

-- Move frames from C into the inbox, parsed and validated.
function Conn:pump()
  while true do
    local f = self.h:pop()
    if not f then return end
    local m = parse_frame(f, self.from)
    if self.autopong and m.event == "pusher:ping" then
      self:send { event = "pusher:pong", data = {} }
    end
    for _, v in ipairs(m.violations) do
      local list, key = self.case._violations, v.rule .. "\0" .. v.text
      if not self.case._violation_seen[key] then   -- once: long runs would keep every message
        self.case._violation_seen[key] = true
        list[#list + 1] = { v = v, m = m }
      end
    end
    self.received = self.received + 1
    self.inbox[#self.inbox + 1] = m
  end
end

function Conn:state() return self.h:state() end
function Conn:info() return self.h:info() end
function Conn:is_closed()
  local s = self.h:state()
  return s == "closed" or s == "failed"
end

function Conn:close_text()
  local i = self.h:info()
  if self.h:state() == "failed" then
    return "failed to open: " .. i.error .. (i.http_status > 0 and (" (HTTP " .. i.http_status .. ")") or "")
  end
  if i.close_frame then return "close " .. i.close_code .. (i.close_reason ~= "" and (" " .. i.close_reason) or "") end
  return "closed without a close frame"
end

-- Send a message table {event, channel, data} (data: table -> JSON object,
-- string -> JSON string), or raw text.
function Conn:send(msg)
  if type(msg) == "string" then return self.h:send("text", msg) end
  local data, as_string = nil, false
  if type(msg.data) == "table" then data = core.json_encode(msg.data)
  elseif msg.data ~= nil then data, as_string = tostring(msg.data), true end
  return self.h:send("text", core.build(msg.event, msg.channel, data, as_string))
end
function Conn:send_raw(text) return self.h:send("text", text) end
function Conn:send_binary(bytes) return self.h:send("binary", bytes) end
function Conn:ws_ping(payload) return self.h:send("ping", payload or "") end
function Conn:close(code, reason) self.h:close(code or 1000, reason or "") end
-- Done with it for good: closed and freed now, not when the scenario ends (for
-- scenarios that open tens of thousands of connections); it must not be used again.
function Conn:release()
  if self.slot then
    self.case._conns[self.slot] = false
    self.case._received_released = self.case._received_released + self.received
    self.slot = nil
  end
  self.inbox = {}
  self.h:release()
end

-- The next message, whatever it is.
function Conn:next(opts)
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while true do
    self:pump()
    if #self.inbox > 0 then return table.remove(self.inbox, 1) end
    if self:is_closed() then return nil, "connection " .. self:close_text() end
    if core.now() >= deadline then return nil, string.format("no message within %d ms", within) end
    wait(deadline)
  end
end

-- The first message matching pattern (a table of fields, data matched as a
-- subset of the decoded data, or a function); others stay in the inbox.
function Conn:expect(pattern, opts)
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while true do
    self:pump()
    for i, m in ipairs(self.inbox) do
      if match(m, pattern) then return table.remove(self.inbox, i) end
    end
    if self:is_closed() then
      return nil, string.format("connection %s before %s arrived", self:close_text(), describe(pattern))
    end
    if core.now() >= deadline then
      return nil, string.format("no %s within %d ms", describe(pattern), within)
    end
    wait(deadline)
  end
end

-- Wait for the connection to end; returns {code, reason, frame, error, http_status}.
function Conn:expect_close(opts)
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while not self:is_closed() do
    self:pump()
    if core.now() >= deadline then
      return nil, string.format("connection still open after %d ms", within)
    end
    wait(deadline)
  end
  self:pump()
  local i = self.h:info()
  return { code = i.close_frame and i.close_code or nil, reason = i.close_reason, frame = i.close_frame,
           failed = self.h:state() == "failed", error = i.error, http_status = i.http_status,
           text = self:close_text() }
end

-- True when no message matching pattern (default: anything but pings) arrives for ms.
function Conn:expect_silence(ms, pattern)
  pattern = pattern or function(m) return m.event ~= "pusher:ping" end
  local deadline = core.now() + ms
  while true do
    self:pump()
    for i, m in ipairs(self.inbox) do
      if match(m, pattern) then return false, table.remove(self.inbox, i) end
    end
    if core.now() >= deadline or self:is_closed() then return true end
    wait(deadline)
  end
end

-- Wait for a WebSocket pong frame (answers to ws_ping).
function Conn:expect_ws_pong(opts)
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline, before = core.now() + within, self.seen_pongs
  while self.h:info().pongs <= before do
    if self:is_closed() then return nil, "connection " .. self:close_text() end
    if core.now() >= deadline then return nil, string.format("no pong frame within %d ms", within) end
    wait(deadline)
  end
  self.seen_pongs = self.h:info().pongs
  return true
end

function Conn:established(opts)
  local m, why = self:expect({ event = "pusher:connection_established" }, opts)
  if m and m.payload then self.socket_id = m.payload.socket_id end
  return m, why
end

-- Subscribe, signing private/presence channels with this connection's app
-- unless opts.auth is given (false sends none). opts.user = {user_id=, user_info=}
-- or opts.channel_data = exact string, for presence.
function Conn:subscribe(channel, opts)
  opts = opts or {}
  local data = { channel = channel }
  local kind = core.channel_kind(channel)
  local needs_auth = kind == "private" or kind == "presence" or kind == "private-encrypted" or
    kind == "private-cache" or kind == "presence-cache"
  local channel_data = opts.channel_data
  if channel_data == nil and opts.user then channel_data = core.json_encode(opts.user) end
  if channel_data == nil and (kind == "presence" or kind == "presence-cache") and opts.auth == nil then
    channel_data = core.json_encode { user_id = "u-" .. (self.socket_id or "0") }
  end
  if channel_data then data.channel_data = channel_data end
  if opts.auth ~= nil then
    if opts.auth then data.auth = opts.auth end
  elseif needs_auth then
    data.auth = self.case:sign_channel(self.socket_id, channel, channel_data, self.app)
  end
  self:send { event = "pusher:subscribe", data = data }
  return channel_data
end

-- subscription_succeeded for channel, or nil and why (a subscription_error or
-- pusher:error for it counts as the answer and is returned second).
function Conn:subscribed(channel, opts)
  local m, why = self:expect(function(m)
    return m.channel == channel and (m.event == "pusher_internal:subscription_succeeded" or
      m.event == "pusher:subscription_error") or (m.event == "pusher:error")
  end, opts)
  if m and m.event == "pusher_internal:subscription_succeeded" then return m end
  if m then return nil, "refused: " .. show(m), m end
  return nil, why
end

function Conn:unsubscribe(channel)
  self:send { event = "pusher:unsubscribe", data = { channel = channel } }
end

-- ---------------------------------------------------------------- hand-made WebSocket

-- A WebSocket client written out over raw TCP: it answers nothing by itself
-- (no pong to any ping) and can send any frame, valid or not.
local Raw = {}
Raw.__index = Raw
Raw.__metatable = false

local function parse_frames(self)
  local buf = self.buf
  while #buf >= 2 do
    local b1, b2 = buf:byte(1, 2)
    local len, off = b2 & 0x7f, 3
    if len == 126 then
      if #buf < 4 then break end
      len, off = string.unpack(">I2", buf, 3), 5
    elseif len == 127 then
      if #buf < 10 then break end
      len, off = string.unpack(">I8", buf, 3), 11
    end
    local key
    if b2 & 0x80 ~= 0 then key, off = buf:sub(off, off + 3), off + 4 end
    if #buf < off - 1 + len then break end
    local payload = buf:sub(off, off + len - 1)
    if key then payload = core.mask(payload, key) end
    buf = buf:sub(off + len)
    local f = { op = b1 & 0x0f, fin = b1 & 0x80 ~= 0, payload = payload, t = core.now() }
    if f.op == 1 then f.msg = parse_frame { kind = "text", raw = payload, t = f.t } end
    if f.op == 8 and #payload >= 2 then f.code, f.reason = string.unpack(">I2", payload), payload:sub(3) end
    self.frames[#self.frames + 1] = f
  end
  self.buf = buf
end

function Raw:pump()
  while true do
    local f = self.h:pop()
    if not f then break end
    self.buf = self.buf .. f.raw
  end
  if not self.response then
    local e = self.buf:find("\r\n\r\n", 1, true)
    if not e then return end
    self.response = self.buf:sub(1, e + 3)
    self.status = tonumber(self.response:match("^HTTP/1%.1 (%d+)"))
    self.buf = self.buf:sub(e + 4)
  end
  parse_frames(self)
end

function Raw:is_closed()
  local s = self.h:state()
  return s == "closed" or s == "failed"
end

-- The next frame matching pred (a function of {op, fin, payload, msg, code}).
function Raw:expect_frame(pred, opts)
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while true do
    self:pump()
    for i, f in ipairs(self.frames) do
      if not pred or pred(f) then return table.remove(self.frames, i) end
    end
    if self:is_closed() then return nil, "TCP connection closed" end
    if core.now() >= deadline then return nil, string.format("no such frame within %d ms", within) end
    wait(deadline)
  end
end

-- A frame with any opcode, FIN and RSV bits; masked unless opts.mask == false.
function Raw:send_frame(op, payload, opts)
  opts = opts or {}
  local b1 = (opts.fin == false and 0 or 0x80) | ((opts.rsv or 0) << 4) | op
  local mask = opts.mask ~= false and 0x80 or 0
  local n = #payload
  local head
  if n < 126 then head = string.pack("BB", b1, mask | n)
  elseif n < 65536 then head = string.pack(">BBI2", b1, mask | 126, n)
  else head = string.pack(">BBI8", b1, mask | 127, n) end
  if mask ~= 0 then
    local key = string.pack(">I4", math.random(0, 0xffffffff))
    return self.h:send("binary", head .. key .. core.mask(payload, key))
  end
  return self.h:send("binary", head .. payload)
end

function Raw:send_text(text) return self:send_frame(1, text) end
function Raw:close() self.h:close() end
function Raw:release() self.frames, self.buf = {}, "" self.h:release() end

-- ---------------------------------------------------------------- the case object

local Case = {}
Case.__index = Case
Case.__metatable = false   -- else getmetatable(t).check = ... rewrites checks for every scenario

local function app_of(self, app)
  if app == nil then return target.app end
  if type(app) == "string" then
    local p = target.profiles[app]
    if not p then error("target has no profile '" .. app .. "'", 3) end
    return p.app or p
  end
  return app
end

local function encode_query(q)
  if type(q) == "string" then return q end
  local keys = {}
  for k in pairs(q) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = tostring(q[k]):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end)
    parts[#parts + 1] = k .. "=" .. v
  end
  return table.concat(parts, "&")
end

-- A connection to the target (not waited for). opts: app (table or profile
-- name), key, path (whole path, overrides key), query (string or table),
-- protocol (default 7; false omits it), url.
function Case:connect(opts)
  opts = opts or {}
  local app = app_of(self, opts.app)
  local path = opts.path or ("/app/" .. (opts.key or app.key))
  local q = opts.query
  if q == nil then
    q = {}
    if opts.protocol ~= false then q.protocol = opts.protocol or 7 end
    q.client = "pushspec"
    q.version = "0.1.0"
  end
  q = encode_query(q)
  if q ~= "" then path = path .. "?" .. q end
  local c = setmetatable({ h = core.ws_open(opts.url or target.url, path), case = self, app = app,
    inbox = {}, received = 0, autopong = opts.autopong ~= false, seen_pongs = 0 }, Conn)
  self._conns[#self._conns + 1] = c
  c.slot = #self._conns
  return c
end

-- A hand-made WebSocket connection (see Raw) to the target, upgraded with
-- the same path and query as connect(); returns it once the server answered
-- the upgrade, or ends the scenario (rules not reached) if it did not.
function Case:raw_open(opts)
  opts = opts or {}
  local tls, host, port = target.url:match("^ws(s?)://([^:/]+):?(%d*)")
  if tls == "s" then error({ ps_abort = "raw connections need a ws:// target (no TLS)" }, 0) end
  port = tonumber(port) or 80
  local app = app_of(self, opts.app)
  local q = opts.query or { protocol = 7, client = "pushspec", version = "0.1.0" }
  local path = (opts.path or ("/app/" .. app.key)) .. "?" .. encode_query(q)
  local r = setmetatable({ h = core.raw_open(host, port), case = self, buf = "", frames = {} }, Raw)
  r.h:send("binary", table.concat({
    "GET " .. path .. " HTTP/1.1", "Host: " .. host .. ":" .. port, "Upgrade: websocket",
    "Connection: Upgrade", "Sec-WebSocket-Key: cHVzaHNwZWMtcmF3LWtleQ==", "Sec-WebSocket-Version: 13",
    "", "" }, "\r\n"))
  local deadline = core.now() + scaled(DEFAULT_WITHIN)
  while not r.response do
    r:pump()
    if r:is_closed() or core.now() >= deadline then
      error({ ps_abort = "the server did not answer a hand-made WebSocket upgrade" }, 0)
    end
    if not r.response then wait(deadline) end
  end
  if r.status ~= 101 then
    error({ ps_abort = "hand-made WebSocket upgrade answered " .. tostring(r.status) }, 0)
  end
  return r
end

-- A connection that got its connection_established; a failure ends the
-- scenario (rules not yet checked are reported as not reached).
function Case:open(opts)
  local c = self:connect(opts)
  local m, why = c:established(opts)
  if not m then error({ ps_abort = "could not open a connection: " .. why }, 0) end
  return c, m
end

function Case:check(rule, cond, expected, actual)
  local shown = actual ~= nil and show(actual) or nil
  core.check(rule, cond and true or false, expected, shown)
  if not cond then
    -- every failing check in the transcript, not only the first per rule
    core.log(string.format("check failed: %s: expected %s; actual %s", rule, tostring(expected), tostring(shown)))
  end
  return cond
end

-- A check the rest of the scenario depends on: on failure the scenario stops.
function Case:require(rule, cond, expected, actual)
  if not self:check(rule, cond, expected, actual) then
    error({ ps_abort = rule .. " failed: expected " .. tostring(expected) }, 0)
  end
  return cond
end

function Case:skip(rule, reason) core.skip(rule, reason) end
-- Structured data for the result file (e.g. a fuzzing finding).
function Case:record(name, value) core.record(name, value) end
function Case:log(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[#parts + 1] = show((select(i, ...))) end
  core.log(table.concat(parts, " "))
end

function Case:sleep(ms)
  local deadline = core.now() + ms
  while core.now() < deadline do wait(deadline) end
end

-- A channel name unique to this scenario and run: concurrent scenarios share
-- one server, so they must never share a channel.
-- The scenario id goes in for readability, with the words that name channel
-- kinds shortened: some servers look for "private-" or "cache-" anywhere.
function Case:channel(prefix)
  self._n = self._n + 1
  local id = self.spec.id:gsub("private", "prv"):gsub("presence", "prs"):gsub("cache", "cch")
    :gsub("encrypted", "enc"):gsub("client", "cln")
  return string.format("%s%s-%s-%d", prefix or "", id, run_nonce, self._n)
end

-- Name the input a destructive scenario is about to send: if the server dies,
-- the report names this input.
function Case:input(what) core.log("input: " .. what) end

function Case:sign_channel(socket_id, channel, channel_data, app)
  app = app_of(self, app)
  return core.sign_channel(app.key, app.secret, socket_id or "", channel, channel_data)
end

function Case:sign_user(socket_id, user_data, app)
  app = app_of(self, app)
  return core.sign_user(app.key, app.secret, socket_id or "", user_data)
end

function Case:profile(name) return target.profiles[name] end

-- Bring the target back with its restart command (blocks the run meanwhile).
function Case:restart_target()
  if not target.restart then return nil, "the target gives no restart command" end
  return core.restart_target() == 0
end

-- An HTTP API call. path is relative to /apps/APP_ID unless it starts with
-- /apps/. opts: query (table), body (string or table -> JSON), sign (default
-- true), sign_body (sign as if this body were sent), app, timestamp, tamper
-- (function(query) -> query), headers, within.
function Case:api(method, path, opts)
  opts = opts or {}
  local app = app_of(self, opts.app)
  if path:sub(1, 6) ~= "/apps/" then path = "/apps/" .. app.id .. path end
  local body = opts.body
  if type(body) == "table" then body = core.json_encode(body) end
  local query
  if opts.sign == false then
    query = encode_query(opts.query or {})
  else
    local signed_body = opts.sign_body or body
    if type(signed_body) == "table" then signed_body = core.json_encode(signed_body) end
    query = core.api_query(method, path, opts.query or {}, app.key, app.secret,
      opts.timestamp or core.wall(), signed_body)
  end
  if opts.tamper then query = opts.tamper(query) end
  local headers = opts.headers or { ["content-type"] = "application/json" }
  local url = target.http_url .. path .. (query ~= "" and ("?" .. query) or "")
  local req = core.http(method, url, headers, body)
  local within = scaled(opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while not req:done() do
    if core.now() >= deadline then
      return { status = 0, body = "", error = string.format("no answer within %d ms", within) }
    end
    wait(deadline)
  end
  local res = req:result()
  res.json = core.json_decode(res.body)
  return res
end

-- POST /events. ev = {name, data, channel | channels, socket_id, info}
function Case:trigger(ev, opts)
  opts = opts or {}
  local body = { name = ev.name, data = ev.data, socket_id = ev.socket_id, info = ev.info }
  if ev.channels then body.channels = core.json_array(ev.channels) else body.channel = ev.channel end
  if type(body.data) == "table" then body.data = core.json_encode(body.data) end
  opts.body = body
  return self:api("POST", "/events", opts)
end

-- Webhooks the target's server sent to the harness's receiver, parsed once.
local hooks = {}
local function fetch_hooks()
  for _, h in ipairs(core.webhooks(#hooks + 1)) do
    h.json = core.json_decode(h.body)
    hooks[#hooks + 1] = h
  end
  return hooks
end

-- The first webhook event matching pattern (fields of one entry of the
-- body's events, e.g. {name = "channel_occupied", channel = ch}) that this
-- scenario has not matched yet: returns event, webhook.
function Case:expect_webhook(pattern, opts)
  local within = scaled(opts and opts.within or 10000)
  local deadline = core.now() + within
  while true do
    for i, h in ipairs(fetch_hooks()) do
      local events = type(h.json) == "table" and h.json.events
      if type(events) == "table" then
        for j, ev in ipairs(events) do
          local k = i .. ":" .. j
          if not self._hooks_used[k] and subset(pattern, ev) then
            self._hooks_used[k] = true
            return ev, h
          end
        end
      end
    end
    if core.now() >= deadline then
      return nil, string.format("no webhook event %s within %d ms", describe(pattern), within)
    end
    wait(deadline)
  end
end

-- Every webhook received so far (for checks on all of them).
function Case:webhooks() return fetch_hooks() end

-- Wire checks: every frame the scenario received was validated by the codec;
-- a rule the scenario declares is failed by any violation of it.
function Case:_finish()
  local declared = {}
  for _, r in ipairs(self.spec.rules) do declared[r] = true end
  local received = self._received_released
  for _, c in ipairs(self._conns) do
    if c and not c:is_closed() then c:pump() end
    received = received + (c and c.received or 0)
  end
  local noted = {}
  for _, item in ipairs(self._violations) do
    local v = item.v
    local info = core.rule(v.rule)
    if declared[v.rule] and not (v.should and info and not info.should) then
      core.check(v.rule, false, info and info.text or v.rule, v.text .. " in " .. show(item.m))
    elseif (v.should or not declared[v.rule]) and not noted[v.rule .. v.text] then
      noted[v.rule .. v.text] = true   -- once per scenario, not once per frame
      core.log("note: " .. v.rule .. ": " .. v.text)
    end
  end
  for _, r in ipairs(self.spec.wire or {}) do
    if received > 0 then core.check(r, true) end
  end
end

local function new_case(spec)
  return setmetatable({ spec = spec, target = target, app = target.app, _conns = {},
    _received_released = 0, _violations = {}, _violation_seen = {}, _n = 0, _hooks_used = {}, _adapters = {}, _accepted = 0, _served = 0,
    _pending = {}, auth_requests = {} }, Case)
end

-- ---------------------------------------------------------------- fake-server role

local sdk_info   -- set by set_sdk when pushspec plays the server for an SDK

-- An adapter process driving the SDK under test (see ci/adapters/PROTOCOL.md).
local Adapter = {}
Adapter.__index = Adapter
Adapter.__metatable = false

local function adapter_fail(self, what)
  local state, how, stderr = self.h:state()
  local msg = string.format("adapter '%s' %s", sdk_info.cmd, what)
  if state == "exited" then msg = msg .. " (it exited: " .. how .. ")" end
  if stderr and stderr ~= "" then msg = msg .. "; its stderr ends: " .. stderr:sub(-300) end
  error(msg, 0)
end

-- Read what the adapter printed: replies by id, reports in order.
function Adapter:pump()
  while true do
    local line, overlong = self.h:pop()
    if not line then break end
    local v = core.json_decode(line)
    if overlong or type(v) ~= "table" then adapter_fail(self, "printed a line that is not a JSON object: " .. show(line, 200)) end
    if v.re ~= nil then self.replies[v.re] = v
    elseif v.type then self.reports[#self.reports + 1] = v
    else adapter_fail(self, "printed an object with neither re nor type: " .. show(line, 200)) end
  end
end

-- Send a command and wait for its reply: result, or nil and the error.
function Adapter:call(cmd, args, opts)
  self.next_id = self.next_id + 1
  local id = self.next_id
  local msg = { id = id, cmd = cmd }
  for k, v in pairs(args or {}) do msg[k] = v end
  if not self.h:send(core.json_encode(msg)) then adapter_fail(self, "no longer reads its commands") end
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while true do
    self:pump()
    local r = self.replies[id]
    if r then
      self.replies[id] = nil
      if r.ok then return r.result == nil and true or r.result end
      return nil, r.error or "error", r
    end
    if self.h:state() == "exited" then adapter_fail(self, "stopped before answering " .. cmd) end
    if core.now() >= deadline then adapter_fail(self, string.format("did not answer %s within %d ms", cmd, within)) end
    wait(deadline)
  end
end

-- The first report matching pattern not yet taken, or nil and why.
function Adapter:expect(pattern, opts)
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while true do
    self:pump()
    for i = self.taken + 1, #self.reports do
      local r = self.reports[i]
      if not r._taken and subset(pattern, r) then r._taken = true return r end
    end
    if self.h:state() == "exited" then adapter_fail(self, "stopped while " .. describe(pattern) .. " was awaited") end
    if core.now() >= deadline then return nil, string.format("no report %s within %d ms", describe(pattern), within) end
    wait(deadline)
  end
end

-- Every report so far (matching pattern, if given), taken or not.
function Adapter:seen(pattern)
  self:pump()
  local out = {}
  for _, r in ipairs(self.reports) do if subset(pattern or {}, r) then out[#out + 1] = r end end
  return out
end

-- Start the SDK's adapter for this scenario and wait for its hello.
function Case:sdk()
  local a = setmetatable({ h = core.adapter_start(sdk_info.cmd), replies = {}, reports = {}, taken = 0,
    next_id = 0 }, Adapter)
  local hello = a:expect({ type = "hello" }, { within = 10000 })
  if not hello then adapter_fail(a, "did not say hello within 10 s") end
  a.hello = hello
  self._adapters[#self._adapters + 1] = a
  return a
end

-- The next connection the SDK opened to the fake server (a Conn whose
-- frames are checked as a client's), or the scenario stops.
function Case:accept(opts)
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while true do
    local list = core.accepted(self._accepted + 1)
    if #list > 0 then
      self._accepted = self._accepted + 1
      local info = list[1]:info()
      local c = setmetatable({ h = list[1], case = self, app = self.app, inbox = {}, received = 0,
        autopong = not (opts and opts.autopong == false), seen_pongs = 0, from = "client",
        path = info.path, accepted_at = info.opened_at or core.now() }, Conn)
      self._conns[#self._conns + 1] = c
      return c
    end
    if core.now() >= deadline then
      return nil, string.format("the SDK opened no connection within %d ms", within)
    end
    wait(deadline)
  end
end

local socket_seq = 0
-- Server side: send connection_established; returns the socket_id.
function Conn:establish(opts)
  opts = opts or {}
  socket_seq = socket_seq + 1
  self.socket_id = opts.socket_id or string.format("%d.%d", 1000 + socket_seq, math.random(100000, 999999))
  self:send { event = "pusher:connection_established",
    data = core.json_encode { socket_id = self.socket_id, activity_timeout = opts.activity_timeout or 120 } }
  return self.socket_id
end

-- Start the SDK, tell it to connect to the fake server (with this scenario's
-- auth endpoints; opts.options adds to or overrides the connect options), and
-- accept its connection. Unless opts.establish == false, also send
-- connection_established (opts.activity_timeout, opts.socket_id) and wait
-- for the SDK to report state connected. Returns sdk, conn; any failure ends
-- the scenario, naming the step.
function Case:connect_sdk(opts)
  opts = opts or {}
  local sdk = opts.sdk or self:sdk()
  local e = self:endpoints()
  local options = { auth_endpoint = e.auth_endpoint, user_auth_endpoint = e.user_auth_endpoint }
  for k, v in pairs(opts.options or {}) do options[k] = v end
  local ok, err = sdk:call("connect", { key = self.app.key, ws_host = e.ws_host, ws_port = e.ws_port,
    options = options })
  if not ok then error({ ps_abort = "connect_sdk: the adapter refused connect: " .. tostring(err) }, 0) end
  local conn, why = self:accept { within = opts.within or 10000, autopong = opts.autopong }
  if not conn then error({ ps_abort = "connect_sdk: " .. why }, 0) end
  if opts.establish ~= false then
    conn:establish { activity_timeout = opts.activity_timeout, socket_id = opts.socket_id }
    local r, why2 = sdk:expect({ type = "state", current = "connected" }, { within = opts.within or 10000 })
    if not r then error({ ps_abort = "connect_sdk: the SDK did not report connected: " .. why2 }, 0) end
  end
  return sdk, conn
end

-- Server side: pusher_internal:subscription_succeeded for channel; data is a
-- table (sent double-encoded, default {}), e.g. {presence = {ids=, hash=, count=}}.
function Conn:grant(channel, data)
  self:send { event = "pusher_internal:subscription_succeeded", channel = channel,
    data = core.json_encode(data or {}) }
end

-- Have the SDK subscribe to channel on conn: the pusher:subscribe frame it
-- sends is answered with grant(channel, data), and the SDK's `subscribed`
-- report awaited. Returns the subscribe frame; a missing step ends the scenario.
function Case:subscribe_sdk(sdk, conn, channel, data)
  local ok, err = sdk:call("subscribe", { channel = channel })
  if not ok then error({ ps_abort = "subscribe_sdk: the adapter refused subscribe " .. channel .. ": " .. tostring(err) }, 0) end
  local m, why = conn:expect(function(f)
    return f.event == "pusher:subscribe" and type(f.data) == "table" and f.data.channel == channel
  end)
  if not m then error({ ps_abort = "subscribe_sdk: no pusher:subscribe for " .. channel .. ": " .. why }, 0) end
  conn:grant(channel, data)
  local r, why2 = sdk:expect { type = "subscribed", channel = channel }
  if not r then error({ ps_abort = "subscribe_sdk: the SDK did not report " .. channel .. " subscribed: " .. why2 }, 0) end
  return m
end

-- application/x-www-form-urlencoded or a query string, as a table.
local function form(text) return core.form_decode(text or "") end

local Req = {}
Req.__index = Req
Req.__metatable = false

local function new_req(h)
  local r = setmetatable(h:info(), Req)
  r.h = h
  r.params = form(r.query)
  r.form = r.content_type:match("x%-www%-form%-urlencoded") and form(r.body) or {}
  r.json = core.json_decode(r.body)
  return r
end

function Req:respond(status, body, ctype)
  if type(body) == "table" then body = core.json_encode(body) end
  return self.h:respond(status, body or "", ctype or "application/json")
end

-- The app's auth endpoints, answered as a correct app server would, unless
-- the scenario set its own handler with t:on_auth(function(req, kind) ... end).
local function answer_auth(self, req)
  local kind = req.path:match("^/auth/[^/]+/(%w+)") or "channel"
  local p = next(req.form) and req.form or req.params
  self.auth_requests[#self.auth_requests + 1] = { kind = kind, params = p, req = req, t = core.now() }
  if self._auth_handler then
    local status, body = self._auth_handler(req, kind, p)
    if status then return req:respond(status, body) end
  end
  if kind == "user" then
    local user_data = core.json_encode(self.user)
    return req:respond(200, { auth = core.sign_user(self.app.key, self.app.secret, p.socket_id or "", user_data),
      user_data = user_data })
  end
  local ch = p.channel_name or ""
  local k = core.channel_kind(ch)
  local body = {}
  if k == "presence" or k == "presence-cache" then
    body.channel_data = core.json_encode { user_id = self.user.id, user_info = self.user.user_info }
  end
  body.auth = core.sign_channel(self.app.key, self.app.secret, p.socket_id or "", ch, body.channel_data)
  if k == "private-encrypted" then body.shared_secret = core.shared_secret(ch, self.master_key) end
  return req:respond(200, body)
end

function Case:_service()
  local list = core.requests(self._served + 1)
  for i, h in ipairs(list) do
    local req = new_req(h)
    self._served = self._served + 1
    if not req.path:match("^/auth/") then   -- every API request, answered or not (t:api_requests)
      self._api_log = self._api_log or {}
      self._api_log[#self._api_log + 1] = req
    end
    if req.path:match("^/auth/") then answer_auth(self, req)
    elseif self._api_handler then
      local status, body, ctype = self._api_handler(req)
      if status then req:respond(status, body, ctype) else self._pending[#self._pending + 1] = req end
    else
      self._pending[#self._pending + 1] = req
    end
  end
end

function Case:on_auth(fn) self._auth_handler = fn end
function Case:serve_api(fn) self._api_handler = fn end

-- The next fake-server request matching pattern ({method=, path=} or a
-- function) that no handler answered; the scenario must respond to it.
function Case:expect_request(pattern, opts)
  local within = scaled(opts and opts.within or DEFAULT_WITHIN)
  local deadline = core.now() + within
  while true do
    self:_service()
    for i, r in ipairs(self._pending) do
      if match(r, pattern) then return table.remove(self._pending, i) end
    end
    if core.now() >= deadline then return nil, string.format("no request %s within %d ms", describe(pattern), within) end
    wait(deadline)
  end
end

-- The URLs an SDK under test is given: the fake server's WebSocket host and
-- port, and this scenario's auth endpoints.
function Case:endpoints()
  local base = "http://" .. sdk_info.host .. ":" .. sdk_info.port
  return { ws_host = sdk_info.host, ws_port = sdk_info.port, http_base = base,
    auth_endpoint = base .. "/auth/" .. self.app.key .. "/channel",
    user_auth_endpoint = base .. "/auth/" .. self.app.key .. "/user" }
end

-- Verify a fake-server HTTP API request's signature (HSDK-1): "ok" or a status and why.
function Case:verify_api(req)
  local status, why = core.api_verify(req.method, req.path, req.query, req.body, self.app.key, self.app.secret,
    core.wall())
  return status, why
end

-- Every HTTP API request (/apps/...) this scenario's fake server received,
-- answered or not, from the from-th on (for "nothing was sent" checks too).
function Case:api_requests(from)
  self:_service()
  local log, out = self._api_log or {}, {}
  for i = from or 1, #log do out[#out + 1] = log[i] end
  return out
end

-- Check rule (HSDK-1) on every API request not checked yet: verify_api says "ok".
-- Returns how many requests it checked.
function Case:check_api_signed(rule)
  local n = 0
  for _, req in ipairs(self:api_requests()) do
    if not req.signature_checked then
      req.signature_checked, n = true, n + 1
      local status, why = self:verify_api(req)
      self:check(rule, status == "ok", "a correctly signed request: auth_key, auth_timestamp within 600 s, " ..
        "auth_version=1.0, body_md5 of the body, auth_signature", string.format("%s (%s) in %s %s?%s",
        status, why, req.method, req.path, req.query))
    end
  end
  return n
end

-- The HTTP SDK under test (adapter kind "http"), configured for this scenario's
-- app and master key on the fake API; opts add or override configure arguments.
function Case:http_sdk(opts)
  local sdk = self:sdk()
  local args = { app_id = self.app.id, key = self.app.key, secret = self.app.secret, host = sdk_info.host,
    port = sdk_info.port, use_tls = false, encryption_master_key_base64 = self.master_key }
  for k, v in pairs(opts or {}) do args[k] = v end
  local ok, err = sdk:call("configure", args)
  if not ok then error({ ps_abort = "the SDK refused configure: " .. tostring(err) }, 0) end
  return sdk
end

-- A webhook as the Pusher server sends it to this scenario's app: headers and
-- raw body (a table is sent as JSON). opts.key / opts.secret sign as another app.
function Case:signed_webhook(body, opts)
  opts = opts or {}
  if type(body) == "table" then body = core.json_encode(body) end
  return { ["X-Pusher-Key"] = opts.key or self.app.key, ["Content-Type"] = "application/json",
    ["X-Pusher-Signature"] = core.webhook_sign(opts.secret or self.app.secret, body) }, body
end

function api.set_sdk(info)
  sdk_info = info
  target = { name = info.name, url = "ws://" .. info.host .. ":" .. info.port,
    http_url = "http://" .. info.host .. ":" .. info.port, profiles = {}, limits = {}, sdk = info,
    app = { id = "unused", key = "unused", secret = "unused" } }
end

-- ---------------------------------------------------------------- entry points for C

function api.run_case(spec)
  if spec.profile and not target.profiles[spec.profile] then
    for _, r in ipairs(spec.rules) do
      core.skip(r, "the target offers no profile '" .. spec.profile .. "' (see its profiles table)")
    end
    return
  end
  local t = new_case(spec)
  case_of[coroutine.running()] = t
  if sdk_info then
    -- every scenario is its own app: its connections and requests come to it alone
    local n = spec.id:gsub("[^%w]", "")
    t.app = { id = "app-" .. n, key = "key-" .. n .. "-" .. run_nonce, secret = "secret-" .. n .. "-" .. run_nonce }
    t.master_key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    t.user = { id = "sdk-user-1", user_info = { name = "SDK User" } }
    core.fake_app(t.app.id, t.app.key)
  end
  spec.run(t)
  t:_finish()
end

-- Is the server still serving? Returns ok, why (run by C after destructive cases).
function api.liveness()
  local t = new_case { id = "liveness", rules = {} }
  local ok, err = pcall(function()
    local c = t:connect()
    local m, why = c:established { within = 3000 }
    if not m then error("no connection_established: " .. why, 0) end
    local ch = t:channel("pub-")
    c:subscribe(ch)
    local s, why2 = c:subscribed(ch, { within = 3000 })
    if not s then error("subscribe failed: " .. why2, 0) end
    local res = t:trigger { channel = ch, name = "alive", data = "1" }
    if res.status ~= 200 then error("trigger answered " .. res.status .. " " .. (res.error or res.body), 0) end
    local e, why3 = c:expect({ event = "alive" }, { within = 3000 })
    if not e then error("the triggered event was not delivered: " .. why3, 0) end
  end)
  if ok then return true, "" end
  return false, type(err) == "table" and tostring(err.ps_abort) or tostring(err)
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
  -- a deadline that depends on the target (e.g. pushspec fuzz --seconds): target is
  -- nil when scenarios are only listed
  if type(spec.timeout) == "function" then spec.timeout = spec.timeout(target) end
  if spec.timeout ~= nil and type(spec.timeout) ~= "number" then bad("timeout must be a number of seconds") end
  spec.tags = spec.tags or {}
  spec.file = info.source:sub(1, 1) == "@" and info.source:sub(2) or info.short_src
  spec.line = info.currentline
  specs[#specs + 1] = spec
end

-- Deep equality of decoded JSON values (tables compared key by key).
local function equal(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do
    if not equal(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

local ps = {
  scenario = register,
  equal = equal,
  json = { encode = core.json_encode, decode = core.json_decode, null = core.null, array = core.json_array },
  now = core.now,
  wall = core.wall,
  channel_kind = core.channel_kind,
  hmac = core.hmac,
  md5 = core.md5,
  b64 = { encode = core.b64_encode, decode = core.b64_decode },
  shared_secret = core.shared_secret,
  encrypt = core.encrypt,
  decrypt = core.decrypt,
  rule = core.rule,
  corpus = core.corpus,
}

-- TEXT: the file's embedded copy (then PATH only names it in errors and results).
function api.load_scenario_file(path, text)
  local env = new_env { ps = ps, print = function(...) core.log(...) end }
  local chunk, err
  if text then chunk, err = load(text, "@" .. path, "t", env) else chunk, err = loadfile(path, "t", env) end
  if not chunk then error(err, 0) end
  local ok, e = pcall(chunk)
  if not ok then error(type(e) == "string" and e or tostring(e), 0) end
end

function api.specs() return specs end

-- Target: a Lua file returning a table, then overrides (command line and
-- environment), normalized. Returns the table or raises a message that says
-- what to fix.
function api.set_target(path, over)
  local t = {}
  if path then
    local dir = path:match("^(.*)/[^/]*$") or "."
    local chunk, err = loadfile(path, "t", new_env { env = core.getenv, target_dir = dir })
    if not chunk then error("cannot read target " .. err, 0) end
    local ok, v = pcall(chunk)
    if not ok then error("target " .. path .. ": " .. tostring(v), 0) end
    if type(v) ~= "table" then error("target " .. path .. " must return a table", 0) end
    t = v
  end
  t.app = t.app or {}
  for k, v in pairs(over or {}) do
    if k == "app_id" then t.app.id = v
    elseif k == "key" then t.app.key = v
    elseif k == "secret" then t.app.secret = v
    else t[k] = v end
  end
  local where = path and ("target " .. path) or "the target"
  local function need(v, what)
    if v == nil or v == "" then
      error(where .. " has no " .. what .. " (set it in the target file, by flag or environment; see pushspec run --help)", 0)
    end
  end
  need(t.url, "url (ws://HOST:PORT)")
  if not t.http_url then t.http_url = t.url:gsub("^ws", "http") end
  need(t.app.id, "app id")
  need(t.app.key, "app key")
  need(t.app.secret, "app secret")
  t.app.id, t.app.key, t.app.secret = tostring(t.app.id), tostring(t.app.key), tostring(t.app.secret)
  t.url = t.url:gsub("/+$", "")
  t.http_url = t.http_url:gsub("/+$", "")
  t.name = t.name or t.url
  t.profiles = t.profiles or {}
  for name, p in pairs(t.profiles) do
    local app = p.app or p
    if type(app) ~= "table" or not app.key or not app.secret or not app.id then
      error(where .. ": profile '" .. name .. "' needs app = {id=, key=, secret=}", 0)
    end
  end
  if t.webhooks then
    if type(t.webhooks) ~= "table" or type(t.webhooks.listen) ~= "string" or not t.webhooks.listen:match("^[%w%.%-]+:%d+$") then
      error(where .. ": webhooks = { listen = \"HOST:PORT\" } (where the server sends its webhooks)", 0)
    end
    t.profiles.webhooks = t.profiles.webhooks or { app = t.app, listen = t.webhooks.listen }
  end
  if t.fuzz_seconds then
    t.fuzz = { seconds = tonumber(t.fuzz_seconds), seed = tonumber(t.fuzz_seed) or core.wall() }
  end
  if t.restart ~= nil and type(t.restart) ~= "string" then
    error(where .. ": restart must be a shell command (a string)", 0)
  end
  t.limits = t.limits or {}
  target = t
  return t
end

return api
