#!/usr/bin/env bash
# A target that cannot be reached ends the run quickly with exit status 2 and
# a message saying so: nothing listening on the port, and a port that accepts
# TCP connections but never answers.
#   bash harness/tests/cli_unreachable.sh PATH/TO/pushspec SOURCE_DIR
set -u

ps=${1:?usage: cli_unreachable.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_unreachable.sh PATH/TO/pushspec SOURCE_DIR}
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
export NO_COLOR=1

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_below() { # what, limit, value
    if [ "$3" -lt "$2" ]; then ok; else fail "$1" "less than $2" "$3"; fi
}

tmp=$(mktemp -d)
listener=
cleanup() {
    if [ -n "$listener" ]; then kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run URL [ARGS...]: one pushspec run against URL; sets rc, err and ms (its duration).
run() {
    local url=$1 t0
    shift
    t0=$(now_ms)
    timeout 60 "$ps" run --url "$url" --app-id a --key k --secret s --scenarios "$src/scenarios/server" \
        --json "$tmp/result.json" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    ms=$(($(now_ms) - t0))
    err=$(cat "$tmp/err")
}

# ---- nothing listens: a port the kernel just handed out and took back
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
check_has "found a free port" '^[0-9]+$' "$port"
run "ws://127.0.0.1:$port"
check_eq "closed port: exit status" 2 "$rc"
check_below "closed port: milliseconds until exit" 10000 "$ms"
check_has "closed port: says it cannot reach the endpoint" "cannot reach.*ws://127\.0\.0\.1:$port" "$err"
if [ -e "$tmp/result.json" ]; then fail "closed port: no result file" "no $tmp/result.json" "the file exists"
else ok; fi

# The same through a target file.
printf 'return { url = "ws://127.0.0.1:%s", app = { id = "a", key = "k", secret = "s" } }\n' "$port" >"$tmp/t.lua"
t0=$(now_ms)
timeout 60 "$ps" run --target "$tmp/t.lua" --scenarios "$src/scenarios/server" >"$tmp/out" 2>"$tmp/err"
rc=$? ms=$(($(now_ms) - t0)) err=$(cat "$tmp/err")
check_eq "closed port from a target file: exit status" 2 "$rc"
check_below "closed port from a target file: milliseconds until exit" 10000 "$ms"
check_has "closed port from a target file: says it cannot reach the endpoint" "cannot reach.*127\.0\.0\.1:$port" "$err"

# ---- a listener that accepts connections and never says a word
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept())
' >"$tmp/port" 2>"$tmp/listener.err" &
listener=$!
for _ in $(seq 50); do
    [ -s "$tmp/port" ] && break
    sleep 0.1
done
silent=$(cat "$tmp/port")
check_has "silent listener started" '^[0-9]+$' "$silent$(cat "$tmp/listener.err")"

run "ws://127.0.0.1:$silent"
check_eq "silent listener: exit status" 2 "$rc"
check_below "silent listener: milliseconds until exit" 10000 "$ms"
check_has "silent listener: says the endpoint did not answer" \
    "(cannot reach|did not answer).*ws://127\.0\.0\.1:$silent|ws://127\.0\.0\.1:$silent.*(cannot reach|did not answer)" "$err"

# --timeout-scale shortens the wait for an answer.
run "ws://127.0.0.1:$silent" --timeout-scale 0.2
check_eq "silent listener with --timeout-scale 0.2: exit status" 2 "$rc"
check_below "silent listener with --timeout-scale 0.2: milliseconds until exit" 4000 "$ms"

kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
listener=

# ---- a URL that is no URL
run "tcp://127.0.0.1:$port"
check_eq "URL with a wrong scheme: exit status" 2 "$rc"
check_has "URL with a wrong scheme: names it" "tcp://127\.0\.0\.1:$port" "$err"

finish cli_unreachable
