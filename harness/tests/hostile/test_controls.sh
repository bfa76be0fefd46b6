#!/usr/bin/env bash
# Terminal safety: what a peer controls (a server's frames, an adapter's hello
# and lines) reaches no output with a control a terminal obeys: no ESC, no C1
# control (U+009B, raw or as UTF-8), no DEL, no bidirectional override
# (U+202E, U+2066): stdout, stderr (the first line names the SDK from its
# hello), JSON, HTML, JUnit and Markdown. The text is still shown, escaped.
#   bash test_controls.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_controls.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

port=$(free_port)
$peer controls "$port" >"$tmp/peer.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "the server listens" "port $port" "nothing"
run_all() { # name, run flags...
    local name=$1
    shift
    start_ps "$tmp/$name.stdout" "$tmp/$name.stderr" run "$@" --json "$tmp/$name.json" --html "$tmp/$name.html" \
        --junit "$tmp/$name.xml" --markdown "$tmp/$name.md"
    wait "$run"
    check_has "$name: the run ends with verdicts" "^[01]$" "$?"
    for f in "$tmp/$name".stdout "$tmp/$name".stderr "$tmp/$name".json "$tmp/$name".xml "$tmp/$name".md \
        "$tmp/$name".html/*; do
        found=$($py - "$f" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
bad = {"ESC": b"\x1b", "BEL": b"\x07", "DEL": b"\x7f", "C1 U+009B": b"\xc2\x9b", "raw 0x9b": b"\x9b",
       "U+202E": b"\xe2\x80\xae", "U+2066": b"\xe2\x81\xa6"}
print(" ".join(k for k, v in bad.items() if v in b))
PY
)
        check_eq "$name: no terminal control in $(basename "$f")" "" "$found"
    done
}
run_all server --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit-controls --filter CONN-1
check_has "server: the frame is shown, escaped" '\\x1b\]0;pwned\\x07\\x1b\[2J\\u009b31m\\x7f\\u202eevil\\u2066x' \
    "$(cat "$tmp/server.stdout")"
run_all sdk --sdk "$peer adapter-controls" --filter 'CONNC-1'
check_has "sdk: the first stderr line names the SDK, escaped" '^pushspec .*sdk\\x1b\]0;pwned' \
    "$(head -1 "$tmp/sdk.stderr")"
finish
