#!/usr/bin/env bash
# A server that floods every connection after connection_established, with
# 4 KB frames that decode into large tables, then with empty frames: the
# flooded scenario ends with an error naming its Lua memory budget (no abort,
# a result written), the HTTP scenario run beside it never sees "not enough
# memory", the run ends (no hang), and peak RSS stays under the ceiling.
#   bash test_lua_flood.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_lua_flood.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

for kind in tables empty; do
    port=$(free_port)
    $peer flood "$port" "$kind" >"$tmp/peer.out" 2>&1 &
    pids+=($!)
    wait_listen "$port" || fail "$kind: the flooding server listens" "port $port" "nothing"
    t0=$(date +%s)
    start_ps "$tmp/out" "$tmp/err" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit-$kind \
        --filter 'sub-public,http-trigger-ok' --timeout-scale 30 --json "$tmp/$kind.json"
    wait "$run"
    rc=$?
    took=$(($(date +%s) - t0))
    check_has "$kind: the run ends with verdicts (no abort)" "^[01]$" "$rc"
    check_has "$kind: the flooded scenario is an error naming its Lua memory budget" \
        "error over the scenario's Lua memory budget of [0-9]+ MiB" \
        "$(json_get "$tmp/$kind.json" "' '.join(s['verdict'] + ' ' + (s.get('message') or '') for s in j['scenarios'] if s['id'] == 'sub-public')")"
    check_has "$kind: the result names the limit" "lua-memory-per-scenario" \
        "$(json_get "$tmp/$kind.json" "' '.join(x['limit'] for x in j.get('limits_hit', []))")"
    check_lacks "$kind: no other scenario ran out of memory" "not enough memory" "$(cat "$tmp/$kind.json" "$tmp/err")"
    check_has "$kind: the HTTP scenario ran" "http" \
        "$(json_get "$tmp/$kind.json" "' '.join(s['id'] for s in j['scenarios'] if s['id'] != 'sub-public')")"
    # The budget, not the deadline, ends the flooded scenario: how many frames a machine decodes
    # in a given time varies (a loaded one took over 20 s to reach the budget), so the deadlines
    # are far (150 s, --timeout-scale 30) and the bounds only tell an end from a hang.
    check_below "$kind: every scenario ends within its 150 s deadline (ms)" 155000 \
        "$(json_get "$tmp/$kind.json" "max(s['duration_ms'] for s in j['scenarios'])")"
    check_below "$kind: the run ends well before a hang would (s)" 200 "$took"
    check_below "$kind: peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
    echo "$kind: peak RSS $(cat "$tmp/hwm" 2>/dev/null) kB, $took s" >&2
done
# a scenario that takes every flooded frame and drops it stays within its
# budget: its 3 s deadline must still hold while the frames pour in
mkdir -p "$tmp/sc"
cat >"$tmp/sc/drain.lua" <<'LUA'
local scenario = ps.scenario
scenario {
  id = "drain", title = "reads a flood forever", rules = { "SUB-1" }, timeout = 3,
  run = function(t)
    local c = t:open()
    while true do c:next { within = 1000 } end
  end,
}
LUA
port=$(free_port)
$peer flood "$port" tables >"$tmp/peer.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "drain: the flooding server listens" "port $port" "nothing"
start_ps "$tmp/out" "$tmp/err" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit-drain \
    --scenarios "$tmp/sc" --json "$tmp/drain.json"
wait "$run"
check_has "drain: a timeout at its deadline" "^timeout timed out after [34]\.[0-9] s" \
    "$(json_get "$tmp/drain.json" "' '.join(s['verdict'] + ' ' + (s.get('message') or '') for s in j['scenarios'])")"
check_below "drain: peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
echo "drain: peak RSS $(cat "$tmp/hwm" 2>/dev/null) kB" >&2
finish
