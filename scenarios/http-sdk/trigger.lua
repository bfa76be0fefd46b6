-- HSDK-1..3: what the HTTP SDK sends when it publishes (RULES.md "HSDK").
-- The fake API answers every request; the checks read the request log.
local scenario = ps.scenario

local SIGNED = "HSDK-1"

-- Every request the SDK sent, as "METHOD PATH BODY" (for Actual).
local function sent(t)
  local out = {}
  for _, r in ipairs(t:api_requests()) do out[#out + 1] = r.method .. " " .. r.path .. " " .. r.body end
  return #out > 0 and table.concat(out, " | ") or "no request"
end

-- The rules here judge the request sent, not the call's return value (an SDK
-- may fail to read a good answer, or return nothing): a failed call is only
-- logged, and shown when the request is missing.
local function called(t, what, res, err)
  if res == nil then t:log(what .. " failed: " .. tostring(err)) return " (" .. what .. " failed: " .. tostring(err) .. ")" end
  return ""
end

-- The one request of this scenario to path, or the scenario stops.
local function the_request(t, rule, path, note)
  local log = t:api_requests()
  local want = "/apps/" .. t.app.id .. path
  t:require(rule == "HSDK-3" and "HSDK-3:post-json" or "HSDK-2:post-json", #log == 1 and log[1].path == want,
    "one request to " .. want, sent(t) .. (note or ""))
  local req = log[1]
  t:check(rule == "HSDK-3" and "HSDK-3:post-json" or "HSDK-2:post-json", req.method == "POST", "method POST", req.method)
  t:check(rule == "HSDK-3" and "HSDK-3:post-json" or "HSDK-2:post-json", req.content_type:match("^application/json") ~= nil, "Content-Type application/json",
    req.content_type)
  t:require(rule == "HSDK-3" and "HSDK-3:post-json" or "HSDK-2:post-json", type(req.json) == "table", "a JSON object body", req.body)
  return req, req.json
end

-- channels | channel of a trigger body, as a list.
local function channels_of(body)
  if type(body.channels) == "table" then return body.channels end
  if type(body.channel) == "string" then return { body.channel } end
  return {}
end

local same_list = ps.equal

-- Answer every API request 200 {} (the SDK's reply needs an answer).
local function serve_ok(t) t:serve_api(function() return 200, "{}" end) end

scenario {
  id = "trigger-string-data",
  title = "A trigger with string data POSTs /events with {name, data: the same string, channels}",
  rules = { "HSDK-1", "HSDK-2" },
  run = function(t)
    serve_ok(t)
    local sdk = t:http_sdk()
    local ch, data = t:channel("pub-"), 'plain text, "quoted" \226\130\172'
    local res, err = sdk:call("trigger", { channels = ch, event = "greet", data = data })
    local note = called(t, "the trigger", res, err)
    local _, body = the_request(t, "HSDK-2", "/events", note)
    t:check("HSDK-2:name", body.name == "greet", 'name "greet"', body)
    t:check("HSDK-2:data-string", body.data == data, "data is the string given, unchanged: " .. data, body)
    t:check("HSDK-2:channels", same_list(channels_of(body), { ch }), "channels [" .. ch .. "] (or channel)", body)
    t:check("HSDK-2:socket-id", body.socket_id == nil, "no socket_id when none was given", body)
    t:check_api_signed(SIGNED)
  end,
}

scenario {
  id = "trigger-object-data",
  title = "A trigger with object data sends data as a string holding its JSON",
  rules = { "HSDK-1", "HSDK-2" },
  run = function(t)
    serve_ok(t)
    local sdk = t:http_sdk()
    local ch = t:channel("private-")
    local res, err = sdk:call("trigger", { channels = { ch }, event = "obj", data = { msg = "hi", n = 42 } })
    local note = called(t, "the trigger", res, err)
    local _, body = the_request(t, "HSDK-2", "/events", note)
    t:require("HSDK-2:data-string", type(body.data) == "string", "data is a string", body)
    local d = ps.json.decode(body.data)
    t:check("HSDK-2:data-string", type(d) == "table" and d.msg == "hi" and d.n == 42,
      'data is the JSON text of {"msg":"hi","n":42}', body.data)
    t:check("HSDK-2:channels", same_list(channels_of(body), { ch }), "channels [" .. ch .. "] (or channel)", body)
    t:check_api_signed(SIGNED)
  end,
}

scenario {
  id = "trigger-many-channels",
  title = "A trigger to several channels names them all, in order, in channels",
  rules = { "HSDK-1", "HSDK-2" },
  run = function(t)
    serve_ok(t)
    local sdk = t:http_sdk()
    local chans = { t:channel("pub-"), t:channel("private-"), t:channel("presence-") }
    local res, err = sdk:call("trigger", { channels = chans, event = "multi", data = "x" })
    local note = called(t, "the trigger", res, err)
    local _, body = the_request(t, "HSDK-2", "/events", note)
    t:check("HSDK-2:channels", type(body.channels) == "table" and same_list(body.channels, chans),
      "channels " .. ps.json.encode(chans), body)
    t:check("HSDK-2:name", body.name == "multi" and body.data == "x", 'name "multi", data "x"', body)
    t:check_api_signed(SIGNED)
  end,
}

scenario {
  id = "trigger-socket-id-info",
  title = "A trigger with socket_id and info sends both, and hands back the API's answer (when it returns one)",
  rules = { "HSDK-1", "HSDK-2" },
  run = function(t)
    local ch = t:channel("presence-")
    local answer = t:json { channels = { [ch] = { subscription_count = 3, user_count = 2 } } }   -- a drawn form
    t:serve_api(function() return 200, answer end)
    local sdk = t:http_sdk()
    local info = t:has("trigger_info") and "subscription_count,user_count" or nil
    if not info then t:log(select(2, t:has("trigger_info")) .. ": only socket_id is sent") end
    local res, err = sdk:call("trigger", { channels = { ch }, event = "e", data = "{}",
      params = { socket_id = "123.456", info = info } })
    local note = called(t, "the trigger", res, err)
    local _, body = the_request(t, "HSDK-2", "/events", note)
    t:check("HSDK-2:socket-id", body.socket_id == "123.456", 'socket_id "123.456"', body)
    if info then t:check("HSDK-2:info", body.info == info, 'info "' .. info .. '"', body) end
    -- the answer handed back is checked when the SDK returns one (null or nothing: accepted)
    if type(res) == "table" and res.status ~= nil then
      t:check("HSDK-2:info", res.status == 200 and (not info or res.body == answer),
        "the SDK returns status 200" .. (info and (" and body " .. answer) or ""), res)
    end
    t:check_api_signed(SIGNED)
  end,
}

scenario {
  id = "trigger-send-to-user",
  title = "sendToUser triggers on the channel #server-to-user-ID",
  rules = { "HSDK-1", "HSDK-2" },
  needs = { "send_to_user" },
  run = function(t)
    serve_ok(t)
    local sdk = t:http_sdk()
    local res, err = sdk:call("send_to_user", { user_id = "user-7", event = "direct", data = "for you" })
    local note = called(t, "send_to_user", res, err)
    local _, body = the_request(t, "HSDK-2", "/events", note)
    t:check("HSDK-2:channels", same_list(channels_of(body), { "#server-to-user-user-7" }),
      "channels [#server-to-user-user-7] (or channel)", body)
    t:check("HSDK-2:name", body.name == "direct" and body.data == "for you", 'name "direct", data "for you"', body)
    t:check_api_signed(SIGNED)
  end,
}

scenario {
  id = "trigger-batch",
  title = "A batch POSTs /batch_events with {batch: [{channel, name, data (string), socket_id?}]} in order",
  rules = { "HSDK-1", "HSDK-3" },
  needs = { "batch_trigger" },
  run = function(t)
    serve_ok(t)
    local sdk = t:http_sdk()
    local a, b, c = t:channel("pub-"), t:channel("private-"), t:channel("presence-")
    local res, err = sdk:call("trigger_batch", { batch = {
      { channel = a, name = "first", data = "one" },
      { channel = b, name = "second", data = { n = 2 }, socket_id = "1.2" },
      { channel = c, name = "third", data = "three" } } })
    local note = called(t, "the batch", res, err)
    local _, body = the_request(t, "HSDK-3", "/batch_events", note)
    local batch = type(body.batch) == "table" and body.batch or {}
    t:require("HSDK-3:batch", #batch == 3, "batch holds 3 events", body)
    local want = { { a, "first", "one" }, { b, "second" }, { c, "third", "three" } }
    for i, w in ipairs(want) do
      local e = batch[i]
      t:check("HSDK-3:event-fields", type(e) == "table" and e.channel == w[1] and e.name == w[2] and type(e.data) == "string",
        string.format("event %d: channel %s, name %s, data a string", i, w[1], w[2]), e)
      if w[3] then t:check("HSDK-3:event-fields", e.data == w[3], string.format("event %d: data %q", i, w[3]), e) end
    end
    local d = type(batch[2].data) == "string" and ps.json.decode(batch[2].data)
    t:check("HSDK-3:event-fields", type(d) == "table" and d.n == 2, 'event 2: data is the JSON text of {"n":2}', batch[2])
    t:check("HSDK-3:socket-id", batch[2].socket_id == "1.2" and batch[1].socket_id == nil,
      "socket_id 1.2 on event 2 only", body)
    t:check_api_signed(SIGNED)
  end,
}
