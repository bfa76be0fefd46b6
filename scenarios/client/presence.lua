-- PRES-6: the client's member list (RULES.md "PRES — presence").
local scenario = ps.scenario

local function sorted(list)
  local out = {}
  for _, v in ipairs(list or {}) do out[#out + 1] = tostring(v) end
  table.sort(out)
  return table.concat(out, ",")
end

scenario {
  id = "pres-member-list",
  title = "The client's member list follows subscription_succeeded, member_added and member_removed",
  rules = { "PRES-6" },
  needs = { "presence_members" },
  run = function(t)
    local sdk, c = t:connect_sdk()
    local ch = t:channel("presence-")
    local me = t.user.id
    t:subscribe_sdk(sdk, c, ch, { presence = { ids = { "ua", me }, count = 2,
      hash = { ua = { name = "A" }, [me] = t.user.user_info } } })
    local function members(step, want_ids)
      local m, err = sdk:call("members", { channel = ch })
      local ok = type(m) == "table" and m.count == #want_ids and sorted(m.ids) == sorted(want_ids)
      t:check(step == "subscription_succeeded" and "PRES-6:succeeded" or step:match("^member_added") and "PRES-6:added" or
        "PRES-6:removed", ok, string.format("after %s: %d members, ids %s", step, #want_ids, sorted(want_ids)),
        m or err)
      return m
    end
    local m = members("subscription_succeeded", { "ua", me })
    t:check("PRES-6:succeeded", type(m) == "table" and type(m.me) == "table" and m.me.id == me,
      "after subscription_succeeded: me is " .. me, m and m.me)
    t:check("PRES-6:succeeded", type(m) == "table" and type(m.hash) == "table" and type(m.hash.ua) == "table" and
      m.hash.ua.name == "A", "after subscription_succeeded: ua's user_info {name: A}", m and m.hash)

    -- user_info is optional (Facts: channel_data's user_info?): present or not, drawn by seed
    local added_data = { user_id = "ub" }
    if t:forms().pick(2) == 1 then added_data.user_info = { name = "B" } end
    c:send { event = "pusher_internal:member_added", channel = ch, data = t:json(added_data) }
    local added, why = sdk:expect({ type = "event", channel = ch, event = "pusher:member_added" }, { within = 3000 })
    t:check("PRES-6:added", added and type(added.data) == "table" and added.data.id == "ub",
      "the application is told member ub was added", added or why)
    members("member_added ub", { "ua", "ub", me })

    c:send { event = "pusher_internal:member_removed", channel = ch, data = t:json { user_id = "ua" } }
    local removed, why2 = sdk:expect({ type = "event", channel = ch, event = "pusher:member_removed" }, { within = 3000 })
    t:check("PRES-6:removed", removed and type(removed.data) == "table" and removed.data.id == "ua",
      "the application is told member ua was removed", removed or why2)
    members("member_removed ua", { "ub", me })
  end,
}
