#!/usr/bin/env bash
# The clause catalog and its audit, offline: CLAUSES.md lines are validated (file:line),
# `pushspec list --rules --clauses` finds the checks of each clause in planted scenario
# folders (comments do not count), and ci/check-clauses.sh (the ctest `clauses`) fails on
# an uncovered clause, an undefined label or a rule without clauses, and passes on a
# complete catalog.
#   bash cli_clauses.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_clauses.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_clauses.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
tmp=$(mktemp -d)
trap 'if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; else echo "cli_clauses: files kept in $tmp" >&2; fi' EXIT

# A complete catalog for the built-in RULES.md: one clause per rule, under its section, and
# one scenario file with a labelled check for each (made from list --json, so it follows RULES.md).
"$ps" list --json >"$tmp/list.json" || fail "list --json for the fixtures" "exit 0" "$?"
mkdir -p "$tmp/full/server"
python3 - "$tmp/list.json" "$tmp/full" "$src/harness/lua" <<'PY'
import glob, json, re, sys
rules = json.load(open(sys.argv[1]))["rules"]
# the harness modules' own labels (set-up findings) and the codec's are scanned too: give them their clauses
# (not model.lua's: explore's predictions, which the audit does not count as checks)
# (a Lua module's label may stand where the audit does not count it, a table entry: all.lua checks it too)
module, lua_labels = {}, set()
for path in glob.glob(sys.argv[3] + "/*.lua") + glob.glob(sys.argv[3] + "/../core/*.c"):
    if path.endswith("/model.lua"):
        continue
    for rid, label in re.findall(r'"([A-Z]+-[0-9]+):([a-z0-9-]+)"', open(path).read()):
        module.setdefault(rid, set()).add(label)
        if path.endswith(".lua"):
            lua_labels.add("%s:%s" % (rid, label))
with open(sys.argv[2] + "/CLAUSES.md", "w") as f:
    f.write("# Clauses\n\nA line `- RULE-ID:label  clause`.\n")
    section = None
    for r in rules:
        if r["section"] != section:
            section = r["section"]
            f.write("\n### %s\n\n" % section)
        f.write("- %s:whole  %s\n" % (r["id"], r["text"]))
        for label in sorted(module.get(r["id"], ())):
            f.write("- %s:%s  what the harness module checks\n" % (r["id"], label))
with open(sys.argv[2] + "/server/all.lua", "w") as f:
    f.write("ps.scenario { id = 'all', title = 'every rule', rules = { %s },\n  run = function(t)\n"
            % ", ".join("'%s'" % r["id"] for r in rules))
    for r in rules:
        f.write("    t:check(\"%s:whole\", true)\n" % r["id"])
    for label in sorted(lua_labels):
        f.write("    t:check(\"%s\", true)\n" % label)
    f.write("  end }\n")
PY
out=$(bash "$src/ci/check-clauses.sh" "$ps" "$tmp/full/server")
check_eq "check-clauses on a complete catalog: exit status" 0 "$?"
check_has "check-clauses on a complete catalog: the counts" "0 rules without clauses, 0 clauses without a check, 0 undefined" "$out"

# The same with one clause covered only in a comment, one label misspelt, one more clause
# checked only through a harness-style string in a long bracket.
cp -r "$tmp/full" "$tmp/bad"
printf -- '- CONN-1:first-frame  the first message is connection_established\n' >"$tmp/bad/conn1.md"
sed -i "/^- CONN-1:whole/r $tmp/bad/conn1.md" "$tmp/bad/CLAUSES.md"
rm "$tmp/bad/conn1.md"
cat >"$tmp/bad/server/typo.lua" <<'EOF2'
-- t:check("CONN-1:first-frame", ok)   a comment covers nothing
--[[ t:check("CONN-1:first-frame", ok) nor does a long comment ]]
ps.scenario { id = 'typo', title = 'a misspelt label', rules = { 'CONN-1' },
  run = function(t)
    local s = "-- not a comment inside a string"
    t:check("CONN-1:wole", true)
    t:check('CONN-1:whole', true)
  end }
EOF2
bad_line=$(grep -n 'CONN-1:wole' "$tmp/bad/server/typo.lua" | cut -d: -f1)
clause_line=$(grep -n 'CONN-1:first-frame' "$tmp/bad/CLAUSES.md" | cut -d: -f1)
out=$(bash "$src/ci/check-clauses.sh" "$ps" "$tmp/bad/server")
check_eq "check-clauses with an uncovered clause and an undefined label: exit status" 1 "$?"
check_has "check-clauses names the uncovered clause with its line" "CONN-1:first-frame \(CLAUSES\.md:$clause_line\)" "$out"
check_has "check-clauses names the undefined label with file:line" \
    "bad/server/typo\.lua:$bad_line CONN-1:wole \(CLAUSES\.md has no such clause\)" "$out"
check_has "check-clauses counts them" "0 rules without clauses, 1 clauses without a check, 1 undefined" "$out"
text=$("$ps" list --rules --clauses --scenarios "$tmp/bad/server")
check_eq "list --rules --clauses: exit status" 0 "$?"
check_has "list --clauses marks the uncovered clause" \
    "CONN-1:first-frame  the first message is connection_established"$'\n'" +NO CHECK" "$text"
check_has "list --clauses shows where a clause is checked" \
    "CONN-1:whole .*"$'\n'" +checks: .*full?/?.*all\.lua:[0-9]+, .*typo\.lua:[0-9]+|checks: .*all\.lua:[0-9]+, .*typo\.lua:$((bad_line + 1))" "$text"
check_has "list --clauses lists the undefined label" "typo\.lua:$bad_line +CONN-1:wole" "$text"
json=$("$ps" list --rules --clauses --json --scenarios "$tmp/bad/server")
got=$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = {x["id"]: x for x in d["rules"]}["CONN-1"]
print(" ".join("%s=%d" % (c["label"], len(c["checks"])) for c in r["clauses"]),
      d["undefined_labels"][0]["label"], d["undefined_labels"][0]["line"])')
check_eq "list --clauses --json: clauses, their checks, the undefined label" "whole=2 first-frame=0 wole $bad_line" "$got"

# The codec's labels (harness/core) are read from its source: one reported without a clause,
# one naming a clause the catalog lacks, and one in a comment (which counts for nothing).
mkdir -p "$tmp/core"
cp "$src"/harness/core/*.c "$tmp/core/"
sed -i 's/ps_v_report(c, "CEV-8:prefix-only", 0,/ps_v_report(c, "CEV-8", 0,/' "$tmp/core/validate.c"
sed -i 's/"PRES-1:has-hash", 0,/"PRES-1:has-hashes", 0,/' "$tmp/core/presence.c"
bare_line=$(grep -n 'ps_v_report(c, "CEV-8", 0,' "$tmp/core/validate.c" | cut -d: -f1)
hash_line=$(grep -n 'PRES-1:has-hashes' "$tmp/core/presence.c" | cut -d: -f1)
out=$(PS_CORE_DIR="$tmp/core" bash "$src/ci/check-clauses.sh" "$ps" "$tmp/full/server")
check_eq "check-clauses with a planted codec: exit status" 1 "$?"
check_has "an unlabelled codec violation is named" "core/validate\.c:$bare_line CEV-8 \(name the clause it breaks" "$out"
check_has "a codec label the catalog lacks is named" "core/presence\.c:$hash_line PRES-1:has-hashes \(CLAUSES\.md has no such clause\)" "$out"
check_has "... and the clause it checked is left uncovered" "PRES-1:has-hash \(CLAUSES\.md:[0-9]+\)" "$out"
printf '/* "SUB-6:frame" */ int x;\n' > "$tmp/core/only_comment.c"
printf 'void ps_v_report(void);\n' >> "$tmp/core/only_comment.c"
sed -i 's/D_OBJECT, "SUB-6:frame", f_channel/D_OBJECT, "SUB-6", f_channel/' "$tmp/core/validate.c"
out=$(PS_CORE_DIR="$tmp/core" bash "$src/ci/check-clauses.sh" "$ps" "$tmp/full/server")
check_has "a label in a C comment checks nothing" "SUB-6:frame \(CLAUSES\.md:[0-9]+\)" "$out"

# A label met only in a table entry or as a helper's argument is not shown to reach a check:
# its clause is unchecked and the audit fails. Declared with ps.clause, or standing in a
# check call (t:judge, a ps.verify verifier), it counts and the audit passes.
cp -r "$tmp/full" "$tmp/table"
printf -- '- CONN-1:table-only  a clause whose label sits in a table\n- CONN-1:helper-only  one a helper takes\n' >"$tmp/table/c.md"
sed -i "/^- CONN-1:whole/r $tmp/table/c.md" "$tmp/table/CLAUSES.md"
cat >"$tmp/table/server/table.lua" <<'EOF2'
local CLAUSE = { first = "CONN-1:table-only" }
local function helper(t, label, ok) t:check(label, ok) end
ps.scenario { id = 'table', title = 'a label in a table', rules = { 'CONN-1' },
  run = function(t)
    t:check('CONN-1:whole', CLAUSE.first ~= nil)
    helper(t, "CONN-1:helper-only", true)
  end }
EOF2
out=$(bash "$src/ci/check-clauses.sh" "$ps" "$tmp/table/server")
check_eq "check-clauses with a label only in a table and one only a helper's: exit status" 1 "$?"
check_has "a clause met only in a table entry is unchecked, with where it stands" \
    "CONN-1:table-only \(CLAUSES\.md:[0-9]+\) only as a table entry \(wrap it in ps\.clause.*table\.lua:1" "$out"
check_has "a clause met only as a helper's argument is unchecked" \
    "CONN-1:helper-only \(CLAUSES\.md:[0-9]+\) only as a helper's argument .*table\.lua:6" "$out"
check_has "... and both are counted" "2 clauses without a check" "$out"
text=$("$ps" list --rules --clauses --scenarios "$tmp/table/server")
check_has "list --clauses says a table entry is no check" \
    "CONN-1:table-only .*"$'\n'" +checks: .*table\.lua:1 \(a table entry\)"$'\n'" +NO CHECK" "$text"
got=$("$ps" list --rules --clauses --json --scenarios "$tmp/table/server" | python3 -c '
import json, sys
r = {x["id"]: x for x in json.load(sys.stdin)["rules"]}["CONN-1"]
print(" ".join("%s=%s" % (c["label"], ",".join(w["kind"] for w in c["checks"])) for c in r["clauses"]))')
check_has "list --clauses --json says where each label stands" "whole=check,check table-only=elsewhere helper-only=argument" "$got"
sed -i 's/first = "CONN-1:table-only"/first = ps.clause("CONN-1:table-only")/; s/helper(t, "CONN-1:helper-only", true)/helper(t, ps.clause("CONN-1:helper-only"), true)/' \
    "$tmp/table/server/table.lua"
out=$(bash "$src/ci/check-clauses.sh" "$ps" "$tmp/table/server")
check_eq "check-clauses with both labels declared by ps.clause: exit status" 0 "$?"
check_has "... counted as declared" "0 clauses without a check, .*2 only through ps\.clause" "$out"
printf 'ps.scenario { id = "v", title = "v", rules = { "CONN-1" }, run = function(t)\n  ps.verify.control(t, "CONN-1:helper-only", true, "x")\n  t:judge("CONN-1:table-only", true) end }\n' \
    >"$tmp/table/server/table.lua"
out=$(bash "$src/ci/check-clauses.sh" "$ps" "$tmp/table/server")
check_eq "check-clauses with the labels in t:judge and a verifier: exit status" 0 "$?"
check_has "... counted as checks, not declarations" "0 clauses without a check, .*0 only through ps\.clause" "$out"

# A rule without clauses fails the audit too.
cp -r "$tmp/full" "$tmp/gap"
sed -i '/^- PING-2:whole/d' "$tmp/gap/CLAUSES.md"
out=$(bash "$src/ci/check-clauses.sh" "$ps" "$tmp/gap/server")
check_eq "check-clauses with a rule without clauses: exit status" 1 "$?"
check_has "check-clauses names the rule without clauses" "^  PING-2$" "$out"
check_has "the check of the dropped clause is now an undefined label" "all\.lua:[0-9]+ PING-2:whole" "$out"

# CLAUSES.md beside the scenario files wins over the parent's (scenarios export writes it in the parent).
cp "$tmp/gap/CLAUSES.md" "$tmp/full/server/CLAUSES.md"
out=$(bash "$src/ci/check-clauses.sh" "$ps" "$tmp/full/server")
check_eq "CLAUSES.md in the scenario folder itself is the one read" 1 "$?"
rm "$tmp/full/server/CLAUSES.md"

# Bad catalog lines: each names file:line and what is wrong; list exits 2.
bad_catalog() { # what, line to add under ### CONN, expected message regex[, text of the line blamed]
    mkdir -p "$tmp/cat/server"
    cp "$tmp/full/server/all.lua" "$tmp/cat/server/"
    awk -v add="$2" '{ print } /^### CONN / { getline; print; print add }' "$tmp/full/CLAUSES.md" >"$tmp/cat/CLAUSES.md"
    local line
    line=$(grep -nF -- "${4:-$2}" "$tmp/cat/CLAUSES.md" | tail -1 | cut -d: -f1)
    err=$("$ps" list --rules --clauses --scenarios "$tmp/cat/server" 2>&1 >/dev/null)
    check_eq "catalog with $1: exit status" 2 "$?"
    check_has "catalog with $1: file:line and why" "cat/server/\.\./CLAUSES\.md:$line: this clause line $3" "$err"
}
bad_catalog "an unknown rule" "- CONN-99:x  no such rule" "names a rule that RULES\.md does not have"
bad_catalog "an upper-case label" "- CONN-2:Socket-Id  bad" "has a label that is not 1-48 of a-z 0-9"
bad_catalog "a repeated label" "- CONN-2:whole  again" "repeats CONN-2:whole of line [0-9]+" \
    "- CONN-2:whole"
bad_catalog "a rule under another section" "- PING-1:x  in CONN" "stands under another section than its rule's, which is '### PING"
bad_catalog "no clause text" "- CONN-2:lonely" "has no clause text"
bad_catalog "no label" "- CONN-2  no colon" "is not \`- RULE-ID:label  clause text\`"

# The built-in catalog parses, and a folder without CLAUSES.md falls back to it, saying so.
mkdir -p "$tmp/none/x/server"
cp "$tmp/full/server/all.lua" "$tmp/none/x/server/"
err=$("$ps" list --rules --clauses --scenarios "$tmp/none/x/server" 2>&1 >/dev/null)
check_eq "a scenario folder without CLAUSES.md: exit status" 0 "$?"
check_has "a scenario folder without CLAUSES.md: the note" "no CLAUSES\.md in .*; using the built-in one" "$err"
"$ps" list --clauses --json >/dev/null
check_eq "the built-in CLAUSES.md parses" 0 "$?"
help=$("$ps" help list)
check_has "help list explains --clauses" "--clauses +\(implies --rules\)" "$help"
check_has "help list names the ctest" "ctest 'clauses'" "$help"
# list --clause: a check's label leads to its sentence, its rule and its checks.
out=$("$ps" list --clause CONN-1:first-frame --scenarios "$tmp/bad/server")
check_eq "list --clause LABEL: exit status" 0 "$?"
check_has "list --clause prints the clause's sentence" "CONN-1:first-frame  the first message is connection_established" "$out"
check_has "... and where CLAUSES.md says it" "\(.*bad/server/\.\./CLAUSES\.md:$clause_line\)" "$out"
check_eq "... and not the rule's other clauses" 0 "$(printf '%s\n' "$out" | grep -c 'CONN-1:whole')"
out=$("$ps" list --clause CONN-1 --scenarios "$tmp/bad/server")
check_has "list --clause RULE-ID prints every clause of the rule" "CONN-1:whole .*"$'\n'".*"$'\n'" +CONN-1:first-frame" "$out"
label=$(grep -o 't:check("[A-Z0-9-]*:[a-z0-9-]*"' "$src/scenarios/server/conn.lua" | head -1 | sed 's/t:check("//; s/"$//')
out=$("$ps" list --clause "$label")
check_eq "list --clause with a built-in scenario's label ($label): exit status" 0 "$?"
check_has "... prints its sentence" "$label  [^ ]" "$out"
err=$("$ps" list --clause CONN-1:no-such-clause --scenarios "$tmp/bad/server" 2>&1 >/dev/null)
check_eq "list --clause with an unknown label: exit status" 2 "$?"
check_has "... says so" "has no clause 'CONN-1:no-such-clause'" "$err"
err=$("$ps" list --clause NOPE-1 2>&1 >/dev/null)
check_eq "list --clause with an unknown rule: exit status" 2 "$?"
err=$("$ps" list --clause CONN-1 --json 2>&1 >/dev/null)
check_eq "list --clause with --json: exit status" 2 "$?"
check_has "... points at list's help" "pushspec help list" "$err"

err=$("$ps" run --clauses 2>&1)
check_eq "--clauses belongs to list: run refuses it" 2 "$?"
finish cli_clauses
