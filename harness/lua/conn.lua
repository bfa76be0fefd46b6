-- conn.lua: Conn, a WebSocket connection as a scenario sees it: messages
-- parsed and validated by the codec, expect/next with deadlines, subscribe
-- with signing. In the fake-server role the same object is the server end of
-- the SDK's connection (establish, grant).
local P = ...
local prim, wait, show, poll = P.prim, P.wait, P.show, P.poll
local M = P.require "match"
local take, describe, arrived = M.take, M.describe, M.arrived
local verify = P.require "verify"

local Conn = {}
Conn.__index = Conn
Conn.__metatable = false   -- getmetatable(c) must not hand scenarios the shared method table

local function parse_frame(f, from)
  local m
  if f.kind == "text" then m = prim.parse(f.raw, from or "server") else m = { status = f.kind, violations = {} } end
  if f.kind == "binary" and (from or "server") == "server" then
    m.violations[1] = { rule = "FRAME-1", label = "text-frame", text = "a binary frame, not a text frame holding a JSON object" }
  end
  m.raw, m.kind, m.t = f.raw, f.kind, f.t
  if m.decoded ~= nil then m.payload = m.decoded
  elseif type(m.data) == "table" then m.payload = m.data end
  return m
end

-- The codec's violations in message m, kept for the case's wire checks
-- (Case:_judge_wire); server: m came from a server under test.
local function keep_violations(case, m, server)
  for _, v in ipairs(m.violations) do
    local key = v.rule .. "\0" .. v.text
    if not case._violation_seen[key] then   -- once: long runs would keep every message
      case._violation_seen[key] = true
      case._violations[#case._violations + 1] = { v = v, m = m, server = server }
    end
  end
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
    keep_violations(self.case, m, (self.from or "server") == "server")
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
  if i.close_frame and not i.close_coded then return "closed by a close frame without a status code" end
  if i.close_frame then return "close " .. i.close_code .. (i.close_reason ~= "" and (" " .. i.close_reason) or "") end
  return "closed without a close frame"
end

-- Send a message table {event, channel, data} (data: table -> JSON object,
-- string -> JSON string), or raw text.
-- Every frame out: c.sent_at is when the last one was queued (ps.now() clock),
-- so timers the peer runs from our last frame are measured from it.
local function send(self, kind, bytes)
  self.sent_at = prim.now()
  -- a text frame of invalid UTF-8 is RFC 6455's 1007 fault: that close code is then documented (CONN-10)
  local ok, utf8_valid = self.h:send(kind, bytes)
  if kind == "text" and not utf8_valid then self.ws_fault = "invalid-payload" end
  return ok
end
function Conn:send(msg)
  if type(msg) == "string" then return send(self, "text", msg) end
  if self.from == "client" and P.sdk_info then   -- the fake server: a form drawn by seed (forms.lua)
    return send(self, "text", P.require("forms").frame(self.case:forms(),
      { event = msg.event, channel = msg.channel, data = msg.data }))
  end
  local data, as_string = nil, false
  if type(msg.data) == "table" then data = prim.json_encode(msg.data)
  elseif msg.data ~= nil then data, as_string = tostring(msg.data), true end
  return send(self, "text", prim.build(msg.event, msg.channel, data, as_string))
end
function Conn:send_raw(text) return send(self, "text", text) end
function Conn:send_binary(bytes) return send(self, "binary", bytes) end
function Conn:ws_ping(payload) return send(self, "ping", payload or "") end
-- code false: a close frame without a status code.
function Conn:close(code, reason)
  self.closed_by_us = true   -- its close code is ours echoed, not the server's (Case:_finish)
  self.h:close(code == false and 0 or code or 1000, reason or "")
end
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
  return poll(opts, nil, "no message", function()
    self:pump()
    if #self.inbox > 0 then return true, table.remove(self.inbox, 1) end
    if self:is_closed() then return true, nil, "connection " .. self:close_text() end
  end)
end

-- The first message matching pattern (a table of fields, data matched as a
-- subset of the decoded data, or a function; opts.what names a function's
-- aim); others stay in the inbox. On failure, why says what arrived instead.
function Conn:expect(pattern, opts)
  local what, before = describe(pattern, opts and opts.what), #self.inbox
  local m, why = poll(opts, nil, function() return "no " .. what end, function()
    self:pump()
    local m = take(self.inbox, pattern)
    if m then return true, m end
    if self:is_closed() then
      return true, nil, string.format("connection %s before %s arrived", self:close_text(), what)
    end
  end)
  if m == nil and (#self.inbox > 0 or not self:is_closed()) then why = why .. "; " .. arrived(self.inbox, before, show) end
  return m, why
end

-- Wait for the connection to end; returns {code, reason, frame, error, http_status,
-- text, sent, unsent}: sent counts the frames written to the socket, unsent
-- those sent on it that never reached it (it ended first): the peer cannot
-- have answered them.
function Conn:expect_close(opts)
  local closed, why = poll(opts, nil, "the connection did not close", function()
    self:pump()
    if self:is_closed() then return true, true end
  end)
  if not closed then return nil, why end
  self:pump()
  local i = self.h:info()
  return { code = i.close_frame and i.close_coded and i.close_code or nil, reason = i.close_reason, frame = i.close_frame,
           failed = self.h:state() == "failed", error = i.error, http_status = i.http_status,
           text = self:close_text(), unsent = i.unsent, sent = i.sent }
end

-- True when no message matching pattern (default: anything but pings) arrives for ms.
function Conn:expect_silence(ms, pattern)
  pattern = pattern or function(m) return m.event ~= "pusher:ping" end
  local deadline = prim.now() + ms
  while true do
    self:pump()
    local m = take(self.inbox, pattern)
    if m then return false, m end
    if prim.now() >= deadline or self:is_closed() then return true end
    wait(deadline)
  end
end

-- Wait for a WebSocket pong frame (answers to ws_ping).
function Conn:expect_ws_pong(opts)
  local before = self.seen_pongs
  local ok, why = poll(opts, nil, "no pong frame", function()
    if self.h:info().pongs > before then return true, true end
    if self:is_closed() then return true, nil, "connection " .. self:close_text() end
  end)
  if ok then self.seen_pongs = self.h:info().pongs end
  return ok, why
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
  local kind = prim.channel_kind(channel)
  local needs_auth = kind == "private" or kind == "presence" or kind == "private-encrypted" or
    kind == "private-cache" or kind == "presence-cache"
  local channel_data = opts.channel_data
  if channel_data == nil and opts.user then channel_data = prim.json_encode(opts.user) end
  if channel_data == nil and (kind == "presence" or kind == "presence-cache") and opts.auth == nil then
    channel_data = prim.json_encode { user_id = "u-" .. (self.socket_id or "0") }
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
  local o = { what = "pusher_internal:subscription_succeeded or pusher:subscription_error for " .. channel }
  for k, v in pairs(opts or {}) do o[k] = v end
  local m, why = self:expect(function(m)
    return m.channel == channel and (m.event == "pusher_internal:subscription_succeeded" or
      m.event == "pusher:subscription_error") or (m.event == "pusher:error")
  end, o)
  if m and verify.subscribed(m, channel) then return m end
  if m then return nil, "refused: " .. show(m), m end
  return nil, why
end

function Conn:unsubscribe(channel)
  self:send { event = "pusher:unsubscribe", data = { channel = channel } }
end


-- ---------------------------------------------------------------- server side (fake-server role)

local socket_seq = 0
-- Server side: send connection_established; returns the socket_id.
function Conn:establish(opts)
  opts = opts or {}
  socket_seq = socket_seq + 1
  self.socket_id = opts.socket_id or string.format("%d.%d", 1000 + socket_seq, math.random(100000, 999999))
  self:send { event = "pusher:connection_established",
    data = self.case:json { socket_id = self.socket_id, activity_timeout = opts.activity_timeout or 120 } }
  return self.socket_id
end

-- Server side: pusher_internal:subscription_succeeded for channel; data is a
-- table (sent double-encoded, default {}), e.g. {presence = {ids=, hash=, count=}}.
function Conn:grant(channel, data)
  self:send { event = "pusher_internal:subscription_succeeded", channel = channel,
    data = self.case:json(data or {}) }
end

return { Conn = Conn, parse_frame = parse_frame, keep_violations = keep_violations }
