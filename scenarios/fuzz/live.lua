-- FRAME-4, FRAME-5 by live fuzzing: `pushspec fuzz` sends generated inputs (corpus
-- mutations, grammar-made messages, hand-made WebSocket frames) in batches and
-- checks after every batch that the server still serves. Batch B of seed S comes
-- from math.randomseed(S, B) alone: a seed always yields the same inputs.
-- See scenarios/fuzz/README.md.
local BATCH, REACT_MS, ALIVE_MS = 100, 300, 2000 -- inputs per batch; the wait for their reactions; each liveness step
local KEEP = 2048                               -- bytes of an input kept in a record
local SENTINEL = "pushspec-sentinel"            -- payload of the ping frame sent after hand-made frames
local NO_STATUS = "close frame without a status code"   -- s.code of such a close, and its key in close_codes

local function R(n) return math.random(n) end
local function chance(p) return math.random() < p end
local function pick(list) return list[math.random(#list)] end
local function alnum(n)
  local out = {}
  for i = 1, n do local k = R(36) out[i] = ("abcdefghijklmnopqrstuvwxyz0123456789"):sub(k, k) end
  return table.concat(out)
end

-- JSON written by hand: field order must not depend on Lua's hashing, and duplicate keys
-- and odd numbers must be expressible. A value: string, integer, boolean, {raw = text},
-- {obj = {{key, value}, ...}} or {arr = {...}}.
local ESCAPE = { ['"'] = '\\"', ["\\"] = "\\\\" }   -- a table, not a function: 70 000 escapes cost one C call
for b = 0, 255 do
  local c = string.char(b)
  if c:find("%c") then ESCAPE[c] = string.format("\\u%04x", b) end
end
local function escape(s) return (s:gsub('[%c"\\]', ESCAPE)) end
-- Long strings are repetitions: a few dozen recur. Those up to 256 KiB are made once (within
-- 3 MiB: the scenario's Lua budget of 32 MiB also holds a batch and its copies).
local REP, rep_bytes = {}, 0   -- piece\0n -> the string
local function doubled(piece, n)   -- string.rep by doubling: about 20 copies instead of n
  if n < 64 then return string.rep(piece, n) end
  local half = doubled(piece, n // 2)
  return half .. half .. (n % 2 == 1 and piece or "")
end
local function rep(piece, n)
  if #piece * n < 1000 then return string.rep(piece, n) end
  local k = piece .. "\0" .. n
  local r = REP[k]
  if not r then
    r = doubled(piece, n)
    if #r <= 256 << 10 and rep_bytes + #r <= 3 << 20 then REP[k], rep_bytes = r, rep_bytes + #r end
  end
  return r
end
local function enc(v)
  if type(v) == "string" then return '"' .. escape(v) .. '"'
  elseif type(v) ~= "table" then return tostring(v)
  elseif v.raw then return v.raw end
  local parts = {}
  for i, x in ipairs(v.obj or v.arr) do parts[i] = v.obj and enc(x[1]) .. ":" .. enc(x[2]) or enc(x) end
  return v.obj and "{" .. table.concat(parts, ",") .. "}" or "[" .. table.concat(parts, ",") .. "]"
end

-- Bytes as text for a record: as they are when UTF-8 (with no NUL or DEL, which the
-- result file would mangle), else base64; cut at keep bytes.
local function printable(s, keep)
  local more = #s > keep and string.format(" ...(%d bytes in all)", #s) or ""
  local whole = s
  s = s:sub(1, keep)
  for back = 1, more ~= "" and 3 or 0 do   -- the cut may split a character
    if utf8.len(s) then break end
    s = whole:sub(1, keep - back)
  end
  return (utf8.len(s) and not s:find("[\0\127]") and s or "base64:" .. ps.b64.encode(s)) .. more
end

-- ---------------------------------------------------------------- grammar
local NUMBERS = { "0", "-0", "1.5", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "9007199254740993" }
local STRINGS = { "", " ", "x", "null", "{}", "[]", '{"user_id":"u1"}', "not json {", "\0", "é", "\xff\xfe", "💥", "\\u0000" }
local function rand_string(as_json)   -- as_json: a long one as {raw = its JSON}, escaped piece by piece
  if chance(0.1) then
    local piece, bytes = pick(STRINGS) .. "a", pick { 100, 5000, 70000 }   -- 70 000: past a 16-bit length
    local n = math.max(1, bytes // #piece)
    return as_json and { raw = '"' .. rep(escape(piece), n) .. '"' } or rep(piece, n)
  end
  return chance(0.7) and pick(STRINGS) or alnum(R(20))
end
local function rand_value(depth)
  local r = R(depth > 0 and 9 or 6)
  if r == 1 then return { raw = "null" } elseif r == 2 then return chance(0.5)
  elseif r == 3 then return R(2001) - 1001 elseif r == 4 then return { raw = pick(NUMBERS) }
  elseif r <= 6 then return rand_string(true) end
  local items = {}
  for i = 1, R(4) - 1 do
    if r == 7 then items[i] = rand_value(depth - 1)
    else items[i] = { pick { "channel", "auth", "user_id", alnum(R(6)) }, rand_value(depth - 1) } end
  end
  return r == 7 and { arr = items } or { obj = items }
end

local PREFIXES = { "", "private-", "presence-", "private-encrypted-", "private-cache-", "presence-cache-", "cache-",
  "#server-to-user-", "private-encrypted-cache-" }
local function rand_channel()
  local r, p = R(10), pick(PREFIXES)
  if r <= 5 then return p .. "fz-" .. alnum(R(12)) end                           -- valid
  if r == 6 then return p end                                                   -- the prefix alone
  if r == 7 then return { raw = '"' .. escape(p) .. rep("x", pick { 164, 165, 300, 70000 }) .. '"' } end -- around the 164 limit
  if r == 8 then return p .. "fz" .. pick { " ", "*", "\n", "é", "\0", ",", "\xff", ":" } end
  return rand_value(1)                                                          -- mostly not a string
end

local CLIENT_EVENTS = { "pusher:ping", "pusher:pong", "pusher:subscribe", "pusher:unsubscribe", "pusher:signin" }
local UNKNOWN = { "pusher:connection_established", "pusher:error", "pusher:subscription_error", "pusher:signin_success",
  "pusher:cache_miss", "pusher:", "pusher:PING", "pusher:subscribe ", "pusher_internal:subscription_succeeded",
  "pusher_internal:member_added", "pusher_internal:member_removed", "pusher_internal:watchlist_events" }
local FIELDS = {   -- good-looking values of the fields of subscribe/unsubscribe/signin data
  auth = { "", "key-main", "key-main:", ":", "a:b:c", "wrong:" .. string.rep("0", 64), "key-main:" .. string.rep("f", 64),
    "key-main:" .. string.rep("0", 5000) },
  user_data = { '{"id":"fz"}', '{"id":12}', "{}", "not json", '{"id":""}', '{"id":"fz","watchlist":["a"]}' },
  channel_data = { '{"user_id":"fz"}', '{"user_id":12}', "{}", "x", '{"user_id":"fz","user_info":5}', '{"user_id":null}' },
}
local function field(name) return chance(0.75) and pick(FIELDS[name]) or rand_value(1) end

local function gen_grammar()
  local r, event, unknown = R(10), nil, false
  if r <= 4 then event = pick(CLIENT_EVENTS)
  elseif r <= 6 then event, unknown = chance(0.8) and pick(UNKNOWN) or "pusher:" .. alnum(R(10)), true
  elseif r <= 8 then event = "client-" .. (chance(0.8) and alnum(R(10)) or rand_string())
  else event = chance(0.5) and rand_string(true) or rand_value(1) end
  local fields = { { "event", event } }
  if chance(0.6) then fields[#fields + 1] = { "channel", rand_channel() } end
  local d = R(10)   -- 1: no data
  if d > 1 then
    local data
    if d > 3 and (event == "pusher:subscribe" or event == "pusher:unsubscribe" or event == "pusher:signin") then
      data = { obj = {} }   -- each field may be missing or of the wrong type
      local f = data.obj
      if event == "pusher:signin" then
        if chance(0.8) then f[#f + 1] = { "auth", field("auth") } end
        if chance(0.8) then f[#f + 1] = { "user_data", field("user_data") } end
      else
        if chance(0.8) then f[#f + 1] = { "channel", rand_channel() } end
        if chance(0.5) then f[#f + 1] = { "auth", field("auth") } end
        if chance(0.3) then f[#f + 1] = { "channel_data", field("channel_data") } end
      end
      if chance(0.15) then f[#f + 1] = { alnum(R(8)), rand_value(1) } end
      if chance(0.1) and #f > 0 then f[#f + 1] = f[R(#f)] end   -- a key twice
    else data = rand_value(2) end
    if type(data) == "table" and data.obj and chance(0.3) then data = enc(data) end   -- data as a JSON string
    fields[#fields + 1] = { "data", data }
  end
  if chance(0.1) then for i = #fields, 2, -1 do local j = R(i) fields[i], fields[j] = fields[j], fields[i] end end
  if chance(0.05) then fields[#fields + 1] = { "event", pick(CLIENT_EVENTS) } unknown = false end
  local text = enc { obj = fields }
  return { kind = "text", text = text, label = "grammar: " .. printable(type(event) == "string" and event or "event " .. enc(event), 60),
    unknown = unknown and #text <= 4096 and utf8.len(text) ~= nil and event or nil }   -- for FRAME-5
end

-- ---------------------------------------------------------------- mutations of corpus seeds
local SEEDS = {}   -- corpus/fuzz_frame_parse, sorted (filled by run)
local BYTES = { "{", "}", "[", "]", '"', ":", ",", "\\", "\0", "\xff", "\\u0000", "\\ud800", "null", "1e999", "\n",
  '"event":', "pusher:", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82" }
local function insert(s, pos, x) return s:sub(1, pos - 1) .. x .. s:sub(pos) end
-- A random position, then the first match at or after it (wrapping around): one search in
-- C instead of a walk over every match (a 100 000-deep nesting has as many literals).
local function find_near(s, pat, p)
  local a, b = s:find(pat, p)
  if not a then a, b = s:find(pat) end
  return a, b
end
local function literal(s)   -- {start, end + 1} of a string literal near a random byte, or nil
  local p = R(#s + 1)
  local _, q = s:sub(1, p - 1):gsub('"', "")   -- odd: p is inside a literal, so start after it
  if q % 2 == 1 then p = (s:find('"', p, true) or #s) + 1 end
  local a, b = find_near(s, '"[^"\\]*"', p)
  return a and { a, b + 1 } or nil
end
local function replace_literal(s, v)
  local l = literal(s)
  return l and s:sub(1, l[1] - 1) .. v .. s:sub(l[2]) or insert(s, R(#s + 1), v)
end
local MUTATORS = {
  { "bitflip", function(s)
    for _ = 1, R(4) do
      local p = R(#s)
      s = s:sub(1, p - 1) .. string.char(s:byte(p) ~ (1 << (R(8) - 1))) .. s:sub(p + 1)
    end
    return s
  end },
  { "insert", function(s) return insert(s, R(#s + 1), chance(0.7) and pick(BYTES) or string.char(R(256) - 1)) end },
  { "delete", function(s) local a = R(#s + 1) return s:sub(1, a - 1) .. s:sub(a + R(8)) end },
  { "truncate", function(s) return s:sub(1, R(#s + 1) - 1) end },
  { "duplicate-field", function(s)
    local p = find_near(s, '"[%w_]+"%s*:', R(#s + 1))
    if not p then return s end
    return insert(s, p, s:sub(p, (s:find("[,}]", p + 1) or #s + 1) - 1) .. ",")
  end },
  { "splice", function(s) local o = pick(SEEDS) return s:sub(1, R(#s + 1) - 1) .. o:sub(R(#o + 1)) end },
  { "huge-string", function(s)
    local bytes, piece = chance(0.1) and 1100000 or pick { 1000, 10000, 100000 }, pick { "a", "é", '\\"', "\\u0041" }
    return replace_literal(s, '"' .. rep(piece, bytes // #piece) .. '"')   -- 1.1 MB: past a 1 MiB cap
  end },
  { "deep-nesting", function(s)
    local d = pick { 64, 1000, 10000, 100000 }
    return replace_literal(s, chance(0.5) and rep("[", d) .. "1" .. rep("]", d)
      or rep('{"a":', d) .. "1" .. rep("}", d))
  end },
  { "invalid-utf8", function(s)
    local l = literal(s)
    return insert(s, l and l[1] + 1 or R(#s + 1), pick { "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80", "\x80" })
  end },
}
local function gen_mutation()
  local i, names = R(#SEEDS), {}
  local s = SEEDS[i]
  for k = 1, R(3) do local m = pick(MUTATORS) s = #s > 0 and m[2](s) or "{" names[k] = m[1] end
  local binary = chance(0.05)
  return { kind = binary and "binary" or "text", text = s,
    label = string.format("mutation %s of corpus seed %d%s", table.concat(names, "+"), i, binary and " in a binary frame" or "") }
end

-- ---------------------------------------------------------------- hand-made WebSocket frames
local function gen_frames()
  local msg = chance(0.5) and pick(SEEDS) or gen_grammar().text
  local cut = R(#msg + 1) - 1
  local a, b = msg:sub(1, cut), msg:sub(cut + 1)
  local e = pick {   -- {what, frames}; fin, rsv and mask as in send_frame
    { "binary frame", { { op = 2, payload = msg } } },
    { "fragmented text", { { op = 1, fin = false, payload = a }, { op = 0, payload = b } } },
    { "fragmented text, a ping between", { { op = 1, fin = false, payload = a }, { op = 9, payload = "p" }, { op = 0, payload = b } } },
    { "fragmented text, never finished", { { op = 1, fin = false, payload = a } } },
    { "continuation frame with no start", { { op = 0, payload = msg } } },
    { "text frame inside a fragmented one", { { op = 1, fin = false, payload = a }, { op = 1, payload = b } } },
    { "RSV bits set", { { op = 1, rsv = R(7), payload = msg } } },
    { "reserved opcode", { { op = pick { 3, 4, 5, 6, 7, 11, 12, 13, 14, 15 }, payload = msg } } },
    { "unmasked frame", { { op = 1, payload = msg, mask = false } } },
    { "ping over 125 bytes", { { op = 9, payload = string.rep("p", 126) } } },
    { "fragmented ping", { { op = 9, fin = false, payload = "p" } } },
    { "close with a 1-byte payload", { { op = 8, payload = "\3" } } },
    { "close with a bad code", { { op = 8, payload = string.pack(">I2", pick { 0, 999, 1004, 1005, 1006, 1015, 5000 }) .. "\xff" } } },
    { "UTF-8 split across fragments", { { op = 1, fin = false, payload = '{"event":"client-\xe2\x82' },
      { op = 0, payload = '\xac","channel":"fz","data":"x"}' } } },
    { "invalid UTF-8 across fragments", { { op = 1, fin = false, payload = '{"event":"client-\xe2\x82' },
      { op = 0, payload = '\xff","channel":"fz","data":"x"}' } } },
  }
  return { kind = "frames", frames = e[2], label = "frames: " .. e[1] }
end

local function gen_batch(seed, b)
  math.randomseed(seed, b)
  local list = {}
  for i = 1, BATCH do
    local r = R(10)
    list[i] = r <= 4 and gen_mutation() or r <= 8 and gen_grammar() or gen_frames()
    list[i].index = i
  end
  return list
end

local function show(inp, keep)
  keep = keep or KEEP
  if inp.kind ~= "frames" then return (inp.kind == "binary" and "binary frame: " or "") .. printable(inp.text, keep) end
  local parts = {}
  for i, f in ipairs(inp.frames) do
    parts[i] = string.format("op=%d%s%s%s %s", f.op, f.fin == false and " fin=0" or "", f.rsv and " rsv=" .. f.rsv or "",
      f.mask == false and " unmasked" or "", printable(f.payload, keep))
  end
  return "frames: " .. table.concat(parts, " | ")
end
-- The shape of an input that killed the server: inputs of that shape are not sent again
-- (else one bug would restart the server every few batches). An input is judged as the
-- server reads it: frames reassembled, then what JSON.parse sees (ps.json.outline). Not
-- JSON: its exact bytes. Else the top-level type when not an object; the event (client-*
-- as one) and its data's type; for subscribe, unsubscribe and signin, whether data has
-- the string fields they need; and whether it nests deeper than 100 levels. Returns the
-- shape, and the shape without the nesting: a deeper input of a known shape is known too.
-- Bytes that are not JSON get their MD5 only if exact (else false: no shape), as long as
-- no such killer is known their shape matches nothing, and hashing every input would cost.
local DEEP = 100
local function shape(inp, exact)
  local text = inp.text
  if not text then
    local parts = {}
    for _, f in ipairs(inp.frames) do if f.op <= 2 then parts[#parts + 1] = f.payload end end
    text = table.concat(parts)
  end
  local o = ps.json.outline(text)
  if not o.json then   -- the bytes, not their printable form
    if not exact then return false, false end
    local bytes = "exactly " .. inp.kind .. " " .. ps.md5(inp.text or show(inp, 1 << 30))
    return bytes, bytes
  end
  local base
  local e, f = o.event_text, o.fields
  if o.top ~= "object" then base = "a JSON " .. o.top
  elseif not e then base = "event " .. (o.event or "absent")
  elseif e == "pusher:subscribe" or e == "pusher:unsubscribe" or e == "pusher:signin" then
    local ok = o.data == "object" and (e == "pusher:signin" and f.auth == "string" and f.user_data == "string"
      or e ~= "pusher:signin" and f.channel == "string")
    base = e .. (ok and " well-formed" or " malformed")
  else base = (e:match("^client%-") and "client-*" or e) .. " data " .. (o.data or "absent") end
  return base .. (o.depth > DEEP and string.format(", nested deeper than %d", DEEP) or ""), base
end

-- Done with a connection: released (closed and freed at once) when the harness can,
-- else closed and its read messages dropped (the harness keeps it to the scenario's end).
local function finished(h)
  if h.release then return h:release() end
  h:close()
  if h.frames then h.frames, h.buf = {}, "" else h.inbox = {} end
end

local documented = ps.verify.documented_close   -- RULES.md: 1000, 1001, 4000-4399

ps.scenario {
  id = "fuzz-live",
  title = "The server survives thousands of generated hostile inputs (live fuzzing)",
  rules = { "FRAME-4", "FRAME-5" },
  tags = { "fuzz" },
  -- seconds + 120 is meant, but a scenario file sees no target when it loads: the
  -- loop keeps to --seconds itself (see the README); this only bounds a stuck run.
  timeout = 86400 + 120,
  -- long: its closures (batch, liveness, bisection) share the run's counters and findings
  run = function(t)
    local opts = t.target.fuzz or { seconds = 60, seed = ps.wall() }
    local seed, seconds = math.floor(opts.seed), opts.seconds
    SEEDS = ps.corpus("fuzz_frame_parse")
    table.sort(SEEDS)   -- the harness lists them in directory order
    local known, known_exact, halted = {}, false, false   -- killers' shapes; one of them is exact bytes
    local st = { inputs = 0, batches = 0, skipped = 0, downs = 0, findings = 0, restarts = 0, down_ms = 0, wait_ms = 0, replays = 0, replay_ms = 0, reactions = {},
      dropped = {}, close_codes = {}, bad = {}, killers = {}, unknown = { sent = 0, ignored = 0, error = 0, closed = 0, crashed = 0, examples = {} } }
    local function finding(f)
      for k, v in pairs(f) do if type(v) == "string" then f[k] = printable(v, #v) end end   -- labels and details too
      st.findings = st.findings + 1
      t:record("finding", f)
      t:log("finding: " .. f.kind, f.input or f.detail)
    end

    -- Where inputs go. A target with two or more nodes, each with its own restart
    -- command, is a pool of servers: fuzzing goes on with one while a dead one
    -- restarts in the background, and a killed batch is replayed on another.
    local nodes = t.target.nodes
    local pool = nodes ~= nil and #nodes >= 2
    for _, n in ipairs(pool and nodes or {}) do pool = pool and n.restart ~= nil end
    local up, jobs = {}, {}   -- pool: up[i] true serving, false restarting (jobs[i]), nil lost
    for i = 1, pool and #nodes or 0 do up[i] = true end
    local function at(n, o)   -- options placing a connection or request on node n (pool only)
      o = o or {}
      if pool then o.node = n end
      return o
    end
    local function node_name(n) return pool and nodes[n].name or nil end

    -- Each input goes on a fresh connection, followed by a sentinel (a subscription to a
    -- fresh public channel; a ping frame on hand-made connections) whose answer tells
    -- that the server has taken the input. All of a batch wait REACT_MS at most together.
    -- meanwhile() (the next batch's generation) runs while the server takes the upgrades
    -- and the inputs sent with them; hand-made frames go out after it, once upgraded.
    local function run_batch(inputs, b, n, meanwhile)
      local slots, raw_dead = {}, false
      for _, inp in ipairs(inputs) do   -- every upgrade first: together they take one round trip
        local s = { inp = inp, batch = b }
        slots[#slots + 1] = s
        if inp.kind == "frames" then
          local ok, r = pcall(t.raw_open, t, at(n, { wait = false }))
          s.raw, s.frames = ok and r or nil, inp.frames
        else
          local ok, c = pcall(t.connect, t, at(n))
          if ok then
            s.conn, s.sentinel = c, t:channel("sentinel-")
            if inp.kind == "binary" then c:send_binary(inp.text) else c:send_raw(inp.text) end
            c:send { event = "pusher:subscribe", data = { channel = s.sentinel } }
          end
        end
      end
      -- a batch's bytes are let go once sent (two batches at once would crowd the Lua
      -- budget): what is shown of them is kept, and a replay generates the batch again
      for k in pairs(meanwhile and inputs or {}) do inputs[k] = nil end   -- the caller's list too
      for _, s in ipairs(meanwhile and slots or {}) do
        local i = s.inp
        s.inp = { index = i.index, label = i.label, kind = i.kind, unknown = i.unknown, shown = show(i), short = show(i, 300) }
      end
      if meanwhile then meanwhile() end
      for _, s in ipairs(slots) do   -- a hand-made connection sends once upgraded; after one failed, none waits
        if s.raw and (raw_dead or not pcall(s.raw.upgraded, s.raw)) then
          raw_dead = true
          finished(s.raw)
          s.raw = nil
        elseif s.raw then
          for _, f in ipairs(s.frames) do s.raw:send_frame(f.op, f.payload, { fin = f.fin, rsv = f.rsv, mask = f.mask }) end
          s.raw:send_frame(9, SENTINEL)
        end
        s.frames = nil
      end
      local deadline = ps.now() + REACT_MS
      for _, s in ipairs(slots) do
        local left = deadline - ps.now()
        if left > 0 and s.raw then
          local f = s.raw:expect_frame(function(f) return f.op == 8 or (f.op == 10 and f.payload == SENTINEL) end, { within = left })
          s.done, s.close = f ~= nil, f and f.op == 8 and f or nil
        elseif left > 0 and s.conn then
          s.done = s.conn:expect(function(m) return m.channel == s.sentinel end, { within = left }) ~= nil
        end
      end
      -- the reaction: error (pusher:error), close (with s.code), dropped (no close frame),
      -- answered (other messages), silence, no-answer (sentinel unanswered), failed (no connection)
      for _, s in ipairs(slots) do
        local h = s.raw or s.conn
        if h then
          h:pump()
          local msgs = s.conn and s.conn.inbox or {}
          for _, f in ipairs(s.raw and s.raw.frames or {}) do
            if f.op == 8 then s.close = s.close or f elseif f.msg then msgs[#msgs + 1] = f.msg end
          end
          for _, m in ipairs(msgs) do
            if m.event == "pusher:error" then s.error = true
            elseif m.event ~= "pusher:connection_established" and m.event ~= "pusher:ping" then s.answered = true end
          end
          local info = s.conn and s.conn:info() or {}
          if s.close or info.close_frame then s.how, s.code = "close", s.close and (s.close.code or NO_STATUS) or (info.close_coded and info.close_code or NO_STATUS)
          elseif s.conn and s.conn:state() == "failed" then s.how = "failed"
          elseif h:is_closed() then s.how = "dropped"
          else s.how = s.error and "error" or not s.done and "no-answer" or s.answered and "answered" or "silence" end
          finished(h)
        end
        s.how = s.how or "failed"
      end
      return slots
    end

    -- Reactions count only in batches the server survived (a dying server closes everything).
    local AS_UNKNOWN = { silence = "ignored", answered = "ignored", error = "error", close = "closed", dropped = "closed" }
    local function file(slots)
      local u = st.unknown
      for _, s in ipairs(slots) do
        local gen = s.inp.label:match("^%w+")   -- mutation, grammar, frames
        st.reactions[gen] = st.reactions[gen] or {}
        st.reactions[gen][s.how] = (st.reactions[gen][s.how] or 0) + 1
        if s.how == "dropped" and #st.dropped < 5 then st.dropped[#st.dropped + 1] = printable(s.inp.label, 200) .. ": " .. (s.inp.short or show(s.inp, 300)) end
        if s.code then
          st.close_codes[tostring(s.code)] = (st.close_codes[tostring(s.code)] or 0) + 1
          if s.code ~= NO_STATUS and not documented(s.code) and not st.bad[s.code] then
            st.bad[s.code] = true
            finding { kind = "bad-close-code", code = s.code, seed = seed, batch = s.batch, index = s.inp.index,
              generator = s.inp.label, input = s.inp.shown or show(s.inp), detail = "close code " .. s.code .. " is not documented" }
          end
        end
        local k = s.inp.unknown and AS_UNKNOWN[s.how]
        if k then
          u.sent, u[k] = u.sent + 1, u[k] + 1
          if k == "closed" and #u.examples < 5 then u.examples[#u.examples + 1] = (s.inp.short or show(s.inp, 300)) .. " -> " .. s.how .. " " .. tostring(s.code) end
        end
      end
    end

    -- A fresh connection subscribes to a fresh public channel and gets an event triggered
    -- over HTTP. The subscription goes out with the upgrade: one round trip less.
    local function alive(n)
      local ok, c = pcall(t.connect, t, at(n))
      if not ok then return false, tostring(c) end
      local ch = t:channel("alive-")
      c:subscribe(ch)
      local m, why = c:established { within = ALIVE_MS }
      if not m then why = "no connection_established: " .. why
      else
        local sub, w = c:subscribed(ch, { within = ALIVE_MS })
        local res = sub and t:trigger({ channel = ch, name = "alive", data = "1" }, at(n, { within = ALIVE_MS }))
        if not sub then why = "subscribing to " .. ch .. ": " .. w
        elseif res.status ~= 200 then why = "POST /events answered " .. res.status .. " " .. (res.error or res.body or ""):sub(1, 200)
        elseif not c:expect({ event = "alive" }, { within = ALIVE_MS }) then why = "the triggered event did not arrive" end
      end
      finished(c)
      return why == nil, why
    end
    -- crash: the server refuses connections or closes them at once; hang: it takes them and serves nothing
    local function down_kind(n)
      local ok, c = pcall(t.connect, t, at(n))
      local dead = not ok or not c:established { within = 1000 } and c:is_closed()
      if ok then finished(c) end
      return dead and "crash" or "hang"
    end
    local function stop(reason)
      t:record("stopped", { batch = st.batches, reason = reason })
      halted = true
    end
    -- One server: the restart command, waited for.
    local function restart()
      if not t.target.restart then
        return stop("the server went down and the target has no restart command: fuzzing stopped")
      end
      st.restarts = st.restarts + 1
      t:log("restarting the target: " .. t.target.restart)
      if t:restart_target() and alive() then return true end
      stop("the restart command failed or the server did not come back")
    end
    -- A pool: restarts end in the background; a node serves again once it passes the liveness check.
    local function lost(i, why)
      up[i], jobs[i] = nil, nil
      t:record("node-lost", { node = nodes[i].name, reason = why })
    end
    local function poll_restarts()
      for i, job in pairs(jobs) do
        local done, why = job.poll()
        if done ~= false then
          jobs[i] = nil
          local ok, w = false, nil
          if done then ok, w = alive(i) end
          if ok then up[i] = true else lost(i, why or ("it failed the liveness check after its restart: " .. w)) end
        end
      end
    end
    -- Node n went down (one server: n unused): bring it back. Returns the node to go on
    -- with (a pool: any that serves, waiting only when none does), or nil: fuzzing stops.
    local function recover(n)
      if not pool then return restart() and n or nil end
      st.restarts = st.restarts + 1
      up[n] = false
      local job, why = t:node_command_start(n, "restart")
      if job then jobs[n] = job else lost(n, why) end
      local t0 = ps.now()
      while not halted do
        poll_restarts()
        for i = 0, #nodes - 1 do   -- the next one in turn that serves
          local k = (n + i) % #nodes + 1
          if up[k] then st.wait_ms = st.wait_ms + ps.now() - t0 return k end
        end
        if not next(jobs) then return stop("every node of the pool went down and none came back (see node-lost)") end
        t:sleep(20)
      end
    end

    -- The server (node n) went down in batch b: record it, go on with a server that
    -- serves (n restarted, or another node of a pool), and replay the batch's inputs
    -- there one at a time, a liveness check after each, to find the one that kills it.
    -- Suspects first: the inputs whose sentinel went unanswered in the batch (the killer
    -- is among them unless its harm came late). Each replay is judged by its own
    -- liveness check, as in batch order; only fewer replays come before the killer's.
    -- (Bisection would replay fewer inputs but restart the server about log2(100)/2
    -- more times, and a restart costs more than all the single replays it saves.)
    -- Returns the node to go on with.
    local function server_down(n, b, why, slots)
      local shown = {}
      for i, sl in ipairs(slots) do shown[i] = sl.inp.shown or show(sl.inp) end
      st.downs = st.downs + 1
      finding { kind = down_kind(n), node = node_name(n), seed = seed, batch = b, inputs = shown, detail = why }
      n = recover(n)
      if not n then return nil end
      local order, whole = {}, gen_batch(seed, b)   -- the same inputs again (see run_batch)
      for pass = 1, 2 do
        for _, sl in ipairs(slots) do if (pass == 1) == not sl.done then order[#order + 1] = whole[sl.inp.index] end end
      end
      for _, inp in ipairs(order) do
        local t0 = ps.now()
        run_batch({ inp }, b, n)
        local ok, why2 = alive(n)
        st.replays, st.replay_ms = st.replays + 1, st.replay_ms + ps.now() - t0
        if not ok then
          finding { kind = down_kind(n), node = node_name(n), seed = seed, batch = b, index = inp.index, generator = inp.label,
            input = show(inp), detail = why2, reproduce = string.format("pushspec fuzz --target TARGET --seed %d: batch %d, input %d "
              .. "(fuzz_from_batch = %d in the target file starts there)", seed, b, inp.index, b) }
          if inp.unknown then st.unknown.crashed = st.unknown.crashed + 1 end
          if #st.killers < 3 then   -- the check's Actual names them, not only the findings
            st.killers[#st.killers + 1] = string.format("batch %d input %d (%s): %s", b, inp.index, inp.label, show(inp, 120))
          end
          local killer = shape(inp, true)
          known[killer], known_exact = true, known_exact or killer:match("^exactly ") ~= nil
          return recover(n)
        end
      end
      t:record("not-reproduced", { batch = b, detail = "no input of the batch brings the server down alone" })
      return n
    end

    local node = 1   -- of a pool (one server: unused)
    local ok0, why0 = alive(node)
    if not ok0 then
      t:skip("FRAME-4", "the server failed the liveness check before fuzzing: " .. why0)
      return t:skip("FRAME-5", "the server failed the liveness check before fuzzing")
    end
    t:log(string.format("fuzzing %s for %d s with seed %d (%d corpus seeds)%s", t.target.name, seconds, seed, #SEEDS,
      pool and string.format(", a pool of %d nodes", #nodes) or ""))
    -- --seconds of fuzzing, not counting restarts and replays; at most 100 s more in all
    local start, first, digest = ps.now(), {}, {}
    local batch = (tonumber(t.target.fuzz_from_batch) or 1) - 1
    local tm = { generating = 0, sending = 0, liveness = 0 }   -- where the fuzzing time goes (ms)
    local function generate(b)   -- a batch, with the shapes the known-crasher filter needs
      local t0, list = ps.now(), gen_batch(seed, b)
      if next(known) then for _, inp in ipairs(list) do inp.shape, inp.base = shape(inp, known_exact) end end
      tm.generating = tm.generating + ps.now() - t0
      return list
    end
    local nxt = generate(batch + 1)
    local function admit()   -- the inputs of nxt to send (a function: its loop's registers die with it)
      local inputs = {}
      for _, inp in ipairs(nxt) do
        if #first < 5 then first[#first + 1] = show(inp) end
        if #digest < 3 * BATCH then digest[#digest + 1] = show(inp) end
        if next(known) and (inp.shape == nil or inp.shape == false and known_exact) then
          inp.shape, inp.base = shape(inp, known_exact)   -- unknown when it was generated
        end
        if next(known) and (known[inp.shape] or known[inp.base]) then st.skipped = st.skipped + 1 else inputs[#inputs + 1] = inp end
      end
      nxt = nil
      return inputs
    end
    while ps.now() - start - st.down_ms < seconds * 1000 and ps.now() - start < (seconds + 100) * 1000 and not halted do
      batch = batch + 1
      local inputs = admit()
      local t1, gen_ms = ps.now(), tm.generating
      local slots = run_batch(inputs, batch, node, function() nxt = generate(batch + 1) end)
      local t2 = ps.now()
      tm.sending = tm.sending + (t2 - t1) - (tm.generating - gen_ms)
      st.inputs, st.batches = st.inputs + #slots, st.batches + 1
      local ok, why = alive(node)
      tm.liveness = tm.liveness + ps.now() - t2
      if ok then file(slots)
      else   -- restarts and replays don't count as fuzzing time
        local t0 = ps.now()
        node = server_down(node, batch, why, slots)
        st.down_ms = st.down_ms + ps.now() - t0
      end
      if st.batches % 100 == 0 then t:log(string.format("%d batches, %d inputs", st.batches, st.inputs)) end
    end

    local elapsed = (ps.now() - start) / 1000
    while next(jobs) do poll_restarts() t:sleep(20) end   -- a pool is left serving
    local rate, rate_fuzzing = st.inputs / elapsed, st.inputs / math.max(0.001, elapsed - st.down_ms / 1000)
    local alive_end, u = not halted and alive(node), st.unknown
    t:log(string.format("sent %d inputs in %d batches in %.1f s: %.0f inputs/s (%.0f/s not counting restarts and replays); "
      .. "%d findings, %d restarts, %d inputs of known crashers' shapes skipped, server alive at the end: %s", st.inputs,
      st.batches, elapsed, rate, rate_fuzzing, st.findings, st.restarts, st.skipped, tostring(alive_end)))
    tm.down, tm.waiting_for_a_node, tm.replaying = st.down_ms, st.wait_ms, st.replay_ms
    t:record("summary", { seed = seed, seconds = seconds, inputs = st.inputs, batches = st.batches, findings = st.findings,
      server_alive = alive_end, first_inputs = first, first_batches_md5 = ps.md5(table.concat(digest, "\n")),
      inputs_per_second = math.floor(rate + 0.5), inputs_per_second_fuzzing = math.floor(rate_fuzzing + 0.5),
      restarts = st.restarts, replays = st.replays, skipped_known_crashers = st.skipped, reactions = st.reactions, dropped_examples = st.dropped,
      close_codes = st.close_codes, unknown_events = u, pool = pool and #nodes or nil, time_ms = tm })
    local bad = {}
    for code in pairs(st.bad) do bad[#bad + 1] = code end
    table.sort(bad)
    t:check("FRAME-4:others-keep-working", st.downs == 0, "the server survives every input",
      string.format("%d inputs; the server went down %d times%s (see the findings)", st.inputs, st.downs,
        #st.killers > 0 and ("; it died of " .. table.concat(st.killers, "; ")) or ""))
    t:check("FRAME-4:documented-close", #bad == 0, "refusals close with documented codes (" .. ps.verify.DOCUMENTED_CLOSE .. ")",
      #bad == 0 and "all close codes documented" or "undocumented close codes: " .. table.concat(bad, ", "))
    if u.sent + u.crashed == 0 then return t:skip("FRAME-5", "no unknown pusher: event was sent") end
    t:check("FRAME-5:answered-or-ignored", u.closed + u.crashed == 0, "unknown pusher: events are ignored or answered with pusher:error, never crash",
      string.format("%d sent: %d ignored, %d pusher:error, %d closed, %d crashed the server %s", u.sent, u.ignored, u.error,
        u.closed, u.crashed, table.concat(u.examples, "; ")))
  end,
}
