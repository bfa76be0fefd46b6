-- case.lua: the case object `t` a scenario's run function gets: connections
-- (connect, open, raw_open), checks and records, channel names and signing,
-- the HTTP API (api, trigger) and the webhooks the server sent.
local P = ...
local prim, scaled, wait, show, poll = P.prim, P.scaled, P.wait, P.show, P.poll
local M = P.require "match"
local subset, describe = M.subset, M.describe
local Conn = P.require("conn").Conn
local Raw = P.require "rawws"
local verify = P.require "verify"

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

-- A cluster target (target.nodes): a scenario's connections and HTTP calls
-- go to the nodes in turn, from an offset that the seed and the scenario's id
-- fix, so a subscriber and the trigger after it land on different nodes, two
-- connections of one user too, and a run is reproducible. HTTP calls in a row
-- (no connection opened between them) stay on one node, as a keep-alive
-- client's would: one publisher's events keep their order. opts.node
-- (1-based) picks a node. Returns the node (nil for a one-node target) and
-- notes it in the transcript.
function Case:_place(opts, what, http)
  local nodes = P.target.nodes
  if not nodes then return nil end
  local i = opts and opts.node
  if i ~= nil then
    if not nodes[i] then error("node " .. tostring(i) .. ": the target has " .. #nodes .. " nodes", 3) end
  elseif http and self._http_node then
    i = self._http_node
  else
    i = (self._node_offset + self._placed) % #nodes + 1
    self._placed = self._placed + 1
    self._http_node = http and i or nil
  end
  local n = nodes[i]
  self._nodes_used[i] = true
  prim.log(string.format("%s: %s", n.name, what))
  return n
end

-- The nodes this scenario used so far ("node 1, node 2"), nil for one node.
function Case:nodes_used()
  if not P.target.nodes then return nil end
  local out = {}
  for i, n in ipairs(P.target.nodes) do if self._nodes_used[i] then out[#out + 1] = n.name end end
  return table.concat(out, ", ")
end

-- A connection to the target (not waited for). opts: app (table or profile
-- name), key, path (whole path, overrides key), query (string or table),
-- protocol (default 7; false omits it), url, node (a cluster's node index).
function Case:connect(opts)
  opts = opts or {}
  local app = app_of(self, opts.app)
  local path = opts.path or ("/app/" .. (opts.key or app.key))
  local q = opts.query
  if q == nil then
    q = {}
    if opts.protocol ~= false then q.protocol = opts.protocol or 7 end
    q.client = "pushspec"
    q.version = prim.version()
  end
  q = encode_query(q)
  if q ~= "" then path = path .. "?" .. q end
  local node = not opts.url and self:_place(opts, "connection " .. (#self._conns + 1))
  local c = setmetatable({ h = prim.ws_open(opts.url or (node and node.url) or P.target.url, path), case = self, app = app,
    inbox = {}, received = 0, autopong = opts.autopong ~= false, seen_pongs = 0, node = node or nil }, Conn)
  self._conns[#self._conns + 1] = c
  c.slot = #self._conns
  return c
end

-- A hand-made WebSocket connection (see Raw) to the target, upgraded with
-- the same path and query as connect(); returns it once the server answered
-- the upgrade, or ends the scenario (rules not reached) if it did not.
-- opts.wait == false: returns it at once; r:upgraded() waits for the answer
-- (many upgrades then take one round trip, not one each).
function Case:raw_open(opts)
  opts = opts or {}
  local node = self:_place(opts, "connection " .. (#self._conns + 1) .. " (hand-made)")
  local tls, host, port = (node and node.url or P.target.url):match("^ws(s?)://([^:/]+):?(%d*)")
  if tls == "s" then error({ ps_abort = "raw connections need a ws:// target (no TLS)" }, 0) end
  port = tonumber(port) or 80
  local app = app_of(self, opts.app)
  local q = opts.query or { protocol = 7, client = "pushspec", version = prim.version() }
  local path = (opts.path or ("/app/" .. app.key)) .. "?" .. encode_query(q)
  local r = setmetatable({ h = prim.raw_open(host, port), case = self, buf = "", frames = {} }, Raw)
  r.h:send("binary", table.concat({
    "GET " .. path .. " HTTP/1.1", "Host: " .. host .. ":" .. port, "Upgrade: websocket",
    "Connection: Upgrade", "Sec-WebSocket-Key: cHVzaHNwZWMtcmF3LWtleQ==", "Sec-WebSocket-Version: 13",
    "", "" }, "\r\n"))
  if opts.wait == false then return r end
  return r:upgraded()
end

-- Ends the scenario as `error` with why: a set-up step could not be done, so
-- its rules were not reached (never a fail of them).
function Case:setup_failed(why) error({ ps_abort = "set-up failed: " .. why, ps_setup = true }, 0) end

-- A deviation from rule seen while doing something else (a set-up step, a
-- wire check): it fails rule whether or not this scenario declares it.
function Case:incidental(rule, expected, actual)
  local nodes = P.target.nodes and (", which used " .. self:nodes_used() .. " of the cluster") or ""
  P.judged[rule] = true   -- (for ps.clause's run-time audit, prelude.lua)
  prim.incidental(rule, expected, tostring(actual) .. " (seen in scenario " .. self.spec.id .. nodes .. ")")
end

-- A connection that got its connection_established; a failure ends the
-- scenario as a set-up error (its rules not reached).
function Case:open(opts)
  local c = self:connect(opts)
  local m, why = c:established(opts)
  if not m then self:setup_failed("could not open a connection: " .. why) end
  return c, m
end

-- Set-up: n connections (default 1; opts.app as for connect), each subscribed
-- to channels (a name or a list); on presence channels as the user
-- opts.user(i) returns (default: connect's). A refused subscription fails the
-- rule that says it must succeed (SUB-1 public, AUTH-6 signed), whatever the
-- scenario declares, and ends the scenario as a set-up error. rule: the
-- scenario's rule (kept for callers; the set-up is judged by its own rule).
-- Returns the list of connections.
function Case:subscribers(rule, channels, n, opts)
  opts = opts or {}
  if type(channels) == "string" then channels = { channels } end
  local conns = {}
  for i = 1, n or 1 do
    conns[i] = self:open { app = opts.app }
    for _, ch in ipairs(channels) do
      local kind = prim.channel_kind(ch)
      local presence = kind == "presence" or kind == "presence-cache"
      conns[i]:subscribe(ch, presence and opts.user and { user = opts.user(i) } or nil)
    end
  end
  for i, c in ipairs(conns) do
    for _, ch in ipairs(channels) do self:joined(c, ch, "connection " .. i) end
  end
  return conns
end

-- Set-up: wait for c's subscription to ch (sent already). A refusal or no
-- answer fails SUB-1 (public) or AUTH-6 (signed) and ends the scenario as a
-- set-up error. what: names c in the messages. Returns the subscription_succeeded.
function Case:joined(c, ch, what)
  local m, why = c:subscribed(ch)
  if not m then
    -- the clause a refused set-up subscription breaks, as its own scenarios check it
    local kind = prim.channel_kind(ch)
    local own = kind == "public" and "SUB-1:succeeded" or kind:match("^presence") and "AUTH-6:presence-accepted"
      or "AUTH-6:private-accepted"
    self:incidental(own, (what or "a connection") .. " is subscribed to " .. ch, why)
    self:setup_failed((what or "a connection") .. " could not subscribe to " .. ch .. ": " .. tostring(why))
  end
  return m
end

function Case:check(rule, cond, expected, actual)
  local shown = actual ~= nil and show(actual) or nil
  if not cond and P.target.nodes then
    -- a cluster run: the fail may depend on the nodes, so it names them in every report
    shown = (shown or "") .. " [cluster: this scenario used " .. self:nodes_used() .. "]"
  end
  P.judged[rule] = true
  prim.check(rule, cond and true or false, expected, shown)
  if not cond then
    -- every failing check in the transcript, not only the first per rule
    prim.log(string.format("check failed: %s: expected %s; actual %s", rule, tostring(expected), tostring(shown)))
  end
  return cond
end

-- The check of rule saw nothing to judge (what: what happened instead): the
-- rule is the error "nothing observed: what", which a later passing check of
-- it does not turn into a pass (only a failing one overrides it).
function Case:nothing(rule, what, expected)
  P.judged[rule] = true
  prim.nothing(rule, tostring(what), expected ~= nil and tostring(expected) or nil)
  prim.log(string.format("nothing observed: %s: %s", rule, tostring(what)))
end

-- The check of rule could not be judged for why (a whole reason, e.g. a failed
-- positive control: ps.verify.negative): an error, as for t:nothing.
function Case:unjudged(rule, why, expected)
  P.judged[rule] = true
  prim.nothing(rule, tostring(why), expected ~= nil and tostring(expected) or nil, true)
  prim.log(string.format("not judged: %s: %s", rule, tostring(why)))
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

function Case:skip(rule, reason) prim.skip(rule, reason) end
function Case:expect_oversize() prim.expect_oversize() end
-- Structured data for the result file (e.g. a fuzzing finding).
function Case:record(name, value) prim.record(name, value) end
function Case:log(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[#parts + 1] = show((select(i, ...))) end
  prim.log(table.concat(parts, " "))
end

function Case:sleep(ms)
  local deadline = prim.now() + ms
  while prim.now() < deadline do wait(deadline) end
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
-- (the harness checks after the last). opts.probe == false skips the check;
-- opts.survives names the clause a dead server breaks (else each declared rule, unlabelled).
function Case:input(what, opts)
  if self._input and not P.target.sdk and not (opts and opts.probe == false) then
    local ok, why = P.require("verify").alive(self)
    if not ok then   -- as the harness's own check would say, even if the server is back by then
      local text = "the server stopped working after this input: " .. self._input ..
        " (liveness check before the next input: " .. why .. ")"
      for _, r in ipairs(opts and opts.survives and { opts.survives } or self.spec.rules) do
        self:check(r, false, "the server survives the input and keeps serving other connections", text)
      end
      error({ ps_abort = text }, 0)
    end
  end
  self._input = what
  prim.log("input: " .. what)
end

function Case:sign_channel(socket_id, channel, channel_data, app)
  app = app_of(self, app)
  return prim.sign_channel(app.key, app.secret, socket_id or "", channel, channel_data)
end

function Case:sign_user(socket_id, user_data, app)
  app = app_of(self, app)
  return prim.sign_user(app.key, app.secret, socket_id or "", user_data)
end

function Case:profile(name) return P.target.profiles[name] end

-- Bring the target back with its restart command (blocks the run meanwhile).
function Case:restart_target()
  if not P.target.restart then return nil, "the target gives no restart command" end
  return prim.restart_target() == 0
end

-- Run node i's own command `which` ("stop" or "restart") from the target's
-- nodes table (blocks the run meanwhile). Returns true, or nil and why.
function Case:node_command(i, which)
  local n = P.target.nodes and P.target.nodes[i]
  if not n then return nil, "the target has no node " .. tostring(i) end
  if not n[which] then return nil, n.name .. " has no " .. which .. " command in the target's nodes table" end
  prim.log(string.format("%s: %s (%s)", n.name, which, n[which]))
  local rc, why = prim.node_command(n[which])
  if rc ~= 0 then return nil, n.name .. "'s " .. which .. " command " .. (rc and ("exited " .. rc) or why) end
  return true
end

-- The same, not waited for: returns a job whose job.poll() is false while the
-- command runs, then true, or nil and why (as node_command). Or nil and why.
function Case:node_command_start(i, which)
  local n = P.target.nodes and P.target.nodes[i]
  if not n then return nil, "the target has no node " .. tostring(i) end
  if not n[which] then return nil, n.name .. " has no " .. which .. " command in the target's nodes table" end
  prim.log(string.format("%s: %s started (%s)", n.name, which, n[which]))
  local started = prim.now()
  local pid, why = prim.command_start(n[which])
  if not pid then return nil, n.name .. "'s " .. which .. " command " .. why end
  local result
  return { poll = function()
    if result then return table.unpack(result) end
    local rc, w = prim.command_poll(pid, started)
    if rc == false then return false end
    result = rc == 0 and { true } or { nil, n.name .. "'s " .. which .. " command " .. (rc and ("exited " .. rc) or w) }
    prim.log(string.format("%s: %s done in %d ms%s", n.name, which, prim.now() - started, result[2] and (": " .. result[2]) or ""))
    return table.unpack(result)
  end }
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
  if type(body) == "table" then body = prim.json_encode(body) end
  local query
  if opts.sign == false then
    query = encode_query(opts.query or {})
  else
    local signed_body = opts.sign_body or body
    if type(signed_body) == "table" then signed_body = prim.json_encode(signed_body) end
    query = prim.api_query(method, path, opts.query or {}, app.key, app.secret,
      opts.timestamp or prim.wall(), signed_body)
  end
  if opts.tamper then query = opts.tamper(query) end
  local headers = opts.headers or { ["content-type"] = "application/json" }
  local node = self:_place(opts, method .. " " .. path, true)
  local url = (node and node.http_url or P.target.http_url) .. path .. (query ~= "" and ("?" .. query) or "")
  local req = prim.http(method, url, headers, body)
  local within = scaled(opts.within or P.DEFAULT_WITHIN)
  local deadline = prim.now() + within
  while not req:done() do
    if prim.now() >= deadline then
      return { status = 0, body = "", error = string.format("no answer within %d ms", within) }
    end
    wait(deadline)
  end
  local res = req:result()
  res.json = prim.json_decode(res.body)
  return res
end

-- POST /events, sent as given (for checks of the HTTP API itself).
-- ev = {name, data, channel | channels, socket_id, info}
function Case:trigger(ev, opts)
  opts = opts or {}
  local body = { name = ev.name, data = ev.data, socket_id = ev.socket_id, info = ev.info }
  if ev.channels then body.channels = prim.json_array(ev.channels) else body.channel = ev.channel end
  if type(body.data) == "table" then body.data = prim.json_encode(body.data) end
  opts.body = body
  return self:api("POST", "/events", opts)
end

-- Set-up triggers (t:publish) use the `channels` list form until the server
-- refuses it and takes the one-string `channel` form: then that one, for the run.
local trigger_form = "channels"
local function status_text(res) return res.status == 0 and res.error or (res.status .. " " .. res.body) end
local function accepted(res) return res.status >= 200 and res.status < 300 end

-- A set-up trigger: any 2xx is accepted, a 4xx is retried in the other body
-- form (nothing was published), a 5xx or 429 once after a pause. Each answer
-- that is not HTTP-1's (200, a JSON object) fails HTTP-1, whatever the
-- scenario declares; no 2xx at all ends the scenario as a set-up error.
-- ev and opts as for trigger (ev.channel or ev.channels). mode "check": no
-- 2xx is returned, not an error; "probe" (the liveness check): records nothing
-- either. Returns the answer and a text of every answer seen.
function Case:publish(ev, opts, mode)
  local probe = mode == "probe"
  local chs = ev.channels or { ev.channel }
  local function send(form)
    local e = { name = ev.name, data = ev.data, socket_id = ev.socket_id, info = ev.info }
    if form == "channels" then e.channels = chs else e.channel = chs[1] end
    local o = {}
    for k, v in pairs(opts or {}) do o[k] = v end
    return self:trigger(e, o)
  end
  local form = #chs == 1 and trigger_form or "channels"
  local seen = {}
  local function try(f)
    local res = send(f)
    seen[#seen + 1] = f .. " form: " .. status_text(res)
    local ok, why = verify.trigger_answer(res)
    -- no answer at all (unreachable, no answer in time) is no HTTP answer to judge: a server that is
    -- down is the runner's to find (liveness probe), and http-trigger-ok judges HTTP-1 itself
    if not ok and not probe and res.status ~= 0 then
      self:incidental("HTTP-1:set-up-trigger", "a correctly signed POST /events (the `" .. f .. "` body form) returns " ..
        "200 with a JSON object body", why .. " to the set-up trigger of " .. tostring(ev.name))
    end
    return res
  end
  local res = try(form)
  if res.status >= 400 and res.status < 500 and #chs == 1 then
    local other = form == "channels" and "channel" or "channels"
    res = try(other)
    if accepted(res) then trigger_form = other end
  elseif res.status >= 500 or res.status == 429 then
    self:sleep(scaled(300))
    res = try(form)
  end
  if not accepted(res) and not mode then
    self:setup_failed("the trigger of " .. tostring(ev.name) .. " was not accepted (" .. table.concat(seen, "; ") .. ")")
  end
  return res, table.concat(seen, "; ")
end

-- Webhooks the target's server sent to the harness's receiver, parsed once.
local hooks = {}
local function fetch_hooks()
  for _, h in ipairs(prim.webhooks(#hooks + 1)) do
    h.json = prim.json_decode(h.body)
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
-- a violation fails its rule (the frame's own strength: a SHOULD clause of a
-- MUST rule stays a note), declared or not: an undeclared one as an incidental
-- finding, only from frames a server sent (in the fake-server role the frames
-- come from the client under test and only declared rules judge them).
-- Runs when the scenario ends, also by an error or abort (prelude's run_case).
function Case:_judge_wire()
  local declared = {}
  for _, r in ipairs(self.spec.rules) do declared[r] = true end
  local noted = {}
  for _, item in ipairs(self._violations) do
    local v = item.v
    local info = prim.rule(v.rule)
    local judged = not (v.should and info and not info.should)
    -- the clause it breaks (CLAUSES.md; ci/check-clauses.sh sees that every codec violation names one)
    local name = v.label and (v.rule .. ":" .. v.label) or v.rule
    if declared[v.rule] and judged then
      prim.check(name, false, info and info.text or v.rule, v.text .. " in " .. show(item.m))
    elseif judged and info and item.server then
      self:incidental(name, info.text, v.text .. " in " .. show(item.m))
    elseif (v.should or not declared[v.rule]) and not noted[v.rule .. v.text] then
      noted[v.rule .. v.text] = true   -- once per scenario, not once per frame
      prim.log("note: " .. v.rule .. ": " .. v.text)
    end
  end
  self._violations = {}
end

-- A scenario that ran to its end: the frames still queued are read, and the
-- wire rules it declares (spec.wire) pass if it received anything.
function Case:_finish()
  local received = self._received_released
  for _, c in ipairs(self._conns) do
    if c and not c:is_closed() then c:pump() end
    received = received + (c and c.received or 0)
    -- CONN-10: a close the server started carries a documented code
    local i = c and (c.from or "server") == "server" and not c.closed_by_us and c:is_closed() and c.h:info()
    local ok, text = true, nil
    if i and i.close_frame then ok, text = verify.documented_close(i.close_code, c.ws_fault) end
    if not ok then
      self:incidental("CONN-10:documented-code", "every close code the server uses is " .. verify.DOCUMENTED_CLOSE ..
        " (or RFC 6455's 1002/1007/1009 for the WebSocket-level fault it names)",
        "the server closed connection " .. c.slot .. " with " .. text)
    end
  end
  for _, r in ipairs(self.spec.wire or {}) do
    if received > 0 then prim.check(r, true) end
  end
end

-- djb2 of s: the scenario's own offset on the nodes, the same in every run
local function hash(s)
  local h = 5381
  for i = 1, #s do h = (h * 33 + s:byte(i)) % 2147483647 end
  return h
end

function Case.new(spec)
  local nodes = P.target and P.target.nodes
  return setmetatable({ _node_offset = nodes and (hash(spec.id) + P.target.seed) % #nodes or 0, _placed = 0,
    _nodes_used = {}, spec = spec, target = P.target, app = P.target.app, _conns = {},
    _received_released = 0, _violations = {}, _violation_seen = {}, _n = 0, _hooks_used = {}, _adapters = {}, _accepted = 0, _served = 0,
    _pending = {}, auth_requests = {} }, Case)
end


return Case
