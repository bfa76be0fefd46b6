#!/usr/bin/env bash
# An SDK's side floods the fake server with hundreds of connections, each
# sending megabytes of a body it never finishes: pushspec bounds connections
# and bytes in flight (net/limits.h), says so, stays under the memory ceiling;
# then SIGTERM stops the run: a partial result with a note, exit 143.
#   bash test_conn_flood.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_conn_flood.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

port=$(free_port)
start_ps "$tmp/out" "$tmp/err" run --sdk "sh $src/harness/tests/adapters/broken.sh hang" --listen "127.0.0.1:$port" \
    --filter cev-frame-format --timeout-scale 20 --json "$tmp/r.json"
if wait_listen "$port"; then
    $peer conn-flood 127.0.0.1 "$port" 8 >"$tmp/flood.out" 2>&1
else
    fail "the fake server listens" "127.0.0.1:$port" "$(cat "$tmp/err")"
fi
kill -TERM "$run"
wait "$run"
rc=$?
check_eq "SIGTERM: exit status 143" 143 "$rc"
check_below "peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
check_has "the result names a fake-server bound" "fake-server-(connections|bytes-in-flight)" \
    "$(json_get "$tmp/r.json" "' '.join(x['limit'] for x in j.get('limits_hit', []))")"
check_has "the partial result says it was interrupted" "interrupted by SIGTERM" "$(json_get "$tmp/r.json" "j.get('note')")"
check_has "stderr says a partial result was written" "partial result written to" "$(cat "$tmp/err")"
check_has "the flood was held off" "opened [0-9]+" "$(cat "$tmp/flood.out")"
cat "$tmp/flood.out" "$tmp/hwm" >&2; finish
