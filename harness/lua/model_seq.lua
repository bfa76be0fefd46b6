-- model_seq.lua: what the shrinker (shrink.lua) needs to know of op sequences, added to the
-- model module (model.lua calls it with M): which ops a connection's ops need (repair, deps),
-- which ops touch the same connection, channel or user (related), simpler candidates
-- (simplify). Pure, like model.lua.
local P = ...   -- unused
return function(M, shared)
  local NEEDS_CONN, copy = shared.NEEDS_CONN, shared.copy
  -- The connections an op needs open (conn) or needs to have existed (exclude's socket_id).
  function M.refs(op)
    if op.op == "connect" then return {}, op.conn end
    if NEEDS_CONN[op.op] then return { op.conn } end
    return {}
  end

  -- Keep the ops whose connections are open where they run: drop an op on a conn whose connect was
  -- dropped (and a second connect, a close of a closed conn); drop `exclude` naming a conn never
  -- connected. Returns a new list (ops themselves are shared unless changed).
  function M.repair(ops_list)
    local open, seen, out = {}, {}, {}
    local user_of = {}   -- conn -> the user it signed in as (terminate_user closes those, as apply does)
    for _, op in ipairs(ops_list) do
      local keep = true
      if op.op == "connect" then
        if open[op.conn] then keep = false else open[op.conn] = true; seen[op.conn] = true end
      elseif NEEDS_CONN[op.op] then
        keep = open[op.conn] == true
        if keep and op.op == "close" then open[op.conn] = nil; user_of[op.conn] = nil end
        if keep and op.op == "signin" and (op.auth or "valid") == "valid" and not user_of[op.conn] and op.user then
          user_of[op.conn] = tostring(op.user.id)
        end
      elseif op.op == "terminate_user" and (op.sign or "valid") == "valid" and op.app == nil then
        for conn, uid in pairs(user_of) do
          if uid == tostring(op.user) then open[conn] = nil; user_of[conn] = nil end
        end
      end
      if keep and op.op == "trigger" and op.exclude and not seen[op.exclude] then
        op = copy(op); op.exclude = nil
      end
      if keep then out[#out + 1] = op end
    end
    return out
  end

  function M.valid_sequence(ops_list)
    return #M.repair(ops_list) == #ops_list
  end

  -- Ops on one conn depend on its connect (for a shrinker that asks pairwise).
  function M.depends(a, b)
    return b.op == "connect" and a.conn == b.conn and a.op ~= "connect"
  end

  -- Indices of the earlier ops ops[i] cannot run without: the connect of its connection.
  function M.deps(ops_list, i)
    local op = ops_list[i]
    if not NEEDS_CONN[op.op] then return {} end
    for j = i - 1, 1, -1 do
      local o = ops_list[j]
      if o.op == "connect" and o.conn == op.conn then return { j } end
    end
    return {}
  end

  -- Does op touch a connection, channel or user of the ops found (for the shrinker)?
  local function touches(op, fn)
    if op.conn ~= nil then fn("c", op.conn) end
    if op.exclude ~= nil then fn("c", op.exclude) end
    if op.channel ~= nil then fn("ch", op.channel) end
    for _, n in ipairs(op.channels or {}) do fn("ch", n) end
    for _, e in ipairs(op.batch or {}) do fn("ch", e.channel) end
    if type(op.user) == "table" and op.user.id ~= nil then fn("u", tostring(op.user.id)) end
    if type(op.user) == "string" then fn("u", op.user) end
    if op.op == "get_channels" then fn("all", true) end
  end
  function M.related(op, found)
    local set = {}
    for _, f in ipairs(found) do touches(f, function(k, v) set[k .. " " .. tostring(v)] = true end) end
    local hit = false
    touches(op, function(k, v)
      if set[k .. " " .. tostring(v)] then hit = true end
      -- a listing of every channel is touched by anything on a channel, and a channel by it
      if (k == "ch" and set["all true"]) or (k == "all" and next(set)) then hit = true end
    end)
    return hit
  end

  -- Simpler candidates of a sequence: fewer channels or batch events, short data and event
  -- names, optional fields left out, then a long channel name replaced everywhere by a short one
  -- of its kind (prefix kept, so sequences stay apart).
  function M.simplify(ops_list, prefix)
    prefix = prefix or ""
    local out = {}
    local function with(i, change)
      local seq = {}
      for j, op in ipairs(ops_list) do seq[j] = op end
      local op = copy(ops_list[i])
      change(op)
      seq[i] = op
      out[#out + 1] = seq
    end
    -- a cluster's nodes: every op on node 1 first (a divergence that does not need two nodes
    -- says so at once), each op's node alone after the values
    local on_other = {}
    for i, op in ipairs(ops_list) do if (op.node or 1) > 1 then on_other[#on_other + 1] = i end end
    if #on_other > 1 then
      local seq = {}
      for j, op in ipairs(ops_list) do seq[j] = op end
      for _, i in ipairs(on_other) do seq[i] = copy(ops_list[i]); seq[i].node = 1 end
      out[#out + 1] = seq
    end
    for i, op in ipairs(ops_list) do
      -- a list: its first half, its second half, or (short) without one item
      for _, key in ipairs { "channels", "batch" } do
        local list = op[key]
        if list and #list > 1 then
          local half = (#list + 1) // 2
          with(i, function(o) local h = {}; for c = 1, half do h[#h + 1] = o[key][c] end; o[key] = h end)
          with(i, function(o) local h = {}; for c = half + 1, #list do h[#h + 1] = o[key][c] end; o[key] = h end)
          if #list > 2 and #list <= 4 then
            for drop = 1, #list do
              with(i, function(o) local h = {}; for c = 1, #list do if c ~= drop then h[#h + 1] = o[key][c] end end; o[key] = h end)
            end
          end
        end
      end
    end
    for i, op in ipairs(ops_list) do
      if type(op.data) == "table" or (type(op.data) == "string" and #op.data > 1) then
        with(i, function(o) o.data = "x" end)
      end
      if type(op.event) == "string" and #op.event > 2 and op.event:sub(1, 7) ~= "client-" then
        with(i, function(o) o.event = "e" end)
      end
      if op.batch and #op.batch == 1 then   -- the plainer body form
        with(i, function(o)
          local e = o.batch[1]
          o.batch, o.form, o.channels, o.event, o.data = nil, "channels", { e.channel }, e.event, e.data
        end)
      end
      for k, e in ipairs(op.batch or {}) do
        if type(e.data) == "table" or (type(e.data) == "string" and #e.data > 1) then
          with(i, function(o) o.batch[k].data = "x" end)
        end
      end
      if op.exclude then with(i, function(o) o.exclude = nil end) end
      if op.info then with(i, function(o) o.info = nil end) end
      if op.user and op.user.info ~= nil then with(i, function(o) o.user.info = nil end) end
      if op.op == "wait" and (op.ms or 0) > 0 then with(i, function(o) o.ms = 0 end) end
    end
    for _, i in ipairs(on_other) do with(i, function(o) o.node = 1 end) end
    -- channel names (every occurrence at once)
    local names, order = {}, {}
    local function note(n) if type(n) == "string" and not names[n] then names[n] = true; order[#order + 1] = n end end
    for _, op in ipairs(ops_list) do
      note(op.channel)
      for _, n in ipairs(op.channels or {}) do note(n) end
      for _, e in ipairs(op.batch or {}) do note(e.channel) end
    end
    for k, n in ipairs(order) do
      local kind = M.kind(n)
      local kp = M.KIND_PREFIXES[kind] or ""
      local short = kp .. prefix .. "s" .. k
      if kind ~= "user" and #n > #short + 8 and not names[short] then
        local seq = {}
        local function rn(x) return x == n and short or x end
        for j, op in ipairs(ops_list) do
          local o = op
          if op.channel == n or op.channels or op.batch then
            o = copy(op)
            o.channel = o.channel and rn(o.channel)
            if o.channels then for c = 1, #o.channels do o.channels[c] = rn(o.channels[c]) end end
            if o.batch then for _, e in ipairs(o.batch) do e.channel = rn(e.channel) end end
          end
          seq[j] = o
        end
        out[#out + 1] = seq
      end
    end
    return out
  end
end
