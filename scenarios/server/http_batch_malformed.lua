-- HTTP-6 on POST /batch_events: a malformed JSON body returns 400. Destructive: one such
-- body kills soketi 1.6.1 (pushspec explore found it; the runner restarts the server after).
local BODIES = { '{"batch":[{"name":"x","channel":"a","data":"{}"}', "not json {", "[1,2" }

ps.scenario {
  id = "http-malformed-json-batch",
  title = "A malformed JSON body to POST /batch_events returns 400",
  rules = { "HTTP-6" },
  tags = { "destructive" },
  run = function(t)
    local ch = t:channel("mb-")
    local good = t:api("POST", "/batch_events", { body = { batch = { { channel = ch, name = "b", data = "0" } } } })
    local ctl = ps.verify.control(t, "HTTP-8:ten-ok", good.status >= 200 and good.status < 300,
      "a correctly signed POST /batch_events is accepted (2xx)", good.status .. " " .. tostring(good.body))
    for _, body in ipairs(BODIES) do
      -- a server that died of the body before did not answer it with 400: that clause is broken
      t:input("POST /batch_events with the body " .. body, { survives = "HTTP-6:batch" })
      local res = t:api("POST", "/batch_events", { body = body, within = 2000 })
      ps.verify.negative(t, ctl, "HTTP-6:batch", res.status == 400, "HTTP 400 for body " .. body,
        res.status == 0 and ("no answer: " .. tostring(res.error)) or (res.status .. " " .. tostring(res.body)))
    end
  end,
}
