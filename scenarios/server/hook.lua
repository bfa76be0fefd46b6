-- HOOK: webhooks the server sends (RULES.md "HOOK — webhooks sent by a server").
-- The harness receives them on the target's webhooks.listen address.
local scenario = ps.scenario

local KNOWN = { channel_occupied = true, channel_vacated = true, member_added = true,
  member_removed = true, client_event = true, cache_miss = true, subscription_count = true }

local function expect_hook(t, rule, pattern)
  local ev, hook_or_why = t:expect_webhook(pattern)
  t:check(rule, ev ~= nil, "webhook event " .. ps.json.encode(pattern), ev and hook_or_why.body or hook_or_why)
  return ev, ev and hook_or_why
end

scenario {
  id = "hook-occupied-vacated",
  title = "channel_occupied on a channel's first subscriber, channel_vacated after its last leaves",
  rules = { "HOOK-1" },
  profile = "webhooks",
  run = function(t)
    local ch = t:channel("pub-")
    local a, b = t:open(), t:open()
    a:subscribe(ch)
    t:joined(a, ch, "the first subscriber")
    expect_hook(t, "HOOK-1", { name = "channel_occupied", channel = ch })
    b:subscribe(ch)
    t:joined(b, ch, "the second subscriber")
    a:unsubscribe(ch)
    local early = t:expect_webhook({ name = "channel_vacated", channel = ch }, { within = 1500 })
    t:check("HOOK-1", early == nil, "no channel_vacated while a subscriber remains", early)
    b:close()
    expect_hook(t, "HOOK-1", { name = "channel_vacated", channel = ch })
  end,
}

scenario {
  id = "hook-members",
  title = "member_added and member_removed webhooks for presence channels",
  rules = { "HOOK-2" },
  profile = "webhooks",
  run = function(t)
    local ch = t:channel("presence-")
    local c = t:open()
    local user = "hook-user-" .. c.socket_id
    c:subscribe(ch, { user = { user_id = user } })
    t:joined(c, ch, "the subscriber")
    expect_hook(t, "HOOK-2", { name = "member_added", channel = ch, user_id = user })
    c:unsubscribe(ch)
    expect_hook(t, "HOOK-2", { name = "member_removed", channel = ch, user_id = user })
  end,
}

scenario {
  id = "hook-client-event",
  title = "client_event webhooks carry channel, event, data, socket_id and, on presence, user_id",
  rules = { "HOOK-3" },
  profile = "webhooks",
  run = function(t)
    local priv, pres = t:channel("private-"), t:channel("presence-")
    local a, b = t:open(), t:open()
    for _, c in ipairs { a, b } do
      c:subscribe(priv)
      c:subscribe(pres, { user = { user_id = "hook-" .. c.socket_id } })
      t:joined(c, priv, "the sender")
      t:joined(c, pres, "the sender")
    end
    a:send { event = "client-hooked", channel = priv, data = { n = 1 } }
    local ev = expect_hook(t, "HOOK-3", { name = "client_event", channel = priv, event = "client-hooked" })
    if ev then
      t:check("HOOK-3", ev.socket_id == a.socket_id, "socket_id " .. a.socket_id, ps.json.encode(ev))
      t:check("HOOK-3", ev.data ~= nil, "the event's data", ps.json.encode(ev))
    end
    a:send { event = "client-hooked", channel = pres, data = { n = 2 } }
    ev = expect_hook(t, "HOOK-3", { name = "client_event", channel = pres, event = "client-hooked" })
    if ev then
      t:check("HOOK-3", ev.user_id == "hook-" .. a.socket_id, "user_id hook-" .. a.socket_id, ps.json.encode(ev))
    end
  end,
}

scenario {
  id = "hook-signature-and-format",
  title = "Every webhook is signed with the app's key and secret and has the documented body",
  rules = { "HOOK-4", "HOOK-5" },
  profile = "webhooks",
  run = function(t)
    local ch = t:channel("pub-")
    local c = t:open()
    c:subscribe(ch)
    t:joined(c, ch, "the subscriber")
    local ev, hook = t:expect_webhook { name = "channel_occupied", channel = ch }
    t:require("HOOK-4", ev, "a channel_occupied webhook to inspect", hook)
    c:close()
    t:expect_webhook { name = "channel_vacated", channel = ch }
    for _, h in ipairs(t:webhooks()) do
      t:check("HOOK-4", h.key_ok, "X-Pusher-Key " .. t.app.key, h.key)
      t:check("HOOK-4", h.signature_ok, "X-Pusher-Signature = HMAC-SHA256(secret, body)", h.signature)
      t:check("HOOK-4", h.content_type:match("^application/json") ~= nil, "Content-Type application/json",
        h.content_type)
      local body = h.json
      local shape = type(body) == "table" and math.type(body.time_ms) == "integer" and type(body.events) == "table"
      t:check("HOOK-5", shape, "a body {time_ms: integer, events: [...]}", h.body)
      -- time_ms is milliseconds since the epoch: a time in seconds is 1000 times too small
      local now_ms = ps.wall() * 1000
      t:check("HOOK-5", shape and math.abs(body.time_ms - now_ms) <= 300000,
        string.format("time_ms in milliseconds, within 5 minutes of this machine's clock (%d)", now_ms),
        shape and string.format("time_ms %d (%+.0f s off)", body.time_ms, (body.time_ms - now_ms) / 1000) or h.body)
      for _, e in ipairs(shape and body.events or {}) do
        t:check("HOOK-5", KNOWN[e.name] == true, "a documented event name", e.name)
      end
    end
  end,
}

scenario {
  id = "hook-cache-miss",
  title = "cache_miss webhooks when a cache channel is empty",
  rules = { "HOOK-6" },
  profile = "webhooks",
  run = function(t)
    local ch = t:channel("cache-")
    local c = t:open()
    c:subscribe(ch)
    t:joined(c, ch, "the subscriber")
    expect_hook(t, "HOOK-6", { name = "cache_miss", channel = ch })
  end,
}
