-- sdk.lua: the fake-server role. The adapter process driving an SDK under
-- test, the case methods that start and drive it (sdk, accept, connect_sdk,
-- subscribe_sdk, http_sdk), and the fake server's HTTP side: auth endpoints,
-- API requests (serve_api, expect_request, verify_api) and signed webhooks.
local P = ...
local prim, scaled, wait, show, poll = P.prim, P.scaled, P.wait, P.show, P.poll
local M = P.require "match"
local subset, describe = M.subset, M.describe
local Conn = P.require("conn").Conn
local Case = P.require "case"
local caps = P.require "capabilities"


-- An adapter process driving the SDK under test (see ci/adapters/PROTOCOL.md).
local Adapter = {}
Adapter.__index = Adapter
Adapter.__metatable = false

local function adapter_fail(self, what)
  local state, how, stderr = self.h:state()
  local msg = string.format("adapter '%s' %s", P.sdk_info.cmd, what)
  if state == "exited" then msg = msg .. " (it exited: " .. how .. ")" end
  if stderr and stderr ~= "" then msg = msg .. "; its stderr ends: " .. stderr:sub(-300) end
  error(msg, 0)
end

-- Read what the adapter printed: replies by id, reports in order.
function Adapter:pump()
  while true do
    local line, overlong = self.h:pop()
    if not line then break end
    local v = prim.json_decode(line)
    if overlong or type(v) ~= "table" then adapter_fail(self, "printed a line that is not a JSON object: " .. show(line, 200)) end
    if v.re ~= nil then self.replies[v.re] = v
    elseif v.type then self.reports[#self.reports + 1] = v
    else adapter_fail(self, "printed an object with neither re nor type: " .. show(line, 200)) end
  end
end

-- Send a command and wait for its reply: result, or nil, the error and the
-- reply. A reply {"unsupported": true} ends the scenario as a capability-missing
-- skip, unless opts.unsupported_ok (the scenario handles it: reply.unsupported).
function Adapter:call(cmd, args, opts)
  self.next_id = self.next_id + 1
  local id = self.next_id
  local msg = { id = id, cmd = cmd }
  for k, v in pairs(args or {}) do msg[k] = v end
  if not self.h:send(prim.json_encode(msg)) then adapter_fail(self, "no longer reads its commands") end
  local within = scaled(opts and opts.within or P.DEFAULT_WITHIN)
  local deadline = prim.now() + within
  while true do
    self:pump()
    local r = self.replies[id]
    if r then
      self.replies[id] = nil
      if r.ok then return r.result == nil and true or r.result end
      if r.unsupported == true and not (opts and opts.unsupported_ok) then
        self.case:skip_capability(caps.unsupported(cmd, r))
      end
      return nil, r.error or "error", r
    end
    if self.h:state() == "exited" then adapter_fail(self, "stopped before answering " .. cmd) end
    if prim.now() >= deadline then adapter_fail(self, string.format("did not answer %s within %d ms", cmd, within)) end
    wait(deadline)
  end
end

-- The first report matching pattern not yet taken, or nil and why.
function Adapter:expect(pattern, opts)
  return poll(opts, nil, function() return "no report " .. describe(pattern) end, function()
    self:pump()
    for i = self.taken + 1, #self.reports do
      local r = self.reports[i]
      if not r._taken and subset(pattern, r) then r._taken = true return true, r end
    end
    if self.h:state() == "exited" then adapter_fail(self, "stopped while " .. describe(pattern) .. " was awaited") end
  end)
end

-- Every report so far (matching pattern, if given), taken or not.
function Adapter:seen(pattern)
  self:pump()
  local out = {}
  for _, r in ipairs(self.reports) do if subset(pattern or {}, r) then out[#out + 1] = r end end
  return out
end

-- The hello's app_id_form: the app ids an SDK takes (PROTOCOL.md section 2). A form
-- other than the app's moves the app to an id of that form before configure.
local APP_ID_FORMS = {
  numeric = function(app) return app.numeric_id end,   -- the default: "688320007"
  text = function(app) return "app-" .. app.name .. "-" .. app.numeric_id end,   -- "app-authprivate-688320007"
}

function Case:_app_id_form(a, form)
  form = form == nil and "numeric" or form
  if not APP_ID_FORMS[form] then
    local seen = type(form) == "string" and ("%q"):format(form:sub(1, 60)) or show(form, 60)
    adapter_fail(a, "said hello with app_id_form " .. seen .. '; the forms are "numeric" (the default) ' ..
      'and "text" (see ci/adapters/PROTOCOL.md section 2)')
  end
  if form == self.app.form then return end
  self.app.id, self.app.form = APP_ID_FORMS[form](self.app), form
  prim.fake_app(self.app.id, self.app.key)
end

-- Start the SDK's adapter for this scenario and wait for its hello.
function Case:sdk()
  local a = setmetatable({ h = prim.adapter_start(P.sdk_info.cmd), replies = {}, reports = {}, taken = 0,
    next_id = 0 }, Adapter)
  local hello = a:expect({ type = "hello" }, { within = 10000 })
  if not hello then adapter_fail(a, "did not say hello within 10 s") end
  a.hello, a.case = hello, self
  self._adapters[#self._adapters + 1] = a
  self:_app_id_form(a, hello.app_id_form)
  return a
end

-- Has the SDK under test this optional feature (capabilities.lua)? true, or
-- false and the reason; t:need(name) ends the scenario as a skip instead.
function Case:has(name) return caps.has(name) end
function Case:need(name)
  local ok, why = caps.has(name)
  if not ok then self:skip_capability(why) end
end

-- How long to wait (ms, scaled later like every window) for the SDK's next
-- connection after a connection ended: at least floor_ms (the rule's own window,
-- or a set-up wait), and never less than the reconnect delay the adapter's hello
-- declares (PROTOCOL.md section 2.2) plus a margin for a busy machine.
local RECONNECT_MARGIN = 2000
function Case:reconnect_within(floor_ms)
  return math.max(floor_ms or 0, caps.setting("reconnect_delay_ms") + RECONNECT_MARGIN)
end

-- The fake server's forms (forms.lua): this scenario's generator, drawn from the
-- run's seed and the scenario's id; t:json(v) is v's JSON text in a drawn form.
function Case:forms()
  self._forms = self._forms or P.require("forms").new(P.sdk_info and P.sdk_info.seed or 0, self.spec.id)
  return self._forms
end
function Case:json(v)
  if not P.sdk_info then return prim.json_encode(v) end
  return P.require("forms").encode(self:forms(), v)
end

-- Every rule not judged yet is skipped (kind capability-missing), and the scenario stops.
function Case:skip_capability(reason)
  for _, r in ipairs(self.spec.rules) do prim.skip(r, reason, prim.SKIP_CAPABILITY) end
  error({ ps_abort = reason }, 0)
end

-- The next connection the SDK opened to the fake server (a Conn whose
-- frames are checked as a client's), or the scenario stops.
function Case:accept(opts)
  return poll(opts, nil, "the SDK opened no connection", function()
    local list = prim.accepted(self._accepted + 1)
    if #list == 0 then return end
    self._accepted = self._accepted + 1
    local info = list[1]:info()
    local c = setmetatable({ h = list[1], case = self, app = self.app, inbox = {}, received = 0,
      autopong = not (opts and opts.autopong == false), seen_pongs = 0, from = "client",
      path = info.path, accepted_at = info.opened_at or prim.now() }, Conn)
    self._conns[#self._conns + 1] = c
    return true, c
  end)
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
local function form(text) return prim.form_decode(text or "") end

local Req = {}
Req.__index = Req
Req.__metatable = false

local function new_req(h)
  local r = setmetatable(h:info(), Req)
  r.h = h
  r.params = form(r.query)
  r.form = r.content_type:match("x%-www%-form%-urlencoded") and form(r.body) or {}
  r.json = prim.json_decode(r.body)
  return r
end

function Req:respond(status, body, ctype)
  if type(body) == "table" then body = self.case:json(body) end
  return self.h:respond(status, body or "", ctype or "application/json")
end

-- The app's auth endpoints, answered as a correct app server would, unless
-- the scenario set its own handler with t:on_auth(function(req, kind) ... end).
local function answer_auth(self, req)
  local kind = req.path:match("^/auth/[^/]+/(%w+)") or "channel"
  local p = next(req.form) and req.form or req.params
  self.auth_requests[#self.auth_requests + 1] = { kind = kind, params = p, req = req, t = prim.now() }
  if self._auth_handler then
    local status, body = self._auth_handler(req, kind, p)
    if status then return req:respond(status, body) end
  end
  if kind == "user" then
    local user_data = prim.json_encode(self.user)
    return req:respond(200, { auth = prim.sign_user(self.app.key, self.app.secret, p.socket_id or "", user_data),
      user_data = user_data })
  end
  local ch = p.channel_name or ""
  local k = prim.channel_kind(ch)
  local body = {}
  if k == "presence" or k == "presence-cache" then
    body.channel_data = prim.json_encode { user_id = self.user.id, user_info = self.user.user_info }
  end
  body.auth = prim.sign_channel(self.app.key, self.app.secret, p.socket_id or "", ch, body.channel_data)
  if k == "private-encrypted" then body.shared_secret = prim.shared_secret(ch, self.master_key) end
  return req:respond(200, body)
end

function Case:_service()
  local list = prim.requests(self._served + 1)
  for i, h in ipairs(list) do
    local req = new_req(h)
    req.case = self
    self._served = self._served + 1
    if not req.path:match("^/auth/") then   -- every API request, answered or not (t:api_requests)
      -- outside /apps/ID/ (matched by its auth_key): the scenario's path checks show req.path
      req.outside = req.path:sub(1, #self.app.id + 7) ~= "/apps/" .. self.app.id .. "/"
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
  return poll(opts, nil, function() return "no request " .. describe(pattern) end, function()
    self:_service()
    local r = M.take(self._pending, pattern)
    if r then return true, r end
  end)
end

-- The URLs an SDK under test is given: the fake server's WebSocket host and
-- port, and this scenario's auth endpoints.
function Case:endpoints()
  local base = "http://" .. P.sdk_info.host .. ":" .. P.sdk_info.port
  return { ws_host = P.sdk_info.host, ws_port = P.sdk_info.port, http_base = base,
    auth_endpoint = base .. "/auth/" .. self.app.key .. "/channel",
    user_auth_endpoint = base .. "/auth/" .. self.app.key .. "/user" }
end

-- Verify a fake-server HTTP API request's signature (HSDK-1): "ok" or a status and why.
function Case:verify_api(req)
  local status, why = prim.api_verify(req.method, req.path, req.query, req.body, self.app.key, self.app.secret,
    prim.wall())
  return status, why
end

-- Every HTTP API request this scenario's fake server received (/apps/ID/..., or
-- elsewhere with this app's auth_key: req.outside), answered or not, from the
-- from-th on (for "nothing was sent" checks too).
function Case:api_requests(from)
  self:_service()
  local log, out = self._api_log or {}, {}
  for i = from or 1, #log do out[#out + 1] = log[i] end
  return out
end

-- The HSDK-1 clause (CLAUSES.md label, declared with P.clause for the clause audit) a
-- verify_api status breaks, by the parameter it names.
local SIGNED = {
  auth_key = P.clause("HSDK-1:auth-key"), auth_timestamp = P.clause("HSDK-1:auth-timestamp"),
  auth_version = P.clause("HSDK-1:auth-version"), body_md5 = P.clause("HSDK-1:body-md5"),
  auth_signature = P.clause("HSDK-1:auth-signature"),
}
local function signed_label(status, why)
  local param = status:match("^bad (.+)$") or (why or ""):match("missing (auth_%a+)")
  return SIGNED[param] or SIGNED.auth_signature
end

-- Check rule (HSDK-1) on every API request not checked yet: verify_api says "ok".
-- HSDK-1 is checked under the clause the status names (HSDK-1:auth-key ...),
-- every clause passing on "ok". Returns how many requests it checked.
function Case:check_api_signed(rule)
  local n = 0
  for _, req in ipairs(self:api_requests()) do
    if not req.signature_checked then
      req.signature_checked, n = true, n + 1
      local status, why = self:verify_api(req)
      local name = rule
      if rule == "HSDK-1" then
        name = status == "ok" and SIGNED.auth_signature or signed_label(status, why)
        if status == "ok" then
          for _, p in ipairs { "auth_key", "auth_timestamp", "auth_version", "body_md5" } do self:check(SIGNED[p], true) end
        end
      end
      self:check(name, status == "ok", "a correctly signed request: auth_key, auth_timestamp within 600 s, " ..
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
  local args = { app_id = self.app.id, key = self.app.key, secret = self.app.secret, host = P.sdk_info.host,
    port = P.sdk_info.port, use_tls = false, encryption_master_key_base64 = self.master_key }
  for k, v in pairs(opts or {}) do args[k] = v end
  local ok, err = sdk:call("configure", args)
  if not ok then error({ ps_abort = "the SDK refused configure: " .. tostring(err) }, 0) end
  return sdk
end

-- A webhook as the Pusher server sends it to this scenario's app: headers and
-- raw body (a table is sent as JSON). opts.key / opts.secret sign as another app.
-- Header tables: names looked up and replaced whatever their case (the drawn spelling is kept).
local function header_key(t, name)
  for k in pairs(t) do if type(k) == "string" and type(name) == "string" and k:lower() == name:lower() then return k end end
end
local HEADERS = {
  __index = function(t, name) local k = header_key(t, name) return k and rawget(t, k) end,
  __newindex = function(t, name, v) rawset(t, header_key(t, name) or name, v) end,
}

function Case:signed_webhook(body, opts)
  opts = opts or {}
  if type(body) == "table" then body = self:json(body) end
  local F, g = P.require("forms"), self:forms()
  local h = { [F.header(g, "X-Pusher-Key")] = opts.key or self.app.key, [F.header(g, "Content-Type")] = "application/json",
    [F.header(g, "X-Pusher-Signature")] = prim.webhook_sign(opts.secret or self.app.secret, body) }
  return setmetatable(h, HEADERS), body
end
