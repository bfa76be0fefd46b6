#!/usr/bin/env bash
# A bound hit is the verdict of the scenario that hit it: a server sends one
# frame over the 4 MiB cap (ws-frame-bytes). The scenario whose connection got
# it ends error "limit ws-frame-bytes reached", not with a fail judged on the
# marker; one that declares t:expect_oversize() reads the marker instead.
#   bash test_oversize_verdict.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_oversize_verdict.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

mkdir -p "$tmp/sc"
for id in plain expects; do
    decl=""
    [ "$id" = expects ] && decl="t:expect_oversize()"
    cat >"$tmp/sc/$id.lua" <<LUA
ps.scenario {
  id = "$id", title = "reads what follows connection_established", rules = { "SUB-1" },
  run = function(t)
    $decl
    local c = t:open()
    local m = c:next { within = 20000 }
    t:check("SUB-1", m ~= nil and m.kind == "oversize", "the oversize marker", m)
  end,
}
LUA
done
port=$(free_port)
$peer pieces "$port" s3cr3t-oversize-pieces >"$tmp/peer.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "the server listens" "port $port" "nothing"
start_ps "$tmp/out" "$tmp/err" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret s3cr3t-oversize-pieces \
    --scenarios "$tmp/sc" --json "$tmp/r.json"
wait "$run"
check_has "the run ends with verdicts" "^[01]$" "$?"
sc() { json_get "$tmp/r.json" "[s for s in j['scenarios'] if s['id'] == '$1'][0].get('$2')"; }
check_eq "the scenario that got the frame is an error" "error" "$(sc plain verdict)"
check_has "its error names the bound" "limit ws-frame-bytes reached" "$(sc plain message)"
check_eq "one that expects oversized frames reads the marker and passes" "pass" "$(sc expects verdict)"
finish
