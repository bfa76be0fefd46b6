#!/usr/bin/env bash
# Incidental findings (harness/tests/incidental/ against hostile/deviant.py): a deviation a
# scenario meets while doing something else fails that deviation's rule, with the frame or
# answer and "seen in scenario ID", though no scenario declares it; set-up takes a 202, and a
# set-up it cannot do is an error of the scenario, never a fail of its own rules.
#   bash test_incidental.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_incidental.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

port=$(free_port)
$py "$src/harness/tests/hostile/deviant.py" "$port" >"$tmp/server.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "deviant server listens" "port $port" "nothing"
out=$tmp/run.json
timeout 120 "$ps" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret secret \
    --scenarios "$src/harness/tests/incidental" --json "$out" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
check_eq "failing MUST rules: exit status" 1 "$rc"
rule() { json_get "$out" "[(r['verdict'], r.get('scenario'), r.get('actual', '')) for r in j['rules'] if r['id'] == '$1'][0]"; }
sc() { json_get "$out" "[(s['verdict'], s.get('message', '')) for s in j['scenarios'] if s['id'] == '$1'][0]"; }
check_has "HTTP-1 fails from a set-up trigger answered 202" \
    "^\('fail', 'inc-publish-202', 'HTTP 202 \{\} to the set-up trigger of inc \(seen in scenario inc-publish-202\)'\)" "$(rule HTTP-1)"
check_has "EVT-1 passes: a 202 delivered the event" "^\('pass'" "$(rule EVT-1)"
check_has "inc-publish-202 itself passes" "^\('pass'" "$(sc inc-publish-202)"
check_has "PRES-1 fails from a frame seen in a scenario not declaring it" \
    "^\('fail', 'inc-presence-count', .*count is 2 but data.presence.ids has 3 entries in .*subscription_succeeded.*\(seen in scenario inc-presence-count\)" \
    "$(rule PRES-1)"
check_has "SUB-2 passes: passing frames do not change it" "^\('pass'" "$(rule SUB-2)"
check_has "SUB-1 fails from the refused set-up subscription" "^\('fail', 'inc-setup-refused', .*refused.*subscription_error" \
    "$(rule SUB-1)"
check_has "the scenario whose set-up failed is an error" "^\('error', 'set-up failed: connection 1 could not subscribe" \
    "$(sc inc-setup-refused)"
check_has "its own rule is an error, not a fail" "^\('error'" "$(rule EVT-2)"
check_has "the incidental finding is listed under its scenario" "\[\('PRES-1', 'fail'\)\]" \
    "$(json_get "$out" "[[(r['id'], r['verdict']) for r in s.get('incidental', [])] for s in j['scenarios'] if s['id'] == 'inc-presence-count'][0]")"
check_has "CONN-10 fails from a close frame with 1011" \
    "^\('fail', 'inc-close-code', 'the server closed connection 1 with close code 1011 \(documented: 1000, 1001 or 4000-4399\) \(seen in scenario inc-close-code\)'\)" \
    "$(rule CONN-10)"
check_has "undeclared rules passing frames never touch stay skipped" "^\('skip'" "$(rule FRAME-6)"
finish
