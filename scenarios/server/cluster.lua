-- Cluster: one logical server on several nodes (the target's nodes table). Every other
-- scenario is already spread over the nodes; this one kills a node. RULES.md has no rule of
-- its own for a node failure: the checks are the clauses of the rules a dead node's
-- members touch (a node that dies disconnects its connections), bounded by the target's
-- limits.dead_node_ms.
local scenario = ps.scenario

local function users_of(res)
  local ids = {}
  for _, u in ipairs(type(res.json) == "table" and type(res.json.users) == "table" and res.json.users or {}) do
    ids[#ids + 1] = tostring(type(u) == "table" and u.id)
  end
  table.sort(ids)
  return table.concat(ids, ",")
end

local function text(res) return res.status == 0 and tostring(res.error) or (res.status .. " " .. res.body) end

scenario {
  id = "cluster-node-failure",
  title = "A node of a cluster dies: its presence members are removed everywhere, then it comes back",
  rules = { "PRES-4", "HTTP-10", "HTTP-11", "HOOK-2" },
  tags = { "destructive", "cluster" },
  timeout = 150,
  run = function(t)
    local nodes, limits = t.target.nodes, t.target.limits
    local why = not nodes and "the target has one node (list its nodes to test a node failure)"
      or not (nodes[2].stop and nodes[2].restart) and "the target's nodes[2] needs stop and restart commands"
      or not limits.dead_node_ms and "the target declares no limits.dead_node_ms (how soon a dead node's members go)"
    if why then
      for _, r in ipairs(t.spec.rules) do t:skip(r, why) end
      return
    end
    local live, dead = 1, 2
    local hooks = t:profile("webhooks") ~= nil
    local ch = t:channel("presence-")
    local uid = t:channel("")
    local stays, goes = uid .. "-stays", uid .. "-goes"
    local survivor = t:open { node = live }
    survivor:subscribe(ch, { user = { user_id = stays, user_info = { node = live } } })
    t:joined(survivor, ch, "the member on " .. nodes[live].name)
    local victim = t:open { node = dead }
    victim:subscribe(ch, { user = { user_id = goes, user_info = { node = dead } } })
    t:joined(victim, ch, "the member on " .. nodes[dead].name)
    local added = survivor:expect({ event = "pusher_internal:member_added", channel = ch })
    if not added then t:setup_failed("no member_added for " .. goes .. " on " .. nodes[live].name) end
    local before = t:api("GET", "/channels/" .. ch .. "/users", { node = live })
    if users_of(before) ~= table.concat({ goes, stays }, ",") then
      t:setup_failed("GET /channels/NAME/users before the failure: " .. text(before))
    end

    local ok, err = t:node_command(dead, "stop")
    if not ok then t:setup_failed(err) end
    local bound = limits.dead_node_ms
    local deadline = ps.now() + bound

    -- the remaining member is told (a dead node's connections are disconnected)
    local m, why2 = survivor:expect({ event = "pusher_internal:member_removed", channel = ch }, { within = bound })
    local removed_user = m and (type(m.data) == "table" and m.data.user_id or ps.json.decode(m.data or "null"))
    if type(removed_user) == "table" then removed_user = removed_user.user_id end
    t:check("PRES-4:after-node-failure", m ~= nil and removed_user == goes, "member_removed for " .. goes ..
      " within " .. bound .. " ms of its node (" .. nodes[dead].name .. ") dying", m or why2)

    -- the HTTP API of the live node no longer lists it, and the counts drop
    local users, info
    repeat
      users = t:api("GET", "/channels/" .. ch .. "/users", { node = live })
      info = t:api("GET", "/channels/" .. ch, { node = live, query = { info = "user_count,subscription_count" } })
      local done = users_of(users) == stays and type(info.json) == "table" and info.json.user_count == 1 and
        info.json.subscription_count == 1
      if not done then t:sleep(250) end
    until done or ps.now() >= deadline
    t:check("HTTP-11:after-node-failure", users.status == 200 and users_of(users) == stays, "200 listing only " ..
      stays .. " within " .. bound .. " ms of " .. nodes[dead].name .. " dying", text(users))
    t:check("HTTP-10:after-node-failure", type(info.json) == "table" and info.json.user_count == 1 and
      info.json.subscription_count == 1, "user_count 1 and subscription_count 1 within " .. bound .. " ms of " ..
      nodes[dead].name .. " dying", text(info))
    if hooks then
      local ev, hook = t:expect_webhook({ name = "member_removed", channel = ch, user_id = goes },
        { within = math.max(1, deadline - ps.now()) })
      t:check("HOOK-2:after-node-failure", ev ~= nil, "a member_removed webhook for " .. goes .. " within " .. bound ..
        " ms of " .. nodes[dead].name .. " dying", ev and hook.body or hook)
    else
      t:skip("HOOK-2", "the target receives no webhooks (webhooks = { listen = ... })")
    end

    -- information, not a rule (RULES.md has none for it): the other node kept serving, and the
    -- dead one serves again after its restart
    local kept, kept_why = ps.verify.alive(t, { node = live, via = live })
    t:record("surviving node serves", kept and "yes" or ("no: " .. kept_why))
    local back, back_err = t:node_command(dead, "restart")
    local serves, serves_why = false, back_err
    if back then serves, serves_why = ps.verify.alive(t, { node = dead, via = live }) end
    t:record("restarted node serves", serves and "yes" or ("no: " .. tostring(serves_why)))
    t:log("after the failure: " .. nodes[live].name .. (kept and " kept serving" or " stopped serving: " .. kept_why) ..
      "; " .. nodes[dead].name .. (serves and " serves again after its restart" or " does not serve after its restart: " ..
      tostring(serves_why)))
  end,
}
