-- match.lua: message patterns (expect, expect_webhook, expect_request, the
-- adapter's reports) and deep equality of decoded JSON.
local P = ...
local prim = P.prim
local M = {}

function M.subset(want, got)
  if type(want) == "function" then return want(got) end
  if type(want) ~= "table" then return want == got end
  if type(got) ~= "table" then return false end
  for k, v in pairs(want) do
    if not M.subset(v, got[k]) then return false end
  end
  return true
end

function M.match(m, pattern)
  if pattern == nil then return true end
  if type(pattern) == "function" then return pattern(m) end
  for k, v in pairs(pattern) do
    local got = k == "data" and m.payload or m[k]
    if not M.subset(v, got) then return false end
  end
  return true
end

-- Remove and return the first item of list matching pattern (by test, default M.match).
function M.take(list, pattern, test)
  test = test or M.match
  for i, x in ipairs(list) do
    if test(x, pattern) then return table.remove(list, i) end
  end
end

-- A pattern as text; name: what a function pattern looks for (else "message matching the pattern").
function M.describe(pattern, name)
  if name then return name end
  if pattern == nil then return "any message" end
  if type(pattern) == "function" then return "message matching the pattern" end
  local parts = {}
  for k, v in pairs(pattern) do
    parts[#parts + 1] = k .. "=" .. (type(v) == "table" and prim.json_encode(v) or tostring(v))
  end
  table.sort(parts)
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- What arrived instead of an awaited message, for a failure text: the items of
-- list (the messages, frames or webhook events that did not match), each shown
-- by show cut to 120 bytes, limit bytes in all (default 400); `before` of them
-- (the first ones) were queued before the wait began.
function M.arrived(list, before, show, limit)
  before, limit = before or 0, limit or 400
  local parts, len = {}, 0
  for i, x in ipairs(list) do
    local s = show(x)
    if s == "" then s = "(an empty frame)" end
    if #s > 120 then s = s:sub(1, 120) .. "..." end
    if len + #s > limit then
      parts[#parts + 1] = string.format("and %d more", #list - i + 1)
      break
    end
    parts[#parts + 1], len = s, len + #s + 2
  end
  if #parts == 0 then return "nothing else arrived" end
  local text = "arrived instead: " .. table.concat(parts, ", ")
  if before > 0 then text = text .. string.format(" (the first %d before the wait)", before) end
  return text
end

-- Deep equality of decoded JSON values (tables compared key by key).
function M.equal(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do
    if not M.equal(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

return M
