-- capabilities.lua: the optional features an SDK under test may lack, as its
-- adapter declares them in its hello (ci/adapters/PROTOCOL.md section 2.1).
-- A scenario names what it needs (`needs = {...}`); one needing a feature the
-- SDK lacks is skipped with kind prim.SKIP_CAPABILITY, "the SDK has no X".
local P = ...
local prim = P.prim
local M = {}
local by_command

-- The one table of capabilities (PROTOCOL.md's table and the adapters' lists are
-- checked against it by ci/check-capabilities.py): kind -> { name, what the SDK
-- lacks in the words of the skip reason ("the SDK has no ..."), the adapter command
-- that needs it (a runtime {"unsupported":true} reply to it names the capability) }.
M.list = {
  client = {
    { "client_events", "client events (trigger)", "trigger" },
    { "presence_members", "presence member list (members)", "members" },
    { "user_signin", "user sign-in (signin)", "signin" },
    { "encrypted_channels", "private-encrypted- channels" },
    { "cache_channels", "cache channels" },
    { "connection_state", "connection state getter (state)", "state" },
    { "reconnect", "reconnect call on an existing client (reconnect)", "reconnect" },
  },
  http = {
    { "batch_trigger", "batch trigger (trigger_batch)", "trigger_batch" },
    { "trigger_info", "info parameter on trigger (params.info)" },
    { "channel_list", "channel list query (channels)", "channels" },
    { "channel_info", "channel info query (channel)", "channel" },
    { "channel_users", "presence user list query (users)", "users" },
    { "send_to_user", "send_to_user", "send_to_user" },
    { "terminate_user_connections", "terminate_user_connections", "terminate_user_connections" },
    { "generic_get", "generic GET (get)", "get" },
    { "generic_post", "generic POST (post)", "post" },
    { "user_signin", "user authentication (authenticate_user)", "authenticate_user" },
    { "encrypted_channels", "private-encrypted- channels (encrypted trigger, shared_secret)" },
    { "webhooks", "webhook validation (validate_webhook)", "validate_webhook" },
    { "typed_user_info", "user_info values other than strings (booleans, numbers, nested objects)" },
  },
}

-- From the list: kind -> name -> what; kind -> command -> name.
M.known, by_command = {}, {}
for kind, caps in pairs(M.list) do
  M.known[kind], by_command[kind] = {}, {}
  for _, c in ipairs(caps) do
    M.known[kind][c[1]] = c[2]
    if c[3] then by_command[kind][c[3]] = c[1] end
  end
end

local function names(kind)
  local out = {}
  for k in pairs(M.known[kind] or {}) do out[#out + 1] = k end
  table.sort(out)
  return table.concat(out, ", ")
end

-- The hello's capabilities as a set, or nil when it declares none (then every
-- feature is assumed). hello: the hello as a table (parsed once, by C's preflight).
-- Raises a message naming the adapter and the bad entry.
function M.parse(hello, kind, cmd)
  local list = type(hello) == "table" and hello.capabilities or nil
  if list == nil or list == prim.null then return nil end
  local where = "the adapter '" .. cmd .. "' "
  local see = " (known for kind " .. kind .. ": " .. names(kind) .. "; see ci/adapters/PROTOCOL.md section 2.1)"
  if type(list) ~= "table" or (next(list) ~= nil and #list == 0) then
    error(where .. "declares capabilities that are not a list of names: " .. P.show(list, 200) .. see, 0)
  end
  local set = {}
  for i, name in ipairs(list) do
    if type(name) ~= "string" then
      error(where .. "declares capability #" .. i .. " that is not a string: " .. P.show(name, 80) .. see, 0)
    end
    if not M.known[kind][name] then
      local other
      for k, known in pairs(M.known) do if k ~= kind and known[name] then other = k end end
      error(where .. "declares an unknown capability \"" .. name .. "\"" ..
        (other and " (it is one of the other kind's)" or "") .. see, 0)
    end
    set[name] = true
  end
  return set
end

-- The hello's settings (PROTOCOL.md section 2.2): numbers the SDK's own behaviour
-- fixes, which set the timing windows of the scenarios that wait on it. Absent:
-- the harness's default. Raises a message naming the adapter and the bad member.
M.SETTINGS = {
  -- ms the SDK waits before it reconnects after dropping a connection itself
  reconnect_delay_ms = { default = 3000, max = 120000 },
}
-- hello: the hello as a table (parsed once, by C's preflight).
function M.settings(hello, cmd)
  local out = {}
  for name, s in pairs(M.SETTINGS) do
    local v = type(hello) == "table" and hello[name] or nil
    if v ~= nil and v ~= prim.null then
      if type(v) ~= "number" or v < 0 or v > s.max or v % 1 ~= 0 then
        error("the adapter '" .. cmd .. "' declares " .. name .. " " .. P.show(v, 60) .. ": an integer 0.." ..
          s.max .. " is needed (see ci/adapters/PROTOCOL.md section 2.2)", 0)
      end
      out[name] = v
    end
  end
  return out
end

-- A setting of the SDK under test: the declared value, else the default.
function M.setting(name)
  local info = P.sdk_info
  local v = info and info.settings and info.settings[name]
  return v or M.SETTINGS[name].default
end

-- Has the SDK under test this feature? true, or false and the skip reason.
function M.has(name)
  local info = P.sdk_info
  if not info then return true end
  local what = M.known[info.kind] and M.known[info.kind][name]
  if not what then error("capabilities: \"" .. tostring(name) .. "\" is no capability of kind " ..
    tostring(info and info.kind), 2) end
  if not info.capabilities or info.capabilities[name] then return true end
  return false, "the SDK has no " .. what .. ": its adapter's hello does not declare " .. name
end

-- The reason for skipping a scenario declaring needs = {...}, or nil when the
-- SDK has everything (or the run plays no SDK role).
function M.missing(spec)
  if not P.sdk_info or not spec.needs then return nil end
  local why = {}
  for _, name in ipairs(spec.needs) do
    if M.known[P.sdk_info.kind][name] then
      local ok, reason = M.has(name)
      if not ok then why[#why + 1] = reason end
    end   -- a need of the other kind: that role's scenarios are not run here
  end
  return #why > 0 and table.concat(why, "; ") or nil
end

-- The skip reason for a command the adapter answered {"unsupported": true}.
function M.unsupported(cmd, reply)
  local kind = P.sdk_info and P.sdk_info.kind
  local name = by_command[kind] and by_command[kind][cmd]
  local why = " unsupported (" .. tostring(reply.error or "no error text") .. ")"
  if not name then   -- a required command the SDK cannot make with these arguments (PROTOCOL.md section 3)
    return "the SDK has no way to make this " .. cmd .. " call: the adapter answered it" .. why
  end
  return "the SDK has no " .. M.known[kind][name] .. ": the adapter answered " .. cmd .. why
end

-- Validate every scenario's needs = {...} at load time.
function M.check_needs(needs, bad)
  if needs == nil then return end
  if type(needs) ~= "table" then bad("needs must be a list of capability names") end
  for _, name in ipairs(needs) do
    if not (M.known.client[name] or M.known.http[name]) then
      bad("needs names an unknown capability \"" .. tostring(name) .. "\" (harness/lua/capabilities.lua)")
    end
  end
end

return M
