-- SIGNIN: user authentication (RULES.md "SIGNIN — user authentication"), and
-- EVT-5, events sent to a signed-in user through #server-to-user-ID.
local scenario = ps.scenario

local SUCCESS = "pusher:signin_success"
local ZERO_SIG = string.rep("0", 64)

-- Sign-in needs an app that allows it. Servers that switch sign-in on per app
-- (soketi: enableUserAuthentication) offer one as the target profile
-- `user_authentication`; without that profile the main app is used.
local PROFILE = "user_authentication"
local function users_app(t)
  if t:profile(PROFILE) then return PROFILE end
  return nil
end
local function users_key(t)
  local p = t:profile(PROFILE)
  return p and (p.app or p).key or t.app.key
end
local function open(t) return (t:open { app = users_app(t) }) end

-- Send pusher:signin with user_data (an exact JSON string), signed for this
-- connection unless auth is given.
local function send_signin(t, c, user_data, auth)
  auth = auth or t:sign_user(c.socket_id, user_data, users_app(t))
  c:send { event = "pusher:signin", data = { auth = auth, user_data = user_data } }
end

-- The server's answer to a signin: signin_success or pusher:error (or nil, why).
local function answer(c, within)
  local m, why = c:expect(function(m) return m.event == SUCCESS or m.event == "pusher:error" end,
    { within = within or 3000 })
  if not m then why = why:gsub("a matching message", "pusher:signin_success or pusher:error") end
  return m, why
end

-- Sign c in as user id (user_data {"id": id}); stops the scenario if refused.
local function sign_in(t, rule, c, id)
  local user_data = ps.json.encode { id = id }
  send_signin(t, c, user_data)
  local m, why = answer(c)
  t:require(rule, m and m.event == SUCCESS, "pusher:signin_success for user " .. id, m or why)
  return m
end

-- Whether the server refused a signin on c, as ps.verify.refusal defines it:
-- a pusher:error or a close 4000-4399, and never signin_success. Returns ok (nil:
-- nothing observed), seen, and the close (nil while open) for SIGNIN-2's "possibly close 4009".
local function refused(c)
  local ok, seen, _, closed = ps.verify.await_refusal(c, { accept = { SUCCESS }, settle = 1000 })
  if ok and c:expect({ event = SUCCESS }, { within = 1 }) then return false, seen .. " and signin_success", closed end
  return ok, seen, closed
end

-- The positive control of a refusal check (ps.verify.control): a correctly
-- signed pusher:signin on a fresh connection gets signin_success (SIGNIN-1).
local function control(t)
  local c = open(t)
  local user_data = ps.json.encode { id = t:channel("") }
  send_signin(t, c, user_data)
  local m, why = answer(c)
  local ctl = ps.verify.control(t, "SIGNIN-1:success", m and m.event == SUCCESS,
    "pusher:signin_success for a correctly signed " .. user_data, m or why)
  c:release()
  return ctl
end

-- SIGNIN-3 asks only whether it is refused: any recognizable refusal
-- (ps.verify.refused); SIGNIN-2 judges the form of a refused signin.
local function refused_any(c)
  local ok, seen = ps.verify.await_refused(c, { accept = { SUCCESS }, settle = 1000 })
  return ok, seen
end

-- SIGNIN-2: a close after a refused signin carries 4009.
local function close_4009(t, what, closed)
  t:check("SIGNIN-2:close-4009", not closed or closed.code == 4009,
    "no close, or close 4009, after " .. what, closed and (closed.text or tostring(closed.code)))
end

scenario {
  id = "signin-success",
  title = "A valid pusher:signin yields pusher:signin_success carrying the user_data",
  rules = { "SIGNIN-1" },
  run = function(t)
    local c = open(t)
    local user_data = '{"id":"' .. t:channel("") .. '","user_info":{"name":"Ann \\u00c9"},"watchlist":[]}'
    send_signin(t, c, user_data)
    local m, why = answer(c)
    t:require("SIGNIN-1:success", m and m.event == SUCCESS, "pusher:signin_success after a valid pusher:signin",
      m or why)
    local got = type(m.payload) == "table" and m.payload.user_data
    t:check("SIGNIN-1:user-data", got == user_data, "data.user_data is the user_data sent: " .. user_data, m)
    -- the connection stays usable after signing in
    c:send { event = "pusher:ping", data = {} }
    local pong
    pong, why = c:expect { event = "pusher:pong" }
    t:check("SIGNIN-1:usable", pong ~= nil, "the signed-in connection still answers pusher:ping", pong or why)
  end,
}

scenario {
  id = "signin-bad-signature",
  title = "A pusher:signin with a bad signature is refused",
  rules = { "SIGNIN-2" },
  run = function(t)
    local ctl = control(t)
    local id = t:channel("")
    local user_data = ps.json.encode { id = id }
    local c1 = open(t)
    send_signin(t, c1, user_data, users_key(t) .. ":" .. ZERO_SIG)
    local ok, seen, closed = refused(c1)
    ps.verify.negative(t, ctl, "SIGNIN-2:zero-signature", ok, "an all-zero signature is refused (pusher:error, possibly close 4009)",
      seen)
    close_4009(t, "an all-zero signature", closed)
    local c2, other = open(t), open(t)
    send_signin(t, c2, user_data, t:sign_user(other.socket_id, user_data, users_app(t)))
    ok, seen, closed = refused(c2)
    ps.verify.negative(t, ctl, "SIGNIN-2:other-socket", ok, "a signature made for socket " .. other.socket_id .. " is refused", seen)
    close_4009(t, "a signature for another socket", closed)
    local c3 = open(t)
    send_signin(t, c3, ps.json.encode { id = id .. "-admin" }, t:sign_user(c3.socket_id, user_data, users_app(t)))
    ok, seen, closed = refused(c3)
    ps.verify.negative(t, ctl, "SIGNIN-2:changed-user-data", ok, "user_data changed after signing is refused", seen)
    close_4009(t, "changed user_data", closed)
    local c4 = open(t)
    local key = users_key(t)
    send_signin(t, c4, user_data, t:sign_user(c4.socket_id, user_data, { id = "x", key = key, secret = key .. "-wrong" }))
    ok, seen, closed = refused(c4)
    ps.verify.negative(t, ctl, "SIGNIN-2:other-secret", ok, "a signature made with another secret is refused", seen)
    close_4009(t, "a signature made with another secret", closed)
  end,
}

scenario {
  id = "signin-user-data-without-id",
  title = "A pusher:signin whose user_data has no id is refused",
  rules = { "SIGNIN-3" },
  run = function(t)
    local ctl = control(t)
    for _, k in ipairs { { ps.clause("SIGNIN-3:no-id"), '{"name":"nobody"}' },
      { ps.clause("SIGNIN-3:user-id-not-id"), '{"user_id":"' .. t:channel("") .. '"}' },
      { ps.clause("SIGNIN-3:not-object"), '["' .. t:channel("") .. '"]' } } do
      local c = open(t)
      send_signin(t, c, k[2])
      local ok, seen = refused_any(c)
      ps.verify.negative(t, ctl, k[1], ok, "correctly signed user_data " .. k[2] .. " is refused", seen)
    end
  end,
}

scenario {
  id = "signin-watchlist-over-100",
  title = "A watchlist over 100 ids gives signin_success plus pusher:error 4302",
  rules = { "SIGNIN-4" },
  run = function(t)
    local id = t:channel("")
    local watch = {}
    for i = 1, 101 do watch[i] = id .. "-w" .. i end
    local user_data = ps.json.encode { id = id, watchlist = ps.json.array(watch) }
    local c = open(t)
    send_signin(t, c, user_data)
    local m, why = c:expect({ event = SUCCESS }, { within = 3000 })
    t:check("SIGNIN-4:success", m ~= nil, "pusher:signin_success with a 101-id watchlist", m or why)
    local err
    err, why = c:expect({ event = "pusher:error" }, { within = 2000 })
    local code = err and type(err.payload) == "table" and err.payload.code
    t:check("SIGNIN-4:error-4302", code == 4302, "pusher:error with code 4302 (watchlist over 100)", err or why)
  end,
}

scenario {
  id = "signin-watchlist-events",
  title = "Watchlisted users coming online and going offline produce pusher_internal:watchlist_events",
  rules = { "SIGNIN-5" },
  run = function(t)
    local id = t:channel("")
    local friend = id .. "-friend"
    -- the watchlist_events announcing `state` ("online"/"offline") for friend
    local function about(state)
      return function(m)
        if m.event ~= "pusher_internal:watchlist_events" or type(m.payload) ~= "table" then return false end
        for _, e in ipairs(type(m.payload.events) == "table" and m.payload.events or {}) do
          if type(e) == "table" and e.name == state and type(e.user_ids) == "table" then
            for _, u in ipairs(e.user_ids) do
              if tostring(u) == friend then return true end
            end
          end
        end
        return false
      end
    end
    local watcher = open(t)
    send_signin(t, watcher, ps.json.encode { id = id .. "-watcher", watchlist = ps.json.array { friend } })
    local m, why = answer(watcher)
    t:require("SIGNIN-5", m and m.event == SUCCESS, "the watcher is signed in", m or why)
    local f = open(t)
    sign_in(t, "SIGNIN-5", f, friend)
    m, why = watcher:expect(about("online"), { within = 3000 })
    t:check("SIGNIN-5:online", m ~= nil, "pusher_internal:watchlist_events with an online event naming " .. friend,
      m or why:gsub("a matching message", "watchlist_events (online)"))
    f:close()
    m, why = watcher:expect(about("offline"), { within = 3000 })
    t:check("SIGNIN-5:offline", m ~= nil, "pusher_internal:watchlist_events with an offline event naming " .. friend ..
      " after it left", m or why:gsub("a matching message", "watchlist_events (offline)"))
  end,
}

scenario {
  id = "signin-terminate-connections",
  title = "POST /users/ID/terminate_connections closes every connection of that user",
  rules = { "SIGNIN-6" },
  run = function(t)
    local id = t:channel("")
    local a, b, bystander = open(t), open(t), open(t)
    sign_in(t, "SIGNIN-6", a, id)
    sign_in(t, "SIGNIN-6", b, id)
    sign_in(t, "SIGNIN-6", bystander, id .. "-other")
    local res = t:api("POST", "/users/" .. id .. "/terminate_connections", { body = {}, app = users_app(t) })
    -- the endpoint is HTTP-12's (which judges its status): without it SIGNIN-6 has nothing to judge
    local ctl = ps.verify.control(t, "HTTP-12:status-200", res.status >= 200 and res.status < 300,
      "POST /users/" .. id .. "/terminate_connections is accepted (2xx)",
      res.status == 0 and res.error or (res.status .. " " .. res.body))
    if not ctl.ok then
      t:unjudged("SIGNIN-6:all-closed", ps.verify.control_failure(ctl), "the user's connections are closed")
      return
    end
    for n, c in ipairs { a, b } do
      local closed, why = c:expect_close { within = 3000 }
      t:check("SIGNIN-6:all-closed", closed ~= nil, "connection " .. n .. " of user " .. id .. " is closed",
        closed or why)
    end
    bystander:send { event = "pusher:ping", data = {} }
    local pong, why = bystander:expect { event = "pusher:pong" }
    t:check("SIGNIN-6:others-open", pong ~= nil, "the connection of another user stays open", pong or why)
  end,
}

scenario {
  id = "signin-server-to-user",
  title = "An event sent to #server-to-user-ID reaches that user's signed-in connections only",
  rules = { "EVT-5" },
  run = function(t)
    local id = t:channel("")
    local other_id = id .. "-other"
    local a, b, other, anon = open(t), open(t), open(t), open(t)
    sign_in(t, "EVT-5", a, id)
    sign_in(t, "EVT-5", b, id)
    sign_in(t, "EVT-5", other, other_id)
    local pub = t:channel("pub-")
    anon:subscribe(pub)
    t:joined(anon, pub, "the anonymous connection")
    t:publish({ channel = "#server-to-user-" .. id, name = "personal", data = '{"for":"' .. id .. '"}' },
      { app = users_app(t) })
    for n, c in ipairs { a, b } do
      local m, why = c:expect { event = "personal" }
      t:check("EVT-5:user-gets-it", m and m.data == '{"for":"' .. id .. '"}',
        "connection " .. n .. " of user " .. id .. " gets the event with its data", m or why)
    end
    local quiet, leaked = other:expect_silence(1000, { event = "personal" })
    t:check("EVT-5:others-not", quiet, "the signed-in connection of user " .. other_id .. " does not get it", leaked)
    quiet, leaked = anon:expect_silence(200, { event = "personal" })
    t:check("EVT-5:others-not", quiet, "the anonymous connection does not get it", leaked)
    -- positive controls: both silent connections were listening
    t:publish({ channel = "#server-to-user-" .. other_id, name = "personal-other", data = "x" },
      { app = users_app(t) })
    local m, why = other:expect { event = "personal-other" }
    t:require("EVT-5:others-not", m, "user " .. other_id .. " gets an event sent to #server-to-user-" .. other_id, why)
    t:publish({ channel = pub, name = "control", data = "x" }, { app = users_app(t) })
    m, why = anon:expect { event = "control", channel = pub }
    t:require("EVT-5:others-not", m, "the anonymous connection gets a later event on " .. pub, why)
  end,
}
