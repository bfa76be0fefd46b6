#!/usr/bin/env bash
# An HTTP API that answers with legal but huge framing: one chunk of 4 GiB or
# more (libwebsockets counts the size in an int: ffffffff became a length of -1
# and an 8 MiB over-read in on_body), or a Content-Length past any memory. The
# run ends with verdicts and a result, the body is cut at the cap, the memory
# stays bounded and ASan sees nothing.
#   bash test_http_answer.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_http_answer.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

for case in chunk:ffffffff chunk:80000000 chunk:fffffffe chunk:100000000 chunk:ffffffffffffffff \
    chunk:7fffffff length:4294967295 length:18446744073709551615 length:99999999999999999999; do
    how=${case%%:*} size=${case#*:}
    port=$(free_port)
    $peer http-answer "$port" "$how" "$size" >"$tmp/peer.out" 2>&1 &
    server=$!
    pids+=($server)
    wait_listen "$port" || fail "$case: the server listens" "port $port" "nothing"
    out=$tmp/$how-$size
    start_ps "$out.stdout" "$out.stderr" run --url "ws://127.0.0.1:$port" --app-id app --key key \
        --secret sekrit-http --filter HTTP-1 --json "$out.json"
    wait "$run"
    rc=$?
    check_has "$case: the run ends with verdicts (no crash)" "^[01]$" "$rc"
    check_lacks "$case: no sanitizer report" "ERROR: AddressSanitizer" "$(cat "$out.stderr")"
    check_has "$case: the result was written" "HTTP-1" "$(json_get "$out.json" "' '.join(s['rules'][0]['id'] for s in j['scenarios'])")"
    check_below "$case: peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
    kill "$server" 2>/dev/null
done
# A chunk that lws cannot count is named in the transcript, with the cut, and
# the bound it hit is the verdict of the scenario that asked.
check_has "a chunk size lws cannot count is named" "past what could be read" \
    "$(cat "$tmp/chunk-ffffffff.json")"
check_has "the scenario whose answer hit the bound is an error naming it" "^error limit http-body-bytes reached" \
    "$(json_get "$tmp/chunk-ffffffff.json" "j['scenarios'][0]['verdict'] + ' ' + (j['scenarios'][0].get('message') or '')")"
finish
