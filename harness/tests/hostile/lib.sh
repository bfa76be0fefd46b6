# Shared by the hostile-peer tests: harness/tests/lib.sh (the checks), a free-port
# picker and the memory watcher that reads the pushspec process's peak RSS (VmHWM) while it runs.
#   . lib.sh   (after ps= and src= are set)
set -u
export NO_COLOR=1
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3   # not a version-manager shim: adapters must start fast
peer="$py $src/harness/tests/hostile/peer.py"
ceiling_kb=$((256 * 1024))   # the documented bound on a flood's peak RSS
# ASan keeps up to 256 MiB of freed memory in quarantine by default: that would be
# ASan's peak, not pushspec's. 16 MiB still catches a use after free of recent blocks.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; else echo "files kept in $tmp" >&2; fi
}
trap cleanup EXIT
. "$src/harness/tests/lib.sh"   # the checks and the summary line

# free_port: a port nothing listens on now (from a range no other test uses)
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 20000))
        ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return; }
    done
    echo 0
}

# watch_mem PID FILE: FILE ends with the process's VmHWM in kB until it exits
watch_mem() {
    ( while [ -r "/proc/$1/status" ]; do
          awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null >"$2.new" && [ -s "$2.new" ] && mv "$2.new" "$2"
          sleep 0.1
      done ) >/dev/null 2>&1 &
}

# start_ps OUT ERR ARGS...: pushspec in the background (run=its pid, killed
# after 120 s), its peak memory watched into $tmp/hwm
start_ps() {
    local out=$1 err=$2
    shift 2
    "$ps" "$@" >"$out" 2>"$err" &
    run=$!
    pids+=($run)
    ( sleep 120; kill "$run" ) >/dev/null 2>&1 &   # not holding the test's stdout open
    pids+=($!)
    watch_mem "$run" "$tmp/hwm"
}

# wait_listen PORT: until something listens there (30 s at most: a peer or
# pushspec under ASan starts slowly on a busy machine; a dead one costs the wait)
wait_listen() {
    for _ in $(seq 300); do ss -ltnH "sport = :$1" | grep -q . && return 0; sleep 0.1; done
    return 1
}

# json_get FILE EXPR: a Python expression over the result j
json_get() { $py -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>&1; }
