#!/usr/bin/env bash
# No descendant of an adapter outlives the run: an adapter that starts a daemon
# (fork, setsid, fork again: out of its process group and session) that ignores
# SIGTERM. pushspec is the subreaper of what it starts, so the daemon comes
# back to it as an orphan and is killed at exit: after a normal run, after the
# hello check alone, and after SIGTERM mid-run.
#   bash test_detached_adapter.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_detached_adapter.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

# alive PIDFILE: how many of its pids still run (a zombie counts as gone), after up to 3 s
alive() {
    local n
    for _ in $(seq 30); do
        n=0
        for p in $(cat "$1" 2>/dev/null); do
            st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)
            [ -n "$st" ] && [ "$st" != Z ] && n=$((n + 1))
        done
        [ "$n" -eq 0 ] && break
        sleep 0.1
    done
    echo "$n"
}
for what in preflight run term; do
    rm -f "$tmp/pids"
    filter=cev-frame-format
    [ "$what" = preflight ] && filter=no-such-scenario
    start_ps "$tmp/$what.out" "$tmp/$what.err" run --sdk "$peer adapter-detached $tmp/pids" --filter "$filter" \
        --timeout-scale 20 --json "$tmp/$what.json"
    want=2   # the hello check's daemon, then the scenario's
    [ "$what" = preflight ] && want=1
    if [ "$what" = term ]; then
        for _ in $(seq 300); do [ "$(cat "$tmp/pids" 2>/dev/null | wc -w)" -ge 2 ] && break; sleep 0.1; done
        sleep 0.5
        kill -TERM "$run"
    fi
    wait "$run"
    check_eq "$what: the daemons were started" "$want" "$(cat "$tmp/pids" 2>/dev/null | wc -w)"
    check_eq "$what: no daemon outlives pushspec" 0 "$(alive "$tmp/pids")"
    check_lacks "$what: no warning about leftovers" "outlive the run" "$(cat "$tmp/$what.err")"
    for p in $(cat "$tmp/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
done
finish
