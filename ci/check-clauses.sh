#!/usr/bin/env bash
# The clause audit holds: every rule of RULES.md is split into clauses in CLAUSES.md, every
# clause has at least one check ("RULE-ID:label" in a scenario or a harness/lua verifier), and
# no scenario uses a label CLAUSES.md does not define (a typo would check nothing).
# Judged from `pushspec list --rules --clauses --json`; exit 1 with each problem listed.
#   bash ci/check-clauses.sh PATH/TO/pushspec [SCENARIO_DIR]   (default: the built-in scenarios)
set -u
ps=${1:?usage: check-clauses.sh PATH/TO/pushspec [SCENARIO_DIR]}
args=(list --rules --clauses --json)
[ $# -ge 2 ] && args+=(--scenarios "$2")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! "$ps" "${args[@]}" >"$out"; then
    echo "check-clauses: '$ps ${args[*]}' failed (see above)" >&2
    exit 2
fi
python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
bare = [r["id"] for r in d["rules"] if not r.get("clauses")]
unchecked = ["%s:%s (CLAUSES.md:%d) %s" % (r["id"], c["label"], c["line"], c["text"])
             for r in d["rules"] for c in r.get("clauses", []) if not c["checks"]]
undefined = ["%s:%d %s:%s (%s)" % (u["file"], u["line"], u["rule"], u["label"], u["why"])
             for u in d["undefined_labels"]]
s = d["clause_summary"]
def show(title, items, limit=40):
    if not items:
        return
    print("%s (%d):" % (title, len(items)))
    for i in items[:limit]:
        print("  " + i)
    if len(items) > limit:
        print("  ... and %d more (pushspec list --rules --clauses)" % (len(items) - limit))
show("rules of RULES.md without a clause in %s" % s["catalog"], bare)
show("clauses without a check", unchecked)
show("labels used in the scenarios that the clause catalog does not define", undefined)
print("check-clauses: %d rules, %d clauses; %d rules without clauses, %d clauses without a check, "
      "%d undefined labels" % (s["rules"], s["clauses"], len(bare), len(unchecked), len(undefined)))
sys.exit(1 if bare or unchecked or undefined else 0)
PY
