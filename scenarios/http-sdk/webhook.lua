-- HSDK-7: webhook validation. The harness signs webhooks as the Pusher server
-- does (X-Pusher-Key, X-Pusher-Signature = hmac(secret, raw body)) and the
-- SDK must accept exactly the authentic ones.
local scenario = ps.scenario

local function hook_body(t, channel)
  return ps.json.encode { time_ms = ps.wall() * 1000, events = {
    { name = "channel_occupied", channel = channel or t:channel("pub-") },
    { name = "member_added", channel = t:channel("presence-"), user_id = "u1" } } }
end

-- true when the SDK accepts the webhook; false, or the SDK's error when it
-- throws (the application does not take the webhook as authentic either way).
local function validate(t, sdk, headers, body)
  local res, err = sdk:call("validate_webhook", { headers = headers, body = body })
  if err then t:log("validate_webhook threw: " .. err) return "error: " .. err end
  return res
end

scenario {
  id = "webhook-valid",
  title = "A webhook signed with the app's key and secret is valid",
  rules = { "HSDK-7" },
  needs = { "webhooks" },
  run = function(t)
    local sdk = t:http_sdk()
    local headers, body = t:signed_webhook(hook_body(t))
    local ok = validate(t, sdk, headers, body)
    t:check("HSDK-7:valid", ok == true, "isValid() true for " .. ps.json.encode(headers), ok)
  end,
}

scenario {
  id = "webhook-tampered-body",
  title = "A webhook whose body changed after signing is invalid",
  rules = { "HSDK-7" },
  needs = { "webhooks" },
  run = function(t)
    local sdk = t:http_sdk()
    local ch = t:channel("pub-")
    local headers, body = t:signed_webhook(hook_body(t, ch))
    local changed = body:gsub("channel_occupied", "channel_vacated", 1)
    t:check("HSDK-7:tampered-body", validate(t, sdk, headers, changed) ~= true,
      "rejected (isValid() false, or an error) for a body changed from channel_occupied to channel_vacated", changed)
    local spaced = body .. " "
    t:check("HSDK-7:tampered-body", validate(t, sdk, headers, spaced) ~= true,
      "rejected (isValid() false, or an error) for the body with a space appended", spaced)
  end,
}

scenario {
  id = "webhook-tampered-signature",
  title = "A webhook with a wrong or missing X-Pusher-Signature is invalid",
  rules = { "HSDK-7" },
  needs = { "webhooks" },
  run = function(t)
    local sdk = t:http_sdk()
    local headers, body = t:signed_webhook(hook_body(t))
    local sig = headers["X-Pusher-Signature"]
    local flipped = (sig:sub(1, 1) == "0" and "1" or "0") .. sig:sub(2)
    local cases = {
      { "the first hex digit changed", flipped },
      { "a signature made with another secret", t:signed_webhook(body, { secret = t.app.secret .. "x" })["X-Pusher-Signature"] },
      { "no signature header", nil },
    }
    for _, c in ipairs(cases) do
      local h = { ["X-Pusher-Key"] = headers["X-Pusher-Key"], ["Content-Type"] = "application/json",
        ["X-Pusher-Signature"] = c[2] }
      t:check("HSDK-7:tampered-signature", validate(t, sdk, h, body) ~= true, "rejected (isValid() false, or an error) with " .. c[1], h)
    end
  end,
}

scenario {
  id = "webhook-wrong-key",
  title = "A webhook naming another app's key is invalid, even when signed with this app's secret",
  rules = { "HSDK-7" },
  needs = { "webhooks" },
  run = function(t)
    local sdk = t:http_sdk()
    local body = hook_body(t)
    local h1 = t:signed_webhook(body, { key = t.app.key .. "-other" })
    t:check("HSDK-7:wrong-key", validate(t, sdk, h1, body) ~= true, "rejected (isValid() false, or an error) for X-Pusher-Key " .. h1["X-Pusher-Key"], h1)
    local h2 = t:signed_webhook(body, { key = "other-app-key", secret = "other-app-secret" })
    t:check("HSDK-7:wrong-key", validate(t, sdk, h2, body) ~= true, "rejected (isValid() false, or an error) for a webhook of another app", h2)
    local h3 = t:signed_webhook(body)
    h3["X-Pusher-Key"] = nil
    t:check("HSDK-7:wrong-key", validate(t, sdk, h3, body) ~= true, "rejected (isValid() false, or an error) without X-Pusher-Key", h3)
  end,
}

scenario {
  id = "webhook-no-data-every-channel",
  title = "A valid webhook whose events carry no data is valid on every channel type, private-encrypted- too",
  rules = { "HSDK-7" },
  needs = { "webhooks" },
  run = function(t)
    local sdk = t:http_sdk()   -- with the master key: an SDK that decrypts webhooks may try to here
    for _, prefix in ipairs { "pub-", "private-", "presence-", "private-encrypted-", "private-encrypted-cache-" } do
      local ch = t:channel(prefix)
      -- channel_occupied and channel_vacated carry no data: there is nothing to decrypt
      local headers, body = t:signed_webhook(ps.json.encode { time_ms = ps.wall() * 1000, events = {
        { name = "channel_occupied", channel = ch }, { name = "channel_vacated", channel = ch } } })
      local ok = validate(t, sdk, headers, body)
      t:check("HSDK-7:no-data", ok == true, "isValid() true for channel_occupied and channel_vacated (no data) on " .. ch,
        tostring(ok) .. " for " .. body)
    end
  end,
}
