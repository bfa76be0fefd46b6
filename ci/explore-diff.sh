#!/usr/bin/env bash
# pushspec explore's differential mode (two --target, issue 18): soketi against itself (two target
# files, one server: each run has its own channel prefix) must show no difference, and soketi
# against the same soketi behind ci/mutants/proxy.js with the mutant sub-events-twice must show
# the doubled event. Bad input: the same file twice, an unreachable second target: exit 2 before
# any run.
#   bash ci/explore-diff.sh PUSHSPEC_BINARY
# Needs soketi up on 127.0.0.1:6001 and 7001, 6002 free (run it in a network namespace of its own).
# Results: build/explore-diff/ (git-ignored).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/build/explore-diff"
MUTANT=sub-events-twice
die() { printf 'explore-diff: ERROR: %s\n' "$*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: bash ci/explore-diff.sh PUSHSPEC_BINARY"
ps="$1"
[ -x "$ps" ] || die "$ps is not an executable pushspec binary (build it first)"
[ "$(curl -s --max-time 2 http://127.0.0.1:6001/ready || true)" = OK ] || die "soketi is not up on 127.0.0.1:6001: bash ci/soketi.sh start"
command -v node >/dev/null || die "node not found (bash ci/deps.sh)"
rm -rf "$out"; mkdir -p "$out"
. "$root/harness/tests/lib.sh"

# Three target files from ci/targets/soketi.lua: a and a2 the server itself, b through the proxy
# (its webhooks still come from soketi to 6002: the proxy's webhook port is moved out of the way).
target() { # name, url port
  sed -e "s#^  name = \"soketi 1.6.1\"#  name = \"soketi 1.6.1 ($1)\"#" -e "s#127\\.0\\.0\\.1:6001#127.0.0.1:$2#g" \
    -e '/^ *restart = /d' "$root/ci/targets/soketi.lua" >"$out/$1.lua"
  grep -q "name = \"soketi 1.6.1 ($1)\"" "$out/$1.lua" && grep -q "url = \"ws://127.0.0.1:$2\"" "$out/$1.lua" ||
    die "ci/targets/soketi.lua changed shape: could not write $out/$1.lua"
}
target a 6001; target a2 6001; target b 7001
sed -e 's#127\.0\.0\.1:6001#127.0.0.1:9#g' -e '/^ *restart = /d' "$root/ci/targets/soketi.lua" >"$out/dead.lua"
flags=(--seed 42 --sequences 3 --ops 40 --budget 120 --quiet --expect "$root/ci/targets/soketi-explore.expect")

proxy_pid=""
stop_proxy() { [ -n "$proxy_pid" ] || return 0; kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null; proxy_pid=""; }
trap stop_proxy EXIT

# bad input first: each must stop before any run (no result file)
err=$("$ps" explore --target "$out/a.lua" --target "$out/a.lua" "${flags[@]}" --json "$out/same.json" 2>&1 >/dev/null)
check_eq "the same file twice: exit status" 2 "$?"
check_has "the same file twice: the reason" "is given twice" "$err"
err=$("$ps" explore --target "$out/a.lua" --target "$out/dead.lua" "${flags[@]}" --json "$out/dead.json" 2>&1 >/dev/null)
check_eq "an unreachable second target: exit status" 2 "$?"
check_has "an unreachable second target: the reason" "target b .*dead.lua. cannot be explored" "$err"
check_eq "an unreachable second target: nothing was run" "no" "$([ -e "$out/dead.a.json" ] && echo yes || echo no)"
err=$("$ps" explore --target "$out/a.lua" --target "$out/b.lua" --target "$out/a2.lua" 2>&1 >/dev/null)
check_eq "three targets: exit status" 2 "$?"
check_has "three targets: the reason" "two servers at most" "$err"

# the items and compared operations of a result file's differences
count() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])).get("differences") or {}; print(len(d.get("items", [])), int(d.get("compared_operations", 0)))' "$1"; }

# positive control: soketi against itself
"$ps" explore --target "$out/a.lua" --target "$out/a2.lua" "${flags[@]}" --json "$out/aa.json" >"$out/aa.log" 2>&1
rc=$?
check_eq "a/a: exit status (0 or 1: soketi's own divergences are in the baseline)" yes "$([ $rc -le 1 ] && echo yes || echo no)"
read -r items compared < <(count "$out/aa.a.json" 2>/dev/null || echo "x 0")
check_eq "a/a: no difference (both result files say so)" "0 0" "$items $(count "$out/aa.b.json" | cut -d' ' -f1)"
check_eq "a/a: operations were compared" yes "$([ "${compared:-0}" -ge 60 ] && echo yes || echo no)"
check_has "a/a: the console says it" "differences \\(a: .*a.lua, b: .*a2.lua\\): 0 in [0-9]+ operations compared" "$(cat "$out/aa.log")"

# through the mutant: every triggered event delivered twice
HOOK_IN_PORT=6012 HOOK_OUT_PORT=6013 node "$here/mutants/proxy.js" "$MUTANT" >"$out/proxy.log" 2>&1 &
proxy_pid=$!
for ((i = 0; i < 100; i++)); do grep -q '^proxy.js: .* on ' "$out/proxy.log" && break; sleep 0.05; done
grep -q '^proxy.js: .* on ' "$out/proxy.log" || { cat "$out/proxy.log" >&2; die "proxy.js $MUTANT did not start"; }
"$ps" explore --target "$out/a.lua" --target "$out/b.lua" "${flags[@]}" --json "$out/ab.json" >"$out/ab.log" 2>&1
rc=$?
stop_proxy
check_eq "a/b: exit status (0 or 1)" yes "$([ $rc -le 1 ] && echo yes || echo no)"
read -r items compared < <(count "$out/ab.b.json" 2>/dev/null || echo "0 0")
check_eq "a/b: differences found" yes "$([ "${items:-0}" -ge 1 ] && echo yes || echo no)"
# the doubled event: an event line b shows that a does not (its second copy)
twice=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["differences"]
print(sum(1 for x in d["items"] if not x["a"] and any("\"event\":\"e" in l for l in x["b"])))' "$out/ab.b.json")
check_eq "a/b: a difference is an event only b delivered (again)" yes "$([ "${twice:-0}" -ge 1 ] && echo yes || echo no)"
check_has "a/b: the console shows the differences" "differences \\(a: .*a.lua, b: .*b.lua\\): [1-9][0-9]* in" "$(cat "$out/ab.log")"
# the reports of both result files: the comparison shown once, the count per target
"$ps" report "$out/ab.a.json" "$out/ab.b.json" --html "$out/ab-html" --markdown "$out/ab.md" 2>/dev/null
check_eq "a/b: pushspec report on both files" 0 "$?"
check_eq "a/b: the HTML shows the differences once" 1 "$(grep -o 'Differences (explore with two targets)' "$out/ab-html/index.html" | wc -l)"
check_has "a/b: the Markdown counts them per target" "[1-9][0-9]* differences from the other target" "$(cat "$out/ab.md")"
finish explore_diff
