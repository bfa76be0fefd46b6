-- CACHE: cache channels (RULES.md "CACHE — cache channels").
local scenario = ps.scenario

local PREFIXES = { "cache-", "private-cache-", "presence-cache-" }

-- The next message about channel ch on c (other messages stay queued).
local function next_on(c, ch, within)
  local m, why = c:expect(function(m) return m.channel == ch end, { within = within })
  if not m then why = why:gsub("a matching message", "a message on " .. ch) end
  return m, why
end

-- Subscribe (presence members get a user_info) without waiting.
local function subscribe(c, ch, who)
  local opts = nil
  if ps.channel_kind(ch) == "presence-cache" then
    opts = { user = { user_id = who, user_info = { who = who } } }
  end
  c:subscribe(ch, opts)
end

scenario {
  id = "cache-miss-on-subscribe",
  title = "Subscribing to an empty cache channel yields pusher:cache_miss after subscription_succeeded",
  rules = { "CACHE-1" },
  run = function(t)
    for _, prefix in ipairs(PREFIXES) do
      local ch = t:channel(prefix)
      local c = t:open()
      subscribe(c, ch, "u-" .. c.socket_id)
      local first, why = next_on(c, ch)
      local second, why2 = next_on(c, ch, 3000)
      local miss = (first and first.event == "pusher:cache_miss" and first) or
        (second and second.event == "pusher:cache_miss" and second)
      t:check("CACHE-1:miss-sent", miss, "pusher:cache_miss on the empty " .. prefix .. " channel " .. ch,
        miss or second or first or why)
      t:check("CACHE-1:after-succeeded", ps.verify.subscribed(first, ch) and second and second.event == "pusher:cache_miss",
        "subscription_succeeded, then pusher:cache_miss on " .. ch, (first and first.raw or tostring(why)) .. " then " ..
        (second and second.raw or tostring(why2)))
    end
  end,
}

scenario {
  id = "cache-last-event",
  title = "A new subscriber to a cache channel gets the last event right after subscription_succeeded",
  rules = { "CACHE-2" },
  run = function(t)
    for _, prefix in ipairs(PREFIXES) do
      local ch = t:channel(prefix)
      local first = t:open()
      subscribe(first, ch, "first-" .. first.socket_id)
      t:joined(first, ch, "the first subscriber")
      for i, data in ipairs { '{"n":1}', '{"n":2,"last":true}' } do
        t:publish { channel = ch, name = "cached-" .. i, data = data }
        local m, why = first:expect { event = "cached-" .. i, channel = ch }
        t:require("CACHE-2:last-event", m, "the first subscriber gets cached-" .. i, why)
      end
      local late = t:open()
      subscribe(late, ch, "late-" .. late.socket_id)
      local m, why = next_on(late, ch)
      t:require("CACHE-2:last-event", ps.verify.subscribed(m, ch), "the late subscriber is subscribed to " .. ch, m or why)
      m, why = next_on(late, ch, 3000)
      local last = m and m.event == "cached-2" and m or late:expect({ event = "cached-2", channel = ch }, { within = 100 })
      t:check("CACHE-2:last-event", last and last.data == '{"n":2,"last":true}',
        "cached-2 with data {\"n\":2,\"last\":true} on " .. ch, last or m or why)
      t:check("CACHE-2:right-after-succeeded", m and m.event == "cached-2",
        "cached-2 as the first message on " .. ch .. " after subscription_succeeded", m or why)
      local quiet, extra = late:expect_silence(300, function(x)
        return x.channel == ch and (x.event == "cached-1" or x.event == "pusher:cache_miss")
      end)
      t:check("CACHE-2:only-last", quiet, "no older event and no cache_miss for " .. ch, extra)
    end
  end,
}
