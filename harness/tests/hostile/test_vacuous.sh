#!/usr/bin/env bash
# A server that completes the WebSocket handshake and then never says a word:
# a rule whose scenario saw nothing to judge is an error "nothing observed",
# never a pass (CONN-10 passed against it before).
#   bash test_vacuous.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_vacuous.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

port=$(free_port)
$peer flood "$port" silent >"$tmp/peer.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "the silent server listens" "port $port" "nothing"
timeout 100 "$ps" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit --filter CONN-10 \
    --json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
check_has "the run ends with verdicts" "^[01]$" "$rc"
check_eq "CONN-10 is an error" error "$(json_get "$tmp/r.json" "[r['verdict'] for r in j['rules'] if r['id'] == 'CONN-10'][0]")"
check_has "its reason says nothing was observed" "nothing observed" \
    "$(json_get "$tmp/r.json" "[r.get('message') for r in j['rules'] if r['id'] == 'CONN-10'][0]")"
check_lacks "no rule passes" "pass" "$(json_get "$tmp/r.json" "' '.join(r['verdict'] for r in j['rules'])")"
finish
