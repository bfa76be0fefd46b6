-- SUB-5..7: the client's side of subscriptions (RULES.md "SUB — subscriptions").
local scenario = ps.scenario

local function subscribe_frame(c, ch, within)
  return c:expect(function(f)
    return f.event == "pusher:subscribe" and type(f.data) == "table" and f.data.channel == ch
  end, { within = within })
end

-- The subscriptions are requested before the server said connection_established;
-- nothing may be sent (or authorized) until it does. Then: public without auth,
-- private with the endpoint's auth, presence with its auth and channel_data.
-- (The codec also checks every pusher:subscribe frame's shape for SUB-5.)
scenario {
  id = "sub-after-established-with-auth",
  title = "The client sends pusher:subscribe only after connection_established, public without auth, " ..
    "private/presence with auth from the auth endpoint, presence with channel_data",
  rules = { "SUB-5" },
  run = function(t)
    local sdk, c = t:connect_sdk { establish = false }
    local pub, priv, pres = t:channel(""), t:channel("private-"), t:channel("presence-")
    for _, ch in ipairs { pub, priv, pres } do sdk:call("subscribe", { channel = ch }) end
    local quiet, early = c:expect_silence(1000, function(m) return m.event == "pusher:subscribe" end)
    t:check("SUB-5:after-established", quiet, "no pusher:subscribe in the 1 s before connection_established", early)
    t:check("SUB-5:after-established", #t.auth_requests == 0, "no auth request before connection_established",
      t.auth_requests[1] and t.auth_requests[1].params)

    local sid = c:establish {}
    local got = {}
    for _, ch in ipairs { pub, priv, pres } do
      local m, why = subscribe_frame(c, ch)
      t:require("SUB-5:after-established", m, "pusher:subscribe for " .. ch .. " after connection_established", why)
      got[ch] = m.data
    end
    -- an empty auth string (pusher-js sends "auth": "") signs nothing: taken as no auth
    t:check("SUB-5:public-no-auth", (got[pub].auth == nil or got[pub].auth == "") and got[pub].channel_data == nil,
      "pusher:subscribe for the public channel without auth (or an empty one) and without channel_data", got[pub])
    for _, a in ipairs(t.auth_requests) do
      t:check("SUB-5:public-no-auth", a.params.channel_name ~= pub, "no auth request for the public channel", a.params)
    end
    t:check("SUB-5:private-auth", got[priv].auth == t:sign_channel(sid, priv, nil, t.app),
      "private: auth as the auth endpoint returned it (key:hmac(socket_id:channel))", got[priv])
    local cd = ps.json.encode { user_id = t.user.id, user_info = t.user.user_info }
    t:check("SUB-5:presence-channel-data", got[pres].channel_data == cd,
      "presence: channel_data exactly as the auth endpoint returned it: " .. cd, got[pres])
    t:check("SUB-5:presence-auth", got[pres].auth == t:sign_channel(sid, pres, cd, t.app),
      "presence: auth as the auth endpoint returned it (key:hmac(socket_id:channel:channel_data))", got[pres])
  end,
}

scenario {
  id = "sub-unsubscribe-sends-frame",
  title = "Unsubscribing sends pusher:unsubscribe",
  rules = { "SUB-6" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    for _, ch in ipairs { t:channel(""), t:channel("private-"), t:channel("presence-") } do
      local data
      if ch:match("^presence%-") then
        data = { presence = { ids = { t.user.id }, hash = { [t.user.id] = t.user.user_info }, count = 1 } }
      end
      t:subscribe_sdk(sdk, c, ch, data)
      sdk:call("unsubscribe", { channel = ch })
      local m, why = c:expect(function(f) return f.event == "pusher:unsubscribe" end, { within = 3000 })
      t:check("SUB-6:frame", m and type(m.data) == "table" and m.data.channel == ch,
        "pusher:unsubscribe with data {channel: \"" .. ch .. "\"}", m or why)
    end
  end,
}

-- Two ways a subscription fails: the server refuses it (pusher:subscription_error)
-- and the auth endpoint refuses it (HTTP 403). Both must reach the application;
-- events the server (wrongly) sends afterwards on the refused channel must not.
scenario {
  id = "sub-error-surfaced-no-events",
  title = "A subscription_error is surfaced to the application and no events are delivered for it",
  rules = { "SUB-7" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local refused, denied = t:channel(""), t:channel("private-")
    t:on_auth(function(_, kind, p)
      if kind == "channel" and p.channel_name == denied then return 403, { error = "forbidden by pushspec" } end
    end)

    sdk:call("subscribe", { channel = refused })
    t:require("SUB-7", subscribe_frame(c, refused), "a pusher:subscribe for " .. refused)
    c:send { event = "pusher:subscription_error", channel = refused,
      data = t:json { type = "LimitReached", error = "refused by pushspec", status = 403 } }
    local r, why = sdk:expect({ type = "subscription_error", channel = refused }, { within = 3000 })
    t:check("SUB-7:surfaced-server", r, "the application is told that " .. refused .. " failed (server subscription_error)", why)

    -- an SDK that authorizes inside its subscribe call refuses it there: ok:false (PROTOCOL.md 4.2)
    local accepted, refusal = sdk:call("subscribe", { channel = denied })
    local r2, why2
    if accepted then
      r2, why2 = sdk:expect({ type = "subscription_error", channel = denied }, { within = 3000 })
    else
      r2 = { subscribe_reply = "ok:false", error = refusal }
      t:log("the SDK refused subscribe " .. denied .. " synchronously: " .. tostring(refusal))
    end
    t:check("SUB-7:surfaced-auth", r2, "the application is told that " .. denied .. " failed (auth endpoint " ..
      "answered 403): a subscription_error report, or the subscribe call itself refused (ok:false)", r2 or why2)
    local sent = subscribe_frame(c, denied, 500)
    t:check("SUB-7:auth-refused-not-sent", sent == nil, "no pusher:subscribe for " .. denied .. " after its auth was refused", sent)

    for _, ch in ipairs { refused, denied } do
      c:send { event = "after-refusal", channel = ch, data = t:json { n = 1 } }
    end
    -- a marker on a channel that works: once it arrives, earlier frames were handled
    local ok_ch = t:channel("")
    t:subscribe_sdk(sdk, c, ok_ch)
    c:send { event = "marker", channel = ok_ch, data = "{}" }
    sdk:expect({ type = "event", channel = ok_ch, event = "marker" }, { within = 3000 })
    for _, ch in ipairs { refused, denied } do
      local leaked = sdk:seen { type = "event", event = "after-refusal", channel = ch }
      t:check("SUB-7:no-events", #leaked == 0, "no event delivered on the refused channel " .. ch, leaked[1])
    end
  end,
}
