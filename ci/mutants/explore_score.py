#!/usr/bin/env python3
"""What pushspec explore found against a mutant: the clauses (RULE:label) of one of RULES (comma
list, the mutant's) that fail in the explore result and that explore shrank to a scenario file of
at most 10 operations. explore.sh then replays each file with and without the mutant: found is one
that fails through the mutant and passes without it (soketi's own deviations fail both ways).
  explore_score.py MUTANT.json RULES
Prints 'candidate CLAUSE: N operations (of M, R replays) FILE' lines (exit 0) or 'missed: WHY'
(exit 1); exit 2 on unreadable input."""
import json
import os
import sys

MAX_OPS = 10


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print("explore_score.py: cannot read %s: %s" % (path, e), file=sys.stderr)
        sys.exit(2)


def failing(result):
    """Every failing clause of the run: 'RULE:label' (or 'RULE' for an unlabelled check)."""
    out = set()
    for sc in result.get("scenarios", []):
        for r in sc.get("rules", []) + sc.get("incidental", []):
            if r.get("verdict") == "fail":
                labels = r.get("failed_checks") or [None]
                for label in labels:
                    rid = r["id"].split(":")[0]
                    out.add(rid + ":" + label if label else r["id"])
    return out


def minimal(result):
    """clause -> the records 'minimal' that name it."""
    out = {}
    for sc in result.get("scenarios", []):
        for rec in sc.get("records") or []:
            if rec.get("name") == "minimal":
                out.setdefault(rec["value"].get("clause"), []).append(rec["value"])
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mut, rules = load(sys.argv[1]), set(sys.argv[2].split(","))
    fails = sorted(c for c in failing(mut) if c.split(":")[0] in rules)
    if not fails:
        print("missed: no clause of %s fails against the mutant (failing: %s)"
              % (sys.argv[2], ", ".join(sorted(failing(mut))) or "none"))
        sys.exit(1)
    mins, why, found = minimal(mut), [], 0
    for clause in fails:
        for m in mins.get(clause, []):
            if not m.get("reproduced"):
                why.append("%s: %s" % (clause, m.get("detail", "not shrunk")))
            elif len(m.get("ops", [])) > MAX_OPS:
                why.append("%s: shrunk to %d operations, more than %d" % (clause, len(m["ops"]), MAX_OPS))
            elif not m.get("file") or not os.path.isfile(m["file"]):
                why.append("%s: no scenario file written (%s)" % (clause, m.get("save_error")))
            else:
                print("candidate %s: %d operations (of %d, %d replays) %s"
                      % (clause, len(m["ops"]), m["original_ops"], m["replays"], m["file"]))
                found += 1
        if clause not in mins:
            why.append("%s: failed, but no minimal sequence was recorded" % clause)
    if not found:
        print("missed: " + "; ".join(why))
        sys.exit(1)


main()
