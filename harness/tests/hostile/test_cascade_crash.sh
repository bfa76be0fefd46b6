#!/usr/bin/env bash
# Cascade (issue 20): a server that dies and has no restart command. The scenario it died
# in keeps its verdict; every scenario after it is the error "server down since SCENARIO,
# INPUT", never a fail of HTTP-1 (its set-up trigger cannot connect) or of its own rules.
# A server whose HTTP API closes every POST unanswered is not down (its WebSocket side
# answers), and its unanswered set-up triggers are no HTTP-1 finding.
#   bash test_cascade_crash.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_cascade_crash.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/cascade_lib.sh"

cascade crash --scenarios "$src/harness/tests/cascade" --filter 'cascade-*' --jobs 1
check_eq "a failing rule: exit status" 1 "$rc"
check_has "the scenario the server died in fails its own rule" "^fail connection closed without a close frame" "$(verdict SUB-1)"
check_has "EVT-1 after the crash: an error naming the scenario and its input" \
    '^error not run: server down since cascade-crash, \{"event":"pusher:subscribe","data":\{"channel":"crash-cascade-crash-' \
    "$(verdict EVT-1)"
check_has "HTTP-1 after the crash: an error, not a fail" "^error not run: server down since cascade-crash" "$(verdict HTTP-1)"
check_eq "no fail but SUB-1's" "['SUB-1']" "$(fails)"
check_has "the run says when the server went down" "cannot be reached after scenario cascade-crash" "$(cat "$tmp/stderr")"

# the HTTP API closes every POST unanswered, WebSocket works: not down, and no HTTP-1 finding
rm -f "$out"
cascade http-drop --scenarios "$src/harness/tests/cascade" --filter 'drop-*' --jobs 1
check_eq "an unanswered set-up trigger: exit status" 1 "$rc"
check_has "an unanswered set-up trigger: its scenario is a set-up error" "^error set-up failed: the trigger of never" \
    "$(verdict EVT-1)"
check_has "an unanswered set-up trigger is no HTTP-1 finding" "^skip" "$(verdict HTTP-1)"
check_has "a server that still takes WebSocket connections is not down" "^pass" "$(verdict SUB-1)"
check_lacks "no 'server down' in the run" "server down" "$(cat "$tmp/stderr" "$out")"
finish
