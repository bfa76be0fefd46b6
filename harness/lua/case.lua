-- case.lua: the case object `t` a scenario's run function gets: connections
-- (connect, open, raw_open), checks and records, channel names and signing,
-- the HTTP API (api, trigger) and the webhooks the server sent.
local P = ...
local core, scaled, wait, show, poll = P.core, P.scaled, P.wait, P.show, P.poll
local M = P.require "match"
local subset, describe = M.subset, M.describe
local Conn = P.require("conn").Conn
local Raw = P.require "rawws"

local Case = {}
Case.__index = Case
Case.__metatable = false   -- else getmetatable(t).check = ... rewrites checks for every scenario

local function app_of(self, app)
  if app == nil then return P.target.app end
  if type(app) == "string" then
    local p = P.target.profiles[app]
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
  local c = setmetatable({ h = core.ws_open(opts.url or P.target.url, path), case = self, app = app,
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
  local tls, host, port = P.target.url:match("^ws(s?)://([^:/]+):?(%d*)")
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
  local deadline = core.now() + scaled(P.DEFAULT_WITHIN)
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

-- Set-up: n connections (default 1; opts.app as for connect), each subscribed
-- to channels (a name or a list); on presence channels as the user
-- opts.user(i) returns (default: connect's). A failed subscription ends the
-- scenario under rule (ps.verify.subscribed). Returns the list of connections.
function Case:subscribers(rule, channels, n, opts)
  opts = opts or {}
  if type(channels) == "string" then channels = { channels } end
  local conns = {}
  for i = 1, n or 1 do
    conns[i] = self:open { app = opts.app }
    for _, ch in ipairs(channels) do
      local kind = core.channel_kind(ch)
      local presence = kind == "presence" or kind == "presence-cache"
      conns[i]:subscribe(ch, presence and opts.user and { user = opts.user(i) } or nil)
    end
  end
  for i, c in ipairs(conns) do
    for _, ch in ipairs(channels) do
      local m, why = c:subscribed(ch)
      self:require(rule, m, "connection " .. i .. " is subscribed to " .. ch, why)
    end
  end
  return conns
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

-- The check of rule saw nothing to judge (what: what happened instead): the
-- rule is the error "nothing observed: what", which a later passing check of
-- it does not turn into a pass (only a failing one overrides it).
function Case:nothing(rule, what, expected)
  core.nothing(rule, tostring(what), expected ~= nil and tostring(expected) or nil)
  core.log(string.format("nothing observed: %s: %s", rule, tostring(what)))
end

-- A verifier's outcome (ps.verify): ok true or false is a check; nil is
-- t:nothing (the verifier had nothing to judge; actual says why). Returns ok.
function Case:judge(rule, ok, expected, actual)
  if ok == nil then
    self:nothing(rule, actual ~= nil and show(actual) or "no text", expected)
    return nil
  end
  return self:check(rule, ok, expected, actual)
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
  return string.format("%s%s-%s-%d", prefix or "", id, P.run_nonce, self._n)
end

-- Name the input a destructive scenario is about to send: if the server dies,
-- the report names this input. Against a server, each input after the first
-- is preceded by a liveness check (ps.verify.alive) for the one before: a server
-- that went down ends the scenario there, blaming that input, not a later one
-- (the harness checks after the last). opts.probe == false skips the check.
function Case:input(what, opts)
  if self._input and not P.target.sdk and not (opts and opts.probe == false) then
    local ok, why = P.require("verify").alive(self)
    if not ok then   -- as the harness's own check would say, even if the server is back by then
      local text = "the server stopped working after this input: " .. self._input ..
        " (liveness check before the next input: " .. why .. ")"
      for _, r in ipairs(self.spec.rules) do
        self:check(r, false, "the server survives the input and keeps serving other connections", text)
      end
      error({ ps_abort = text }, 0)
    end
  end
  self._input = what
  core.log("input: " .. what)
end

function Case:sign_channel(socket_id, channel, channel_data, app)
  app = app_of(self, app)
  return core.sign_channel(app.key, app.secret, socket_id or "", channel, channel_data)
end

function Case:sign_user(socket_id, user_data, app)
  app = app_of(self, app)
  return core.sign_user(app.key, app.secret, socket_id or "", user_data)
end

function Case:profile(name) return P.target.profiles[name] end

-- Bring the target back with its restart command (blocks the run meanwhile).
function Case:restart_target()
  if not P.target.restart then return nil, "the target gives no restart command" end
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
  local url = P.target.http_url .. path .. (query ~= "" and ("?" .. query) or "")
  local req = core.http(method, url, headers, body)
  local within = scaled(opts.within or P.DEFAULT_WITHIN)
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
  return poll(opts, 10000, function() return "no webhook event " .. describe(pattern) end, function()
    for i, h in ipairs(fetch_hooks()) do
      local events = type(h.json) == "table" and h.json.events
      for j, ev in ipairs(type(events) == "table" and events or {}) do
        local k = i .. ":" .. j
        if not self._hooks_used[k] and subset(pattern, ev) then
          self._hooks_used[k] = true
          return true, ev, h
        end
      end
    end
  end)
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
      core.check(v.rule .. (v.label and (":" .. v.label) or ""), false, info and info.text or v.rule,
        v.text .. " in " .. show(item.m))
    elseif (v.should or not declared[v.rule]) and not noted[v.rule .. v.text] then
      noted[v.rule .. v.text] = true   -- once per scenario, not once per frame
      core.log("note: " .. v.rule .. ": " .. v.text)
    end
  end
  for _, r in ipairs(self.spec.wire or {}) do
    if received > 0 then core.check(r, true) end
  end
end

function Case.new(spec)
  return setmetatable({ spec = spec, target = P.target, app = P.target.app, _conns = {},
    _received_released = 0, _violations = {}, _violation_seen = {}, _n = 0, _hooks_used = {}, _adapters = {}, _accepted = 0, _served = 0,
    _pending = {}, auth_requests = {} }, Case)
end


return Case
