-- HOOK: webhooks the server sends (RULES.md "HOOK — webhooks sent by a server").
-- The harness receives them on the target's webhooks.listen address.
local scenario = ps.scenario

local KNOWN = { channel_occupied = true, channel_vacated = true, member_added = true,
  member_removed = true, client_event = true, cache_miss = true, subscription_count = true }

local function expect_hook(t, rule, pattern, opts)
  local ev, hook_or_why = t:expect_webhook(pattern, opts)
  t:check(rule, ev ~= nil, "webhook event " .. ps.json.encode(pattern), ev and hook_or_why.body or hook_or_why)
  return ev, ev and hook_or_why
end

-- Two deliveries of one transition, both shown (e.g. one from each node of a cluster).
local function both(h1, h2)
  local function one(h) return h and (h.body .. " at " .. h.t .. " ms") or "(not kept)" end
  return "delivered twice: " .. one(h1) .. "; then " .. one(h2)
end

scenario {
  id = "hook-occupied-vacated",
  title = "channel_occupied on a channel's first subscriber, channel_vacated after its last leaves",
  rules = { "HOOK-1" },
  profile = "webhooks",
  run = function(t)
    local ch = t:channel("pub-")
    -- (against a cluster the two subscribers sit on two nodes: the transitions are the cluster's)
    local a, b = t:open(), t:open()
    a:subscribe(ch)
    t:joined(a, ch, "the first subscriber")
    local _, first = expect_hook(t, ps.clause("HOOK-1:occupied"), { name = "channel_occupied", channel = ch })
    b:subscribe(ch)
    t:joined(b, ch, "the second subscriber")
    a:unsubscribe(ch)
    local early = t:expect_webhook({ name = "channel_vacated", channel = ch }, { within = 1500 })
    t:check("HOOK-1:not-vacated-early", early == nil, "no channel_vacated while a subscriber remains", early)
    local again, again_hook = t:expect_webhook({ name = "channel_occupied", channel = ch }, { within = 1 })
    t:check("HOOK-1:occupied-once", again == nil, "no second channel_occupied for the second subscriber",
      again and both(first, again_hook))
    b:close()
    local _, vacated = expect_hook(t, ps.clause("HOOK-1:vacated"), { name = "channel_vacated", channel = ch })
    if vacated then
      local dup, dup_hook = t:expect_webhook({ name = "channel_vacated", channel = ch }, { within = 1500 })
      t:check("HOOK-1:vacated-once", dup == nil, "one channel_vacated when the last subscriber left",
        dup and both(vacated, dup_hook))
    end
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
    expect_hook(t, ps.clause("HOOK-2:added"), { name = "member_added", channel = ch, user_id = user })
    c:unsubscribe(ch)
    expect_hook(t, ps.clause("HOOK-2:removed"), { name = "member_removed", channel = ch, user_id = user })
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
    -- data is the event's data: the object sent, or its JSON text
    local function data_is(ev, n)
      local d = type(ev.data) == "string" and ps.json.decode(ev.data) or ev.data
      return ps.equal(d, { n = n })
    end
    for n, ch in ipairs { priv, pres } do
      a:send { event = "client-hooked", channel = ch, data = { n = n } }
      local ev = expect_hook(t, ps.clause("HOOK-3:event"), { name = "client_event", channel = ch, event = "client-hooked" })
      if ev then
        t:check("HOOK-3:socket-id", ev.socket_id == a.socket_id, "socket_id " .. a.socket_id, ps.json.encode(ev))
        t:check("HOOK-3:data", data_is(ev, n), string.format('data {"n":%d} (as sent, or its JSON text)', n),
          ps.json.encode(ev))
        if ch == pres then
          t:check("HOOK-3:user-id", ev.user_id == "hook-" .. a.socket_id, "user_id hook-" .. a.socket_id,
            ps.json.encode(ev))
        end
      end
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
      t:check("HOOK-4:key", h.key_ok, "X-Pusher-Key " .. t.app.key, h.key)
      t:check("HOOK-4:signature", h.signature_ok, "X-Pusher-Signature = HMAC-SHA256(secret, body)", h.signature)
      t:check("HOOK-4:content-type", h.content_type:match("^application/json") ~= nil,
        "Content-Type application/json", h.content_type)
      local body = h.json
      local shape = type(body) == "table" and math.type(body.time_ms) == "integer" and
        type(body.events) == "table" and #body.events > 0
      t:check("HOOK-5:shape", shape, "a body {time_ms: integer, events: [one or more]}", h.body)
      -- time_ms is milliseconds since the epoch: a time in seconds is 1000 times too small
      local now_ms = ps.wall() * 1000
      t:check("HOOK-5:time-ms-milliseconds", shape and math.abs(body.time_ms - now_ms) <= 300000,
        string.format("time_ms in milliseconds, within 5 minutes of this machine's clock (%d)", now_ms),
        shape and string.format("time_ms %d (%+.0f s off)", body.time_ms, (body.time_ms - now_ms) / 1000) or h.body)
      for _, e in ipairs(shape and body.events or {}) do
        t:check("HOOK-5:known-names", type(e) == "table" and KNOWN[e.name] == true, "a documented event name",
          type(e) == "table" and e.name or e)
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
    expect_hook(t, ps.clause("HOOK-6:cache-miss"), { name = "cache_miss", channel = ch })
  end,
}

scenario {
  id = "hook-subscription-count",
  title = "subscription_count webhooks when a channel's subscriptions change",
  rules = { "HOOK-6" },
  profile = "webhooks",
  run = function(t)
    local ch = t:channel("pub-")
    local a, b = t:open(), t:open()
    for _, c in ipairs { a, b } do
      c:subscribe(ch)
      t:joined(c, ch, "the subscriber")
    end
    expect_hook(t, ps.clause("HOOK-6:subscription-count"), { name = "subscription_count", channel = ch, subscription_count = 2 },
      { within = 5000 })
  end,
}
