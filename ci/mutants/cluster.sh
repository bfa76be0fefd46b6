#!/usr/bin/env bash
# Detection power against a cluster: ci/mutants/proxy.js with the mutants of cluster-mutants.js in
# front of node 1 of the two-node soketi cluster (ci/soketi-cluster.sh), node 2 reached directly.
# Each mutant runs the scenarios of its rules (a bounded selection of cross-node scenarios),
# compared with one run of them all through the unmutated proxy (score.py). Prints `cluster mutants killed K/N`; fails when a survivor has no line in
# SURVIVORS.md or K is below its "Cluster minimum".
#   bash ci/mutants/cluster.sh PUSHSPEC_BINARY [MUTANT...]
# Needs the cluster up (bash ci/soketi-cluster.sh start) with its default ports, and 7101 and 6103
# free: both nodes send their webhooks to 6102, where the proxy listens; pushspec takes them on
# 6103. Results: build/mutants-cluster/ (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/build/mutants-cluster"
export PROXY_MUTANTS=./cluster-mutants PROXY_PORT=7101 SOKETI_PORT=6101 HOOK_IN_PORT=6102 HOOK_OUT_PORT=6103
who="cluster mutants"
. "$here/lib.sh"
need_binary cluster.sh "$@"; shift
bash "$root/ci/soketi-cluster.sh" status >/dev/null || die "the cluster is not up: bash ci/soketi-cluster.sh start"
for v in PUSHSPEC_CLUSTER_NODE1 PUSHSPEC_CLUSTER_NODE2 PUSHSPEC_CLUSTER_HOOKS; do
  [ -z "${!v:-}" ] || die "$v is set: this script needs the cluster's default ports"
done

mkdir -p "$out"
# The cluster's target with node 1 seen through the proxy and the webhooks taken behind it.
target="$out/target.lua"
{ printf -- '-- Written by ci/mutants/cluster.sh from ci/targets/soketi-cluster.lua: node 1 through ci/mutants/proxy.js.\n'
  sed -e 's#target_dir \.\. "/\.\./soketi-cluster\.sh"#"'"$root"'/ci/soketi-cluster.sh"#' \
    -e 's#local p1 = .*#local p1 = "7101"#' -e 's#or "6102"#or "6103"#' \
    -e 's#^\( *name = "[^"]*\)"#\1, node 1 through ci/mutants/proxy.js"#' "$root/ci/targets/soketi-cluster.lua"; } >"$target"
grep -q 'local p1 = "7101"' "$target" && grep -q 'or "6103"' "$target" ||
  die "ci/targets/soketi-cluster.lua changed shape: could not point $target at the proxy (see cluster.sh)"

read_mutants
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${names[@]}")
check_selected "PROXY_MUTANTS=./cluster-mutants node ci/mutants/proxy.js --list"
filter="$(for n in "${names[@]}"; do printf '%s\n' "${rules[$n]}" | tr ',' '\n'; done | sort -u | paste -sd, -)"

# The scenarios of mutant $1's rules (every mutant's for none); cluster-node-failure (destructive:
# 20 s, a node killed) only where the mutant's rules name it.
run_suite() {   # mutant [result name]
  local res="$out/${2:-$1}" f="$filter" skip=slow,destructive
  [ "$1" = none ] || f="${rules[$1]}"
  [[ ",$f," == *,cluster-node-failure,* ]] && skip=slow
  rm -f "$res.json"
  start_proxy "$1"
  "$pushspec" run --target "$target" --filter "$f" --exclude-tag "$skip" --strict --quiet \
    --json "$res.json" >"$res.log" 2>&1 || true
  stop_proxy
  bash "$root/ci/soketi-cluster.sh" revive >/dev/null   # a node-failure scenario that stopped midway
  [ -s "$res.json" ] || { tail -n 20 "$res.log" >&2; die "pushspec wrote no result for $1 (log: $res.log)"; }
}

started=$SECONDS
run_suite none
printf 'cluster mutants: reference run through the unmutated proxy: %s (%ds)\n' "$filter" $((SECONDS - started))
# kill_count's run of mutant $1 into $out/${2:-$1}.json (a reference run takes every mutant's)
run_mutant() { run_suite "$1" "${2:-}"; }
kill_count "Cluster minimum"
exit $status
