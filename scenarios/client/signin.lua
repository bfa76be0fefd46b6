-- SIGNIN-7: user sign-in (RULES.md "SIGNIN — user authentication"). The codec
-- also checks the pusher:signin frame's shape (auth, user_data with id).
local scenario = ps.scenario

scenario {
  id = "signin-after-connecting",
  title = "A client configured for sign-in sends pusher:signin with auth and user_data after connecting",
  rules = { "SIGNIN-7" },
  needs = { "user_signin" },
  run = function(t)
    local sdk, c = t:connect_sdk { establish = false }
    sdk:call("signin")
    local early = c:expect({ event = "pusher:signin" }, { within = 1000 })
    t:check("SIGNIN-7:after-connecting", early == nil, "no pusher:signin before connection_established", early)
    local sid = c:establish {}
    local m, why = c:expect({ event = "pusher:signin" }, { within = 5000 })
    t:require("SIGNIN-7:after-connecting", m and type(m.data) == "table", "pusher:signin with a data object after connection_established",
      m or why)
    local ud = ps.json.encode(t.user)
    local reqs = {}
    for _, a in ipairs(t.auth_requests) do if a.kind == "user" then reqs[#reqs + 1] = a end end
    t:check("SIGNIN-7:auth-request", #reqs == 1 and reqs[1].params.socket_id == sid,
      "one user auth request with socket_id=" .. sid, reqs[1] and reqs[1].params or "no user auth request")
    t:check("SIGNIN-7:user-data", m.data.user_data == ud, "user_data exactly as the user auth endpoint returned it: " .. ud, m)
    t:check("SIGNIN-7:auth", m.data.auth == t:sign_user(sid, ud, t.app),
      "auth as the user auth endpoint returned it (key:hmac(socket_id::user::user_data))", m)
  end,
}
