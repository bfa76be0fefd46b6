#!/usr/bin/env bash
# A deadline holds while a flood is read: the server floods 16 KB frames that
# each decode into thousands of Lua tables; a scenario with a 3 s deadline lets
# them pile up for 2.5 s, then reads them. One batch of frames taken into Lua
# costs seconds of C time (parsing, collecting) between two Lua instructions
# the count hook could see, so only the check where frames enter Lua
# (ps_bind_past_deadline in conn:pop) ends it at 3 s: without it the scenario
# ran 16 s and ended on its memory budget instead.
#   bash test_flood_deadline.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_flood_deadline.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

mkdir -p "$tmp/sc"
cat >"$tmp/sc/pile.lua" <<'LUA'
local scenario = ps.scenario
scenario {
  id = "pile", title = "lets a flood pile up, then reads it", rules = { "SUB-1" }, timeout = 3,
  run = function(t)
    local c = t:open()
    t:sleep(2500)
    while true do c:next { within = 1000 } end
  end,
}
LUA
port=$(free_port)
# 12 MB/s: 2.5 s of it stays under the 64 MiB inbox bound however fast the machine
FLOOD_BPS=12000000 $peer flood "$port" big-tables >"$tmp/peer.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "the flooding server listens" "port $port" "nothing"
t0=$(date +%s%N)
start_ps "$tmp/out" "$tmp/err" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit-deadline \
    --scenarios "$tmp/sc" --json "$tmp/r.json"
wait "$run"
rc=$?
wall_ms=$((($(date +%s%N) - t0) / 1000000))
check_has "the run ends with verdicts" "^[01]$" "$rc"
# (how long after is the duration's check below: this message's seconds are the clock's)
check_has "the scenario timed out at its deadline" "^timeout timed out after [0-9]+\.[0-9] s" \
    "$(json_get "$tmp/r.json" "' '.join(s['verdict'] + ' ' + (s.get('message') or '') for s in j['scenarios'])")"
# 3 s deadline, generous slack for ASan and a loaded machine
check_below "the scenario lasted under 8 s (ms)" 8000 "$(json_get "$tmp/r.json" "j['scenarios'][0]['duration_ms']")"
check_below "the whole run (its preflight included) under 45 s (ms)" 45000 "$wall_ms"
check_below "peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
echo "scenario $(json_get "$tmp/r.json" "j['scenarios'][0]['duration_ms']") ms, run $wall_ms ms," \
    "peak RSS $(cat "$tmp/hwm" 2>/dev/null) kB" >&2
finish
