-- What a scenario must not reach: the OS, files, loaders, the debug library,
-- and the metatables it shares with the prelude and every other scenario.
ps.scenario { id = "sandbox", title = "sees no escape hatch", rules = { "SUB-2" },
  run = function(t)
    local names, visible = {}, { os = os, io = io, require = require, load = load, dofile = dofile,
      loadfile = loadfile, loadstring = _G and _G.loadstring, debug = debug,
      collectgarbage = collectgarbage, package = package, coroutine = coroutine,
      ["string.dump"] = string.dump, ['("").dump'] = ("").dump, ["_G.os"] = _G and _G.os,
      ["getmetatable(t)"] = type(getmetatable(t)) == "table" or nil,
      ['getmetatable("")'] = type(getmetatable("")) == "table" or nil,
      ["getmetatable(ps)"] = type(getmetatable(ps)) == "table" or nil }
    for name in pairs(visible) do names[#names + 1] = name end
    table.sort(names)
    t:check("SUB-2", #names == 0, "none visible", "visible: " .. table.concat(names, " "))
  end }
