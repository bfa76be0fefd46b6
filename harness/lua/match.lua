-- match.lua: message patterns (expect, expect_webhook, expect_request, the
-- adapter's reports) and deep equality of decoded JSON.
local P = ...
local core = P.core
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

function M.describe(pattern)
  if pattern == nil then return "any message" end
  if type(pattern) == "function" then return "message matching the pattern" end
  local parts = {}
  for k, v in pairs(pattern) do
    parts[#parts + 1] = k .. "=" .. (type(v) == "table" and core.json_encode(v) or tostring(v))
  end
  table.sort(parts)
  return "{" .. table.concat(parts, ", ") .. "}"
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
