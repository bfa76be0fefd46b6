-- ENC-3/ENC-4: encrypted channels on the client (RULES.md "ENC — encrypted channels").
-- The fake auth endpoint returns shared_secret = SHA256(channel || master key).
local scenario = ps.scenario

local same = ps.equal

scenario {
  id = "enc-decrypts",
  title = "The client decrypts {nonce, ciphertext} with the shared secret and delivers the plaintext",
  rules = { "ENC-3" },
  needs = { "encrypted_channels" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local ch = t:channel("private-encrypted-")
    t:subscribe_sdk(sdk, c, ch)
    local secret = ps.shared_secret(ch, t.master_key)
    local cases = {
      { "{\"msg\":\"hello\",\"n\":[1,2]}", { msg = "hello", n = { 1, 2 } }, ps.clause("ENC-3:plaintext-json") },
      { "\"just a string\"", "just a string", ps.clause("ENC-3:plaintext-json") },
      { "not JSON: ünïcödé", "not JSON: ünïcödé", ps.clause("ENC-3:plaintext-text") },
    }
    for i, k in ipairs(cases) do
      local ev = "secret-" .. i
      c:send { event = ev, channel = ch, data = ps.encrypt(secret, k[1]) }
      local r, why = sdk:expect({ type = "event", channel = ch, event = ev }, { within = 3000 })
      t:check(k[3], r and same(r.data, k[2]), "plaintext " .. k[1] .. " delivered as " .. ps.json.encode(k[2]),
        r or why)
    end
  end,
}

scenario {
  id = "enc-bad-payload-reported",
  title = "A payload that fails to decrypt is reported, not delivered, and does not crash the client",
  rules = { "ENC-4" },
  needs = { "encrypted_channels" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local ch = t:channel("private-encrypted-")
    t:subscribe_sdk(sdk, c, ch)
    local good = ps.shared_secret(ch, t.master_key)
    local wrong = ps.shared_secret(ch .. "-other", t.master_key)
    local bad = {
      { "encrypted with another key", ps.encrypt(wrong, "{\"x\":1}") },
      { "without ciphertext", ps.json.encode { nonce = ps.json.decode(ps.encrypt(good, "x")).nonce } },
      { "with a short nonce", ps.json.encode { nonce = "AAAA", ciphertext = "AAAAAAAAAAAAAAAAAAAAAAAA" } },
    }
    for i, k in ipairs(bad) do
      local ev = "bad-" .. i
      local before = #sdk:seen { type = "decryption_error" }
      c:send { event = ev, channel = ch, data = k[2] }
      -- pusher-js first re-fetches the key (a second auth request), then drops
      local r, why = sdk:expect(function(x)
        return x.type == "decryption_error" and x.dropped == true
      end, { within = 5000 })
      t:check("ENC-4:reported", r ~= nil and #sdk:seen { type = "decryption_error" } > before,
        "a payload " .. k[1] .. " is reported as a decryption failure", r or why)
      -- then a good event: delivered, so the bad one was handled before it
      local ok_ev = "good-" .. i
      c:send { event = ok_ev, channel = ch, data = ps.encrypt(good, "{\"fine\":true}") }
      local g, why2 = sdk:expect({ type = "event", channel = ch, event = ok_ev }, { within = 5000 })
      t:check("ENC-4:no-crash", g, "a good encrypted event after the bad one is still delivered", why2)
      local leaked = sdk:seen { type = "event", channel = ch, event = ev }
      t:check("ENC-4:not-delivered", #leaked == 0, "the payload " .. k[1] .. " is not delivered on " .. ch, leaked[1])
    end
    t:check("ENC-4:no-crash", #sdk:seen { type = "adapter_error" } == 0, "no exception escapes the SDK",
      sdk:seen { type = "adapter_error" }[1])
  end,
}
