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
      t:require("CACHE-1", ps.verify.subscribed(first, ch),
        "subscription_succeeded first on the empty " .. prefix .. " channel " .. ch, first or why)
      local second
      second, why = next_on(c, ch, 3000)
      t:check("CACHE-1", second and second.event == "pusher:cache_miss",
        "pusher:cache_miss on " .. ch .. " right after subscription_succeeded", second or why)
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
        t:require("CACHE-2", m, "the first subscriber gets cached-" .. i, why)
      end
      local late = t:open()
      subscribe(late, ch, "late-" .. late.socket_id)
      local m, why = next_on(late, ch)
      t:require("CACHE-2", ps.verify.subscribed(m, ch), "the late subscriber is subscribed to " .. ch, m or why)
      m, why = next_on(late, ch, 3000)
      t:check("CACHE-2", m and m.event == "cached-2" and m.data == '{"n":2,"last":true}',
        "cached-2 with data {\"n\":2,\"last\":true} on " .. ch .. " right after subscription_succeeded", m or why)
      local quiet, extra = late:expect_silence(300, function(x)
        return x.channel == ch and (x.event == "cached-1" or x.event == "pusher:cache_miss")
      end)
      t:check("CACHE-2", quiet, "no older event and no cache_miss for " .. ch, extra)
    end
  end,
}
