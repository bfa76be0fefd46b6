#!/usr/bin/env python3
"""Does a mutant break only the rule it breaks? Compares a whole-suite pushspec --json result
against the mutant with the reference result through the unmutated proxy.
  isolation.py REFERENCE.json MUTANT.json RULE[,RULE]
A rule is hit when it passed in the reference and does not now, or already failed there and now
fails a check it passed (score.py's test, numbers ignored). Exit 0 when the rules hit are exactly
the given ones and no scenario that ended normally in the reference is now `error` or
`timeout`; else exit 1 saying which rules were hit besides, which were missed, and which
scenarios broke. Exit 2 on unreadable input."""
import json
import re
import sys

# "RULE-ID" or "RULE-ID:label" (a check label names the clause; scenarios/CLAUSES.md)
FAILED = re.compile(r"check failed: ([A-Z]+-\d+)(?::[a-z0-9-]+)?: expected (.*?)(?:; actual |$)", re.S)
BAD = ("fail", "error", "timeout")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print("isolation.py: cannot read %s: %s" % (path, e), file=sys.stderr)
        sys.exit(2)


def canon(text):
    """Expected text with numbers as N and the members of each {...} in sorted order: a Lua
    table shown as JSON lists its keys in an order that changes from one run to the next."""
    text = re.sub(r"\d+", "N", text)
    parts = []
    def flat(m):
        parts.append("{" + ",".join(sorted(m.group(1).split(","))) + "}")
        return "\x00%d\x00" % (len(parts) - 1)
    while True:
        new = re.sub(r"\{([^{}]*)\}", flat, text)
        if new == text:
            break
        text = new
    while "\x00" in text:
        text = re.sub(r"\x00(\d+)\x00", lambda m: parts[int(m.group(1))], text)
    return text


def failed_checks(result):
    """{rule: {(scenario, expected text with numbers as N)}} of every failing check."""
    out = {}
    for s in result.get("scenarios", []):
        for line in s.get("transcript") or []:
            m = FAILED.search(line.get("text", "")) if line.get("kind") == "log" else None
            if m:
                out.setdefault(m.group(1), set()).add((s["id"], canon(m.group(2))))
        for r in s.get("rules", []) + s.get("incidental", []):
            if r.get("verdict") == "fail" and r.get("expected"):
                out.setdefault(r["id"], set()).add((s["id"], canon(r["expected"])))
    return out


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    ref, mut = load(sys.argv[1]), load(sys.argv[2])
    want = set(x for x in sys.argv[3].split(",") if x)
    before = {r["id"]: r["verdict"] for r in ref.get("rules", [])}
    ref_checks, mut_checks = failed_checks(ref), failed_checks(mut)
    hit, why = set(), {}
    for r in mut.get("rules", []):
        rid, was, now = r["id"], before.get(r["id"]), r.get("verdict")
        if was == "pass" and now in BAD:
            hit.add(rid)
            why[rid] = "%s in %s: %s" % (now, r.get("scenario", "?"), r.get("actual") or r.get("message") or "")
        elif was in BAD:
            new = sorted(mut_checks.get(rid, set()) - ref_checks.get(rid, set()))
            if new:
                hit.add(rid)
                why[rid] = "a new failing check in %s: expected %s" % new[0]
    ref_sc = {s["id"]: s["verdict"] for s in ref.get("scenarios", [])}
    broke = ["%s (%s: %s)" % (s["id"], s["verdict"], (s.get("message") or "")[:200])
             for s in mut.get("scenarios", [])
             if s["verdict"] in ("error", "timeout") and ref_sc.get(s["id"]) not in ("error", "timeout")]
    extra, missed = sorted(hit - want), sorted(want - hit)
    if not extra and not missed and not broke:
        print("isolated: only %s hit (%s)" % (",".join(sorted(want)), "; ".join(why[r][:200] for r in sorted(want))))
        sys.exit(0)
    for r in extra:
        print("also hit %s: %s" % (r, why[r][:300]))
    for r in missed:
        print("not hit: %s passes as in the reference" % r)
    for b in broke:
        print("scenario now errors: %s" % b)
    sys.exit(1)


if __name__ == "__main__":
    main()
