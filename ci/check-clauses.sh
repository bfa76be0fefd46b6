#!/usr/bin/env bash
# The clause audit holds: every rule of RULES.md is split into clauses in CLAUSES.md, every
# clause has at least one check, and no scenario or codec uses a label CLAUSES.md does not
# define (a typo would check nothing). A check is a "RULE-ID:label" literal standing in a
# t:check / t:judge / t:require / t:incidental call or a ps.verify verifier, one declared with
# ps.clause (P.clause in harness/lua) where a table or a helper hands it to a check, or a
# violation the C codec reports. A label met only in a bare table entry or as a helper's
# argument shows nothing: its clause counts as unchecked. The codec's labels are read from the source of the files
# of harness/core that report violations (PS_CORE_DIR, default this tree's), comments skipped:
# each must name its clause, since a Lua check matching a violation compares labels.
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
core=${PS_CORE_DIR:-$(dirname "${BASH_SOURCE[0]}")/../harness/core}
python3 - "$out" "$core" <<'PY'
import glob, json, os, re, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
defined = {(r["id"], c["label"]) for r in d["rules"] for c in r.get("clauses", [])}
rule_ids = {r["id"] for r in d["rules"]}

# the codec's labels: every "RULE-ID[:label]" literal of a core file that reports violations
codec, unlabelled, codec_undefined = set(), [], []
LIT = re.compile(r'"([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[0-9]+)(?::([a-z0-9-]+))?"')
for path in sorted(glob.glob(os.path.join(sys.argv[2], "*.c"))):
    text = open(path, encoding="utf-8").read()
    if "ps_v_report" not in text:
        continue
    # comments out, line breaks kept (a literal in a comment reports nothing)
    code = re.sub(r"/\*.*?\*/|//[^\n]*", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    rel = os.path.relpath(path, os.path.join(sys.argv[2], "..", ".."))
    for m in LIT.finditer(code):
        line = code.count("\n", 0, m.start()) + 1
        rid, label = m.group(1), m.group(2)
        if rid not in rule_ids:
            continue
        if not label:
            unlabelled.append("%s:%d %s (name the clause it breaks: %s:LABEL)" % (rel, line, rid, rid))
        elif (rid, label) not in defined:
            codec_undefined.append("%s:%d %s:%s (CLAUSES.md has no such clause)" % (rel, line, rid, label))
        else:
            codec.add((rid, label))

bare = [r["id"] for r in d["rules"] if not r.get("clauses")]
# checked: the label stands in a check call or a ps.clause declaration, or the codec reports it
WHERE = {"elsewhere": "a table entry", "argument": "a helper's argument"}
def unchecked_why(c):
    seen = [w for w in c["checks"] if not w["counts"]]
    if not seen:
        return c["text"]
    return "only as %s (wrap it in ps.clause(...) or pass it to t:check): %s" % (
        WHERE.get(seen[0]["kind"], seen[0]["kind"]), ", ".join("%s:%d" % (w["file"], w["line"]) for w in seen[:3]))
unchecked = ["%s:%s (CLAUSES.md:%d) %s" % (r["id"], c["label"], c["line"], unchecked_why(c))
             for r in d["rules"] for c in r.get("clauses", [])
             if not any(w["counts"] for w in c["checks"]) and (r["id"], c["label"]) not in codec]
undefined = ["%s:%d %s:%s (%s)" % (u["file"], u["line"], u["rule"], u["label"], u["why"])
             for u in d["undefined_labels"]] + codec_undefined
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
show("labels used in the scenarios or the codec that the clause catalog does not define", undefined)
show("codec violations that name no clause", unlabelled)
declared = {(r["id"], c["label"]) for r in d["rules"] for c in r.get("clauses", [])
            if any(w["kind"] == "clause" for w in c["checks"]) and not any(w["kind"] == "check" for w in c["checks"])}
print("check-clauses: %d rules, %d clauses; %d rules without clauses, %d clauses without a check, "
      "%d undefined labels, %d unlabelled codec violations (%d clauses the codec checks, %d only through ps.clause)"
      % (s["rules"], s["clauses"], len(bare), len(unchecked), len(undefined), len(unlabelled), len(codec),
         len(declared)))
sys.exit(1 if bare or unchecked or undefined or unlabelled else 0)
PY
