#!/usr/bin/env bash
# Detection power of the server suite: for each mutant of ci/mutants/mutants.js, run the scenarios
# of its rule against soketi through ci/mutants/proxy.js, and count it killed when a check that
# passes through the unmutated proxy now fails (ci/mutants/score.py). Prints `mutants killed K/N`
# and the survivors; fails when K is below the minimum in ci/mutants/SURVIVORS.md or a survivor
# is not listed there with its reason.
#   bash ci/mutants/run.sh PUSHSPEC_BINARY [MUTANT...]   (default: every mutant)
# Needs soketi up on 127.0.0.1:6001 (bash ci/soketi.sh start) and 7001, 6002, 6003 free: run it
# in a network namespace of its own. Results: build/mutants/ (git-ignored). The parts run.sh,
# cluster.sh, explore.sh and isolation.sh share are in ci/mutants/lib.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/build/mutants"
who=mutants
. "$here/lib.sh"
need_binary run.sh "$@"; shift
need_soketi

mkdir -p "$out"
# no destructive scenario runs here (the target has no restart command)
target="$out/target.lua"
soketi_target "$target" ci/mutants/run.sh
read_mutants
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${names[@]}")
check_selected "node ci/mutants/proxy.js --list"

# Runs the scenarios of filter $2 through the proxy with mutant $1, into $out/${3:-$1}.json.
run_suite() {
  local res="$out/${3:-$1}"
  rm -f "$res.json"
  start_proxy "$1"
  "$pushspec" run --target "$target" --filter "$2" --exclude-tag slow --strict --quiet \
    --json "$res.json" >"$res.log" 2>&1 || true
  stop_proxy
  [ -s "$res.json" ] && return 0
  # No result: pushspec stopped before any scenario (its preflight); score reports that line.
  [ "$1" != none ] && grep -q '^pushspec: ' "$res.log" && return 0
  tail -n 20 "$res.log" >&2
  die "pushspec wrote no result for $1 (log: $res.log)"
}
# kill_count's run of mutant $1 into $out/${2:-$1}.json: the scenarios of mutant ${3:-$1}'s rules
run_mutant() { run_suite "$1" "${rules[${3:-$1}]}" "${2:-}"; }

all_rules="$(for n in "${selected[@]}"; do printf '%s\n' "${rules[$n]}" | tr ',' '\n'; done | sort -u | paste -sd, -)"
started=$SECONDS
run_suite none "$all_rules"
printf 'mutants: reference run through the unmutated proxy: %s (%ds)\n' "$all_rules" $((SECONDS - started))

kill_count Minimum
exit $status
