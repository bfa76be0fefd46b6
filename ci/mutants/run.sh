#!/usr/bin/env bash
# Detection power of the server suite: for each mutant of ci/mutants/mutants.js, run the scenarios
# of its rule against soketi through ci/mutants/proxy.js, and count it killed when a check that
# passes through the unmutated proxy now fails (ci/mutants/score.py). Prints `mutants killed K/N`
# and the survivors; fails when K is below the minimum in ci/mutants/SURVIVORS.md or a survivor
# is not listed there with its reason.
#   bash ci/mutants/run.sh PUSHSPEC_BINARY [MUTANT...]   (default: every mutant)
# Needs soketi up on 127.0.0.1:6001 (bash ci/soketi.sh start) and 7001, 6002, 6003 free: run it
# in a network namespace of its own. Results: build/mutants/ (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/build/mutants"
survivors_file="$here/SURVIVORS.md"

die() { printf 'mutants: ERROR: %s\n' "$*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: bash ci/mutants/run.sh PUSHSPEC_BINARY [MUTANT...]"
pushspec="$1"; shift
[ -x "$pushspec" ] || die "$pushspec is not an executable pushspec binary (build it first)"
command -v node >/dev/null || die "node not found (bash ci/deps.sh)"
[ -d "$root/ci/peers/node_modules/ws" ] || die "ci/peers/node_modules/ws missing: run bash ci/install-peers.sh"
[ "$(curl -s --max-time 2 http://127.0.0.1:6001/ready || true)" = OK ] || die "soketi is not up on 127.0.0.1:6001: bash ci/soketi.sh start"

mkdir -p "$out"
# The target: ci/targets/soketi.lua seen through the proxy (7001; soketi's webhooks come to the
# proxy on 6002, pushspec takes them on 6003), without its restart command: no destructive
# scenario runs here, and restarting soketi cures no mutant.
target="$out/target.lua"
{ printf -- '-- Written by ci/mutants/run.sh from ci/targets/soketi.lua: soketi through ci/mutants/proxy.js.\n'
  sed -e 's#127\.0\.0\.1:6001#127.0.0.1:7001#g' -e 's#listen = "127\.0\.0\.1:6002"#listen = "127.0.0.1:6003"#' \
    -e '/^ *restart = /d' -e 's#^\( *name = "[^"]*\)"#\1 through ci/mutants/proxy.js"#' \
    "$root/ci/targets/soketi.lua"; } >"$target"
grep -q 'url = "ws://127.0.0.1:7001"' "$target" && grep -q 'listen = "127.0.0.1:6003"' "$target" &&
  ! grep -q -e ':6001' -e ':6002' -e 'restart' "$target" ||
  die "ci/targets/soketi.lua changed shape: could not point $target at the proxy (see run.sh)"
declare -A rules about
names=()
while IFS=$'\t' read -r name r a; do rules[$name]="$r"; about[$name]="$a"; names+=("$name"); done \
  < <(node "$here/proxy.js" --list)
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${names[@]}")
for n in "${selected[@]}"; do [ -n "${rules[$n]:-}" ] || die "unknown mutant $n (node ci/mutants/proxy.js --list)"; done

proxy_pid=""
stop_proxy() {
  [ -n "$proxy_pid" ] || return 0
  kill "$proxy_pid" 2>/dev/null || true
  wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=""
}
trap stop_proxy EXIT
start_proxy() {
  local log="$out/$1.proxy.log" i
  : >"$log"
  node "$here/proxy.js" "$1" >"$log" 2>&1 &
  proxy_pid=$!
  for ((i = 0; i < 100; i++)); do
    grep -q '^proxy.js: .* on ' "$log" && return 0
    kill -0 "$proxy_pid" 2>/dev/null || { cat "$log" >&2; die "proxy.js $1 exited at start-up"; }
    sleep 0.05
  done
  die "proxy.js $1 did not listen within 5 s"
}
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
# Prints score.py's verdict on mutant $1 against the reference run $2; fails when it survived.
score() {
  if [ -s "$out/$1.json" ]; then python3 "$here/score.py" "$out/$2.json" "$out/$1.json"; return; fi
  printf 'survived: pushspec did not run: %s\n' "$(grep -m1 '^pushspec: ' "$out/$1.log")"
  return 1
}

all_rules="$(for n in "${selected[@]}"; do printf '%s\n' "${rules[$n]}" | tr ',' '\n'; done | sort -u | paste -sd, -)"
started=$SECONDS
run_suite none "$all_rules"
printf 'mutants: reference run through the unmutated proxy: %s (%ds)\n' "$all_rules" $((SECONDS - started))

killed=0; lost=()
for n in "${selected[@]}"; do
  t0=$SECONDS
  run_suite "$n" "${rules[$n]}"
  if verdict="$(score "$n" none)"; then
    killed=$((killed + 1))
  else
    # Timing under load can fail a check in the reference or pass one in the mutant run: a
    # survivor gets a second try, against a fresh reference run of its own scenarios.
    run_suite none "${rules[$n]}" "none-for-$n"
    run_suite "$n" "${rules[$n]}"
    if verdict="$(score "$n" "none-for-$n")"; then killed=$((killed + 1)); verdict="$verdict (on the second try)"; else lost+=("$n"); fi
  fi
  printf '  %-34s %-3ss %s\n' "$n" $((SECONDS - t0)) "${verdict:0:220}"
done

total=${#selected[@]}
# Also in $out/summary.txt, which ci/test.sh prints after ctest (which shows no passing output).
{
  printf 'mutants killed %d/%d (%ds)\n' "$killed" "$total" $((SECONDS - started))
  for n in "${lost[@]}"; do printf '  survivor %s (%s): %s\n' "$n" "${rules[$n]}" "${about[$n]}"; done
} | tee "$out/summary.txt"
status=0
for n in "${lost[@]}"; do
  grep -q "^- \`$n\`:" "$survivors_file" || { printf 'mutants: %s survived and is not in ci/mutants/SURVIVORS.md: give the rule a check that kills it, or list it with the reason\n' "$n" >&2; status=1; }
done
while IFS= read -r n; do
  if printf '%s\n' "${selected[@]}" | grep -qx "$n" && ! printf '%s\n' "${lost[@]}" | grep -qx "$n"; then
    printf 'mutants: %s is listed in SURVIVORS.md but was killed: remove its line and raise the minimum\n' "$n"
  fi
done < <(sed -n 's/^- `\([^`]*\)`:.*/\1/p' "$survivors_file")
if [ "$total" -eq "${#names[@]}" ]; then
  min="$(sed -n 's/^Minimum: \([0-9]*\) killed.*/\1/p' "$survivors_file")"
  [ -n "$min" ] || die "ci/mutants/SURVIVORS.md has no 'Minimum: K killed' line"
  if [ "$killed" -lt "$min" ]; then
    printf 'mutants: the score dropped: %d killed, the committed minimum is %d\n' "$killed" "$min" >&2
    status=1
  fi
fi
exit $status
