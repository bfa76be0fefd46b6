#!/usr/bin/env bash
# Hangs that are bounded: a target file with an endless loop (at the top, in
# an __index or a __tostring metamethod, inside pcall) is exit 2 with a
# message, not a hang; a restart command that never ends is killed with its
# process group and reported.
#   bash test_hang_target.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_hang_target.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

app='app = { id = "1", key = "k", secret = "sekrit" }'
printf 'while true do end\n' >"$tmp/loop.lua"
printf 'while true do pcall(function() while true do end end) end\n' >"$tmp/pcall.lua"
printf 'return setmetatable({ url = "ws://127.0.0.1:1", %s }, { __index = function() while true do end end })\n' \
    "$app" >"$tmp/index.lua"
# an error value whose __tostring loops: the message about it is made under the hook too
# (a table where a string belongs is refused by its type before any tostring)
printf 'local s = setmetatable({}, { __tostring = function() while true do end end })\nerror(s)\n' \
    >"$tmp/tostring.lua"
for f in loop pcall index tostring; do
    t0=$(date +%s)
    timeout 60 "$ps" run --target "$tmp/$f.lua" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    check_eq "$f: exit 2" 2 "$rc"
    check_has "$f: says the target file did not finish" "target file did not finish within [0-9]+ s" "$(cat "$tmp/err")"
    check_below "$f: within 20 s" 20 "$(($(date +%s) - t0))"
done

# a destructive scenario takes the server down; its restart never ends
port=$(free_port)
$peer server "$port" >"$tmp/server.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "the server listens" "port $port" "nothing"
cat >"$tmp/restart.lua" <<LUA
return { url = "ws://127.0.0.1:$port", $app,
         restart = "sleep 300 & echo \$! >$tmp/child.pid; sleep 300" }
LUA
mkdir -p "$tmp/sc"
cat >"$tmp/sc/die.lua" <<'LUA'
local scenario = ps.scenario
scenario {
  id = "takes-it-down", title = "a frame that stops the server", rules = { "CONN-1" }, tags = { "destructive" },
  run = function(t)
    local c = t:open()
    c:send { event = "test:die", data = {} }
    t:sleep(300)
    t:check("CONN-1", true, "sent")
  end,
}
LUA
t0=$(date +%s)
timeout 100 "$ps" run --target "$tmp/restart.lua" --scenarios "$tmp/sc" --timeout-scale 0.1 \
    --json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
took=$(($(date +%s) - t0))
check_has "restart: the run ends with verdicts" "^[01]$" "$rc"
check_has "restart: stderr says it did not finish" "restart command did not finish within 6 s" "$(cat "$tmp/err")"
check_below "restart: killed at its limit (s)" 30 "$took"
child=$(cat "$tmp/child.pid" 2>/dev/null)
sleep 0.3
state=$(awk '{print $3}' "/proc/$child/stat" 2>/dev/null)   # a zombie awaiting its reaper is dead
if [ -n "$child" ] && [ -n "$state" ] && [ "$state" != Z ]; then
    fail "restart: its background child was killed with the group" "no process $child" "alive"; kill "$child"
else ok; fi
finish
