-- CONNC: how a client SDK connects (RULES.md "CONNC — connection behaviour of a client SDK").
-- pushspec plays the server; the SDK is driven through its adapter.
local scenario = ps.scenario

-- key=value pairs of a URL's query (not unescaped: the values checked here are plain).
local function query_of(path)
  local out = {}
  for k, v in (path:match("%?(.*)$") or ""):gmatch("([^&=]+)=?([^&]*)") do out[k] = v end
  return out
end

scenario {
  id = "connc-url",
  title = "The client connects to /app/KEY with protocol=7 and client and version parameters",
  rules = { "CONNC-1" },
  run = function(t)
    local _, c = t:connect_sdk()
    local path = c.path or ""
    local q = query_of(path)
    t:check("CONNC-1:path", path:match("^([^?]*)") == "/app/" .. t.app.key,
      "the path /app/" .. t.app.key, path)
    t:check("CONNC-1:protocol-7", q.protocol == "7", "protocol=7 in the query", path)
    t:check("CONNC-1:client", (q.client or "") ~= "", "a non-empty client= parameter", path)
    t:check("CONNC-1:version", (q.version or ""):match("^%d+%.%d+") ~= nil, "a version= parameter like X.Y.Z", path)
  end,
}

-- Every auth request names the socket_id of the connection it is for: the
-- first one, and after a reconnect the new one. The reconnect is set-up, not
-- CONNC-2's subject (ERR-3 judges it): an SDK that does not reconnect after
-- close 4200 is judged on its first connection alone.
scenario {
  id = "connc-socket-id-in-auth",
  title = "The client uses the socket_id from connection_established in auth requests",
  rules = { "CONNC-2" },
  run = function(t)
    local sdk, c = t:connect_sdk { socket_id = "4242.171717" }
    local priv, pres = t:channel("private-"), t:channel("presence-")
    t:subscribe_sdk(sdk, c, priv)
    t:subscribe_sdk(sdk, c, pres, { presence = { ids = { t.user.id }, hash = { [t.user.id] = t.user.user_info },
      count = 1 } })
    local function socket_ids(from)
      local seen = {}
      for i = from, #t.auth_requests do seen[#seen + 1] = t.auth_requests[i].params.socket_id or "(none)" end
      return seen
    end
    local first = socket_ids(1)
    t:check("CONNC-2:first-connection", #first == 2 and first[1] == "4242.171717" and first[2] == "4242.171717",
      "two auth requests, both with socket_id=4242.171717", table.concat(first, ", "))

    local n = #t.auth_requests
    c:close(4200, "reconnect please")
    local c2, why = t:accept { within = t:reconnect_within(5000) }
    if not c2 then
      t:log("no new connection after close 4200 (" .. why .. "): the auth requests of a second connection " ..
        "are not checked (reconnecting is ERR-3's rule)")
      return
    end
    c2:establish { socket_id = "5353.282828" }
    local resub = c2:expect(function(m)
      return m.event == "pusher:subscribe" and type(m.data) == "table" and m.data.channel == pres
    end)
    if not resub and #t.auth_requests == n then
      t:log("no resubscription on the new connection: nothing to check there (resubscribing is ERR-5's rule)")
      return
    end
    local again = socket_ids(n + 1)
    local all_new = #again > 0
    for _, s in ipairs(again) do all_new = all_new and s == "5353.282828" end
    t:check("CONNC-2:after-reconnect", all_new, "after the reconnect, auth requests with the new socket_id=5353.282828",
      #again > 0 and table.concat(again, ", ") or "no auth request")
  end,
}

-- Each input is sent on its own; afterwards the client must still be alive:
-- the adapter answers, reports no escaped exception, and the client answers
-- pusher:ping (on the same connection, or on a new one if it chose to reconnect).
-- The CONNC-3 clause (CLAUSES.md) each input belongs to.
local CLASS = {
  ["invalid JSON"] = ps.clause("CONNC-3:invalid-json"), ["not JSON at all"] = ps.clause("CONNC-3:invalid-json"),
  ["invalid UTF-8 in a string"] = ps.clause("CONNC-3:invalid-json"),
  ["an unknown pusher: event"] = ps.clause("CONNC-3:unknown-events"),
  ["an unknown pusher_internal: event"] = ps.clause("CONNC-3:unknown-events"),
  ["an event for a channel not held"] = ps.clause("CONNC-3:unknown-events"),
  ["a binary frame"] = ps.clause("CONNC-3:binary"),
  ["a binary frame holding valid JSON"] = ps.clause("CONNC-3:binary"),
  ["deeply nested data"] = ps.clause("CONNC-3:deep-nesting"),
}
local function malformed(ch)
  return {
    { "invalid JSON", "text", "{\"event\": \"pusher:ping\"," },
    { "not JSON at all", "text", "hello there" },
    { "a JSON array", "text", "[1, 2, 3]" },
    { "a JSON string", "text", "\"pusher:ping\"" },
    { "JSON null", "text", "null" },
    { "an object without event", "text", "{\"data\": \"{}\"}" },
    { "a numeric event", "text", "{\"event\": 5, \"data\": \"{}\"}" },
    { "an unknown pusher: event", "text", "{\"event\": \"pusher:frobnicate\", \"data\": \"{}\"}" },
    { "an unknown pusher_internal: event", "text", "{\"event\": \"pusher_internal:frobnicate\", \"channel\": \"" .. ch .. "\", \"data\": \"{}\"}" },
    { "a numeric channel", "text", "{\"event\": \"greet\", \"channel\": 17, \"data\": \"{}\"}" },
    { "an event for a channel not held", "text", "{\"event\": \"greet\", \"channel\": \"nobody-here\", \"data\": \"x\"}" },
    { "member_added with undecodable data", "text", "{\"event\": \"pusher_internal:member_added\", \"channel\": \"" .. ch .. "\", \"data\": \"{not json\"}" },
    { "member_removed with a numeric data", "text", "{\"event\": \"pusher_internal:member_removed\", \"channel\": \"" .. ch .. "\", \"data\": 12}" },
    { "subscription_succeeded with data an array", "text", "{\"event\": \"pusher_internal:subscription_succeeded\", \"channel\": \"" .. ch .. "\", \"data\": \"[1]\"}" },
    { "pusher:error with data a number", "text", "{\"event\": \"pusher:error\", \"data\": 7}" },
    { "a second connection_established with garbage data", "text", "{\"event\": \"pusher:connection_established\", \"data\": \"{]\"}" },
    { "a binary frame", "binary", "\0\1\2\255\254{\"event\":\"x\"}" },
    { "a binary frame holding valid JSON", "binary", "{\"event\": \"greet\", \"channel\": \"" .. ch .. "\", \"data\": \"{}\"}" },
    { "invalid UTF-8 in a string", "text", "{\"event\": \"greet\", \"channel\": \"" .. ch .. "\", \"data\": \"\255\254\"}" },
    { "deeply nested data", "text", "{\"event\": \"greet\", \"channel\": \"" .. ch .. "\", \"data\": " ..
      string.rep("[", 500) .. string.rep("]", 500) .. "}" },
  }
end

scenario {
  id = "connc-malformed-frames",
  title = "Malformed server frames (invalid JSON, unknown events, wrong types, binary) do not crash the client",
  rules = { "CONNC-3" },
  timeout = 150,   -- a few inputs may each cost the SDK's reconnect delay
  run = function(t)
    local sdk, c, ch
    local function fresh()   -- a new client, subscribed to a presence channel
      sdk, c = t:connect_sdk { sdk = sdk }
      ch = t:channel("presence-")
      t:subscribe_sdk(sdk, c, ch, { presence = { ids = { t.user.id }, hash = { [t.user.id] = t.user.user_info },
        count = 1 } })
    end
    fresh()
    local failed = {}
    for _, case in ipairs(malformed("@CH@")) do
      local what, kind, bytes = case[1], case[2], case[3]
      bytes = bytes:gsub("@CH@", ch)
      t:input(what)
      local errors_before = #sdk:seen { type = "adapter_error" }
      if kind == "binary" then c:send_binary(bytes) else c:send_raw(bytes) end
      -- frames are handled in order: the pong shows the input was dealt with
      local reconnected = false
      c:send { event = "pusher:ping", data = {} }
      local pong, why = c:expect({ event = "pusher:pong" }, { within = 3000 })
      if not pong and c:is_closed() then
        t:log("the client closed its connection after " .. what .. " (" .. c:close_text() .. "); accepting its next one")
        -- no rule sets how soon: the SDK's own delay (its adapter's reconnect_delay_ms)
        local c2 = t:accept { within = t:reconnect_within(5000) }
        if c2 then
          c, reconnected = c2, true
          c:establish {}
          c:send { event = "pusher:ping", data = {} }
          pong, why = c:expect({ event = "pusher:pong" }, { within = 3000 })
        end
      end
      -- any answer shows the adapter lives (an SDK without a state getter answers unsupported)
      local ok, state = pcall(sdk.call, sdk, "state", {}, { within = 3000, unsupported_ok = true })
      local escaped = sdk:seen { type = "adapter_error" }
      local problem
      if not ok then problem = "the adapter died: " .. tostring(state)
      elseif #escaped > errors_before then problem = "an exception escaped the SDK: " .. escaped[#escaped].error
      elseif not pong then problem = "no pusher:pong to a later pusher:ping: " .. why end
      t:check(CLASS[what] or "CONNC-3:wrong-types", problem == nil, "the client survives " .. what ..
        " (no exception escapes, it still answers pusher:ping)", problem)
      if problem then
        failed[#failed + 1] = what
        if not ok then return end
        fresh()
      elseif reconnected then
        t:log("survived " .. what .. " by reconnecting")
      end
    end
    t:log(#failed == 0 and "every input survived" or ("failed inputs: " .. table.concat(failed, "; ")))
  end,
}
