#!/usr/bin/env bash
# Attribution (issue 10 item 4): a server that dies on one input of a scenario
# that sends several (frame-hostile-http-bodies: five bad POST /events bodies)
# is reported as killed by that input, not by the last one sent; a server
# that survives them all passes, checked between inputs all the same.
#   bash test_attribution.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_attribution.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

third='{"name":"x","data":"{}"}'   # the third body of BAD_BODIES in scenarios/server/hostile.lua
fifth='null'                      # the fifth and last
# attempt NAME [DIE_ON]: the scenario against peer.py pusher; result in $tmp/NAME.json
attempt() {
    local name=$1 port
    shift
    port=$(free_port)
    $peer pusher "$port" "$@" >"$tmp/$name.peer" 2>&1 &
    pids+=($!)
    wait_listen "$port" || fail "$name: the peer listens" "port $port" "nothing"
    timeout 120 "$ps" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit \
        --filter frame-hostile-http-bodies --json "$tmp/$name.json" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    actual=$($py -c 'import json, sys; print(json.load(open(sys.argv[1]))["scenarios"][0]["rules"][0].get("actual") or "")' \
        "$tmp/$name.json" 2>&1)
    verdict=$($py -c 'import json, sys; print(json.load(open(sys.argv[1]))["scenarios"][0]["verdict"])' "$tmp/$name.json" 2>&1)
}

attempt third "$third"
check_eq "dies on the third body: exit status" 1 "$rc"
check_eq "dies on the third body: the scenario fails" fail "$verdict"
check_has "dies on the third body: the report names it" \
    "^the server stopped working after this input: POST /events with a body of no channels: \{\"name\":\"x\",\"data\":\"\{\}\"\}" "$actual"
check_lacks "dies on the third body: the last body sent is not blamed" "a null body" "$actual"
check_lacks "dies on the third body: the fourth is not blamed" "data as an object" "$actual"

attempt fifth "$fifth"
check_eq "dies on the last body: the scenario fails" fail "$verdict"
check_has "dies on the last body: the report names it" \
    "^the server stopped working after this input: POST /events with a body of a null body: null" "$actual"

attempt none
check_eq "survives every body: exit status" 0 "$rc"
check_eq "survives every body: the scenario passes" pass "$verdict"
check_eq "survives every body: four liveness checks between the five inputs, the harness's after" 5 \
    "$(grep -c '^subscribe alive-' "$tmp/none.peer")"
finish
