#!/usr/bin/env bash
# pushspec explore against deviant doubles (issue 18): for each mutant of ci/mutants/mutants.js named
# below (default: the four written for explore), explore soketi through ci/mutants/proxy.js with a
# fixed seed and budget, and show that explore finds it with no scenario written for it: a clause of
# the mutant's rules fails, shrunk to at most 10 operations (explore_score.py), and the scenario file
# explore wrote is replayed with `pushspec run --scenarios`, through the mutant and through the
# unmutated proxy: failing only through the mutant shows it is the mutant's, not one of soketi's own
# deviations. A replay that does not reproduce is said (a shrinker defect to follow), not failed.
#   bash ci/mutants/explore.sh PUSHSPEC_BINARY [MUTANT...]
# Needs soketi up on 127.0.0.1:6001 and 7001, 6002, 6003 free (run it in a network namespace of its
# own). Results: build/mutants-explore/ (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/build/mutants-explore"
# 20 sequences a job (seeds 1-40), short ones: many fresh states. One weight profile for every mutant
# (more subscriptions and views than the default; no mutant has its own). The default weights now put a
# user on two connections of one presence channel in about a quarter of 40-operation sequences (the
# generator's "join" move, lua_explore counts it); this profile stays until explore_mutants is re-measured
# with the defaults (EXPLORE_WEIGHTS= , set and empty, runs it with them).
SEED=${EXPLORE_SEED:-1} BUDGET=${EXPLORE_BUDGET:-90} OPS=${EXPLORE_OPS:-40} JOBS=${EXPLORE_JOBS:-2} SEQUENCES=${EXPLORE_SEQUENCES:-20}
WEIGHTS=${EXPLORE_WEIGHTS-subscribe=30,connect=10,get_channel=10,get_channels=6,get_users=6,unsubscribe=6,trigger=8,close=2,client_event=2,wait=0}

who=explore-mutants
. "$here/lib.sh"
need_binary explore.sh "$@"; shift
need_soketi
rm -rf "$out"; mkdir -p "$out"

target="$out/target.lua"
soketi_target "$target" ci/mutants/explore.sh
read_mutants
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=(presence-count-per-connection event-twice-after-resubscribe signature-comma-value channels-lists-vacated)
check_selected "node ci/mutants/proxy.js --list"

# Every rule but the mutant's ($1) as a baseline: explore reports those clauses and shrinks only the
# mutant's (shrinking soketi's own deviations again for every mutant would take minutes).
others() {
  "$pushspec" list --rules --json | python3 -c '
import json, sys
keep = set(sys.argv[1].split(","))
for r in json.load(sys.stdin)["rules"]:
    if r["id"] not in keep: print(r["id"] + "  not this mutant'"'"'s rule")' "$1"
}
# explore through mutant $1 into $out/$1.json (its scenario files in $out/$1.scenarios/)
explore() {
  others "${rules[$1]}" >"$out/$1.others.expect"
  start_proxy "$1"
  "$pushspec" explore --target "$target" --seed "$SEED" --budget "$BUDGET" --ops "$OPS" --jobs "$JOBS" --sequences "$SEQUENCES" ${WEIGHTS:+--weights "$WEIGHTS"} --quiet \
    --expect "$out/$1.others.expect" --json "$out/$1.json" --save "$out/$1.scenarios" \
    >"$out/$1.log" 2>&1 || true
  stop_proxy
  [ -s "$out/$1.json" ] || { tail -n 20 "$out/$1.log" >&2; die "pushspec explore wrote no result for $1"; }
}
# replays scenario file $2 through mutant $1; prints the verdict of clause $3 ("fail" or other)
replay() {
  local dir="$out/replay-$1-$4"
  rm -rf "$dir"; mkdir -p "$dir"; cp "$2" "$dir/"
  start_proxy "$1"
  "$pushspec" run --target "$target" --scenarios "$dir" --quiet --json "$dir.json" >"$dir.log" 2>&1 || true
  stop_proxy
  python3 - "$dir.json" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rule, label = sys.argv[2].split(":")
v = "no verdict"
for sc in r.get("scenarios", []):
    for x in sc.get("rules", []):
        if x["id"] == rule:
            v = "fail" if x.get("verdict") == "fail" and label in (x.get("failed_checks") or []) else x.get("verdict")
print(v)
PY
}

started=$SECONDS
status=0
unreproduced=0
for n in "${selected[@]}"; do
  t0=$SECONDS
  explore "$n"
  verdict=""
  if cands="$(python3 "$here/explore_score.py" "$out/$n.json" "${rules[$n]}")"; then
    k=0
    while IFS= read -r line; do
      clause="$(sed -n 's/^candidate \([^ ]*\): .*/\1/p' <<<"$line")"
      file="${line##* }"
      k=$((k + 1))
      on_mutant="$(replay "$n" "$file" "$clause" "m$k")"
      on_none="$(replay none "$file" "$clause" "n$k")"
      if [ "$on_mutant" = fail ] && [ "$on_none" != fail ]; then
        verdict="found ${line#candidate }; replayed by pushspec run: fails through the mutant, $on_none without it"
        break
      fi
      verdict="${verdict:+$verdict; }$clause replayed: $on_mutant through the mutant, $on_none without it"
    done <<<"$cands"
    # Found and shrunk to at most 10 operations is what issue 18 asks; a minimal file whose replay
    # does not fail again through the mutant (a shrink that kept a candidate failing for another
    # reason, seen once in ten runs) is said, as a defect of the shrinker to follow up, not a miss.
    if [[ "$verdict" != found* ]]; then
      first="$(head -n 1 <<<"$cands")"
      verdict="found ${first#candidate }; NOT reproduced by its replay ($verdict)"
      unreproduced=$((unreproduced + 1))
    fi
  else
    verdict="$cands"
    status=1
  fi
  printf '  %-32s %-3ss %s\n' "$n" $((SECONDS - t0)) "$verdict"
done
printf 'explore-mutants: %d mutants in %ds (seed %s, budget %ss, %s operations a sequence, %s jobs), %d found but not reproduced by the replay of the shrunk file\n' \
  "${#selected[@]}" $((SECONDS - started)) "$SEED" "$BUDGET" "$OPS" "$JOBS" "$unreproduced"
exit $status
