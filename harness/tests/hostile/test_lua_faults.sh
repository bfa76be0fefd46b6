#!/usr/bin/env bash
# Scenarios whose error value's __tostring raises an error or loops forever:
# the run goes on (no abort), each is an error saying its value could not be
# turned into text, and the result is written.
#   bash test_lua_faults.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_lua_faults.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

mkdir -p "$tmp/sc"
cat >"$tmp/sc/faults.lua" <<'LUA'
local scenario = ps.scenario
scenario {
  id = "tostring-errors", title = "an error value whose __tostring errors", rules = { "SUB-1" },
  run = function(t) error(setmetatable({}, { __tostring = function() error("boom") end })) end,
}
scenario {
  id = "tostring-loops", title = "an error value whose __tostring never ends", rules = { "SUB-2" },
  run = function(t) error(setmetatable({}, { __tostring = function() while true do end end })) end,
}
scenario {
  id = "tostring-abort-index", title = "an error table whose __index never ends", rules = { "SUB-3" },
  run = function(t) error(setmetatable({}, { __index = function() while true do end end })) end,
}
LUA
port=$(free_port)
$peer server "$port" >"$tmp/server.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "the server listens" "port $port" "nothing"
timeout 100 "$ps" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit --scenarios "$tmp/sc" \
    --json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
check_has "the run ends with verdicts (no abort)" "^[01]$" "$rc"
for id in tostring-errors tostring-loops; do
    check_has "$id: an error saying the value could not be turned into text" \
        "^error .*could not be turned into text" \
        "$(json_get "$tmp/r.json" "' '.join(s['verdict'] + ' ' + (s.get('message') or '') for s in j['scenarios'] if s['id'] == '$id')")"
done
check_has "tostring-abort-index: an error" "^error" \
    "$(json_get "$tmp/r.json" "' '.join(s['verdict'] for s in j['scenarios'] if s['id'] == 'tostring-abort-index')")"
finish
