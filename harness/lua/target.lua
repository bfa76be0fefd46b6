-- target.lua: the target the run is against. A target file (server role),
-- or the fake server's own address (SDK roles).
local P = ...
local prim = P.prim
local new_env = P.require("sandbox").new_env
local M = {}

-- What each field of a target file must be: its Lua types and how to say so.
local FIELDS = {
  { "name", { string = true }, "a string (shown in reports)" },
  { "url", { string = true }, "a string like ws://host:port" },
  { "http_url", { string = true }, "a string like http://host:port" },
  { "app", { table = true }, "a table {id=, key=, secret=}" },
  { "app.id", { string = true, number = true }, "a string (or a number)" },
  { "app.key", { string = true, number = true }, "a string" },
  { "app.secret", { string = true, number = true }, "a string" },
  { "profiles", { table = true }, "a table of named profiles, e.g. profiles = { disabled_app = { app = {...} } }" },
  { "webhooks", { table = true }, "a table { listen = \"HOST:PORT\" }" },
  { "limits", { table = true }, "a table, e.g. limits = { max_payload = 10240 }" },
  { "limits.max_payload", { number = true }, "a number of bytes" },
  { "restart", { string = true }, "a shell command (a string)" },
  { "nodes", { table = true }, "a list of nodes { { url = \"ws://...\", http_url = \"http://...\", restart = \"...\" }, ... }" },
  { "seed", { string = true, number = true }, "a number (where each scenario starts on the nodes)" },
  { "limits.dead_node_ms", { number = true }, "a number of ms (members of a dead node are gone within it)" },
}

-- nodes: one logical server on several nodes, all serving the same apps. Each
-- node is { url =, http_url = (default: url's), restart =, stop = } and gets
-- name "node N". The first node is the target's url unless url is set.
local NODE_FIELDS = { url = "a string like ws://host:port", http_url = "a string like http://host:port",
  restart = "a shell command (a string)", stop = "a shell command (a string)", name = "a string" }
local function check_nodes(t, where)
  if t.nodes == nil then return end
  if #t.nodes < 1 then error(where .. ": nodes must list at least one node { url = ... }", 0) end
  for i, n in ipairs(t.nodes) do
    if type(n) ~= "table" then error(string.format("%s: nodes[%d] must be a table { url = ..., http_url = ... }, got %s", where, i, type(n)), 0) end
    for k, v in pairs(n) do
      if not NODE_FIELDS[k] then error(string.format("%s: nodes[%d] has an unknown field %s (fields: url, http_url, restart, stop, name)", where, i, tostring(k)), 0) end
      if type(v) ~= "string" then error(string.format("%s: nodes[%d].%s must be %s, got %s", where, i, k, NODE_FIELDS[k], type(v)), 0) end
    end
    if not n.url then error(string.format("%s: nodes[%d] has no url (ws://HOST:PORT)", where, i), 0) end
    n.url = n.url:gsub("/+$", "")
    n.http_url = (n.http_url or n.url:gsub("^ws", "http")):gsub("/+$", "")
    n.name = n.name or ("node " .. i)
    n.index = i
  end
end

-- A field of the wrong type is named with what it must be and what it is.
local function check_types(t, where)
  for _, f in ipairs(FIELDS) do
    local v = t
    for part in f[1]:gmatch("[^.]+") do
      if type(v) == "table" then v = rawget(v, part) else v = nil end
    end
    if v ~= nil and not f[2][type(v)] then
      error(string.format("%s: %s must be %s, got %s", where, f[1], f[3], type(v)), 0)
    end
  end
  for name, p in pairs(type(t.profiles) == "table" and t.profiles or {}) do
    if type(name) ~= "string" or type(p) ~= "table" then
      error(string.format("%s: profiles.%s must be a table {app = {id=, key=, secret=}, ...}, got %s",
        where, tostring(name), type(p)), 0)
    end
  end
end

-- Target: a Lua file returning a table, then overrides (command line and
-- environment), normalized. Returns the table or raises a message that says
-- what to fix.
function M.set_target(path, over)
  local t = {}
  if path then
    local dir = path:match("^(.*)/[^/]*$") or "."
    local chunk, err = loadfile(path, "t", new_env { env = prim.getenv, target_dir = dir })
    if not chunk then error("cannot read target " .. err, 0) end
    local ok, v = pcall(chunk)
    if not ok then error("target file " .. path .. ": " .. tostring(v), 0) end
    if type(v) ~= "table" then error("target file " .. path .. " must return a table, got " .. type(v), 0) end
    t = v
  end
  local where = path and ("target file " .. path) or "the target"
  check_types(t, where)
  check_nodes(t, where)
  if t.nodes and not t.url then
    t.url, t.http_url = t.nodes[1].url, t.nodes[1].http_url
  end
  if t.nodes and not t.restart and t.nodes[1].restart then
    -- destructive scenarios bring the whole cluster back: every node's restart, in turn
    local cmds = {}
    for _, n in ipairs(t.nodes) do cmds[#cmds + 1] = n.restart end
    if #cmds == #t.nodes then t.restart = table.concat(cmds, " && ") end
  end
  t.app = t.app or {}
  for k, v in pairs(over or {}) do
    if k == "app_id" then t.app.id = v
    elseif k == "key" then t.app.key = v
    elseif k == "secret" then t.app.secret = v
    else t[k] = v end
  end
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
    local listen = type(t.webhooks) == "table" and t.webhooks.listen
    if type(listen) ~= "string" then   -- its HOST:PORT form is checked once, in C (target.c, core/hostport.c)
      error(where .. ": webhooks = { listen = \"HOST:PORT\" } or \"[IPv6]:PORT\" (where the server sends its webhooks)", 0)
    end
    local name = prim.PROFILE_WEBHOOKS
    t.profiles[name] = t.profiles[name] or { app = t.app, listen = t.webhooks.listen }
  end
  if t.fuzz_seconds then
    t.fuzz = { seconds = tonumber(t.fuzz_seconds), seed = tonumber(t.fuzz_seed) or prim.wall() }
  end
  if t.explore_seed then   -- pushspec explore: its flags (checked in C; weight names in explore.lua)
    t.explore = { seed = tonumber(t.explore_seed), ops = tonumber(t.explore_ops), budget = tonumber(t.explore_budget),
      weights = t.explore_weights, shard = { tonumber(t.explore_shard_i), tonumber(t.explore_shard_n) },
      jobs = tonumber(t.explore_jobs), save = t.explore_save, known = {},
      sequences = tonumber(t.explore_sequences), observe = t.explore_observe }
    for c in (t.explore_known or ""):gmatch("%S+") do t.explore.known[c] = true end
    P.require("explore").check_options(t.explore)   -- a bad weight name: an error, so exit 2
  end
  if t.restart ~= nil and type(t.restart) ~= "string" then
    error(where .. ": restart must be a shell command (a string)", 0)
  end
  t.limits = t.limits or {}
  -- one node is not a cluster: the run stays as it is without nodes
  if t.nodes and #t.nodes < 2 then t.nodes = nil end
  t.seed = math.tointeger(tonumber(t.seed)) or 0
  P.target = t
  return t
end


-- The SDK roles: pushspec is the server; the target is its fake server.
function M.set_sdk(info)
  info.capabilities = P.require("capabilities").parse(info.hello, info.kind, info.cmd)
  info.settings = P.require("capabilities").settings(info.hello, info.cmd)
  info.seed = tonumber(info.seed) or 0   -- the fake server's forms (forms.lua)
  P.sdk_info = info
  P.target = { name = info.name, url = "ws://" .. info.host .. ":" .. info.port,
    http_url = "http://" .. info.host .. ":" .. info.port, profiles = {}, limits = {}, sdk = info,
    app = { id = "unused", key = "unused", secret = "unused" } }
end

return M
