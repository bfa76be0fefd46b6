#!/usr/bin/env bash
# Cascade (issue 20): a server that closes a connection with 1007 on invalid UTF-8, as RFC
# 6455 section 8.1 prescribes: FRAME-4 passes and CONN-10 has nothing against it. The same
# server closes with 1007 on invalid JSON too, where no WebSocket-level fault happened: that
# one fails FRAME-4:invalid-json and CONN-10.
#   bash test_cascade_close_1007.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_cascade_close_1007.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/cascade_lib.sh"

cascade close-1007 --filter 'frame-hostile-invalid-utf8'
check_eq "1007 after invalid UTF-8: exit status" 0 "$rc"
check_has "1007 after invalid UTF-8: FRAME-4 passes" "^pass" "$(verdict FRAME-4)"
check_has "1007 after invalid UTF-8: CONN-10 has nothing against it" "^skip" "$(verdict CONN-10)"

cascade close-1007 --filter 'frame-hostile-invalid-json'
check_eq "1007 after invalid JSON: exit status" 1 "$rc"
check_eq "1007 after invalid JSON: FRAME-4:invalid-json fails" fail "$(label FRAME-4:invalid-json)"
check_has "1007 after invalid JSON: CONN-10 fails, saying why" \
    "^fail .*close code 1007 .*RFC 6455's code for invalid UTF-8, which this connection did not send" "$(verdict CONN-10)"
finish
