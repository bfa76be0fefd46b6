-- ENC: end-to-end encrypted channels (RULES.md "ENC — encrypted channels").
local scenario = ps.scenario

-- Any 32 raw bytes will do as the app's encryption master key: the server
-- never sees it, it only relays what the publisher encrypted.
local MASTER_B64 = ps.b64.encode("pushspec-enc-master-key-32-bytes")

scenario {
  id = "enc-relay-unchanged",
  title = "The server relays an encrypted payload unchanged",
  rules = { "ENC-1" },
  run = function(t)
    local ch = t:channel("private-encrypted-")
    local shared = ps.shared_secret(ch, MASTER_B64)
    local plaintext = '{"message":"h\\u00e9llo \226\130\172 secret","n":42}'
    local data = ps.encrypt(shared, plaintext)
    local c = t:subscribers("ENC-1", ch, 1)[1]
    t:publish { channel = ch, name = "sealed", data = data }
    local m, why = c:expect { event = "sealed", channel = ch }
    t:require("ENC-1:arrives", m, "the encrypted event arrives on " .. ch, why)
    t:check("ENC-1:data-unchanged", m.data_kind == "string" and m.data == data,
      "data is the byte-identical string " .. data, m)
    local p = type(m.decoded) == "table" and m.decoded or {}
    local opened = type(p.nonce) == "string" and type(p.ciphertext) == "string" and
      ps.decrypt(shared, p.nonce, p.ciphertext)
    t:check("ENC-1:still-decrypts", opened == plaintext, "the received nonce and ciphertext decrypt to " .. plaintext,
      opened and ("decrypts to " .. opened) or ("does not decrypt: " .. m.raw))
    -- the same through batch_events
    local sealed = ps.encrypt(shared, '{"via":"batch"}')
    res = t:api("POST", "/batch_events", { body = { batch = { { channel = ch, name = "sealed-batch", data = sealed } } } })
    -- set-up: any 2xx delivers; HTTP-8 judges the status
    if res.status ~= 200 then
      t:incidental("HTTP-8:set-up-batch", "batch_events with 1 event returns 200",
        res.status == 0 and res.error or (res.status .. " " .. res.body))
    end
    if res.status < 200 or res.status > 299 then t:setup_failed("the batch on " .. ch .. " was not accepted") end
    m, why = c:expect { event = "sealed-batch", channel = ch }
    t:check("ENC-1:batch-unchanged", m and m.data_kind == "string" and m.data == sealed,
      "the batch event arrives with the byte-identical data string " .. sealed, m or why)
  end,
}

scenario {
  id = "enc-client-events-refused",
  title = "Client events on an encrypted channel are refused",
  rules = { "ENC-2" },
  run = function(t)
    local ch = t:channel("private-encrypted-")
    local c = t:subscribers("ENC-2", ch, 2)
    local shared = ps.shared_secret(ch, MASTER_B64)
    c[1]:send { event = "client-sealed", channel = ch, data = ps.json.decode(ps.encrypt(shared, '"from a client"')) }
    local quiet, leaked = c[2]:expect_silence(1000, { event = "client-sealed" })
    local err = c[1]:expect({ event = "pusher:error" }, { within = 100 })
    local code = c[1]:is_closed() and c[1]:info().close_code
    -- positive control (ps.verify.control): the other subscriber was listening
    t:publish { channel = ch, name = "control", data = ps.encrypt(shared, '"control"') }
    local m, why = c[2]:expect { event = "control", channel = ch }
    local ctl = ps.verify.control(t, "EVT-1:name", m ~= nil, "the other subscriber gets an event triggered afterwards", m or why)
    ps.verify.negative(t, ctl, "ENC-2:not-delivered", quiet, "the other subscriber of " .. ch .. " does not get client-sealed",
      leaked)
    ps.verify.negative(t, ctl, "ENC-2:refused", err ~= nil or (code and code >= 4000 and code <= 4399),
      "the sender gets a pusher:error (or a close 4000-4399)",
      err or (c[1]:is_closed() and c[1]:close_text()) or "no pusher:error, the connection still open")
  end,
}
