#!/usr/bin/env bash
# The clause audit holds: every rule of RULES.md is split into clauses in CLAUSES.md, every
# clause has at least one check ("RULE-ID:label" in a scenario or a harness/lua verifier, or a
# violation the C codec reports), and no scenario or codec uses a label CLAUSES.md does not
# define (a typo would check nothing). The codec's labels are read from the source of the files
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
# a label met only outside a call (a table entry, an assignment): nothing shows it reaches a check
not_call = ["%s:%s (CLAUSES.md:%d) only at %s" % (r["id"], c["label"], c["line"],
            ", ".join("%s:%d" % (w["file"], w["line"]) for w in c["checks"][:3]))
            for r in d["rules"] for c in r.get("clauses", [])
            if c["checks"] and not any(w.get("call") for w in c["checks"]) and (r["id"], c["label"]) not in codec]
unchecked = ["%s:%s (CLAUSES.md:%d) %s" % (r["id"], c["label"], c["line"], c["text"])
             for r in d["rules"] for c in r.get("clauses", []) if not c["checks"] and (r["id"], c["label"]) not in codec]
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
show("note: clauses whose label appears only outside a call (a table entry: not proven to reach "
     "t:check/t:judge; not a failure yet)", not_call, limit=80)
print("check-clauses: %d rules, %d clauses; %d rules without clauses, %d clauses without a check, "
      "%d undefined labels, %d unlabelled codec violations (%d clauses the codec checks, %d only outside a call)"
      % (s["rules"], s["clauses"], len(bare), len(unchecked), len(undefined), len(unlabelled), len(codec),
         len(not_call)))
sys.exit(1 if bare or unchecked or undefined or unlabelled else 0)
PY
