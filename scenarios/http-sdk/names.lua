-- HSDK-9: the SDK refuses invalid channel and event names itself, before
-- sending anything (RULES.md Facts: names of letters, digits and _ - = @ , . ;
-- at most 164 characters; at most 100 channels; event names at most 200).
local scenario = ps.scenario

local FENCE = "pushspec-fence"

-- The HSDK-9 clause (CLAUSES.md) each scenario checks.
local LABEL = {
  ["names-bad-characters"] = ps.clause("HSDK-9:bad-characters"),
  ["names-long-channel"] = ps.clause("HSDK-9:channel-over-164"),
  ["names-too-many-channels"] = ps.clause("HSDK-9:channels-over-100"),
  ["names-long-event"] = ps.clause("HSDK-9:event-over-200"), ["names-batch"] = ps.clause("HSDK-9:batch"),
}

-- Run an SDK call that must be refused locally. A valid trigger follows as a
-- fence: once its request has been answered, anything the refused call sent
-- would have arrived; a short grace period covers SDKs that send late.
local function refused_locally(t, sdk, what, cmd, args)
  t:serve_api(function() return 200, "{}" end)
  local before = #t:api_requests()
  local res, err = sdk:call(cmd, args)
  local fence, ferr = sdk:call("trigger", { channels = { t:channel("pub-") }, event = FENCE, data = "{}" })
  t:require("HSDK-9", fence, "a valid trigger (the fence) succeeds", ferr)
  t:sleep(200)
  local leaked = {}
  for _, r in ipairs(t:api_requests(before + 1)) do
    if not (r.json and r.json.name == FENCE) then leaked[#leaked + 1] = r.method .. " " .. r.path .. " " .. r.body end
  end
  t:check(LABEL[t.spec.id] or "HSDK-9", res == nil and #leaked == 0, what .. " is refused by the SDK with nothing sent",
    #leaked > 0 and ("sent: " .. table.concat(leaked, " | "):sub(1, 400)) or
    ("the call returned " .. ps.json.encode(res or {}) .. " and sent nothing"))
  if res == nil then t:log(what .. ": the SDK said: " .. tostring(err)) end
  t:check_api_signed("HSDK-1")   -- the fence, and whatever leaked
end

scenario {
  id = "names-bad-characters",
  title = "A trigger to a channel name with a space or other invalid characters is refused before sending",
  rules = { "HSDK-1", "HSDK-9" },
  run = function(t)
    local sdk = t:http_sdk()
    for _, bad in ipairs { "bad channel", "bad/channel", "bad#channel", "" } do
      refused_locally(t, sdk, string.format("channel %q", bad), "trigger",
        { channels = { t:channel("pub-"), bad }, event = "e", data = "x" })
    end
  end,
}

scenario {
  id = "names-long-channel",
  title = "A trigger to a channel name over 164 characters is refused before sending",
  rules = { "HSDK-1", "HSDK-9" },
  run = function(t)
    local sdk = t:http_sdk()
    for _, n in ipairs { 165, 201 } do
      local ch = "pub-" .. string.rep("c", n - 4)
      refused_locally(t, sdk, n .. "-character channel name", "trigger", { channels = ch, event = "e", data = "x" })
    end
  end,
}

scenario {
  id = "names-too-many-channels",
  title = "A trigger to more than 100 channels is refused before sending",
  rules = { "HSDK-1", "HSDK-9" },
  run = function(t)
    local sdk = t:http_sdk()
    local many = {}
    for i = 1, 101 do many[i] = "pub-many-" .. i end
    refused_locally(t, sdk, "a trigger to 101 channels", "trigger", { channels = many, event = "e", data = "x" })
  end,
}

scenario {
  id = "names-long-event",
  title = "An event name over 200 characters is refused before sending",
  rules = { "HSDK-1", "HSDK-9" },
  run = function(t)
    local sdk = t:http_sdk()
    local long = string.rep("e", 201)
    refused_locally(t, sdk, "trigger with a 201-character event name", "trigger",
      { channels = { t:channel("pub-") }, event = long, data = "x" })
    if t:has("send_to_user") then
      refused_locally(t, sdk, "send_to_user with a 201-character event name", "send_to_user",
        { user_id = "u1", event = long, data = "x" })
    else
      t:log(select(2, t:has("send_to_user")))
    end
  end,
}

scenario {
  id = "names-batch",
  title = "A batch with an invalid channel name or a long event name is refused before sending",
  rules = { "HSDK-1", "HSDK-9" },
  needs = { "batch_trigger" },
  run = function(t)
    local sdk = t:http_sdk()
    refused_locally(t, sdk, 'batch with channel "bad channel"', "trigger_batch",
      { batch = { { channel = "bad channel", name = "e", data = "x" } } })
    refused_locally(t, sdk, "batch with a 201-character event name", "trigger_batch",
      { batch = { { channel = t:channel("pub-"), name = string.rep("e", 201), data = "x" } } })
  end,
}
