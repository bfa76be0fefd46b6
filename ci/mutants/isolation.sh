#!/usr/bin/env bash
# Rules isolated from each other: one deviation fails its own rule and nothing else. The
# server suite (all but slow scenarios; destructive ones too, soketi restarted when one takes
# it down) runs against soketi through ci/mutants/proxy.js, unmutated and with each mutant
# below; each mutant must hit exactly the rules listed with it, and no scenario may end in
# `error` or `timeout` because of it (ci/mutants/isolation.py).
#   bash ci/mutants/isolation.sh PUSHSPEC_BINARY [MUTANT...]   (default: every mutant below)
# Needs soketi up on 127.0.0.1:6001 (bash ci/soketi.sh start) and 7001, 6002, 6003 free: run it
# in a network namespace of its own. Results: build/isolation/ (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/build/isolation"

# mutant  the rules it may fail (comma list)
cases=(
  "http-trigger-202 HTTP-1"                  # a 202 to every trigger: set-up and liveness take it
  "evt-one-string-channel-ignored HTTP-1"    # the `channel` form answered 200, never published
)

who=isolation
. "$here/lib.sh"
need_binary isolation.sh "$@"; shift
need_soketi

mkdir -p "$out"
# ci/targets/soketi.lua seen through the proxy (as in run.sh), keeping its restart command
target="$out/target.lua"
sed -e 's#127\.0\.0\.1:6001#127.0.0.1:7001#g' -e 's#listen = "127\.0\.0\.1:6002"#listen = "127.0.0.1:6003"#' \
  -e "s#target_dir \.\. \"/\.\./soketi\.sh#\"$root/ci/soketi.sh#" "$root/ci/targets/soketi.lua" >"$target"
grep -q 'url = "ws://127.0.0.1:7001"' "$target" && grep -q "\"$root/ci/soketi.sh restart" "$target" ||
  die "ci/targets/soketi.lua changed shape: could not point $target at the proxy (see isolation.sh)"

# Runs the suite through the proxy with mutant $1 into $out/$2.json.
run_suite() {
  rm -f "$out/$2.json"
  # the previous run's last destructive scenario may have left soketi down or restarting
  [ "$(curl -s --max-time 2 http://127.0.0.1:6001/ready || true)" = OK ] ||
    bash "$root/ci/soketi.sh" restart >/dev/null || die "soketi did not come back (bash ci/soketi.sh restart)"
  start_proxy "$1"
  "$pushspec" run --target "$target" --exclude-tag slow --strict --quiet --json "$out/$2.json" \
    >"$out/$2.log" 2>&1 || true
  stop_proxy
  [ -s "$out/$2.json" ] || { tail -n 20 "$out/$2.log" >&2; die "pushspec wrote no result for $1 (log: $out/$2.log)"; }
}

selected=("$@")
status=0 started=$SECONDS
run_suite none none
for c in "${cases[@]}"; do
  read -r name rules <<<"$c"
  if [ ${#selected[@]} -gt 0 ] && ! printf '%s\n' "${selected[@]}" | grep -qx "$name"; then continue; fi
  run_suite "$name" "$name"
  if ! verdict="$(python3 "$here/isolation.py" "$out/none.json" "$out/$name.json" "$rules")"; then
    # timing under load can fail a check in one run only: a second try against a fresh reference
    run_suite none "none-for-$name"
    run_suite "$name" "$name"
    verdict="$(python3 "$here/isolation.py" "$out/none-for-$name.json" "$out/$name.json" "$rules")" || status=1
  fi
  printf '  %-34s %s\n' "$name" "${verdict//$'\n'/; }"
done
printf 'isolation: %s (%ds)\n' "$([ $status = 0 ] && echo 'every mutant hit only its own rules' || echo FAILED)" $((SECONDS - started))
exit $status
