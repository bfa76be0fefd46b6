#!/usr/bin/env bash
# Output paths are checked before the run (a regular file or absent, never a
# folder, device, FIFO or link), written through an exclusive temporary file
# beside the target, never through a planted link; SIGINT mid-run writes the
# partial result with a note and exits 130.
#   bash test_outputs.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_outputs.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

port=$(free_port)
$peer server "$port" >"$tmp/server.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "hostile server listens" "port $port" "nothing"
target=(--url "ws://127.0.0.1:$port" --app-id app --key key --secret secret-outputs)

refused() { # what, message regex, run flags...
    local what=$1 re=$2
    shift 2
    out=$(timeout 60 "$ps" run "${target[@]}" --filter HTTP-1 "$@" 2>&1)
    check_eq "$what: exit status" 2 "$?"
    check_has "$what: says why" "$re" "$out"
    check_lacks "$what: refused before the run" "pushspec 0.1.0:" "$out"
}
mkdir "$tmp/dir"
mkfifo "$tmp/fifo"
echo victim >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/link.json"
: >"$tmp/plain-file"
refused "--json to a folder" "is a folder" --json "$tmp/dir"
refused "--json to a FIFO" "is a FIFO" --json "$tmp/fifo"
refused "--json to a symbolic link" "is a symbolic link" --json "$tmp/link.json"
# a device of our own (as root, old versions replaced the device at PATH with a
# regular file); without root /dev/full cannot be replaced, so it serves
dev=$tmp/null-device
mknod "$dev" c 1 3 2>/dev/null || dev=/dev/full
refused "--json to a device" "is a device" --json "$dev"
check_eq "the device is still a device" "character special file" "$(stat -c %F "$dev")"
refused "--json ''" "empty file name" --json ""
refused "--json /proc/version" "cannot create a file beside /proc/version" --json /proc/version
refused "--junit to a folder" "is a folder" --junit "$tmp/dir"
refused "--html to a file" "is a file" --html "$tmp/plain-file"
check_eq "the FIFO is still a FIFO" "fifo" "$(stat -c %F "$tmp/fifo" | grep -o fifo)"
check_eq "the linked file is untouched" "victim" "$(cat "$tmp/victim")"

# a link planted where a predictable temporary file would be: never followed
ln -s "$tmp/victim" "$tmp/r.json.tmp"
mkdir "$tmp/tmpdir"
TMPDIR=$tmp/tmpdir timeout 60 "$ps" run "${target[@]}" --filter HTTP-1 --json "$tmp/r.json" --junit "$tmp/r.xml" \
    --markdown - >"$tmp/ok.out" 2>"$tmp/ok.err"
check_has "a run with every output: exit 0 or 1" "^[01]$" "$?"
check_eq "the result is a regular file" "regular file" "$(stat -c %F "$tmp/r.json")"
check_eq "the planted link's target is untouched" "victim" "$(cat "$tmp/victim")"
check_eq "no temporary file left beside the result" "" "$(ls -A "$tmp" | grep -E '^\.r\.json\.' )"
check_has "--markdown - writes to stdout" "HTTP-1" "$(cat "$tmp/ok.out")"
TMPDIR=$tmp/tmpdir timeout 60 "$ps" run "${target[@]}" --filter HTTP-1 --junit "$tmp/only.xml" >/dev/null 2>"$tmp/junit.err"
check_has "--junit alone writes the JUnit file" "<testsuite" "$(cat "$tmp/only.xml")"
check_eq "--junit alone leaves no result in TMPDIR" "" "$(ls -A "$tmp/tmpdir")"

# SIGINT mid-run (HOOK scenarios wait seconds for webhooks that never come)
hp=$(free_port)
start_ps "$tmp/int.out" "$tmp/int.err" run "${target[@]}" --filter 'SUB-*,HTTP-1' --timeout-scale 20 --json "$tmp/int.json"
for _ in $(seq 100); do grep -q "pushspec 0.1.0:" "$tmp/int.err" && break; sleep 0.1; done
sleep 2
kill -INT "$run"
wait "$run"
check_eq "SIGINT: exit status 130" 130 "$?"
check_has "SIGINT: the partial result says so" "interrupted by SIGINT: a partial result" "$(json_get "$tmp/int.json" "j['note']")"
check_eq "SIGINT: the result's exit code is 130" 130 "$(json_get "$tmp/int.json" "j['summary']['exit_code']")"
finish
