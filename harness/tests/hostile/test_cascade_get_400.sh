#!/usr/bin/env bash
# Cascade (issue 20): a server that answers every GET with 400. HTTP-9 fails on it; HTTP-2's
# GET check (a wrong signature returns 401) has a positive control, a correctly signed GET,
# which fails too: that check is an error naming the control, not a fail of HTTP-2, whose
# POST checks are judged and pass.
#   bash test_cascade_get_400.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_cascade_get_400.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/cascade_lib.sh"

cascade get-400 --filter 'http-wrong-signature,http-channels-list'
check_eq "a failing rule: exit status" 1 "$rc"
check_has "HTTP-9 fails on the 400" "^fail 400" "$(verdict HTTP-9)"
check_has "HTTP-2 is an error naming the GET control and its Actual" \
    "^error control failed: HTTP-9:list \(a correctly signed GET /channels answers 200\): 400" "$(verdict HTTP-2)"
check_eq "HTTP-2's GET check is no fail" not-failing "$(label HTTP-2:get-request)"
check_has "HTTP-2's POST checks were judged behind a passed control" "control HTTP-1:status-200: passed" \
    "$(transcript http-wrong-signature)"
check_eq "no fail but HTTP-9's" "['HTTP-9']" "$(fails)"
# the failed control is evidence against its own clause: an incidental finding of it there
check_eq "the failed control fails HTTP-9:list in http-wrong-signature (incidental)" "['HTTP-9']" \
    "$(incidental http-wrong-signature list)"
finish
