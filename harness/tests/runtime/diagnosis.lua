-- Diagnosis texts (issue 10 item 4): a failed wait says what arrived instead,
-- and a close frame without a status code is called that, never "close 0".
-- pushspec is both ends here: t:connect() reaches its own fake server, and
-- t:accept() hands the scenario the server end, which sends what the test needs.
local function pair(t)
  local c = t:connect { app = t.app }
  local s = t:accept { within = 3000 }
  s:establish {}
  c:established { within = 3000 }
  return c, s
end

ps.scenario { id = "diag-instead", title = "awaited answers come as an unexpected event", rules = { "SUB-1", "SUB-3" },
  run = function(t)
    local c, s = pair(t)
    -- raw: the Actuals the test reads show these bytes (s:send draws a form by seed, forms.lua)
    s:send_raw('{"event":"pusher_internal:subscription_error","channel":"private-x","data":{"type":"AuthError"}}')
    local m, why = c:subscribed("private-x", { within = 500 })
    t:check("SUB-1", m ~= nil, "subscribed to private-x", why)
    s:send_raw('{"event":"pusher_internal:subscription_error","channel":"private-y","data":{"type":"AuthError"}}')
    local ok, seen = ps.verify.await_refusal(c, { channel = "private-y", within = 500 })
    t:check("SUB-3", ok, "a refusal for private-y", seen)
  end }

ps.scenario { id = "diag-no-status", title = "a close frame without a status code", rules = { "CONN-10" },
  run = function(t)
    local c, s = pair(t)
    s:close(false)
    local closed = c:expect_close { within = 3000 }
    local ok, seen = ps.verify.refusal(nil, closed)
    t:check("CONN-10", ok, "a refusal", seen .. "; close_text: " .. c:close_text())
  end }
