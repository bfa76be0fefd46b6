-- HTTP: the HTTP API and its request signing (RULES.md "HTTP — HTTP API").
local scenario = ps.scenario

local function event_body(t)
  return { name = "http-check", channels = ps.json.array { t:channel("pub-") }, data = "{}" }
end

local function status_text(res)
  return res.status == 0 and res.error or (res.status .. " " .. res.body)
end

scenario {
  id = "http-trigger-ok",
  title = "A correctly signed POST /events returns 200 with a JSON object",
  rules = { "HTTP-1" },
  run = function(t)
    local res = t:api("POST", "/events", { body = event_body(t) })
    t:check("HTTP-1", res.status == 200, "HTTP 200", status_text(res))
    t:check("HTTP-1", type(res.json) == "table" and res.body:match("^%s*{") ~= nil,
      "a JSON object body", res.body)
  end,
}

scenario {
  id = "http-wrong-signature",
  title = "A wrong signature returns 401",
  rules = { "HTTP-2" },
  run = function(t)
    local res = t:api("POST", "/events", { body = event_body(t), tamper = function(q)
      return (q:gsub("auth_signature=%x+", "auth_signature=" .. string.rep("ab", 32)))
    end })
    t:check("HTTP-2", res.status == 401, "HTTP 401", status_text(res))
    local other = t:api("POST", "/events", { body = event_body(t), app = {
      id = t.app.id, key = t.app.key, secret = t.app.secret .. "-wrong" } })
    t:check("HTTP-2", other.status == 401, "HTTP 401 for a request signed with another secret", status_text(other))
  end,
}

scenario {
  id = "http-missing-auth",
  title = "Missing auth parameters return 401 (or 400)",
  rules = { "HTTP-3" },
  run = function(t)
    local none = t:api("POST", "/events", { body = event_body(t), sign = false })
    t:check("HTTP-3", none.status == 401 or none.status == 400, "401 or 400 with no auth parameters",
      status_text(none))
    for _, param in ipairs { "auth_signature", "auth_key", "auth_timestamp" } do
      local res = t:api("POST", "/events", { body = event_body(t), tamper = function(q)
        return (q:gsub(param .. "=[^&]*&?", ""):gsub("&$", ""))
      end })
      t:check("HTTP-3", res.status == 401 or res.status == 400, "401 or 400 without " .. param, status_text(res))
    end
  end,
}

scenario {
  id = "http-stale-timestamp",
  title = "auth_timestamp more than 600 s off returns 401",
  rules = { "HTTP-4" },
  run = function(t)
    for _, skew in ipairs { -1000, 1000 } do
      local res = t:api("POST", "/events", { body = event_body(t), timestamp = ps.wall() + skew })
      t:check("HTTP-4", res.status == 401, string.format("HTTP 401 for a timestamp %+d s off", skew),
        status_text(res))
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
    local res = t:api("POST", "/events", { body = sent, sign_body = signed })
    t:check("HTTP-5", res.status == 401 or res.status == 400,
      "401 or 400 when body_md5 (correctly signed) is the MD5 of another body", status_text(res))
  end,
}

scenario {
  id = "http-malformed-json",
  title = "A malformed JSON body returns 400",
  rules = { "HTTP-6" },
  run = function(t)
    for _, body in ipairs { '{"name":"x","channels":["a"],"data":"{}"', "not json", "[1,2" } do
      local res = t:api("POST", "/events", { body = body })
      t:check("HTTP-6", res.status == 400, "HTTP 400 for body " .. body, status_text(res))
    end
  end,
}
