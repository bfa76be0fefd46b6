-- HTTP: the HTTP API and its request signing (RULES.md "HTTP — HTTP API").
local scenario = ps.scenario

local function event_body(t)
  return { name = "http-check", channels = ps.json.array { t:channel("pub-") }, data = "{}" }
end

local function status_text(res)
  return res.status == 0 and res.error or (res.status .. " " .. res.body)
end

-- Positive controls (ps.verify.control): before a check that a request is
-- refused, the same request correctly signed must be accepted in the scenario,
-- else the refusal proves nothing (a server that refuses every request) and
-- the negative check is an error naming the control's rule.
local function post_control(t)
  local res = t:api("POST", "/events", { body = event_body(t) })
  return ps.verify.control(t, "HTTP-1:status-200", res.status >= 200 and res.status < 300,
    "a correctly signed POST /events is accepted (2xx)", status_text(res))
end
local function get_control(t, path, query)
  local res = t:api("GET", path or "/channels", { query = query })
  return ps.verify.control(t, "HTTP-9:list", res.status == 200,
    "a correctly signed GET " .. (path or "/channels") .. " answers 200", status_text(res))
end
local negative = ps.verify.negative

-- Another app's key from the target's profiles (in name order), or a made-up one.
local function other_app_key(t)
  local names = {}
  for name in pairs(t.target.profiles) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local p = t.target.profiles[name]
    local app = p.app or p
    if type(app) == "table" and app.key and app.key ~= t.app.key then return app.key end
  end
  return "some-other-app-key"
end

scenario {
  id = "http-trigger-ok",
  title = "A correctly signed POST /events returns 200 with a JSON object",
  rules = { "HTTP-1" },
  run = function(t)
    local res = t:api("POST", "/events", { body = event_body(t) })
    t:check("HTTP-1:status-200", res.status == 200, "HTTP 200 (channels list, a channel nobody is subscribed to)",
      status_text(res))
    t:check("HTTP-1:json-object", type(res.json) == "table" and res.body:match("^%s*{") ~= nil,
      "a JSON object body", res.body)
    -- the body's other form: one channel as a string
    local one = t:api("POST", "/events", { body = { name = "http-check", channel = t:channel("pub-"), data = "{}" } })
    t:check("HTTP-1:channel-string", one.status == 200 and type(one.json) == "table" and
      one.body:match("^%s*{") ~= nil, "HTTP 200 with a JSON object for the one-string channel form",
      status_text(one))
  end,
}

-- HTTP-1 covers both body forms a correct trigger may take (HSDK-2: `channels`
-- a list or `channel` one string): each is answered 200 with a JSON object,
-- and is published (a 200 that drops the event did not accept it). Set-up
-- triggers elsewhere use the form that works (t:publish): only this judges both.
scenario {
  id = "http-trigger-body-forms",
  title = "A trigger in either body form (channels list, channel string) returns 200 and is published",
  rules = { "HTTP-1" },
  run = function(t)
    local ch = t:channel("pub-")
    local c = t:subscribers("HTTP-1", ch)[1]
    for _, form in ipairs { "channels", "channel" } do
      local ev = { name = "form-" .. form, data = "{}" }
      if form == "channels" then ev.channels = { ch } else ev.channel = ch end
      local r = t:trigger(ev)
      local ok, why = ps.verify.trigger_answer(r)
      t:check(form == "channel" and "HTTP-1:channel-string" or "HTTP-1:status-200", ok,
        "HTTP 200 with a JSON object body for the `" .. form .. "` body form", why)
      local m, why2 = c:expect({ event = "form-" .. form, channel = ch }, { within = 3000 })
      t:check("HTTP-1:form-published", m ~= nil, "the event triggered with the `" .. form .. "` body form is published on " .. ch,
        m or why2)
    end
  end,
}

scenario {
  id = "http-wrong-signature",
  title = "A wrong signature returns 401",
  rules = { "HTTP-2" },
  run = function(t)
    local ctl = post_control(t)
    local res = t:api("POST", "/events", { body = event_body(t), tamper = function(q)
      return (q:gsub("auth_signature=%x+", "auth_signature=" .. string.rep("ab", 32)))
    end })
    negative(t, ctl, ps.clause("HTTP-2:tampered-signature"), res.status == 401, "HTTP 401 for an auth_signature replaced by abab...",
      status_text(res))
    local other = t:api("POST", "/events", { body = event_body(t), app = {
      id = t.app.id, key = t.app.key, secret = t.app.secret .. "-wrong" } })
    negative(t, ctl, ps.clause("HTTP-2:wrong-secret"), other.status == 401, "HTTP 401 for a request signed with another secret",
      status_text(other))
    local changed = t:api("POST", "/events", { body = event_body(t), tamper = function(q)
      return (q:gsub("auth_timestamp=(%d+)", function(ts) return "auth_timestamp=" .. (tonumber(ts) + 1) end))
    end })
    negative(t, ctl, ps.clause("HTTP-2:param-changed"), changed.status == 401, "HTTP 401 for auth_timestamp changed by 1 after signing",
      status_text(changed))
    -- auth_key is the app's key (Facts): another key, signed with the app's secret, is a wrong signature
    for _, key in ipairs { "no-such-key-" .. t:channel(""), other_app_key(t) } do
      local res2 = t:api("POST", "/events", { body = event_body(t), app = { id = t.app.id, key = key, secret = t.app.secret } })
      negative(t, ctl, ps.clause("HTTP-2:other-auth-key"), res2.status == 401,
        "HTTP 401 for auth_key=" .. key .. " (not the app's key), signed with the app's secret", status_text(res2))
    end
    local gctl = get_control(t)
    local get = t:api("GET", "/channels", { tamper = function(q)
      return (q:gsub("auth_signature=%x+", "auth_signature=" .. string.rep("ab", 32)))
    end })
    negative(t, gctl, ps.clause("HTTP-2:get-request"), get.status == 401, "HTTP 401 for GET /channels with a wrong signature",
      status_text(get))
  end,
}

scenario {
  id = "http-missing-auth",
  title = "Missing auth parameters return 401 (or 400)",
  rules = { "HTTP-3" },
  run = function(t)
    local ctl = post_control(t)
    local none = t:api("POST", "/events", { body = event_body(t), sign = false })
    negative(t, ctl, ps.clause("HTTP-3:none"), none.status == 401 or none.status == 400, "401 or 400 with no auth parameters",
      status_text(none))
    for _, k in ipairs { { "auth_signature", ps.clause("HTTP-3:no-auth-signature") }, { "auth_key", ps.clause("HTTP-3:no-auth-key") },
      { "auth_timestamp", ps.clause("HTTP-3:no-auth-timestamp") }, { "auth_version", ps.clause("HTTP-3:no-auth-version") } } do
      local res = t:api("POST", "/events", { body = event_body(t), tamper = function(q)
        return (q:gsub(k[1] .. "=[^&]*&?", ""):gsub("&$", ""))
      end })
      negative(t, ctl, k[2], res.status == 401 or res.status == 400, "401 or 400 without " .. k[1], status_text(res))
    end
    -- signed over every other parameter: only body_md5 is missing
    local nomd5 = t:api("POST", "/events", { body = event_body(t), sign_body = "" })
    negative(t, ctl, ps.clause("HTTP-3:no-body-md5"), nomd5.status == 401 or nomd5.status == 400,
      "401 or 400 for a body sent without body_md5 (the rest correctly signed)", status_text(nomd5))
  end,
}

scenario {
  id = "http-stale-timestamp",
  title = "auth_timestamp more than 600 s off returns 401",
  rules = { "HTTP-4" },
  run = function(t)
    local ctl = post_control(t)
    for _, skew in ipairs { -1000, 1000 } do
      local res = t:api("POST", "/events", { body = event_body(t), timestamp = ps.wall() + skew })
      negative(t, ctl, skew < 0 and ps.clause("HTTP-4:past") or ps.clause("HTTP-4:future"), res.status == 401,
        string.format("HTTP 401 for a timestamp %+d s off", skew), status_text(res))
    end
  end,
}

scenario {
  id = "http-body-md5",
  title = "A body_md5 that does not match the body returns 401 (or 400)",
  rules = { "HTTP-5" },
  run = function(t)
    local sent = event_body(t)
    local signed = event_body(t)
    signed.name = "another-name"
    local ctl = post_control(t)
    local res = t:api("POST", "/events", { body = sent, sign_body = signed })
    negative(t, ctl, ps.clause("HTTP-5:events"), res.status == 401 or res.status == 400,
      "401 or 400 when body_md5 (correctly signed) is the MD5 of another body", status_text(res))
    local ch = t:channel("pub-")
    -- the batch endpoint is HTTP-8's: a server without one errs this check, naming HTTP-8
    local good = t:api("POST", "/batch_events", { body = { batch = { { channel = ch, name = "b", data = "0" } } } })
    local bctl = ps.verify.control(t, "HTTP-8:ten-ok", good.status >= 200 and good.status < 300,
      "a correctly signed POST /batch_events is accepted (2xx)", status_text(good))
    local batch = t:api("POST", "/batch_events", { body = { batch = { { channel = ch, name = "b", data = "1" } } },
      sign_body = { batch = { { channel = ch, name = "b", data = "2" } } } })
    negative(t, bctl, ps.clause("HTTP-5:batch"), batch.status == 401 or batch.status == 400,
      "401 or 400 when the body_md5 of POST /batch_events is the MD5 of another batch", status_text(batch))
  end,
}

scenario {
  id = "http-malformed-json",
  title = "A malformed JSON body returns 400",
  rules = { "HTTP-6" },
  run = function(t)
    local ctl = post_control(t)
    for _, body in ipairs { '{"name":"x","channels":["a"],"data":"{}"', "not json", "[1,2" } do
      local res = t:api("POST", "/events", { body = body })
      negative(t, ctl, ps.clause("HTTP-6:events"), res.status == 400, "HTTP 400 for body " .. body, status_text(res))
    end
  end,
}

scenario {
  id = "http-trigger-limits",
  title = "Too many channels, a long event name or a bad channel name return 400; oversized data 413",
  rules = { "HTTP-7" },
  run = function(t)
    local many = {}
    for i = 1, 101 do many[i] = t:channel("pub-") end
    local long = "pub-" .. string.rep("c", 161)
    -- the `channels` form: the `channel` form is HTTP-1's (http-trigger-body-forms)
    local cases = {
      { ps.clause("HTTP-7:channels-over-100"), { name = "x", channels = many, data = "{}" }, 400, "101 channels" },
      { ps.clause("HTTP-7:event-name-over-200"), { name = string.rep("e", 201), channels = ps.json.array { t:channel("pub-") }, data = "{}" }, 400,
        "a 201-character event name" },
      { ps.clause("HTTP-7:bad-channel-name"), { name = "x", channels = ps.json.array { "bad channel!" }, data = "{}" }, 400,
        "channels ['bad channel!']" },
      { ps.clause("HTTP-7:channel-name-over-164"), { name = "x", channels = ps.json.array { long }, data = "{}" }, 400,
        "a 165-character channel name" },
    }
    local limit = t.target.limits.max_payload or 10240
    cases[#cases + 1] = { ps.clause("HTTP-7:data-too-large"),
      { name = "x", channels = ps.json.array { t:channel("pub-") }, data = string.rep("d", limit + 1) }, 413,
      string.format("data of %d bytes (limit %d)", limit + 1, limit) }
    local ctl = post_control(t)
    for _, case in ipairs(cases) do
      local res = t:api("POST", "/events", { body = case[2] })
      negative(t, ctl, case[1], res.status == case[3], string.format("HTTP %d for %s", case[3], case[4]), status_text(res))
    end
  end,
}

scenario {
  id = "http-batch-limit",
  title = "batch_events with up to 10 events returns 200; more returns 400",
  rules = { "HTTP-8" },
  run = function(t)
    local function batch(n)
      local b = {}
      for i = 1, n do b[i] = { channel = t:channel("pub-"), name = "b", data = tostring(i) } end
      return { batch = b }
    end
    local ten = t:api("POST", "/batch_events", { body = batch(10) })
    t:check("HTTP-8:ten-ok", ten.status == 200, "HTTP 200 for 10 events", status_text(ten))
    local eleven = t:api("POST", "/batch_events", { body = batch(11) })
    t:check("HTTP-8:eleven-400", eleven.status == 400, "HTTP 400 for 11 events", status_text(eleven))
  end,
}

-- A presence channel with the given users, each on its own connection.
local function populate(t, rule, ch, users)
  local conns = {}
  for i, u in ipairs(users) do
    conns[i] = t:open()
    conns[i]:subscribe(ch, { user = { user_id = u } })
    t:joined(conns[i], ch, "the connection of " .. u)
  end
  return conns
end

scenario {
  id = "http-channels-list",
  title = "GET /channels lists the occupied channels and no other, honours filter_by_prefix and info=user_count",
  rules = { "HTTP-9" },
  run = function(t)
    local pres, pub = t:channel("presence-"), t:channel("pub-")
    populate(t, "HTTP-9", pres, { "u1", "u2" })
    local c = t:open()
    c:subscribe(pub)
    t:joined(c, pub, "the connection")
    -- never occupied: an event was triggered on it, nobody subscribed
    local never = t:channel("pub-")
    t:publish({ channel = never, name = "nobody-listens", data = "1" }, nil, "check")
    -- occupied, then vacated: subscribed, then the connection closed
    local vacated = t:channel("pub-")
    local v = t:open()
    v:subscribe(vacated)
    t:joined(v, vacated, "the connection that leaves")
    v:close()
    local all, chans
    for _ = 1, 10 do   -- the server learns of the close a little later
      all = t:api("GET", "/channels")
      chans = all.json and all.json.channels
      if type(chans) ~= "table" or chans[vacated] == nil then break end
      t:sleep(300)
    end
    local listed = all.status == 200 and type(chans) == "table" and chans[pres] ~= nil and chans[pub] ~= nil
    t:check("HTTP-9:list", listed, "200 with channels listing " .. pres .. " and " .. pub, status_text(all))
    -- judged only when the occupied ones are listed (the positive control)
    local ctl = ps.verify.control(t, "HTTP-9:list", listed, "the occupied channels listed", status_text(all))
    negative(t, ctl, ps.clause("HTTP-9:only-occupied"), type(chans) == "table" and chans[never] == nil and chans[vacated] == nil,
      "neither " .. never .. " (never subscribed) nor " .. vacated .. " (vacated 3 s before) listed", status_text(all))
    local prefixed = t:api("GET", "/channels", { query = { filter_by_prefix = "presence-" } })
    chans = prefixed.json and prefixed.json.channels
    t:check("HTTP-9:filter", prefixed.status == 200 and type(chans) == "table" and chans[pub] == nil and
      chans[pres] ~= nil, "filter_by_prefix=presence-: " .. pres .. " listed, " .. pub .. " not",
      status_text(prefixed))
    local filtered = t:api("GET", "/channels", { query = { filter_by_prefix = "presence-", info = "user_count" } })
    chans = filtered.json and filtered.json.channels
    t:check("HTTP-9:user-count", filtered.status == 200 and type(chans) == "table" and chans[pub] == nil and
      type(chans[pres]) == "table" and chans[pres].user_count == 2,
      "only presence- channels, " .. pres .. " with user_count 2", status_text(filtered))
    local uctl = ps.verify.control(t, "HTTP-9:user-count", filtered.status == 200,
      "GET /channels?filter_by_prefix=presence-&info=user_count answers 200", status_text(filtered))
    local bad = t:api("GET", "/channels", { query = { filter_by_prefix = "pub-", info = "user_count" } })
    negative(t, uctl, ps.clause("HTTP-9:user-count-non-presence"), bad.status == 400,
      "400 for info=user_count with filter_by_prefix=pub-", status_text(bad))
    local unfiltered = t:api("GET", "/channels", { query = { info = "user_count" } })
    negative(t, uctl, ps.clause("HTTP-9:user-count-unfiltered"), unfiltered.status == 400,
      "400 for info=user_count without filter_by_prefix=presence-", status_text(unfiltered))
  end,
}

scenario {
  id = "http-channel-info",
  title = "GET /channels/NAME reports occupied, subscription_count and user_count as they are",
  rules = { "HTTP-10" },
  run = function(t)
    local pres = t:channel("presence-")
    local conns = populate(t, "HTTP-10", pres, { "a", "b", "a" })
    local res = t:api("GET", "/channels/" .. pres, { query = { info = "user_count,subscription_count" } })
    local j = res.json or {}
    t:check("HTTP-10:occupied", res.status == 200 and j.occupied == true, "200 with occupied true", status_text(res))
    t:check("HTTP-10:user-count", j.user_count == 2, "user_count 2 (users a, b)", status_text(res))
    t:check("HTTP-10:subscription-count", j.subscription_count == 3,
      "subscription_count 3 (three connections; info asked for it)", status_text(res))
    local empty = t:api("GET", "/channels/" .. t:channel("pub-"))
    t:check("HTTP-10:unoccupied", empty.status == 200 and empty.json and empty.json.occupied == false,
      "200 with occupied false for an empty channel", status_text(empty))
    for _, c in ipairs(conns) do c:close() end
    local left
    for _ = 1, 10 do   -- the server learns of the closes a little later
      t:sleep(300)
      left = t:api("GET", "/channels/" .. pres)
      if left.json and left.json.occupied == false then break end
    end
    t:check("HTTP-10:after-leave", left.status == 200 and left.json and left.json.occupied == false,
      "200 with occupied false within 3 s of its three connections closing", status_text(left))
  end,
}

scenario {
  id = "http-channel-users",
  title = "GET /channels/NAME/users lists the present users; 400 for a non-presence channel",
  rules = { "HTTP-11" },
  run = function(t)
    local pres = t:channel("presence-")
    populate(t, "HTTP-11", pres, { "alice", "bob", "alice" })
    local res = t:api("GET", "/channels/" .. pres .. "/users")
    local ids, distinct, seen = {}, {}, {}
    for _, u in ipairs(res.json and res.json.users or {}) do
      local id = tostring(type(u) == "table" and u.id)
      ids[#ids + 1] = id
      if not seen[id] then seen[id], distinct[#distinct + 1] = true, id end
    end
    table.sort(distinct)
    t:check("HTTP-11:users", res.status == 200 and table.concat(distinct, ",") == "alice,bob",
      "200 with users alice, bob", status_text(res))
    t:check("HTTP-11:users-once", #ids == 2, "alice (on two connections) and bob listed once each: 2 entries",
      status_text(res))
    local uctl = ps.verify.control(t, "HTTP-11:users", res.status == 200, "GET /channels/" .. pres .. "/users answers 200",
      status_text(res))
    local bad = t:api("GET", "/channels/" .. t:channel("pub-") .. "/users")
    negative(t, uctl, ps.clause("HTTP-11:non-presence"), bad.status == 400, "400 for a public channel", status_text(bad))
  end,
}

scenario {
  id = "http-terminate-connections",
  title = "POST /users/ID/terminate_connections returns 200",
  rules = { "HTTP-12" },
  run = function(t)
    local res = t:api("POST", "/users/nobody-" .. t:channel("") .. "/terminate_connections", { body = {} })
    t:check("HTTP-12:status-200", res.status == 200, "HTTP 200", status_text(res))
  end,
}

scenario {
  id = "http-unknown-app",
  title = "An unknown app id returns 4xx",
  rules = { "HTTP-13" },
  run = function(t)
    local ctl = post_control(t)
    local res = t:api("POST", "/apps/no-such-app-" .. t:channel("") .. "/events", { body = event_body(t) })
    negative(t, ctl, ps.clause("HTTP-13:post"), res.status >= 400 and res.status < 500, "HTTP 4xx for POST /events", status_text(res))
    local gctl = get_control(t)
    local get = t:api("GET", "/apps/no-such-app-" .. t:channel("") .. "/channels")
    negative(t, gctl, ps.clause("HTTP-13:get"), get.status >= 400 and get.status < 500, "HTTP 4xx for GET /channels", status_text(get))
  end,
}

scenario {
  id = "http-trigger-info",
  title = "A trigger with info=subscription_count,user_count returns the channels' info",
  rules = { "HTTP-14" },
  run = function(t)
    local pres = t:channel("presence-")
    populate(t, "HTTP-14", pres, { "x" })
    local res = t:trigger { channels = { pres }, name = "with-info", data = "{}", info = "subscription_count,user_count" }
    local info = res.json and res.json.channels and res.json.channels[pres]
    t:check("HTTP-14:user-count", res.status == 200 and type(info) == "table" and info.user_count == 1,
      "200 with channels[" .. pres .. "].user_count = 1", status_text(res))
    t:check("HTTP-14:subscription-count", res.status == 200 and type(info) == "table" and
      info.subscription_count == 1, "200 with channels[" .. pres .. "].subscription_count = 1", status_text(res))
  end,
}
