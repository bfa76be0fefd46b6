#!/usr/bin/env bash
# Vacuous verdicts: a rule whose checks saw nothing to judge is an error
# "nothing observed", never a pass (nor a failure the server did not earn).
#   reset           connection_established, then a TCP reset: the AUTH refusals
#                   were never judged (their positive control, a correctly signed
#                   subscription, was never answered: "control failed", issue 20)
#   reset-on-frame  a reset on the first frame, whatever it is: the same
#   silent          the WebSocket handshake, then not a word: CONN-10 (close codes)
#                   saw no close code at all
#   bash test_vacuous.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_vacuous.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

# run_against MODE NAME ARGS...: pushspec against a peer in MODE; result in $tmp/NAME.json
run_against() {
    local mode=$1 name=$2 port
    shift 2
    port=$(free_port)
    $peer flood "$port" "$mode" >"$tmp/$name.peer" 2>&1 &
    pids+=($!)
    wait_listen "$port" || fail "the $mode server listens" "port $port" "nothing"
    timeout 100 "$ps" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit "$@" \
        --json "$tmp/$name.json" >"$tmp/$name.out" 2>"$tmp/$name.err"
    check_eq "$name: the run ends with failures, not a usage error" 1 "$?"
}
verdict() { json_get "$tmp/$1.json" "[r['verdict'] + ' ' + r.get('message', '') for r in j['rules'] if r['id'] == '$2'][0]"; }

for mode in reset reset-on-frame; do
    run_against "$mode" "$mode" --filter 'auth-*'
    for rule in AUTH-1 AUTH-2 AUTH-3 AUTH-4 AUTH-5 AUTH-7 AUTH-8; do
        check_has "$mode: $rule is an error, its control failed" \
            "^error control failed: AUTH-6:(private|presence)-accepted .*(closed without a close frame|connection closed)" \
            "$(verdict "$mode" "$rule")"
    done
    check_lacks "$mode: no AUTH rule passes" "pass" "$(json_get "$tmp/$mode.json" "' '.join(r['verdict'] for r in j['rules'])")"
done

run_against silent silent --filter CONN-10
check_has "silent: CONN-10 is an error, nothing observed" "^error nothing observed: the server closed no" \
    "$(verdict silent CONN-10)"
check_has "silent: CONN-4 still fails (it was answered by nothing)" "^fail" "$(verdict silent CONN-4)"
finish
