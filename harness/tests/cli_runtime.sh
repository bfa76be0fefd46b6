#!/usr/bin/env bash
# The scenario runtime offline, with no server: pushspec plays the fake server
# for a do-nothing adapter (runtime/adapter.sh) and runs the scenarios of
# runtime/ (errors, runaways, a deadline, the sandbox, resource release, a
# missing profile), then throwaway scenarios that meet baselines, get selected
# or sleep side by side; each run's JSON result is checked.
#   bash cli_runtime.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_runtime.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_runtime.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
export NO_COLOR=1
rt="$src/harness/tests/runtime"
tmp=$(mktemp -d)
trap 'if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; else echo "cli_runtime: files kept in $tmp" >&2; fi' EXIT

# run NAME ARGS...: one run as the fake server for runtime/adapter.sh (see run_result)
run() {
    local name=$1
    shift
    : >"$tmp/$name.pids"
    run_result "$name" "$ps" run --sdk "sh $rt/adapter.sh $tmp/$name.pids" --scenarios "$rt" "$@"
}
v() { value "$tmp/$1.flat" "$2"; }

# ---- a Lua error names its file and line; the run goes on
err_line=$(grep -n 'ERROR LINE' "$rt/errors.lua" | cut -d: -f1)
run errors --filter 'err-lua,ok-after' --jobs 1
check_eq "a MUST rule errored: exit status" 1 "$rc"
check_eq "Lua error: scenario verdict" error "$(v errors scenarios.err-lua.verdict)"
check_eq "Lua error: rule verdict" error "$(v errors rules.CONN-1.verdict)"
check_has "Lua error: the result names file:line" "runtime/errors\.lua:$err_line\$" "$(v errors scenarios.err-lua.source)"
check_has "Lua error: the message says what went wrong" "nil" "$(v errors scenarios.err-lua.message)"
check_eq "the run goes on after a Lua error" pass "$(v errors scenarios.ok-after.verdict)"

# ---- runaways are stopped, the deadline ends a waiting scenario, undeclared rules are refused
run basic --filter 'runaway-*,deadline,undeclared,ok-after' --jobs 1
for id in runaway-loop runaway-pcall runaway-handler; do
    check_eq "$id: verdict" error "$(v basic "scenarios.$id.verdict")"
    check_has "$id: the message says runaway" "^runaway script: over [0-9]+ instructions" \
        "$(v basic "scenarios.$id.message")"
    # timed for the two plain loops only, as cli_runner.sh did: the handler case must just end
    [ "$id" = runaway-handler ] ||
        check_range "$id: stopped well before its 15 s deadline (ms)" 0 7500 "$(v basic "scenarios.$id.duration_ms")"
done
check_has "runaway: the result names where it looped" "runtime/errors\.lua:[0-9]+" \
    "$(v basic scenarios.runaway-loop.source)"
check_eq "deadline: scenario verdict" timeout "$(v basic scenarios.deadline.verdict)"
check_eq "deadline: rule verdict" timeout "$(v basic rules.PING-3.verdict)"
check_has "deadline: the message says so" "timed out after 1\.[0-9] s" "$(v basic scenarios.deadline.message)"
check_range "deadline: ends about 1 s in (ms)" 950 5000 "$(v basic scenarios.deadline.duration_ms)"
check_eq "undeclared rule: verdict" error "$(v basic scenarios.undeclared.verdict)"
check_has "undeclared rule: the message names it" "CEV-1" "$(v basic scenarios.undeclared.message)"
check_eq "the run goes on after all of them" pass "$(v basic scenarios.ok-after.verdict)"
# the console counts errors and timeouts apart from failures (nothing failed here)
check_has "summary: no rule counted as failed" "^rules: [0-9]+ passed, 0 failed, [0-9]+ skipped$" \
    "$(grep '^rules: ' "$tmp/basic.out")"
check_has "summary: errors and timeouts counted apart" "^not judged: [1-9][0-9]* rules? in error, [0-9]+ timed out" \
    "$(grep '^not judged: ' "$tmp/basic.out")"

# ---- the sandbox
run sandbox --filter sandbox
check_eq "sandbox: nothing dangerous visible (verdict, what it saw)" "pass <not in the result>" \
    "$(v sandbox scenarios.sandbox.verdict) $(v sandbox scenarios.sandbox.rules.SUB-2.actual)"

# ---- resources are released when their scenario ends
run release --filter 'rel-*' --jobs 1
check_eq "release: the first scenario passes" pass "$(v release scenarios.rel-first.verdict)"
check_eq "release: a kept handle is refused" pass "$(v release scenarios.rel-second.rules.CONN-2.verdict)"
check_eq "release: the ended app's route is gone" pass "$(v release scenarios.rel-second.rules.CONN-3.verdict)"
check_eq "release: the ended scenario's adapter has exited" pass \
    "$(v release scenarios.rel-second.rules.PING-1.verdict)"
[ "$(v release scenarios.rel-second.verdict)" = pass ] || cat "$tmp/release.out" >&2
check_eq "release: three adapters started (preflight, one per scenario)" 3 "$(wc -l <"$tmp/release.pids")"
gone() { [ ! -e "/proc/$1" ] || grep -q ') Z' "/proc/$1/stat" 2>/dev/null; }
for pid in $(cat "$tmp/release.pids"); do
    for _ in 1 2 3 4 5 6 7 8 9 10; do gone "$pid" && break; sleep 0.2; done
    if gone "$pid"; then ok; else fail "adapter $pid is gone after the run" "no process" "$(cat "/proc/$pid/stat")"; fi
done

# ---- skips say why, by kind
run skips --filter 'needs-profile,ok-after'
check_eq "missing profile: verdict" skip "$(v skips rules.SUB-3.verdict)"
check_eq "missing profile: skip kind" profile-missing "$(v skips rules.SUB-3.skip_kind)"
check_has "missing profile: the reason names it" "no profile 'no-such-profile'" "$(v skips rules.SUB-3.reason)"
check_eq "a rule of the server role only: skip kind" other-role "$(v skips rules.HTTP-2.skip_kind)"
check_eq "a client rule no selected scenario checks: skip kind" not-selected "$(v skips rules.CONNC-1.skip_kind)"
check_has "the console folds other-role rules into one line" "rules of other roles skipped" "$(cat "$tmp/skips.out")"

# The runs below bring their own scenario folders (a later --scenarios wins).
# ---- baselines and SHOULD rules
mkdir -p "$tmp/verdicts"
cat >"$tmp/verdicts/v.lua" <<'EOF'
ps.scenario { id = "v-pass", title = "passes", rules = { "PING-1" },
  run = function(t) t:check("PING-1", true) end }
ps.scenario { id = "v-fail", title = "fails a MUST rule", rules = { "CONN-1" },
  run = function(t) t:check("CONN-1", false, "connection_established", "nothing") end }
ps.scenario { id = "v-should", title = "fails a SHOULD rule", rules = { "FRAME-5" },
  run = function(t) t:check("FRAME-5", false, "pusher:error", "a crash") end }
EOF
printf '# known failures\nPING-1 pongs used to be lost\n' >"$tmp/ping.expect"
printf 'CONN-1 sends something else first\n' >"$tmp/conn.expect"

run xpass --scenarios "$tmp/verdicts" --filter v-pass --expect "$tmp/ping.expect"
check_eq "expected failure that passes: exit status" 1 "$rc"
check_eq "expected failure that passes: expectation" unexpected-pass "$(v xpass rules.PING-1.expectation)"
check_eq "expected failure that passes: summary" 1 "$(v xpass summary.unexpected_pass)"
run plainfail --scenarios "$tmp/verdicts" --filter v-fail
check_eq "MUST failure without a baseline: exit status" 1 "$rc"
run xfail --scenarios "$tmp/verdicts" --filter v-fail --expect "$tmp/conn.expect"
check_eq "expected failure that fails: exit status" 0 "$rc"
check_eq "expected failure that fails: expectation" expected-fail "$(v xfail rules.CONN-1.expectation)"
check_eq "expected failure that fails: reason kept" "sends something else first" \
    "$(v xfail rules.CONN-1.baseline_reason)"
run should --scenarios "$tmp/verdicts" --filter v-should
check_eq "SHOULD failure: exit status" 0 "$rc"
check_eq "SHOULD failure: verdict, counted" "fail false" \
    "$(v should rules.FRAME-5.verdict) $(v should rules.FRAME-5.counts_as_failure)"
run strict --scenarios "$tmp/verdicts" --filter v-should --strict
check_eq "SHOULD failure with --strict: exit status" 1 "$rc"
check_eq "SHOULD failure with --strict: counted" true "$(v strict rules.FRAME-5.counts_as_failure)"

# ---- baselines per check: "RULE:label,label  reason" pins which checks of the rule fail
mkdir -p "$tmp/labels"
cat >"$tmp/labels/l.lua" <<'EOF'
ps.scenario { id = "lab-one", title = "one known failing check", rules = { "CONN-6" },
  run = function(t)
    t:check("CONN-6:version-malformed", false, "4006", "connection_established")
    t:check("CONN-6:protocol-missing", true)
  end }
ps.scenario { id = "lab-two", title = "a new failing check too", rules = { "CONN-6" },
  run = function(t)
    t:check("CONN-6:version-malformed", false, "4006", "connection_established")
    t:check("CONN-6:protocol-missing", false, "4007", "a new deviation")
  end }
ps.scenario { id = "lab-bare", title = "a failing check without a label", rules = { "CONN-6" },
  run = function(t)
    t:check("CONN-6:version-malformed", false, "4006", "connection_established")
    t:check("CONN-6", false, "close 4008", "still open")
  end }
EOF
printf 'CONN-6:version-malformed   a malformed version is accepted\n' >"$tmp/one.expect"
printf 'CONN-6:version-malformed   a malformed version is accepted\nCONN-6:protocol-missing   so is no protocol\n' \
    >"$tmp/both.expect"
printf 'CONN-6:version-malformed,protocol-missing   both accepted\n' >"$tmp/comma.expect"
printf 'CONN-6:version-malformed   one\nCONN-6   bare\n' >"$tmp/mixed.expect"
printf 'CONN-6   accepts what it should refuse\n' >"$tmp/bare.expect"
printf 'CONN-6:Version_Bad   bad label\n' >"$tmp/badlabel.expect"
run lab1 --strict --scenarios "$tmp/labels" --filter lab-one --expect "$tmp/one.expect"
check_eq "per-check baseline, only the listed check fails: exit status" 0 "$rc"
check_eq "per-check baseline, only the listed check fails: expectation" expected-fail \
    "$(v lab1 rules.CONN-6.expectation)"
check_eq "the scenario lists its failing check labels" version-malformed \
    "$(v lab1 'scenarios.lab-one.rules.CONN-6.failed_checks.0')"
run lab2 --strict --scenarios "$tmp/labels" --filter lab-two --expect "$tmp/one.expect"
check_eq "per-check baseline, a new check fails: exit status" 1 "$rc"
check_eq "per-check baseline, a new check fails: not an expected failure" "fail <not in the result>" \
    "$(v lab2 rules.CONN-6.verdict) $(v lab2 rules.CONN-6.expectation)"
check_eq "per-check baseline, a new check fails: it is named" protocol-missing \
    "$(v lab2 rules.CONN-6.unlisted_failing_checks)"
check_eq "per-check baseline, a new check fails: its Actual is shown" "a new deviation" \
    "$(v lab2 rules.CONN-6.actual)"
check_has "per-check baseline, a new check fails: the console says which" "these failed as well: protocol-missing" \
    "$(cat "$tmp/lab2.out")"
run lab2b --strict --scenarios "$tmp/labels" --filter lab-two --expect "$tmp/bare.expect"
check_eq "a bare rule id still expects any failing check: exit status" 0 "$rc"
run lab3 --strict --scenarios "$tmp/labels" --filter lab-bare --expect "$tmp/one.expect"
check_eq "per-check baseline, a failing check without a label: exit status" 1 "$rc"
check_eq "per-check baseline, a failing check without a label: named" "a check without a label" \
    "$(v lab3 rules.CONN-6.unlisted_failing_checks)"
run lab4 --strict --scenarios "$tmp/labels" --filter lab-one --expect "$tmp/both.expect"
check_eq "per-check baseline listing a check that passed: exit status" 0 "$rc"
check_has "per-check baseline listing a check that passed: a note says so" \
    "names CONN-6:protocol-missing \(no protocol parameter is refused with 4008\), a check that did not fail" \
    "$(cat "$tmp/lab4.out")"
run lab4b --strict --scenarios "$tmp/labels" --filter lab-two --expect "$tmp/comma.expect"
check_eq "per-check baseline with two labels on one line: exit status" 0 "$rc"
mixed=$("$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/labels" --filter lab-one \
    --expect "$tmp/mixed.expect" 2>&1 >/dev/null)
check_eq "a bare id and a labelled line for one rule: exit status" 2 "$?"
check_has "a bare id and a labelled line for one rule: the message says why" "already listed on line 1" "$mixed"
bad=$("$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/labels" --filter lab-one \
    --expect "$tmp/badlabel.expect" 2>&1 >/dev/null)
check_eq "a malformed check label in a baseline: exit status" 2 "$?"
check_has "a malformed check label in a baseline: the message says how" "check labels \(each 1-48 of a-z 0-9" "$bad"

# ---- selection
mkdir -p "$tmp/select"
cat >"$tmp/select/s.lua" <<'EOF'
local function scenario(id, rule, tags)
  ps.scenario { id = id, title = id, rules = { rule }, tags = tags,
    run = function(t) t:check(rule, true) end }
end
scenario("sel-alpha", "PING-1", { "slow" })
scenario("sel-beta", "PING-2", { "net" })
scenario("other-gamma", "CEV-1", { "slow", "net" })
scenario("other-delta", "SUB-2")
EOF
sel() { # what, wanted ids, flags...
    local what=$1 want=$2
    shift 2
    run select --scenarios "$tmp/select" "$@"
    check_eq "$what: exit status" 0 "$rc"
    check_eq "$what: scenarios run" "$want" "$(ids select)"
}
sel "no selection" "other-delta other-gamma sel-alpha sel-beta"
sel "--filter on ids" "sel-alpha sel-beta" --filter 'sel-*'
sel "--filter on rule ids" "other-gamma" --filter 'CEV-*'
sel "--filter with a comma" "other-delta sel-beta" --filter 'sel-beta,SUB-2'
sel "--tag" "other-gamma sel-alpha" --tag slow
sel "--exclude-tag" "other-delta sel-beta" --exclude-tag slow
sel "--tag with --exclude-tag" "sel-beta" --tag net --exclude-tag slow
sel "--tag with a comma list" "other-gamma sel-alpha sel-beta" --tag slow,net
sel "--tag repeated" "other-gamma sel-alpha sel-beta" --tag slow --tag net
sel "--exclude-tag with a comma list" "other-delta" --exclude-tag slow,net
sel "--exclude-tag repeated" "other-delta" --exclude-tag net --exclude-tag slow
sel "--tag list with --exclude-tag list" "sel-alpha" --tag slow,nothing --exclude-tag net,other

# ---- --html writes DIR/result.json also when --json names another file
run html --scenarios "$tmp/select" --filter sel-alpha --html "$tmp/html-report"
check_eq "--html with --json: exit status" 0 "$rc"
if [ -s "$tmp/html-report/result.json" ] && [ -s "$tmp/html-report/index.html" ] &&
   python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); assert a["rules"]==b["rules"]' \
       "$tmp/html-report/result.json" "$tmp/html.json" 2>/dev/null; then ok
else fail "--html with --json: DIR/result.json is the run's result" "index.html and result.json equal to --json's" \
       "$(ls "$tmp/html-report" 2>&1)"; fi

# ---- ps.corpus reads the corpora embedded in the binary (an installed pushspec has them):
# every seed of corpus/fuzz_frame_parse, in file-name order, byte for byte
mkdir -p "$tmp/corpus"
want_sum=$(cd "$src/corpus/fuzz_frame_parse" && for f in $(ls | LC_ALL=C sort); do cat "$f"; printf '|'; done | md5sum | cut -c1-32)
cat >"$tmp/corpus/c.lua" <<EOF
ps.scenario { id = "corpus-embedded", title = "corpus", rules = { "PING-1" },
  run = function(t)
    local seeds = ps.corpus("fuzz_frame_parse")
    t:check("PING-1", #seeds == $(ls "$src/corpus/fuzz_frame_parse" | wc -l), "every seed", #seeds)
    t:check("PING-1", ps.md5(table.concat(seeds, "|") .. "|") == "$want_sum", "the seeds' bytes in file-name order",
      "md5 " .. ps.md5(table.concat(seeds, "|") .. "|"))
    local ok, err = pcall(ps.corpus, "no_such_corpus")
    t:check("PING-1", not ok and tostring(err):find("no corpus no_such_corpus", 1, true) ~= nil, "an error naming it", err)
  end }
EOF
run corpus --scenarios "$tmp/corpus"
check_eq "ps.corpus: the embedded seeds, an error for an unknown corpus" "pass" "$(v corpus scenarios.corpus-embedded.verdict)"

# ---- scenarios wait side by side
mkdir -p "$tmp/sleep"
cat >"$tmp/sleep/sleep.lua" <<'EOF'
for i = 1, 10 do
  ps.scenario { id = "sleeper-" .. i, title = "sleeps 1 s", rules = { "PING-1" },
    run = function(t)
      local t0 = ps.now()
      t:sleep(1000)
      t:check("PING-1", ps.now() - t0 >= 1000, "slept 1000 ms", ps.now() - t0)
    end }
end
EOF
run sleep --scenarios "$tmp/sleep"
check_eq "10 sleepers: exit status" 0 "$rc"
check_eq "10 sleepers: all pass" "10 x pass" \
    "$(grep -E '^scenarios\.[^.]+\.verdict=' "$tmp/sleep.flat" | cut -d= -f2 | sort | uniq -c | awk '{print $1 " x " $2}')"
check_range "10 sleepers of 1 s: wall time (ms)" 1000 5000 "$(v sleep summary.wall_ms)"
check_range "10 sleepers: the shortest slept its second (ms)" 1000 5000 \
    "$(grep -E '^scenarios\.[^.]+\.duration_ms=' "$tmp/sleep.flat" | cut -d= -f2 | sort -n | head -1)"

# ---- many short waits: no wake-up may be lost. A timer that fell due just
# before the loop polled once left it asleep until lws's next own timer (~30 s),
# which made these 1200 short sleeps take 90 s instead of under one.
mkdir -p "$tmp/naps"
cat >"$tmp/naps/naps.lua" <<'EOF'
for i = 1, 30 do
  ps.scenario { id = "napper-" .. i, title = "40 short sleeps", rules = { "PING-1" }, timeout = 60,
    run = function(t)
      for _ = 1, 40 do t:sleep(10 + i % 7) end
      t:check("PING-1", true)
    end }
end
EOF
run naps --scenarios "$tmp/naps"
check_eq "30 x 40 short sleeps: exit status" 0 "$rc"
check_range "30 x 40 short sleeps of 10-16 ms: wall time (ms), no lost wake-up" 400 15000 "$(v naps summary.wall_ms)"

# ---- diagnosis: a failed wait says what arrived instead; a codeless close is called that
run diag --filter 'diag-*' --jobs 1
check_has "an awaited subscription answered by another event: the Actual shows it" \
    'within 500 ms; arrived instead: \{"event":"pusher_internal:subscription_error","channel":"private-x"' \
    "$(v diag rules.SUB-1.actual)"
check_has "await_refusal without an answer: the Actual shows what came" \
    'no answer\): .*arrived instead: .*"channel":"private-y"' "$(v diag rules.SUB-3.actual)"
check_has "a close frame without a status code: the Actual says so" \
    '^closed by a close frame without a status code .*close_text: closed by a close frame without a status code$' \
    "$(v diag rules.CONN-10.actual)"
check_eq "a close frame without a status code: the transcript says so, both ends" 2 \
    "$(grep -c '^scenarios\.diag-no-status\.transcript\.[0-9]*\.text=close frame without a status code$' "$tmp/diag.flat")"
if grep -F diag "$tmp/diag.flat" | grep -Fq "close 0"; then
    fail "a close frame without a status code is never 'close 0'" "no 'close 0'" "$(grep -F 'close 0' "$tmp/diag.flat")"
else ok; fi

finish cli_runtime
