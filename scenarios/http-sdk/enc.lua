-- ENC-5: triggers on private-encrypted- channels carry {nonce, ciphertext}
-- sealed with SHA256(channel || master key).
--
-- "The original data" is the data string the SDK sends for the same call on a
-- channel that is not encrypted (HSDK-2): an encrypted channel only seals the
-- event's data (RULES.md Facts), and a client delivers the plaintext where it
-- would deliver that string (ENC-3, EVT-1). Each case triggers the same data
-- on a public channel too and compares.
local scenario = ps.scenario

-- Trigger data on ch and on a public channel; returns the two request bodies.
local function trigger_both(t, sdk, ch, data)
  t:serve_api(function() return 200, "{}" end)
  local before = #t:api_requests()
  -- ENC-5 judges the requests sent; a failed call is shown only when its request is missing
  local res, err = sdk:call("trigger", { channels = { ch }, event = "sealed", data = data })
  local res2, err2 = sdk:call("trigger", { channels = { t:channel("pub-") }, event = "plain", data = data })
  local log = t:api_requests(before + 1)
  t:require("ENC-5", #log == 2 and log[1].json and log[2].json, "two JSON requests (the trigger on " .. ch ..
    ", then on a public channel)", #log .. " requests" .. (res and "" or "; the first trigger failed: " ..
    tostring(err)) .. (res2 and "" or "; the second failed: " .. tostring(err2)))
  return log[1].json, log[2].json
end

-- Check that body's data opens with the channel's shared secret to want.
local function opens_to(t, ch, data, want)
  t:require("ENC-5:sealed-format", type(data) == "string", "data is a string", data)
  local sealed = ps.json.decode(data)
  t:require("ENC-5:sealed-format", type(sealed) == "table" and type(sealed.nonce) == "string" and
    type(sealed.ciphertext) == "string", 'data is the JSON of {"nonce", "ciphertext"}', data)
  local nonce = ps.b64.decode(sealed.nonce)
  t:check("ENC-5:sealed-format", nonce and #nonce == 24, "a base64 nonce of 24 bytes", sealed.nonce)
  local secret = ps.shared_secret(ch, t.master_key)
  local plain = ps.decrypt(secret, sealed.nonce, sealed.ciphertext)
  t:require("ENC-5:key", plain ~= nil, "the ciphertext opens with base64(SHA256(channel || master key)) = " .. secret,
    data)
  t:check("ENC-5:plaintext", plain == want, "the plaintext is the data string sent on a public channel: " .. want,
    "plaintext " .. plain)
end

scenario {
  id = "enc-trigger-object",
  title = "Object data on an encrypted channel decrypts to the data string a public trigger carries",
  rules = { "HSDK-1", "ENC-5" },
  needs = { "encrypted_channels" },
  run = function(t)
    local sdk = t:http_sdk()
    local ch = t:channel("private-encrypted-")
    local sealed, plain = trigger_both(t, sdk, ch, { message = "h\195\169llo \226\130\172", n = 42 })
    t:check("ENC-5:body", sealed.name == "sealed" and sealed.channels and sealed.channels[1] == ch,
      "name sealed, channels [" .. ch .. "]", sealed)
    opens_to(t, ch, sealed.data, plain.data)
    t:check_api_signed("HSDK-1")
  end,
}

scenario {
  id = "enc-trigger-string",
  title = "String data on an encrypted channel decrypts to that same string",
  rules = { "HSDK-1", "ENC-5" },
  needs = { "encrypted_channels" },
  run = function(t)
    local sdk = t:http_sdk()
    -- JSON text too: a client decodes it on a public channel, so a sealed copy must hold it unchanged
    for _, data in ipairs { "a plain string", '{"already":"json"}' } do
      local ch = t:channel("private-encrypted-")
      local sealed, plain = trigger_both(t, sdk, ch, data)
      t:check("ENC-5:plaintext", plain.data == data, "the public trigger carries data " .. data, plain)
      opens_to(t, ch, sealed.data, plain.data)
    end
    t:check_api_signed("HSDK-1")
  end,
}

scenario {
  id = "enc-batch",
  title = "A batch event on an encrypted channel is sealed for its own channel",
  rules = { "HSDK-1", "ENC-5" },
  needs = { "encrypted_channels", "batch_trigger" },
  run = function(t)
    t:serve_api(function() return 200, "{}" end)
    local sdk = t:http_sdk()
    local ch, pub = t:channel("private-encrypted-"), t:channel("pub-")
    local res, err = sdk:call("trigger_batch", { batch = {
      { channel = pub, name = "plain", data = { n = 1 } },
      { channel = ch, name = "sealed", data = { n = 1 } } } })
    if not res then t:log("the batch failed: " .. tostring(err)) end
    local log = t:api_requests()
    local batch = log[1] and log[1].json and log[1].json.batch
    t:require("ENC-5:batch", type(batch) == "table" and #batch == 2, "one batch request with 2 events", log[1] and log[1].body)
    t:check("ENC-5:batch", type(batch[1].data) == "string" and ps.equal(ps.json.decode(batch[1].data), { n = 1 }),
      'the public channel\'s event left plain: data {"n":1}', batch[1])
    opens_to(t, ch, batch[2].data, batch[1].data)
    t:check_api_signed("HSDK-1")
  end,
}
