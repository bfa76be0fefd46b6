#!/usr/bin/env bash
# One memory ceiling for the process: an SDK adapter opens 70 WebSockets to the
# fake server and sends 1 MiB frames on all of them that nobody reads. Each
# connection's inbox bound (64 MiB) times the connection bound (64) allowed
# 4 GiB; old versions reached 1.85 GB in 12 s. Now every inbox draws from the
# process's ceiling (--max-memory): the scenario whose connections flood ends
# with an error naming memory-total, the peak RSS stays under 256 MiB, and the
# run writes its result.
#   bash test_memory_ceiling.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_memory_ceiling.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

start_ps "$tmp/out" "$tmp/err" run --sdk "$peer adapter-wsflood 70 12" --filter cev-frame-format --jobs 8 \
    --timeout-scale 4 --json "$tmp/r.json"
wait "$run"
check_has "the run ends with verdicts" "^[01]$" "$?"
check_eq "the flooded scenario is an error" "error" "$(json_get "$tmp/r.json" "j['scenarios'][0]['verdict']")"
check_has "its error names the ceiling" "memory-total" "$(json_get "$tmp/r.json" "j['scenarios'][0].get('message')")"
check_has "the result lists the bound" "memory-total" "$(json_get "$tmp/r.json" "[l['limit'] for l in j['limits_hit']]")"
check_below "peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
echo "peak RSS $(cat "$tmp/hwm" 2>/dev/null) kB" >&2
finish
