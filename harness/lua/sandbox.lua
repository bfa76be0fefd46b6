-- sandbox.lua: the environments scenarios and target files run in. They get
-- only what new_env() copies: no require, io, os, load, debug or string.dump.
local M = {}

local SAFE = { "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
  "tostring", "type", "xpcall", "rawequal", "rawget", "rawlen", "rawset", "setmetatable",
  "getmetatable" }
local SAFE_LIBS = { "string", "table", "math", "utf8" }

-- Strings share one metatable whose __index is the real string library: give
-- it a copy without dump and lock it, so ("").dump is nil and no scenario can
-- replace string functions under the prelude and the other scenarios.
do
  local mt, methods = getmetatable(""), {}
  for k, v in pairs(string) do methods[k] = v end
  methods.dump = nil
  mt.__index = methods
  mt.__metatable = false
end

-- Lua runs a __gc finalizer with every hook off (and at any later collection, or when the
-- state closes), so neither the instruction count nor the wall clock could bound it: code in the
-- sandbox cannot mark an object for finalization. Any __gc key counts, even false: a function
-- put there later would still run.
local raw_setmetatable = setmetatable
local function bounded_setmetatable(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("setmetatable: a metatable with __gc is not allowed (a finalizer would run outside the "
      .. "time and instruction bounds); use a <close> variable or an explicit call instead", 2)
  end
  return raw_setmetatable(t, mt)
end

function M.new_env(extra)
  local env = {}
  for _, name in ipairs(SAFE) do env[name] = _G[name] end
  env.setmetatable = bounded_setmetatable
  for _, lib in ipairs(SAFE_LIBS) do
    local copy = {}
    for k, v in pairs(_G[lib]) do copy[k] = v end
    env[lib] = copy
  end
  env.string.dump = nil
  for k, v in pairs(extra or {}) do env[k] = v end
  return env
end
return M
