#!/usr/bin/env bash
# Results are never lost: SIGHUP (a closed terminal, a dropped ssh session),
# SIGUSR1 and SIGUSR2 write the partial result like SIGINT and SIGTERM; an
# output folder removed during the run is made again, and one that cannot be
# made again sends the result to a named file in the working directory.
#   bash test_signals.sh PATH/TO/pushspec SOURCE_DIR
ps=$(realpath "${1:?usage: test_signals.sh PUSHSPEC SOURCE_DIR}") src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

port=$(free_port)
$peer server "$port" >"$tmp/server.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "hostile server listens" "port $port" "nothing"
target=(--url "ws://127.0.0.1:$port" --app-id app --key key --secret secret-signals)

# started: until the run's first line is out (the handlers are in place by then)
started() { for _ in $(seq 150); do grep -q "pushspec 0.1.0:" "$1" && return 0; sleep 0.1; done; return 1; }

for sig in HUP:1 USR1:10 USR2:12; do
    name=${sig%%:*} num=${sig#*:}
    mkdir -p "$tmp/$name"
    # HOOK scenarios wait seconds for webhooks that never come: the run is still going
    start_ps "$tmp/$name.out" "$tmp/$name.err" run "${target[@]}" --filter 'SUB-*,HTTP-1' --timeout-scale 20 \
        --json "$tmp/$name/r.json"
    started "$tmp/$name.err" || fail "SIG$name: the run started" "its first line" "$(cat "$tmp/$name.err")"
    kill -"$name" "$run"
    wait "$run"
    check_eq "SIG$name: exit status" $((128 + num)) "$?"
    check_has "SIG$name: the partial result says so" "interrupted by SIG$name: a partial result" \
        "$(json_get "$tmp/$name/r.json" "j['note']")"
done

# Folders removed mid-run: made again at the end, the run says so.
mkdir -p "$tmp/gone/json" "$tmp/gone/html" "$tmp/cwd"
start_ps "$tmp/gone.out" "$tmp/gone.err" run "${target[@]}" --filter 'SUB-*,HTTP-1' --timeout-scale 20 \
    --json "$tmp/gone/json/r.json" --html "$tmp/gone/html" --junit "$tmp/gone/json/r.xml"
started "$tmp/gone.err" || fail "folders removed: the run started" "its first line" "$(cat "$tmp/gone.err")"
rm -rf "$tmp/gone"
kill -TERM "$run"
wait "$run"
check_eq "folders removed: exit status of SIGTERM" 143 "$?"
check_has "folders removed: the JSON is written" "interrupted by SIGTERM" "$(json_get "$tmp/gone/json/r.json" "j['note']")"
check_has "folders removed: the JUnit file is written" "<testsuite" "$(cat "$tmp/gone/json/r.xml" 2>&1)"
check_has "folders removed: the HTML report is written" "<html" "$(cat "$tmp/gone/html/index.html" 2>&1)"
check_has "folders removed: the run says so" "removed during the run: made again" "$(cat "$tmp/gone.err")"

# A folder that cannot be made again (a file stands where it was): a named file here.
mkdir -p "$tmp/blocked/sub"
(cd "$tmp/cwd" && exec "$ps" run "${target[@]}" --filter 'SUB-*,HTTP-1' --timeout-scale 20 \
    --json "$tmp/blocked/sub/r.json" >"$tmp/blocked.out" 2>"$tmp/blocked.err") &
run=$!
pids+=($run)
started "$tmp/blocked.err" || fail "folder blocked: the run started" "its first line" "$(cat "$tmp/blocked.err")"
rm -rf "$tmp/blocked" && echo "a file" >"$tmp/blocked"
kill -TERM "$run"
wait "$run"
check_eq "folder blocked: exit status of SIGTERM" 143 "$?"
fallback=$(ls "$tmp/cwd" | grep -E '^pushspec-[0-9]+-r\.json$')
check_has "folder blocked: the run names the fallback file" "the result goes to $fallback in the working directory" \
    "$(cat "$tmp/blocked.err")"
check_has "folder blocked: the result is in the fallback file" "interrupted by SIGTERM" \
    "$(json_get "$tmp/cwd/$fallback" "j['note']")"
finish
