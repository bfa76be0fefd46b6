-- rawws.lua: Raw, a WebSocket client written out over raw TCP (the frame
-- codec in Lua): it answers nothing by itself (no pong to any ping) and can
-- send any frame, valid or not.
local P = ...
local prim, poll = P.prim, P.poll
local parse_frame = P.require("conn").parse_frame
local keep_violations = P.require("conn").keep_violations
local take = P.require("match").take

local Raw = {}
Raw.__index = Raw
Raw.__metatable = false

local function parse_frames(self)
  local buf = self.buf
  while #buf >= 2 do
    local b1, b2 = buf:byte(1, 2)
    local len, off = b2 & 0x7f, 3
    if len == 126 then
      if #buf < 4 then break end
      len, off = string.unpack(">I2", buf, 3), 5
    elseif len == 127 then
      if #buf < 10 then break end
      len, off = string.unpack(">I8", buf, 3), 11
    end
    local key
    if b2 & 0x80 ~= 0 then key, off = buf:sub(off, off + 3), off + 4 end
    if #buf < off - 1 + len then break end
    local payload = buf:sub(off, off + len - 1)
    if key then payload = prim.mask(payload, key) end
    buf = buf:sub(off + len)
    local f = { op = b1 & 0x0f, fin = b1 & 0x80 ~= 0, payload = payload, t = prim.now() }
    if f.op == 1 then
      f.msg = parse_frame { kind = "text", raw = payload, t = f.t }
      keep_violations(self.case, f.msg, true)
    end
    if f.op == 8 and #payload >= 2 then f.code, f.reason = string.unpack(">I2", payload), payload:sub(3) end
    self.frames[#self.frames + 1] = f
  end
  self.buf = buf
end

function Raw:pump()
  while true do
    local f = self.h:pop()
    if not f then break end
    self.buf = self.buf .. f.raw
  end
  if not self.response then
    local e = self.buf:find("\r\n\r\n", 1, true)
    if not e then return end
    self.response = self.buf:sub(1, e + 3)
    self.status = tonumber(self.response:match("^HTTP/1%.1 (%d+)"))
    self.buf = self.buf:sub(e + 4)
  end
  parse_frames(self)
end

function Raw:is_closed()
  local s = self.h:state()
  return s == "closed" or s == "failed"
end

-- The next frame matching pred (a function of {op, fin, payload, msg, code}).
function Raw:expect_frame(pred, opts)
  return poll(opts, nil, "no such frame", function()
    self:pump()
    local f = take(self.frames, pred, function(x, p) return not p or p(x) end)
    if f then return true, f end
    if self:is_closed() then return true, nil, "TCP connection closed" end
  end)
end

-- A frame with any opcode, FIN and RSV bits; masked unless opts.mask == false.
function Raw:send_frame(op, payload, opts)
  opts = opts or {}
  local b1 = (opts.fin == false and 0 or 0x80) | ((opts.rsv or 0) << 4) | op
  local mask = opts.mask ~= false and 0x80 or 0
  local n = #payload
  local head
  if n < 126 then head = string.pack("BB", b1, mask | n)
  elseif n < 65536 then head = string.pack(">BBI2", b1, mask | 126, n)
  else head = string.pack(">BBI8", b1, mask | 127, n) end
  if mask ~= 0 then
    local key = string.pack(">I4", math.random(0, 0xffffffff))
    return self.h:send("binary", head .. key .. prim.mask(payload, key))
  end
  return self.h:send("binary", head .. payload)
end

function Raw:send_text(text) return self:send_frame(1, text) end
function Raw:close() self.h:close() end
function Raw:release() self.frames, self.buf = {}, "" self.h:release() end

-- Waits for the answer to a hand-made upgrade (see raw_open): r, or the scenario ends.
function Raw:upgraded()
  local deadline = prim.now() + P.scaled(P.DEFAULT_WITHIN)
  local r = self
  while not r.response do
    r:pump()
    if r:is_closed() or prim.now() >= deadline then
      error({ ps_abort = "the server did not answer a hand-made WebSocket upgrade" }, 0)
    end
    if not r.response then P.wait(deadline) end
  end
  if r.status ~= 101 then
    error({ ps_abort = "hand-made WebSocket upgrade answered " .. tostring(r.status) }, 0)
  end
  return r
end

return Raw
