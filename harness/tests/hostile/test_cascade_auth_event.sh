#!/usr/bin/env bash
# Cascade (issue 20): a server that refuses bad auth with an undocumented event
# (pusher:auth_error). AUTH-1 judges a refusal's form and fails on it; AUTH-2..5, AUTH-7 and
# AUTH-8 ask only whether the subscription is refused, and it is: they pass.
#   bash test_cascade_auth_event.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_cascade_auth_event.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/cascade_lib.sh"

cascade auth-event --filter 'AUTH-*'
check_eq "a failing rule: exit status" 1 "$rc"
check_has "AUTH-1 fails on the form" "^fail .*pusher:auth_error" "$(verdict AUTH-1)"
for r in AUTH-2 AUTH-3 AUTH-4 AUTH-5 AUTH-6 AUTH-7 AUTH-8; do
    check_has "$r passes: refused, in a form AUTH-1 judges" "^pass" "$(verdict $r)"
done
check_eq "no fail but AUTH-1's" "['AUTH-1']" "$(fails)"
finish
