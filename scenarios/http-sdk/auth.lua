-- HSDK-5, HSDK-6, ENC-6: the SDK's channel authorization and user
-- authentication output, compared with the harness's own signer.
local scenario = ps.scenario

local SOCKET = "123456.7890123"

local function call(t, rule, sdk, cmd, args)
  local res, err = sdk:call(cmd, args)
  t:require(rule, type(res) == "table", cmd .. " returns an object", res or err)
  return res
end

scenario {
  id = "auth-private",
  title = "Private channel authorization is KEY:hmac(socket_id:channel), without channel_data",
  rules = { "HSDK-5" },
  run = function(t)
    local sdk = t:http_sdk()
    for _, prefix in ipairs { "private-", "private-cache-" } do
      local ch = t:channel(prefix)
      local res = call(t, "HSDK-5", sdk, "authorize_channel", { socket_id = SOCKET, channel = ch })
      local want = t:sign_channel(SOCKET, ch, nil, t.app)
      t:check("HSDK-5:private", res.auth == want, "auth " .. want .. " for " .. ch, res)
      t:check("HSDK-5:private-no-extra", res.channel_data == nil and res.shared_secret == nil,
        "no channel_data or shared_secret for " .. ch, res)
    end
  end,
}

scenario {
  id = "auth-presence",
  title = "Presence channel authorization signs socket_id:channel:channel_data, channel_data holding the user",
  rules = { "HSDK-5" },
  run = function(t)
    local sdk = t:http_sdk()
    local ch = t:channel("presence-")
    -- string values only: every SDK's user_info holds them (typed values: auth-presence-typed-info)
    local user = { user_id = "ann-1", user_info = { name = "Ann \226\130\172", role = "admin" } }
    local res = call(t, "HSDK-5", sdk, "authorize_channel", { socket_id = SOCKET, channel = ch, presence_data = user })
    t:require("HSDK-5:presence-channel-data", type(res.channel_data) == "string", "channel_data is a string", res)
    local cd = ps.json.decode(res.channel_data)
    t:check("HSDK-5:presence-channel-data", type(cd) == "table" and cd.user_id == "ann-1" and
      ps.equal(cd.user_info, user.user_info), "channel_data is the JSON of " .. ps.json.encode(user), res.channel_data)
    local want = t:sign_channel(SOCKET, ch, res.channel_data, t.app)
    t:check("HSDK-5:presence", res.auth == want, "auth " .. want .. " (signed over the channel_data returned)", res)
  end,
}

-- user_info is free JSON: booleans, numbers, lists and nested objects survive into
-- channel_data with their types. An SDK whose user_info is a string map declares
-- no typed_user_info (or its adapter answers unsupported: PROTOCOL.md section 3).
scenario {
  id = "auth-presence-typed-info",
  title = "Presence channel_data keeps user_info values of every JSON type",
  rules = { "HSDK-5" },
  needs = { "typed_user_info" },
  run = function(t)
    local sdk = t:http_sdk()
    local ch = t:channel("presence-")
    local user = { user_id = "ann-2", user_info = { admin = true, level = 3, tags = { "a", "b" }, team = { id = "t1" } } }
    local res = call(t, "HSDK-5", sdk, "authorize_channel", { socket_id = SOCKET, channel = ch, presence_data = user })
    local cd = type(res.channel_data) == "string" and ps.json.decode(res.channel_data)
    t:check("HSDK-5:presence-typed-info", type(cd) == "table" and cd.user_id == "ann-2" and
      ps.equal(cd.user_info, user.user_info), "channel_data is the JSON of " .. ps.json.encode(user) ..
      ", each user_info value with its type", res.channel_data or res)
    if type(res.channel_data) == "string" then
      local want = t:sign_channel(SOCKET, ch, res.channel_data, t.app)
      t:check("HSDK-5:presence", res.auth == want, "auth " .. want .. " (signed over the channel_data returned)", res)
    end
  end,
}

scenario {
  id = "auth-user",
  title = "User authentication is KEY:hmac(socket_id::user::user_data), user_data holding the user with id",
  rules = { "HSDK-6" },
  needs = { "user_signin" },
  run = function(t)
    local sdk = t:http_sdk()
    local user = { id = "bob-2", user_info = { name = "Bob" }, watchlist = { "ann-1" } }
    local res = call(t, "HSDK-6", sdk, "authenticate_user", { socket_id = SOCKET, user_data = user })
    t:require("HSDK-6:user-data", type(res.user_data) == "string", "user_data is a string", res)
    local ud = ps.json.decode(res.user_data)
    t:check("HSDK-6:user-data", type(ud) == "table" and ud.id == "bob-2" and type(ud.user_info) == "table" and
      ud.user_info.name == "Bob" and type(ud.watchlist) == "table" and ud.watchlist[1] == "ann-1",
      "user_data is the JSON of " .. ps.json.encode(user), res.user_data)
    local want = t:sign_user(SOCKET, res.user_data, t.app)
    t:check("HSDK-6:auth", res.auth == want, "auth " .. want .. " (signed over the user_data returned)", res)
  end,
}

scenario {
  id = "auth-encrypted",
  title = "Encrypted channel authorization adds shared_secret = base64(SHA256(channel || master key))",
  rules = { "HSDK-5", "ENC-6" },
  needs = { "encrypted_channels" },
  run = function(t)
    local sdk = t:http_sdk()
    for _, ch in ipairs { t:channel("private-encrypted-"), t:channel("private-encrypted-") .. "-other" } do
      local res = call(t, "ENC-6", sdk, "authorize_channel", { socket_id = SOCKET, channel = ch })
      local want = t:sign_channel(SOCKET, ch, nil, t.app)
      t:check("HSDK-5:encrypted", res.auth == want, "auth " .. want .. " for " .. ch, res)
      local secret = ps.shared_secret(ch, t.master_key)
      t:check("ENC-6:shared-secret", res.shared_secret == secret, "shared_secret " .. secret .. " for " .. ch, res)
    end
  end,
}
