#!/usr/bin/env bash
# pushspec run --write-expect FILE, offline (pushspec is the fake server for the do-nothing
# runtime/adapter.sh): the written baseline has one line per failing check, a bare line for a
# rule with unlabelled failures or an error, section headings, one-line bounded reasons from
# the Actual; it loads back with --expect and makes the same run pass; existing files, folders
# and FIFOs are refused before the run; the result carries the rule-level failed_checks.
#   bash cli_expect.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_expect.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_expect.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
export NO_COLOR=1
rt="$src/harness/tests/runtime"
tmp=$(mktemp -d)
trap 'if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; else echo "cli_expect: files kept in $tmp" >&2; fi' EXIT
run() { # NAME ARGS...: one run of the scenarios in $tmp/sc (see run_result)
    local name=$1
    shift
    : >"$tmp/$name.pids"
    run_result "$name" "$ps" run --sdk "sh $rt/adapter.sh $tmp/$name.pids" --scenarios "$tmp/sc" --strict "$@"
}
v() { value "$tmp/$1.flat" "$2"; }

mkdir -p "$tmp/sc"
cat >"$tmp/sc/w.lua" <<'EOF2'
local long = string.rep("x", 400)
ps.scenario { id = "we-labels-a", title = "two failing checks", rules = { "CONN-6" },
  run = function(t)
    t:check("CONN-6:version-malformed", false, "close 4008", "connection_established\nafter  a\tmalformed version")
    t:check("CONN-6:protocol-missing", true)
  end }
ps.scenario { id = "we-labels-b", title = "another failing check of the same rule", rules = { "CONN-6" },
  run = function(t)
    t:check("CONN-6:version-malformed", false, "close 4008", "seen again")
    t:check("CONN-6:protocol-old", false, "close 4007", long)
  end }
ps.scenario { id = "we-mixed", title = "a labelled and an unlabelled failure", rules = { "CONN-7" },
  run = function(t)
    t:check("CONN-7:quota", false, "4004", "4100")
    t:check("CONN-7", false, "an error", "nothing")
  end }
ps.scenario { id = "we-error", title = "a scenario that errs", rules = { "PING-1" },
  run = function(t)
    t:check("PING-1:ping", false, "a pong", "no pong")
    error("the set-up broke")
  end }
ps.scenario { id = "we-error-only", title = "a scenario that errs before any check", rules = { "PING-2" },
  run = function(t) error("the set-up broke") end }
ps.scenario { id = "we-should", title = "a SHOULD rule failing", rules = { "FRAME-6" },
  run = function(t) t:check("FRAME-6:pong-data", false, "a JSON string", "an object {}") end }
ps.scenario { id = "we-pass", title = "a passing rule", rules = { "CONN-1" },
  run = function(t) t:check("CONN-1:first", true) end }
EOF2

run w1 --write-expect "$tmp/w.expect"
check_eq "a failing run with --write-expect: exit status" 1 "$rc"
check_has "the console says where the baseline went" "baseline of this run's failures written to .*w\.expect \(6 entries\)" \
    "$(cat "$tmp/w1.out" "$tmp/w1.err")"
body=$(grep -v '^#' "$tmp/w.expect" | grep -v '^$')
check_eq "one line per failing check, bare lines for unlabelled failures and errors, in catalog order" \
    "FRAME-6:pong-data CONN-6:version-malformed CONN-6:protocol-old CONN-7 PING-1 PING-2" \
    "$(printf '%s\n' "$body" | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//')"
check_has "a labelled line's reason is its first failure's Actual, on one line" \
    "^CONN-6:version-malformed +connection_established after a malformed version$" "$body"
long_line=$(grep '^CONN-6:protocol-old' "$tmp/w.expect")
check_range "a long Actual is cut (bytes of the line)" 200 240 "${#long_line}"
check_has "a cut reason ends with ..." 'x\.\.\.$' "$long_line"
check_has "a rule with an unlabelled failing check: the bare line" "^CONN-7 +4100$" "$body"
check_has "a rule whose scenario erred after a failing check: a bare line from its Actual" "^PING-1 +no pong$" "$body"
check_has "a rule that erred: a bare line saying so" "^PING-2 +error: .*the set-up broke" "$body"
check_has "section headings as in the CI baselines" "^# CONN — connection \(S\)$" "$(cat "$tmp/w.expect")"
check_eq "a passing rule is not in the baseline" "" "$(grep '^CONN-1' "$tmp/w.expect")"
check_eq "the rule-level failed_checks: the union over its scenarios" "version-malformed protocol-old" \
    "$(v w1 rules.CONN-6.failed_checks.0) $(v w1 rules.CONN-6.failed_checks.1)"
check_eq "the rule-level unlabelled_failures" 1 "$(v w1 rules.CONN-7.unlabelled_failures)"

run w2 --expect "$tmp/w.expect"
check_eq "the written baseline makes the same run pass (--strict): exit status" 0 "$rc"
check_eq "every failing rule is an expected failure" \
    "expected-fail expected-fail expected-fail expected-fail expected-fail" \
    "$(v w2 rules.CONN-6.expectation) $(v w2 rules.CONN-7.expectation) $(v w2 rules.PING-1.expectation) $(v w2 rules.PING-2.expectation) $(v w2 rules.FRAME-6.expectation)"
check_eq "no note about baseline lines that went unused" "" "$(grep '^note:' "$tmp/w2.out")"

# A new failing check under a pinned rule still fails the run with the written baseline.
sed 's/t:check("CONN-6:protocol-missing", true)/t:check("CONN-6:protocol-missing", false, "4007", "new")/' \
    "$tmp/sc/w.lua" >"$tmp/w.new" && mv "$tmp/w.new" "$tmp/sc/w.lua"
run w3 --expect "$tmp/w.expect"
check_eq "a new failing check under a written per-check line: exit status" 1 "$rc"
check_eq "a new failing check under a written per-check line: named" protocol-missing \
    "$(v w3 rules.CONN-6.unlisted_failing_checks)"

# The file written is the run's whole baseline, whatever --expect said: a rule the old baseline
# listed that now passes is not carried over.
printf 'CONN-1   used to fail\n' >"$tmp/old.expect"
run w4 --expect "$tmp/old.expect" --write-expect "$tmp/w4.expect"
check_eq "with --expect: the run fails (an unexpected pass and the failures)" 1 "$rc"
check_eq "with --expect: the passing rule is not in the new baseline" "" "$(grep '^CONN-1' "$tmp/w4.expect")"
check_has "with --expect: the failures are all in it" "^CONN-6:protocol-missing " "$(cat "$tmp/w4.expect")"
run w5 --expect "$tmp/w4.expect"
check_eq "that baseline loads back and the run passes" 0 "$rc"

# Refused before the run: an existing file without --force, a folder, a FIFO; --force alone.
before=$(cat "$tmp/w.expect")
out=$("$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/sc" --write-expect "$tmp/w.expect" 2>&1)
check_eq "an existing baseline without --force: exit status" 2 "$?"
check_has "an existing baseline without --force: says what to do" "the file exists; give --force" "$out"
check_eq "an existing baseline without --force: left alone" "$before" "$(cat "$tmp/w.expect")"
check_eq "an existing baseline without --force: refused before the run" "" "$(printf '%s' "$out" | grep 'we-labels')"
run w6 --write-expect "$tmp/w.expect" --force
check_eq "--force overwrites it" protocol-missing "$(grep -o '^CONN-6:protocol-missing' "$tmp/w.expect" | cut -d: -f2)"
mkdir "$tmp/adir"
mkfifo "$tmp/afifo"
for bad in "$tmp/adir" "$tmp/afifo"; do
    out=$(timeout 20 "$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/sc" --write-expect "$bad" --force 2>&1)
    rc=$?
    check_eq "--write-expect $(basename "$bad"): exit status" 2 "$rc"
    check_has "--write-expect $(basename "$bad"): says why" "$(basename "$bad")" "$out"
done
out=$("$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/sc" --force 2>&1)
check_eq "--force without --write-expect: exit status" 2 "$?"
check_has "--force without --write-expect: says so" "--force goes with --write-expect" "$out"

# The reports show a failing rule's check labels and those the baseline does not list.
printf 'CONN-6:version-malformed   a malformed version is accepted\n' >"$tmp/one.expect"
run rep --filter 'we-labels-*,we-mixed' --expect "$tmp/one.expect" --html "$tmp/html" --junit "$tmp/rep.xml" \
    --markdown "$tmp/rep.md"
check_eq "reports run: exit status" 1 "$rc"
check_has "console: the failing checks of a rule" "failing checks: version-malformed, protocol-missing, protocol-old" \
    "$(cat "$tmp/rep.out")"
check_has "console: a rule with an unlabelled failing check" "failing checks: quota, and 1 without a label" \
    "$(cat "$tmp/rep.out")"
check_has "HTML: the failing checks" "<dt>Failing checks</dt><dd><pre>version-malformed, protocol-missing, protocol-old" \
    "$(cat "$tmp/html/index.html")"
check_has "HTML: the checks not in the baseline" "<dt>Not in the baseline</dt><dd><pre>protocol-missing, protocol-old" \
    "$(cat "$tmp/html/index.html")"
check_has "JUnit: the failure message names the unlisted checks" \
    'message="failing checks the baseline does not list: protocol-missing, protocol-old; ' "$(cat "$tmp/rep.xml")"
check_has "JUnit: the body lists the failing checks" "Failing checks: quota and 1 check without a label" \
    "$(cat "$tmp/rep.xml")"
check_has "Markdown: the unlisted checks in the row" '`CONN-6`.* — not in the baseline: protocol-missing, protocol-old' \
    "$(cat "$tmp/rep.md")"
check_has "Markdown: the failing checks of a rule without a per-check baseline" \
    '`CONN-7`.* — failing checks: quota and 1 check without a label' "$(cat "$tmp/rep.md")"
# Every label with its clause text, in every format; the headline is the first unlisted failing check.
clause='no protocol parameter is refused with 4008'
check_has "console: a failing check's clause text" "^      protocol-missing: $clause$" "$(cat "$tmp/rep.out")"
check_eq "JSON: the clause text of each failing check" "protocol-missing|$clause|true" \
    "$(v rep rules.CONN-6.clauses.1.label)|$(v rep rules.CONN-6.clauses.1.text)|$(v rep rules.CONN-6.clauses.1.defined)"
check_has "HTML: the clauses" "<dt>Clauses</dt><dd><pre>version-malformed: .*protocol-missing: $clause" \
    "$(tr '\n' ' ' <"$tmp/html/index.html")"
check_has "JUnit: the clauses" "protocol-missing: $clause" "$(sed -n '/^Clauses:/,/^[A-Z]/p' "$tmp/rep.xml")"
check_has "Markdown: the clauses" '`CONN-6`.* — clauses: .*protocol-missing: '"$clause" "$(cat "$tmp/rep.md")"
check_eq "the headline Expected/Actual: the first failing check the baseline does not list" "4007|new" \
    "$(v rep rules.CONN-6.expected)|$(v rep rules.CONN-6.actual)"
mkdir -p "$tmp/wire"
printf '%s\n' 'ps.scenario { id = "we-wire", title = "a label without a clause", rules = { "CONN-7" },' \
    '  run = function(t) t:check("CONN-7:wire", false, "a frame as the codec wants", "a bad frame") end }' >"$tmp/wire/w.lua"
"$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/wire" --json "$tmp/wire.json" --junit "$tmp/wire.xml" \
    --markdown "$tmp/wire.md" --html "$tmp/wire-html" >"$tmp/wire.out" 2>&1
flatten "$tmp/wire.json" >"$tmp/wire.flat"
check_eq "JSON: a label without a clause says so" false "$(v wire rules.CONN-7.clauses.0.defined)"
for f in wire.out wire.xml wire.md wire-html/index.html; do
    check_has "$f: a label without a clause shows the rule's text and says it has no clause" \
        "wire: no clause CONN-7:wire in CLAUSES.md; the rule: " "$(cat "$tmp/$f")"
done
"$ps" report "$tmp/rep.json" --markdown "$tmp/rep2.md" >/dev/null 2>&1
check_eq "pushspec report makes the same Markdown from the result" "$(cat "$tmp/rep.md")" "$(cat "$tmp/rep2.md")"

# A run where nothing fails writes a baseline with no entries, which loads.
mkdir -p "$tmp/ok"
printf 'ps.scenario { id = "fine", title = "fine", rules = { "CONN-1" }, run = function(t) t:check("CONN-1", true) end }\n' \
    >"$tmp/ok/ok.lua"
"$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/ok" --write-expect "$tmp/none.expect" >/dev/null 2>&1
check_eq "a passing run with --write-expect: exit status" 0 "$?"
check_has "a passing run: the baseline says nothing failed" "no rule failed" "$(cat "$tmp/none.expect")"
"$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/ok" --expect "$tmp/none.expect" >/dev/null 2>&1
check_eq "the empty baseline loads" 0 "$?"
# Baselines that hold: a deviant peer fails CONN-6:protocol-old and CONN-7:quota only every other run
# (it flips a state file per probe), and its scenario reports an incidental PRES-1:has-ids every run.
mkdir -p "$tmp/flip" "$tmp/flipstate"
cat >"$tmp/flip/peer.py" <<'EOF2'
import json, os, sys
state = sys.argv[1]
print(json.dumps({"type": "hello", "sdk": "flip", "version": "1", "kind": "client", "capabilities": []}), flush=True)
for line in sys.stdin:
    m = json.loads(line)
    f = os.path.join(state, str(m.get("name")))
    if os.path.exists(f): os.remove(f); r = "pass"
    else: open(f, "w").close(); r = "fail"
    print(json.dumps({"re": m.get("id"), "ok": True, "result": r}), flush=True)
EOF2
mkdir -p "$tmp/flipsc"
cat >"$tmp/flipsc/f.lua" <<'EOF2'
local function flips(t, name) return t:sdk():call("probe", { name = name }) == "fail" end
ps.scenario { id = "flip-one", title = "a firm failing check and one failing every other run", rules = { "CONN-6" },
  run = function(t)
    t:check("CONN-6:version-malformed", false, "close 4008", "accepted")
    t:check("CONN-6:protocol-old", not flips(t, "one"), "close 4007", "accepted this time")
    t:incidental("PRES-1:has-ids", "ids of strings", "ids [null]")
  end }
ps.scenario { id = "flip-only", title = "a rule failing every other run", rules = { "CONN-7" },
  run = function(t) t:check("CONN-7:quota", not flips(t, "only"), "4004", "4100 this time") end }
EOF2
flip() { local name=$1; shift; run_result "$name" "$ps" run --sdk "python3 $tmp/flip/peer.py $tmp/flipstate" --scenarios "$tmp/flipsc" --strict "$@"; }
flip f1 --write-expect "$tmp/flip.expect"
check_eq "flip run 1 (the flaky checks fail): exit status" 1 "$rc"
check_has "an incidental finding's label is written" "^PRES-1:has-ids +ids \[null\]" "$(cat "$tmp/flip.expect")"
check_has "run 1's flaky check is written, firm" "^CONN-7:quota +" "$(cat "$tmp/flip.expect")"
flip f2 --expect "$tmp/flip.expect" --write-expect "$tmp/flip.expect" --merge
check_eq "flip run 2 against run 1's baseline: the flaky rule passes, an unexpected pass (exit 1)" 1 "$rc"
check_eq "flip run 2: CONN-7 passed" pass "$(v f2 rules.CONN-7.verdict)"
check_eq "the incidental PRES-1 is expected in run 2" expected-fail "$(v f2 rules.PRES-1.expectation)"
body=$(grep -v '^#' "$tmp/flip.expect" | grep -v '^$' | awk '{ print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
check_eq "--merge: firm where both runs failed, ? where one did" \
    "CONN-6:protocol-old? CONN-6:version-malformed CONN-7:quota? PRES-1:has-ids" "$body"
check_has "--merge: the header says so" "^# Baseline written by --write-expect --merge on .* of pushspec " "$(cat "$tmp/flip.expect")"
flip f3 --expect "$tmp/flip.expect"
check_eq "run 3 (flaky checks fail) passes the merged baseline" 0 "$rc"
flip f4 --expect "$tmp/flip.expect"
check_eq "run 4 (flaky checks pass) passes the merged baseline" 0 "$rc"
check_eq "run 4: the rule failing only sometimes passed, and that is no unexpected pass" "pass " \
    "$(v f4 rules.CONN-7.verdict) $(v f4 rules.CONN-7.expectation | sed 's/<not in the result>//')"
flip f5 --write-expect "$tmp/flip.expect" --merge --filter flip-only
check_has "--merge of a run that did not select a rule keeps its lines as they were" \
    "^CONN-6:version-malformed " "$(cat "$tmp/flip.expect")"
# --repeat 2: the same two runs in one command give the same baseline.
rm -f "$tmp/flipstate"/*
flip r1 --write-expect "$tmp/rep.expect" --repeat 2
check_eq "--repeat 2: the last run's exit status (it fails)" 1 "$rc"
check_has "--repeat 2: says which run is which" "run 2 of 2" "$(cat "$tmp/r1.err")"
check_eq "--repeat 2: the same baseline as two runs merged" "$(grep -v '^#' "$tmp/flip.expect" | grep -v '^$' | awk '{ print $1 }' | sort)" \
    "$(grep -v '^#' "$tmp/rep.expect" | grep -v '^$' | awk '{ print $1 }' | sort)"
flip r2 --expect "$tmp/rep.expect"
check_eq "the --repeat baseline holds on the next run" 0 "$rc"
flip r3 --expect "$tmp/rep.expect"
check_eq "and on the one after" 0 "$rc"
out=$("$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/sc" --repeat 2 2>&1)
check_eq "--repeat without --write-expect: exit status" 2 "$?"
check_has "--repeat without --write-expect: says so" "--repeat N .* goes with pushspec run ... --write-expect FILE" "$out"
out=$("$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/sc" --merge 2>&1)
check_eq "--merge without --write-expect: exit status" 2 "$?"
check_has "--merge without --write-expect: says so" "--merge goes with --write-expect" "$out"
printf 'CONN-6:version-malformed\n' >"$tmp/broken.expect"
out=$("$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/sc" --write-expect "$tmp/broken.expect" --merge 2>&1)
check_eq "--merge into a file that is no baseline: exit status" 2 "$?"
check_has "--merge into a file that is no baseline: names the line" "broken.expect:1 is not a baseline line" "$out"
finish cli_expect
