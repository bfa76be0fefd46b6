-- PRES: presence channels (RULES.md "PRES — presence").
local scenario = ps.scenario

local MEMBER_ADDED = "pusher_internal:member_added"
local MEMBER_REMOVED = "pusher_internal:member_removed"

local same = ps.equal

-- Subscribe c to the presence channel ch as user_id (with user_info) and
-- wait for the answer: subscription_succeeded, or nil and why.
local function join(c, ch, user_id, user_info)
  c:subscribe(ch, { user = { user_id = user_id, user_info = user_info } })
  return c:subscribed(ch)
end

-- A pattern for a member event about user_id on ch (user_id compared as text).
local function member(event, ch, user_id)
  return function(m)
    return m.event == event and m.channel == ch and type(m.payload) == "table" and
      tostring(m.payload.user_id) == user_id
  end
end

-- The member event about user_id on ch that c receives, or nil and why.
local function expect_member(c, event, ch, user_id, within)
  local m, why = c:expect(member(event, ch, user_id), { within = within })
  if not m then why = why:gsub("a matching message", event .. " for " .. user_id) end
  return m, why
end

-- The codec's PRES-1 clauses (harness/core/presence.c): the shape of the presence
-- object and ids, hash and count agreeing with each other.
local CODEC_CLAUSES = {
  ps.clause("PRES-1:presence-object"), ps.clause("PRES-1:has-ids"), ps.clause("PRES-1:has-hash"),
  ps.clause("PRES-1:has-count"), ps.clause("PRES-1:count-matches-ids"), ps.clause("PRES-1:hash-matches-ids"),
}

-- What is wrong with members in presence p: nil when every {id, info} of the
-- list is in ids (and hash, with info when info is not nil). hash_needed: the
-- id must be a key of hash even without info.
local function members_problem(p, members, hash_needed)
  local listed = {}
  for _, id in ipairs(type(p.ids) == "table" and p.ids or {}) do listed[id] = true end
  local hash = type(p.hash) == "table" and p.hash or {}
  for _, mem in ipairs(members) do
    local id, info = mem[1], mem[2]
    if not listed[id] then return "member " .. id .. " is missing from presence.ids" end
    if hash_needed and hash[id] == nil then return "member " .. id .. " is missing from presence.hash" end
    if info ~= nil and not same(hash[id], info) then
      return "presence.hash[" .. id .. "] is " .. ps.json.encode(hash[id]) .. ", not " .. ps.json.encode(info)
    end
  end
  return nil
end

-- Checks each PRES-1 clause on the subscription_succeeded m of the member
-- members[#members] (the subscriber), when the channel has exactly `members`
-- (a list of {id, info}; info nil: not compared). what: names the moment.
local function check_presence(t, m, members, what)
  for _, name in ipairs(CODEC_CLAUSES) do
    local label = name:match(":(.+)$")
    local bad = {}
    for _, v in ipairs(m.violations or {}) do
      if v.rule == "PRES-1" and v.label == label then bad[#bad + 1] = v.text end
    end
    t:check(name, #bad == 0, "presence data without a " .. label .. " violation (" .. what .. ")",
      #bad > 0 and (table.concat(bad, "; ") .. " in " .. m.raw) or m)
  end
  local p = type(m.payload) == "table" and type(m.payload.presence) == "table" and m.payload.presence or {}
  local bad = members_problem(p, { members[#members] }, true)
  t:check("PRES-1:includes-subscriber", not bad, "the subscriber " .. members[#members][1] ..
    " in presence.ids and presence.hash (" .. what .. ")", bad and (bad .. " in " .. m.raw) or m)
  bad = members_problem(p, members, false)
  if not bad and p.count ~= #members then
    bad = "presence.count is " .. tostring(p.count) .. " but the channel has " .. #members .. " members"
  end
  t:check("PRES-1:lists-members", not bad, "presence lists exactly the " .. #members .. " member(s), count " ..
    #members .. " (" .. what .. ")", bad and (bad .. " in " .. m.raw) or m)
end

scenario {
  id = "pres-subscription-members",
  title = "Presence subscription_succeeded lists the members, subscriber included, in consistent ids, hash, count",
  rules = { "PRES-1" },
  run = function(t)
    local ch = t:channel("presence-")
    local uid = t:channel("")
    local a, b = t:open(), t:open()
    local ia, ib = { name = "Ann", tags = { "x", "y" } }, { name = "Bob", age = 7 }
    local m, why = join(a, ch, uid .. "-a", ia)
    t:require("PRES-1:includes-subscriber", m, "subscription_succeeded for the first member", why)
    check_presence(t, m, { { uid .. "-a", ia } }, "the first member")
    m, why = join(b, ch, uid .. "-b", ib)
    t:require("PRES-1:includes-subscriber", m, "subscription_succeeded for the second member", why)
    check_presence(t, m, { { uid .. "-a", ia }, { uid .. "-b", ib } }, "the second member")
  end,
}

-- The JSON text a decoded message carried for key (an id in presence.hash, or
-- user_info): "object", "array" or "other". Decoding maps {} and [] both to an
-- empty table, so the text is read.
local function empty_kind(text, key)
  if type(text) ~= "string" then return "other" end
  local pat = '"' .. key:gsub("%p", "%%%0") .. '"%s*:%s*([%[{])%s*([%]}])'
  local open, close = text:match(pat)
  if open == "{" and close == "}" then return "object" end
  if open == "[" and close == "]" then return "array" end
  return "other"
end

scenario {
  id = "pres-empty-user-info",
  title = "A member who joined with user_info {} gets it back as an object, not [], in hash and member_added",
  rules = { "PRES-1", "PRES-2" },
  run = function(t)
    local ch = t:channel("presence-")
    local uid = t:channel("")
    local a, b = t:open(), t:open()
    local ua, ub = uid .. "-a", uid .. "-b"
    a:subscribe(ch, { channel_data = '{"user_id":"' .. ua .. '","user_info":{}}' })
    local m, why = a:subscribed(ch)
    t:require("PRES-1:info-empty-object", m, "subscription_succeeded for a member with user_info {}", why)
    local text = type(m.data) == "string" and m.data or m.raw
    t:check("PRES-1:info-empty-object", empty_kind(text, ua) == "object", "presence.hash[" .. ua .. "] is the object {} it joined with",
      m.raw)
    b:subscribe(ch, { channel_data = '{"user_id":"' .. ub .. '","user_info":{}}' })
    t:joined(b, ch, "the second member")
    local added, why2 = expect_member(a, MEMBER_ADDED, ch, ub)
    t:require("PRES-2:added-sent", added, "member_added for " .. ub, why2)
    local atext = type(added.data) == "string" and added.data or added.raw
    t:check("PRES-2:added-user-info", empty_kind(atext, "user_info") == "object", "member_added with user_info {} as an object",
      added.raw)
  end,
}

scenario {
  id = "pres-member-without-user-info",
  title = "A member who joined without user_info still appears consistently in ids, hash and count",
  rules = { "PRES-1", "PRES-2" },
  run = function(t)
    local ch = t:channel("presence-")
    local uid = t:channel("")
    local a, b = t:open(), t:open()
    a:subscribe(ch, { user = { user_id = uid .. "-plain" } })
    local m, why = a:subscribed(ch)
    t:require("PRES-1:includes-subscriber", m, "subscription_succeeded for a member without user_info", why)
    check_presence(t, m, { { uid .. "-plain" } }, "a member without user_info")
    local text = type(m.data) == "string" and m.data or m.raw
    t:check("PRES-1:info-absent-not-array", empty_kind(text, uid .. "-plain") ~= "array",
      "presence.hash[" .. uid .. "-plain] (no user_info sent) is not []", m.raw)
    m, why = join(b, ch, uid .. "-info", { n = 1 })
    t:require("PRES-1:includes-subscriber", m, "subscription_succeeded for the second member", why)
    check_presence(t, m, { { uid .. "-plain" }, { uid .. "-info", { n = 1 } } }, "the second member, after one without user_info")
    -- member_added for a member without user_info: user_info absent, null or an object, never []
    local c = t:open()
    c:subscribe(ch, { user = { user_id = uid .. "-bare" } })
    t:joined(c, ch, "the third member (no user_info)")
    local added, why2 = expect_member(a, MEMBER_ADDED, ch, uid .. "-bare")
    t:check("PRES-2:added-sent", added ~= nil, "member_added for " .. uid .. "-bare", added or why2)
    if added then
      local atext = type(added.data) == "string" and added.data or added.raw
      t:check("PRES-2:added-user-info", empty_kind(atext, "user_info") ~= "array",
        "member_added for a member without user_info has no user_info [] (absent, null or an object)", added.raw)
    end
  end,
}

scenario {
  id = "pres-member-added",
  title = "Existing members get member_added with user_id and user_info; the joiner gets none for itself",
  rules = { "PRES-2" },
  run = function(t)
    local ch = t:channel("presence-")
    local uid = t:channel("")
    local ua, ub, uc = uid .. "-a", uid .. "-b", uid .. "-c"
    local a, b, c = t:open(), t:open(), t:open()
    t:require("PRES-2:added-sent", join(a, ch, ua, { name = "A" }), "the first member is subscribed")
    local info = { name = "Bee", langs = { "en", "fr" } }
    local m, why = join(b, ch, ub, info)
    t:require("PRES-2:added-sent", m, "the second member is subscribed", why)
    -- the member_added b's joining caused (one about ua itself is none-for-self's, judged below)
    local added = a:expect(function(x)
      return x.event == MEMBER_ADDED and x.channel == ch and not (type(x.payload) == "table" and x.payload.user_id == ua)
    end)
    t:check("PRES-2:added-sent", added ~= nil, "member_added on " .. ch .. " when " .. ub .. " joins",
      added or "no member_added")
    local uid_seen = added and type(added.payload) == "table" and added.payload.user_id
    t:check("PRES-2:added-user-id", added and tostring(uid_seen) == ub and type(uid_seen) == "string",
      "member_added with user_id \"" .. ub .. "\" (the string it joined with)", added or "no member_added")
    t:check("PRES-2:added-user-info", added and same(added.payload.user_info, info),
      "member_added with user_info " .. ps.json.encode(info), added or "no member_added")
    local quiet, own = b:expect_silence(1000, member(MEMBER_ADDED, ch, ub))
    t:check("PRES-2:none-for-self", quiet, "no member_added for " .. ub .. " sent to " .. ub .. " itself", own)
    -- positive control: the joiner's connection does get member_added for a later member
    t:require("PRES-2:added-sent", join(c, ch, uc, { name = "C" }), "the third member is subscribed")
    added, why = expect_member(b, MEMBER_ADDED, ch, uc)
    t:check("PRES-2:added-sent", added ~= nil, "the second member gets member_added for the third", why)
    added, why = expect_member(a, MEMBER_ADDED, ch, uc)
    t:check("PRES-2:added-sent", added ~= nil, "the first member gets member_added for the third", why)
    quiet, own = a:expect_silence(100, member(MEMBER_ADDED, ch, ua))
    t:check("PRES-2:none-for-self", quiet, "no member_added for " .. ua .. " sent to " .. ua .. " itself", own)
    quiet, own = c:expect_silence(500, member(MEMBER_ADDED, ch, uc))
    t:check("PRES-2:none-for-self", quiet, "no member_added for " .. uc .. " sent to " .. uc .. " itself", own)
  end,
}

scenario {
  id = "pres-same-user-two-connections",
  title = "One user on two connections counts once: member_added for the first, member_removed after the last",
  rules = { "PRES-3" },
  run = function(t)
    local ch = t:channel("presence-")
    local uid = t:channel("")
    local uo, uu = uid .. "-observer", uid .. "-twice"
    local o, u1, u2 = t:open(), t:open(), t:open()
    t:require("PRES-3:added-once", join(o, ch, uo, { role = "observer" }), "the observer is subscribed")
    t:require("PRES-3:added-once", join(u1, ch, uu, { role = "twice" }), "the user's first connection is subscribed")
    local m, why = expect_member(o, MEMBER_ADDED, ch, uu)
    t:require("PRES-3:added-once", m, "member_added for " .. uu .. " after its first connection joined", why)
    m, why = join(u2, ch, uu, { role = "twice" })
    t:require("PRES-3:counted-once", m, "the user's second connection is subscribed", why)
    local p = type(m.payload) == "table" and type(m.payload.presence) == "table" and m.payload.presence or {}
    local times = 0
    for _, id in ipairs(type(p.ids) == "table" and p.ids or {}) do
      if id == uu then times = times + 1 end
    end
    t:check("PRES-3:counted-once", p.count == 2 and times == 1,
      "presence.count 2 and " .. uu .. " once in presence.ids for the user's second connection", m)
    local quiet, extra = o:expect_silence(1000, member(MEMBER_ADDED, ch, uu))
    t:check("PRES-3:added-once", quiet, "no second member_added for " .. uu .. " when its second connection joins", extra)
    u1:unsubscribe(ch)
    quiet, extra = o:expect_silence(1000, member(MEMBER_REMOVED, ch, uu))
    t:check("PRES-3:removed-after-last", quiet, "no member_removed while " .. uu .. " is still subscribed on another connection", extra)
    u2:close()
    m, why = expect_member(o, MEMBER_REMOVED, ch, uu)
    t:check("PRES-3:removed-after-last", m ~= nil, "member_removed for " .. uu .. " once its last connection left", m or why)
  end,
}

scenario {
  id = "pres-member-removed",
  title = "member_removed follows an unsubscribe and a disconnect",
  rules = { "PRES-4" },
  run = function(t)
    local ch = t:channel("presence-")
    local uid = t:channel("")
    local uo, ua, ub = uid .. "-observer", uid .. "-unsub", uid .. "-disconnect"
    local o, a, b = t:open(), t:open(), t:open()
    t:require("PRES-4:after-unsubscribe", join(o, ch, uo, { n = 0 }), "the observer is subscribed")
    t:require("PRES-4:after-unsubscribe", join(a, ch, ua, { n = 1 }), "the member who will unsubscribe is subscribed")
    t:require("PRES-4:after-disconnect", join(b, ch, ub, { n = 2 }), "the member who will disconnect is subscribed")
    for _, u in ipairs { ua, ub } do
      local m, why = expect_member(o, MEMBER_ADDED, ch, u)
      t:require("PRES-4:after-unsubscribe", m, "member_added for " .. u, why)
    end
    a:unsubscribe(ch)
    local m, why = expect_member(o, MEMBER_REMOVED, ch, ua)
    t:check("PRES-4:after-unsubscribe", m ~= nil, "member_removed on " .. ch .. " for " .. ua .. " after pusher:unsubscribe", m or why)
    b:close()
    m, why = expect_member(o, MEMBER_REMOVED, ch, ub)
    t:check("PRES-4:after-disconnect", m ~= nil, "member_removed on " .. ch .. " for " .. ub .. " after its connection closed", m or why)
  end,
}

scenario {
  id = "pres-member-limit",
  title = "A presence channel over the app's member limit refuses one more member",
  rules = { "PRES-5" },
  profile = "presence_limit",
  run = function(t)
    local limit = t:profile("presence_limit").members or 100
    local ch = t:channel("presence-")
    local uid = t:channel("")
    t:subscribers("PRES-5", ch, limit, { app = "presence_limit",
      user = function(i) return { user_id = uid .. "-" .. i, user_info = { i = i } } end })
    local extra = t:open { app = "presence_limit" }
    extra:subscribe(ch, { user = { user_id = uid .. "-over", user_info = { i = limit + 1 } } })
    -- the control: the limit's members were all accepted (t:subscribers); any recognizable refusal
    -- counts here (ps.verify.refused), AUTH-1 and CONN-10 judge the form
    local refused, seen = ps.verify.await_refused(extra, { channel = ch })
    t:judge("PRES-5:over-limit-refused", refused, "member " .. (limit + 1) .. " (over the limit of " .. limit ..
      ") is refused (no subscription_succeeded)", seen)
  end,
}
