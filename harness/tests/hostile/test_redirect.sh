#!/usr/bin/env bash
# A server that answers the WebSocket upgrade with 302 and a Location naming
# another port: pushspec never follows it (a hostile server would choose where
# it connects next). The connection fails, the transcript shows the Location,
# and nothing ever connects to the named port.
#   bash test_redirect.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_redirect.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

port=$(free_port) lure=$(free_port)
# The lure counts every connection made to it.
$py -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
print("listening", flush=True)
while True:
    c, _ = s.accept(); print("connected", flush=True); c.close()
' "$lure" >"$tmp/lure.out" 2>&1 &
pids+=($!)
$peer http-answer "$port" redirect "ws://127.0.0.1:$lure/app/key?lured=1" >"$tmp/peer.out" 2>&1 &
pids+=($!)
wait_listen "$port" && wait_listen "$lure" || fail "both servers listen" "ports $port $lure" "nothing"
for args in ""; do
    start_ps "$tmp/out" "$tmp/err" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit-redir \
        --filter CONN-1 --json "$tmp/r.json" $args
    wait "$run"
    rc=$?
    what="run ${args:-with preflight}"
    check_has "$what: exits with verdicts or a refused target" "^[012]$" "$rc"
    check_eq "$what: nothing connected to the redirect's Location" "" "$(grep -c connected "$tmp/lure.out" | grep -v '^0$')"
    check_has "$what: the Location is shown" "Location: ws://127\.0\.0\.1:$lure/app/key\?lured=1.*not followed" \
        "$(cat "$tmp/out" "$tmp/err" "$tmp/r.json" 2>/dev/null)"
done
finish
