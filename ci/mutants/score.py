#!/usr/bin/env python3
"""Is a mutant killed? Compares a pushspec --json result against the mutant with the reference
result against the unmutated proxy (same target, soketi's own deviations included).
  score.py REFERENCE.json MUTANT.json
Prints 'killed: WHY' (exit 0) or 'survived: WHY' (exit 1); exit 2 on unreadable input.
Killed means a scenario's rule that passed in the reference now fails, or a rule that already
failed there now fails a check it passed (a new 'expected ...' line, numbers ignored), or the
scenario finds a deviation of another rule it did not find there (a new incidental finding). An `error`
or `timeout` verdict alone (the set-up broke) is not a kill: it is reported with the survivor."""
import json
import re
import sys

# "RULE-ID" or "RULE-ID:label" (a check label names the clause; scenarios/CLAUSES.md)
FAILED = re.compile(r"check failed: ([A-Z]+-\d+)(?::[a-z0-9-]+)?: expected (.*?)(?:; actual |$)", re.S)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print("score.py: cannot read %s: %s" % (path, e), file=sys.stderr)
        sys.exit(2)


def checks(scenario):
    """The failed checks of one scenario as {(rule, expected text with numbers as N)}."""
    out = set()
    for line in scenario.get("transcript") or []:
        m = FAILED.search(line.get("text", "")) if line.get("kind") == "log" else None
        if m:
            out.add((m.group(1), re.sub(r"\d+", "N", m.group(2))))
    for r in scenario.get("rules", []):
        if r.get("verdict") == "fail" and r.get("expected"):
            out.add((r["id"], re.sub(r"\d+", "N", r["expected"])))
    return out


def incidental(scenario):
    """Its incidental findings (fails of rules it does not declare) as {(rule, what was seen)}:
    the Actual up to the frame it quotes, numbers as N."""
    out = set()
    for r in scenario.get("incidental", []):
        seen = re.split(r" in \{| \(seen in scenario ", r.get("actual", ""))[0]
        out.add((r["id"], re.sub(r"\d+", "N", seen)))
    return out


def index(result):
    return {s["id"]: s for s in result.get("scenarios", [])}


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    ref, mut = index(load(sys.argv[1])), index(load(sys.argv[2]))
    if not mut:
        print("survived: the mutant run has no scenario results")
        sys.exit(1)
    kills, setup = [], []
    for sid, s in sorted(mut.items()):
        base = ref.get(sid)
        if base is None:
            continue
        before = {r["id"]: r["verdict"] for r in base.get("rules", [])}
        old_checks = checks(base)
        for r in s.get("rules", []):
            was, now = before.get(r["id"]), r.get("verdict")
            if was == "pass" and now == "fail":
                kills.append("%s fails %s: expected %s; actual %s" % (sid, r["id"], r.get("expected", "?"), r.get("actual", "?")))
            elif was == "pass" and now in ("error", "timeout"):
                setup.append("%s: %s %s" % (sid, r["id"], now))
        for rule, text in sorted(checks(s) - old_checks):
            if before.get(rule) == "fail":
                kills.append("%s fails a new check of %s: expected %s" % (sid, rule, text))
        for rule, seen in sorted(incidental(s) - incidental(base)):
            kills.append("%s finds %s failing on the way: %s" % (sid, rule, seen))
    if kills:
        print("killed: " + kills[0] + ("" if len(kills) == 1 else " (+%d more)" % (len(kills) - 1)))
        sys.exit(0)
    print("survived" + (": only set-up errors: " + "; ".join(setup) if setup else ": every check passed as in the reference"))
    sys.exit(1)


if __name__ == "__main__":
    main()
