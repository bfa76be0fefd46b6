-- EVT: events published through the HTTP API (RULES.md "EVT — server-published events").
local scenario = ps.scenario

-- One connection subscribed to every channel of the list.
local function subscribed_conn(t, rule, channels) return t:subscribers(rule, channels)[1] end

scenario {
  id = "evt-trigger-arrives-intact",
  title = "A triggered event arrives with its name, channel and byte-identical data",
  rules = { "EVT-1" },
  run = function(t)
    local ch = t:channel("pub-")
    local c = subscribed_conn(t, "EVT-1", { ch })
    local payloads = { '{"text":"h\\u00e9llo \\"w\\" \226\130\172","n":[1,2.5,-3e2],"nested":{"a":null}}',
      "plain text, not JSON", "  {\"spaced\" : true }  " }
    for i, data in ipairs(payloads) do
      t:publish { channel = ch, name = "evt-" .. i, data = data }
      local m, why = c:expect { event = "evt-" .. i }
      t:check("EVT-1:name", m ~= nil, "an event named evt-" .. i, m or why)
      t:check("EVT-1:channel", m and m.channel == ch, "event evt-" .. i .. " on " .. ch, m or why)
      t:check("EVT-1:data-identical", m and m.data_kind == "string" and m.data == data,
        "event evt-" .. i .. " with data string " .. data, m or why)
    end
  end,
}

scenario {
  id = "evt-multi-channel",
  title = "A trigger to several channels reaches each of them",
  rules = { "EVT-2" },
  run = function(t)
    local chs = { t:channel("pub-"), t:channel("pub-"), t:channel("pub-") }
    local c = subscribed_conn(t, "EVT-2", chs)
    t:publish { channels = chs, name = "fanout", data = "hi" }
    for _, ch in ipairs(chs) do
      local m, why = c:expect { event = "fanout", channel = ch }
      t:check("EVT-2:each-channel", m ~= nil, "the event on " .. ch, why)
    end
  end,
}

scenario {
  id = "evt-exclude-socket",
  title = "A trigger with socket_id is not delivered to that connection",
  rules = { "EVT-3" },
  run = function(t)
    local ch = t:channel("pub-")
    local sender = subscribed_conn(t, "EVT-3", { ch })
    local other = subscribed_conn(t, "EVT-3", { ch })
    t:publish { channel = ch, name = "excluded", data = "x", socket_id = sender.socket_id }
    local m, why = other:expect { event = "excluded" }
    t:check("EVT-3:others-get-it", m, "the other subscriber gets the event", why)
    -- the other subscriber getting it is the positive control of the exclusion (ps.verify.control)
    local ctl = ps.verify.control(t, "EVT-3:others-get-it", m ~= nil, "the other subscriber gets the event", m or why)
    local quiet, leaked = sender:expect_silence(1000, { event = "excluded" })
    ps.verify.negative(t, ctl, "EVT-3:excluded", quiet, "nothing for socket " .. sender.socket_id .. ", which the trigger excluded", leaked)
  end,
}

scenario {
  id = "evt-batch",
  title = "Batch events arrive, each on its channel, in order",
  rules = { "EVT-4" },
  run = function(t)
    local a, b = t:channel("pub-"), t:channel("pub-")
    local c = subscribed_conn(t, "EVT-4", { a, b })
    local batch = {}
    for i = 1, 6 do
      batch[i] = { channel = (i % 2 == 1) and a or b, name = "batch", data = tostring(i) }
    end
    local res = t:api("POST", "/batch_events", { body = { batch = batch } })
    -- set-up for EVT-4: any 2xx delivers; HTTP-8 judges the status
    local text = res.status == 0 and res.error or (res.status .. " " .. res.body)
    if res.status ~= 200 then t:incidental("HTTP-8:set-up-batch", "batch_events with 6 events returns 200", text) end
    if res.status < 200 or res.status >= 300 then t:setup_failed("the batch was not accepted: " .. text) end
    local got = {}
    for _ = 1, 6 do
      local m = c:expect { event = "batch" }
      if not m then break end
      got[#got + 1] = m.data .. "@" .. (m.channel == a and "a" or m.channel == b and "b" or "?")
    end
    local placed = #got == 6
    for i, g in ipairs(got) do placed = placed and g:match("@(%a)$") == ((i % 2 == 1) and "a" or "b") end
    local by_data = {}
    for _, g in ipairs(got) do by_data[#by_data + 1] = g end
    table.sort(by_data, function(x, y) return (tonumber(x:match("^(%d+)")) or 0) < (tonumber(y:match("^(%d+)")) or 0) end)
    local each = #got == 6
    for i, g in ipairs(by_data) do each = each and g == i .. "@" .. ((i % 2 == 1) and "a" or "b") end
    t:check("EVT-4:each-channel", each, "events 1..6 each on its channel (odd on a, even on b)", table.concat(got, " "))
    t:check("EVT-4:in-order", table.concat(got, " ") == "1@a 2@b 3@a 4@b 5@a 6@b",
      "1@a 2@b 3@a 4@b 5@a 6@b (in batch order)", table.concat(got, " "))
  end,
}
