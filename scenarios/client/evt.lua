-- EVT-6: how the client decodes event data (RULES.md "EVT — server-published events").
local scenario = ps.scenario

local same = ps.equal

scenario {
  id = "evt-data-decoding",
  title = "The client decodes JSON data strings to values and passes non-JSON data strings through unchanged",
  rules = { "EVT-6" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local ch = t:channel("")
    t:subscribe_sdk(sdk, c, ch)
    local cases = {
      { "a JSON object string", "{\"a\":1,\"b\":[true,\"x\"],\"c\":{\"d\":\"e\"}}", { a = 1, b = { true, "x" }, c = { d = "e" } } },
      { "a JSON number string", "42", 42 },
      { "a JSON string string", "\"quoted\"", "quoted" },
      { "plain text", "plain text", "plain text" },
      { "broken JSON", "{\"a\": 1", "{\"a\": 1" },
      { "text with JSON inside", "note: {\"a\":1}", "note: {\"a\":1}" },
    }
    for i, k in ipairs(cases) do
      local ev = "evt-" .. i
      c:send { event = ev, channel = ch, data = k[2] }
      local r, why = sdk:expect({ type = "event", channel = ch, event = ev }, { within = 3000 })
      t:check(k[1]:match("^a JSON") and "EVT-6:json-decoded" or "EVT-6:non-json-unchanged", r and same(r.data, k[3]), "data " .. k[1] .. " " .. k[2] .. " delivered as " ..
        ps.json.encode(k[3]), r or why)
    end
  end,
}

scenario {
  id = "evt-error-pong-data-forms",
  title = "The client accepts data of pusher:error and pusher:pong both as a JSON string and as an object",
  rules = { "EVT-6" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local err = { code = 4301, message = "slow down" }
    for _, data in ipairs { ps.json.encode(err), err } do
      local form = type(data) == "table" and "an object" or "a JSON string"
      c:send { event = "pusher:error", data = data }
      local r, why = sdk:expect({ type = "event", event = "pusher:error" }, { within = 3000 })
      t:check(form == "an object" and "EVT-6:error-object" or "EVT-6:error-string", r and same(r.data, err), "pusher:error with data as " .. form .. " delivered as " ..
        ps.json.encode(err), r or why)
      c:send { event = "pusher:pong", data = type(data) == "table" and {} or "{}" }
      local p, why2 = sdk:expect({ type = "event", event = "pusher:pong" }, { within = 3000 })
      t:check(form == "an object" and "EVT-6:pong-object" or "EVT-6:pong-string", p, "pusher:pong with data as " .. form .. " accepted", why2)
    end
    c:send { event = "pusher:ping", data = {} }
    local pong, why = c:expect({ event = "pusher:pong" }, { within = 3000 })
    t:check("EVT-6:still-works", pong and #sdk:seen { type = "adapter_error" } == 0,
      "the client still works (answers pusher:ping, no exception escaped)", pong and sdk:seen { type = "adapter_error" }[1] or why)
  end,
}
