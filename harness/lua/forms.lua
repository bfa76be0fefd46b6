-- forms.lua: the fake server writes its JSON in every form the Facts allow, not
-- only soketi's: members in any order, with or without whitespace, webhook header
-- names in any case. Each scenario draws its forms from the run's seed and its own
-- id, so a run repeats with --seed N whatever runs beside it.
local P = ...
local prim = P.prim
local M = {}

-- FNV-1a of a string: the scenario's own stream from the run's seed.
local function hash(s)
  local h = 0xcbf29ce484222325
  for i = 1, #s do h = ((h ~ s:byte(i)) * 0x100000001b3) & 0x7fffffffffffffff end
  return h
end

-- A generator of choices: pick(n) in 1..n (a 64-bit LCG; Lua integers wrap).
function M.new(seed, id)
  local state = hash(tostring(seed) .. ":" .. tostring(id))
  local g = {}
  function g.pick(n)
    state = state * 6364136223846793005 + 1442695040888963407
    return ((state >> 33) % n) + 1
  end
  -- the separators of one encoding: compact, spaced after : and , or spaced around
  local SPACING = { { ":", "," }, { ": ", ", " }, { " : ", " , " } }
  function g.spacing() return SPACING[g.pick(#SPACING)] end
  function g.shuffle(list)
    for i = #list, 2, -1 do
      local j = g.pick(i)
      list[i], list[j] = list[j], list[i]
    end
    return list
  end
  return g
end

local function is_object(v) return type(v) == "table" and v ~= prim.null and next(v) ~= nil and #v == 0 end

-- JSON text of v with this generator's member order and spacing (values as prim.json_encode writes them).
function M.encode(g, v, sp)
  sp = sp or g.spacing()
  if is_object(v) then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)   -- a fixed start, so that the shuffle alone decides
    g.shuffle(keys)
    local parts = {}
    for i, k in ipairs(keys) do parts[i] = prim.json_encode(k) .. sp[1] .. M.encode(g, v[k], sp) end
    return "{" .. table.concat(parts, sp[2]) .. "}"
  elseif type(v) == "table" and v ~= prim.null and #v > 0 then
    local parts = {}
    for i, x in ipairs(v) do parts[i] = M.encode(g, x, sp) end
    return "[" .. table.concat(parts, sp[2]) .. "]"
  end
  return prim.json_encode(v)
end

-- A frame {event, channel?, data?} (data a string sent as a JSON string when as_string,
-- else a table sent as an object), members in a drawn order.
function M.frame(g, msg)
  local out = {}
  for k, v in pairs(msg) do out[k] = v end
  if type(msg.data) == "table" then out.data = msg.data
  elseif msg.data ~= nil then out.data = tostring(msg.data) end
  return M.encode(g, out)
end

-- A header name as the Pusher server may spell it: HTTP header names are case-insensitive.
function M.header(g, name)
  local n = g.pick(2)
  return n == 1 and name or name:lower()
end

return M
