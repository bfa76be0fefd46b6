-- AUTH: channel authorization (RULES.md "AUTH — channel authorization").
local scenario = ps.scenario

-- The positive control of a refusal check (ps.verify.control): on the same
-- connection, a correctly signed subscription to a fresh channel of the same
-- kind succeeds. AUTH-6 says it must; if it does not, the refusal tells nothing.
local function control(t, c, prefix)
  local ch = t:channel(prefix)
  local presence = prefix:match("^presence") ~= nil
  c:subscribe(ch)
  local m, why = c:subscribed(ch)
  return ps.verify.control(t, presence and "AUTH-6:presence-accepted" or "AUTH-6:private-accepted", m ~= nil,
    "subscription_succeeded for " .. ch .. " (correctly signed, on the same connection)", m or why)
end

-- Subscribe with the given options and check the server refused it, in any
-- recognizable form (ps.verify.refused: an error event, a close, no
-- subscription_succeeded): these rules ask whether it is refused; AUTH-1 judges
-- the form (auth-missing), CONN-10 the close code. The control (a correctly
-- signed subscription of the same kind on c, first) must have succeeded.
local function check_refused(t, rule, what, c, ch, opts)
  local ctl = control(t, c, ch:match("^(.-)auth%-"))   -- t:channel(prefix): the prefix, then the scenario id auth-...
  c:subscribe(ch, opts)
  local refused, seen = ps.verify.await_refused(c, { channel = ch })
  ps.verify.negative(t, ctl, rule, refused, what .. " is refused (no subscription_succeeded)", seen)
end

local ZERO_SIG = string.rep("0", 64)

-- AUTH-1 defines the form of a refused subscription (scenarios/CLAUSES.md, "Who
-- judges a refusal's form"): subscription_error, pusher:error or a close 4000-4399.
scenario {
  id = "auth-missing",
  title = "Private and presence subscriptions without auth are refused",
  rules = { "AUTH-1" },
  run = function(t)
    for _, case in ipairs {
      { "private-", ps.clause("AUTH-1:private-no-auth"), {} },
      { "presence-", ps.clause("AUTH-1:presence-no-auth"), { channel_data = '{"user_id":"u1"}' } },
    } do
      local c = t:open()
      local ctl = control(t, c, case[1])
      local ch = t:channel(case[1])
      c:subscribe(ch, { auth = false, channel_data = case[3].channel_data })
      local refused, seen = ps.verify.await_refusal(c, { channel = ch })
      ps.verify.negative(t, ctl, case[2], refused, case[1] .. " without auth is refused (subscription_error, " ..
        "pusher:error or a close 4000-4399)", seen)
    end
  end,
}

scenario {
  id = "auth-wrong-signature",
  title = "A wrong signature is refused",
  rules = { "AUTH-2" },
  run = function(t)
    local c = t:open()
    check_refused(t, ps.clause("AUTH-2:zero-signature"), "an all-zero signature", c, t:channel("private-"),
      { auth = t.app.key .. ":" .. ZERO_SIG })
    local c2 = t:open()
    local ch = t:channel("private-")
    local good = t:sign_channel(c2.socket_id, ch)
    local flipped = good:sub(1, -2) .. (good:sub(-1) == "0" and "1" or "0")
    check_refused(t, ps.clause("AUTH-2:altered-signature"), "a signature with its last digit changed", c2, ch, { auth = flipped })
  end,
}

scenario {
  id = "auth-other-socket",
  title = "A signature made for another socket_id is refused",
  rules = { "AUTH-3" },
  run = function(t)
    local victim, thief = t:open(), t:open()
    local ch = t:channel("private-")
    check_refused(t, ps.clause("AUTH-3:other-socket"), "a signature for socket " .. victim.socket_id, thief, ch,
      { auth = t:sign_channel(victim.socket_id, ch) })
  end,
}

scenario {
  id = "auth-other-channel",
  title = "A signature made for another channel is refused",
  rules = { "AUTH-4" },
  run = function(t)
    local c = t:open()
    local ch, other = t:channel("private-"), t:channel("private-")
    check_refused(t, ps.clause("AUTH-4:other-channel"), "a signature for " .. other, c, ch, { auth = t:sign_channel(c.socket_id, other) })
  end,
}

scenario {
  id = "auth-other-app-key",
  title = "An auth whose key part is another app's key is refused",
  rules = { "AUTH-5" },
  run = function(t)
    local c = t:open()
    local ch = t:channel("private-")
    local sig = t:sign_channel(c.socket_id, ch):match(":(%x+)$")
    local other
    for _, p in pairs(t.target.profiles) do
      local app = p.app or p
      if app.key ~= t.app.key then other = app.key break end
    end
    other = other or "some-other-app-key"
    check_refused(t, ps.clause("AUTH-5:other-app-key"), "auth '" .. other .. ":<right hmac>'", c, ch, { auth = other .. ":" .. sig })
  end,
}

scenario {
  id = "auth-correct",
  title = "Correct signatures are accepted for private and presence channels",
  rules = { "AUTH-6" },
  run = function(t)
    local c = t:open()
    local priv, pres = t:channel("private-"), t:channel("presence-")
    c:subscribe(priv)
    local m, why = c:subscribed(priv)
    t:check("AUTH-6:private-accepted", m ~= nil, "subscription_succeeded for " .. priv, m or why)
    c:subscribe(pres, { user = { user_id = "u-auth-6", user_info = { name = "Six" } } })
    m, why = c:subscribed(pres)
    t:check("AUTH-6:presence-accepted", m ~= nil, "subscription_succeeded for " .. pres, m or why)
  end,
}

scenario {
  id = "auth-presence-channel-data",
  title = "Presence channel_data changed after signing, or missing, is refused",
  rules = { "AUTH-7" },
  run = function(t)
    local c = t:open()
    local ch = t:channel("presence-")
    local signed = '{"user_id":"alice"}'
    check_refused(t, ps.clause("AUTH-7:data-changed"), "channel_data changed after signing", c, ch,
      { auth = t:sign_channel(c.socket_id, ch, signed), channel_data = '{"user_id":"mallory"}' })
    local c2 = t:open()
    local ch2 = t:channel("presence-")
    check_refused(t, ps.clause("AUTH-7:data-missing"), "a presence subscribe without channel_data", c2, ch2,
      { auth = t:sign_channel(c2.socket_id, ch2, signed) })
    -- correctly signed, but the channel_data names no user: there is no member to add
    local c3 = t:open()
    local ch3 = t:channel("presence-")
    local no_id = '{"user_info":{"name":"nobody"}}'
    check_refused(t, ps.clause("AUTH-7:user-id-missing"), "signed channel_data without user_id " .. no_id, c3, ch3,
      { auth = t:sign_channel(c3.socket_id, ch3, no_id), channel_data = no_id })
  end,
}

scenario {
  id = "auth-encrypted-and-cache",
  title = "Encrypted and private cache channels need auth like private ones",
  rules = { "AUTH-8" },
  run = function(t)
    for _, case in ipairs {
      { "private-encrypted-", ps.clause("AUTH-8:encrypted-no-auth"), ps.clause("AUTH-8:encrypted-bad-signature") },
      { "private-cache-", ps.clause("AUTH-8:private-cache-no-auth"), ps.clause("AUTH-8:private-cache-bad-signature") },
    } do
      local prefix = case[1]
      local c = t:open()
      check_refused(t, case[2], prefix .. " without auth", c, t:channel(prefix), { auth = false })
      check_refused(t, case[3], prefix .. " with a wrong signature", t:open(),
        t:channel(prefix), { auth = t.app.key .. ":" .. ZERO_SIG })
    end
    local c = t:open()
    check_refused(t, ps.clause("AUTH-8:presence-cache-no-auth"), "presence-cache- without auth", c, t:channel("presence-cache-"),
      { auth = false, channel_data = '{"user_id":"u1"}' })
  end,
}
