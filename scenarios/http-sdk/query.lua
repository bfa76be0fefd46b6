-- HSDK-4: channel (and user) queries use the documented paths and query
-- parameters, and the SDK hands back the API's answer as it came.
local scenario = ps.scenario

-- Run one query command; the fake API answers `answer`. Returns the request
-- and the SDK's result, or stops the scenario.
local function query(t, sdk, cmd, args, answer)
  local before = #t:api_requests()
  local ctype = answer:match("^[{%[]") and "application/json" or "text/plain"
  t:serve_api(function() return 200, answer, ctype end)
  local res, err = sdk:call(cmd, args)
  -- the request is judged whatever the call returned; the answer handed back is a check of its own
  local log = t:api_requests(before + 1)
  t:require("HSDK-4:path", #log == 1, "one request for " .. cmd, #log .. " requests" ..
    (res == nil and ("; the call failed: " .. tostring(err)) or ""))
  -- the body as text; an adapter that can only re-encode the SDK's parsed answer gives the same JSON value
  local body = type(res) == "table" and res.body
  local same = body == answer or (type(body) == "string" and ps.json.decode(body) ~= nil and
    ps.equal(ps.json.decode(body), ps.json.decode(answer)))
  t:check("HSDK-4:response", type(res) == "table" and res.status == 200 and same,
    "the SDK returns status 200 and the body the API sent: " .. answer, res or err)
  return log[1], res
end

-- The query parameters other than the auth ones.
local function own_params(req)
  local out = {}
  for k, v in pairs(req.params) do
    if not (k:match("^auth_") or k == "body_md5") then out[k] = v end
  end
  return out
end

local function params_are(t, req, want)
  local got = own_params(req)
  local ok = true
  for k, v in pairs(want) do ok = ok and got[k] == v end
  for k in pairs(got) do ok = ok and want[k] ~= nil end
  t:check("HSDK-4:params", ok, "query parameters " .. (next(want) and ps.json.encode(want) or "none") ..
    " besides the auth ones", req.query)
end

local function is(t, req, method, path)
  local want = "/apps/" .. t.app.id .. path
  t:check("HSDK-4:path", req.method == method and req.path == want, method .. " " .. want, req.method .. " " .. req.path ..
    (req.outside and " (outside /apps/" .. t.app.id .. "/: matched to this app by its auth_key)" or ""))
end

scenario {
  id = "query-channels",
  title = "GET /channels carries filter_by_prefix and info as given, none when not given",
  rules = { "HSDK-1", "HSDK-4" },
  needs = { "channel_list" },
  run = function(t)
    local sdk = t:http_sdk()
    local pres = t:channel("presence-")
    local answer = t:json { channels = { [pres] = { user_count = 2 } } }
    local req = query(t, sdk, "channels", { prefix = "presence-", info = "user_count" }, answer)
    is(t, req, "GET", "/channels")
    params_are(t, req, { filter_by_prefix = "presence-", info = "user_count" })
    req = query(t, sdk, "channels", {}, '{"channels":{}}')
    is(t, req, "GET", "/channels")
    params_are(t, req, {})
    t:check_api_signed("HSDK-1")
  end,
}

scenario {
  id = "query-channel",
  title = "GET /channels/NAME carries info as given",
  rules = { "HSDK-1", "HSDK-4" },
  needs = { "channel_info" },
  run = function(t)
    local sdk = t:http_sdk()
    local ch = t:channel("presence-")
    local req = query(t, sdk, "channel", { name = ch, info = "user_count,subscription_count" },
      '{"occupied":true,"user_count":2,"subscription_count":3}')
    is(t, req, "GET", "/channels/" .. ch)
    params_are(t, req, { info = "user_count,subscription_count" })
    local pub = t:channel("pub-")
    req = query(t, sdk, "channel", { name = pub }, '{"occupied":false}')
    is(t, req, "GET", "/channels/" .. pub)
    params_are(t, req, {})
    t:check_api_signed("HSDK-1")
  end,
}

scenario {
  id = "query-users",
  title = "GET /channels/NAME/users lists a presence channel's users",
  rules = { "HSDK-1", "HSDK-4" },
  needs = { "channel_users" },
  run = function(t)
    local sdk = t:http_sdk()
    local ch = t:channel("presence-")
    local req = query(t, sdk, "users", { channel = ch }, '{"users":[{"id":"alice"},{"id":"bob"}]}')
    is(t, req, "GET", "/channels/" .. ch .. "/users")
    params_are(t, req, {})
    t:check_api_signed("HSDK-1")
  end,
}

scenario {
  id = "query-terminate-user",
  title = "terminateUserConnections POSTs /users/ID/terminate_connections",
  rules = { "HSDK-1", "HSDK-4" },
  needs = { "terminate_user_connections" },
  run = function(t)
    local sdk = t:http_sdk()
    local req = query(t, sdk, "terminate_user_connections", { user_id = "user-9" }, "{}")
    is(t, req, "POST", "/users/user-9/terminate_connections")
    t:check_api_signed("HSDK-1")
  end,
}

scenario {
  id = "query-generic-get",
  title = "A GET of any API path is signed and hands back the API's JSON answer",
  rules = { "HSDK-1", "HSDK-4" },
  needs = { "generic_get" },
  run = function(t)
    local sdk = t:http_sdk()
    -- a JSON answer, as the API sends: an SDK whose get parses JSON (HSDK-4 asks it to) can return it
    local answer = t:json { channels = { [t:channel("presence-")] = { user_count = 1 } } }
    local req = query(t, sdk, "get", { path = "/channels", params = { filter_by_prefix = "presence-", info = "user_count" } },
      answer)
    is(t, req, "GET", "/channels")
    params_are(t, req, { filter_by_prefix = "presence-", info = "user_count" })
    t:check_api_signed("HSDK-1")
  end,
}
