#!/usr/bin/env bash
# An adapter that ignores SIGTERM, as does the child it starts, behind the
# `sh -c` wrapper: when pushspec is done with it, its whole process group gets
# SIGTERM, a grace period, then SIGKILL; nothing outlives pushspec.
#   bash test_stubborn_adapter.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_stubborn_adapter.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

# processes of PIDFILE still running 2 s later (a SIGKILLed process takes a moment
# to go; a zombie is gone: only its parent, maybe init, has to reap it)
alive() {
    local left
    for _ in $(seq 20); do
        left=""
        for p in $(cat "$1" 2>/dev/null); do
            if [ -r "/proc/$p/stat" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]; then
                left="$left $(ps -o pid=,stat=,args= -p "$p")"
            fi
        done
        [ -z "${left// /}" ] && { echo 0; return; }
        sleep 0.1
    done
    echo "still running:$left"
}

# the hello check alone (preflight), then a scenario run
for what in preflight run; do
    rm -f "$tmp/pids"
    filter=cev-frame-format
    [ "$what" = preflight ] && filter=no-such-scenario
    t0=$SECONDS
    start_ps "$tmp/$what.out" "$tmp/$what.err" run --sdk "$peer adapter-stubborn $tmp/pids" --filter "$filter" \
        --json "$tmp/$what.json"
    wait "$run"
    want=4   # the hello check's adapter and child, then the scenario's
    [ "$what" = preflight ] && want=2
    check_eq "$what: the adapters and their children were started" "$want" "$(cat "$tmp/pids" 2>/dev/null | wc -w)"
    check_eq "$what: none of them outlives pushspec" 0 "$(alive "$tmp/pids")"
    for p in $(cat "$tmp/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
done
# SIGTERM to pushspec mid-scenario: the adapters go too
rm -f "$tmp/pids"
start_ps "$tmp/term.out" "$tmp/term.err" run --sdk "$peer adapter-stubborn $tmp/pids" --filter cev-frame-format \
    --timeout-scale 20 --json "$tmp/term.json"
# once the run is on (the hello check's adapter gone), the scenario's adapter wrote its pids
for _ in $(seq 300); do [ "$(cat "$tmp/pids" 2>/dev/null | wc -w)" -ge 4 ] && break; sleep 0.1; done
check_eq "SIGTERM: the scenario's adapter and its child were started" 4 "$(cat "$tmp/pids" 2>/dev/null | wc -w)"
kill -TERM "$run"
wait "$run"
check_eq "SIGTERM: exit status 143" 143 "$?"
check_eq "SIGTERM: no adapter process outlives pushspec" 0 "$(alive "$tmp/pids")"
for p in $(cat "$tmp/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
finish
