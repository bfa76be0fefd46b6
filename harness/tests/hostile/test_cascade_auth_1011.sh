#!/usr/bin/env bash
# Cascade (issue 20): a server that closes a connection with 1011 (internal error) where a
# subscription should be refused. AUTH-1 (the form of a refusal) and CONN-10 (close codes)
# fail on it; AUTH-2..5, AUTH-7 and AUTH-8 ask only whether it is refused: they pass.
#   bash test_cascade_auth_1011.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_cascade_auth_1011.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/cascade_lib.sh"

cascade auth-1011 --filter 'AUTH-*'
check_eq "a failing rule: exit status" 1 "$rc"
check_has "AUTH-1 fails on the form" "^fail .*close 1011" "$(verdict AUTH-1)"
check_has "CONN-10 fails on the code" "^fail .*close code 1011" "$(verdict CONN-10)"
for r in AUTH-2 AUTH-3 AUTH-4 AUTH-5 AUTH-6 AUTH-7 AUTH-8; do
    check_has "$r passes: refused, in a form AUTH-1 judges" "^pass" "$(verdict $r)"
done
check_eq "no fail but AUTH-1's and CONN-10's" "['AUTH-1', 'CONN-10']" "$(fails)"
finish
