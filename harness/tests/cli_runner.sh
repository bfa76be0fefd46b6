#!/usr/bin/env bash
# The runner against a real server (soketi: bash ci/soketi.sh start; its URL is
# PUSHSPEC_TEST_WS, default ws://127.0.0.1:6001): throwaway scenarios that error,
# loop, overrun deadlines, probe the sandbox, meet baselines, get selected, leak
# the secret or sleep side by side; each run's JSON result is checked.
#   bash harness/tests/cli_runner.sh PATH/TO/pushspec SOURCE_DIR
set -u

ps=${1:?usage: cli_runner.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_runner.sh PATH/TO/pushspec SOURCE_DIR}
ws=${PUSHSPEC_TEST_WS:-ws://127.0.0.1:6001}
app_id=app-main key=key-main secret=secret-main
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
export NO_COLOR=1

passed=0 failed=0
fail() { # what, expected, seen
    failed=$((failed + 1))
    printf 'FAIL: %s\n  expected: %s\n  seen:     %s\n' "$1" "$2" "$(printf '%s' "$3" | head -c 800)" >&2
}
ok() { passed=$((passed + 1)); }
check_eq() { if [ "$2" = "$3" ]; then ok; else fail "$1" "$2" "$3"; fi; }
check_has() { # what, regex, text
    if printf '%s' "$3" | grep -Eq -- "$2"; then ok; else fail "$1" "text matching /$2/" "$3"; fi
}
check_range() { # what, min, max, value: min <= value < max
    if [[ "$4" =~ ^[0-9]+$ ]] && [ "$4" -ge "$2" ] && [ "$4" -lt "$3" ]; then ok
    else fail "$1" "a number from $2 to below $3" "$4"; fi
}

tmp=$(mktemp -d)
trap 'if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; else echo "cli_runner: files kept in $tmp" >&2; fi' EXIT

# ---- the server must be there: no server is a failure, never a skip
hostport=${ws#*://}
hostport=${hostport%%/*}
if ! timeout 3 bash -c "exec 3<>/dev/tcp/${hostport%:*}/${hostport##*:}" 2>/dev/null; then
    fail "soketi reachable at $ws" "a server listening (start it: bash ci/soketi.sh start)" "connection refused"
    echo "cli_runner: $passed passed, $failed failed"
    exit 1
fi

# run NAME ARGS...: one run against the server; exit status in rc, the JSON
# result flattened into $tmp/NAME.flat as PATH=VALUE lines, where scenarios and
# rules are keyed by id: scenarios.ID.verdict=error, rules.ID.expectation=...
run() {
    local name=$1
    shift
    rm -f "$tmp/$name.json"
    timeout "${limit:-120}" "$ps" run --url "$ws" --app-id "$app_id" --key "$key" --secret "$secret" \
        --json "$tmp/$name.json" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    # 2 is an infrastructure error (is soketi still up?), 124 the timeout: say why
    if [ "$rc" -le 1 ]; then ok
    else fail "run $name finishes" "exit status 0 or 1" "$rc: $(tail -n 2 "$tmp/$name.err")"; fi
    python3 - "$tmp/$name.json" >"$tmp/$name.flat" 2>&1 <<'EOF'
import json, sys
def walk(path, v):
    if isinstance(v, dict):
        for k, x in v.items(): walk(path + [k], x)
    elif isinstance(v, list):
        for i, x in enumerate(v): walk(path + [x["id"] if isinstance(x, dict) and "id" in x else str(i)], x)
    else:
        text = v if isinstance(v, str) else json.dumps(v)
        print(".".join(path) + "=" + text.replace("\\", "\\\\").replace("\n", "\\n"))
try:
    walk([], json.load(open(sys.argv[1], encoding="utf-8")))
except Exception as e:
    print("unreadable result: %s" % e)
EOF
}
# v NAME PATH: the value at PATH in run NAME's result.
v() {
    awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); hit = 1; exit }
        END { if (!hit) print "<not in the result>" }' "$tmp/$1.flat"
}
# ids NAME: the ids of the scenarios that ran, sorted, space-separated.
ids() { sed -n 's/^scenarios\.\([^.=]*\)\.id=.*/\1/p' "$tmp/$1.flat" | sort | tr '\n' ' ' | sed 's/ $//'; }

# ---- errors, runaways, deadlines, undeclared rules, the sandbox
mkdir -p "$tmp/basic"
cat >"$tmp/basic/errors.lua" <<'EOF'
ps.scenario { id = "err-nil-index", title = "indexes nil", rules = { "CONN-1" },
  run = function(t)
    local x = nil
    x.y = 1 -- ERROR LINE
  end }
ps.scenario { id = "ok-plain", title = "passes", rules = { "PING-1" },
  run = function(t) t:check("PING-1", true, "true", "true") end }
ps.scenario { id = "runaway-loop", title = "loops forever", rules = { "PING-2" },
  run = function(t) while true do end end }
ps.scenario { id = "runaway-pcall", title = "loops forever inside pcall", rules = { "CONN-2" },
  run = function(t)
    while true do pcall(function() while true do end end) end
  end }
ps.scenario { id = "deadline", title = "waits past its deadline", rules = { "CONN-3" }, timeout = 1,
  run = function(t)
    local m, why = t:open():expect({ event = "never" }, { within = 60000 })
    t:check("CONN-3", false, "still waiting when the deadline ends the scenario", m or why)
  end }
ps.scenario { id = "undeclared", title = "checks a rule it did not declare", rules = { "SUB-1" },
  run = function(t) t:check("CEV-1", true, "x", "y") end }
ps.scenario { id = "sandbox", title = "sees no escape hatch", rules = { "SUB-2" },
  run = function(t)
    local names, visible = {}, { os = os, io = io, require = require, load = load, dofile = dofile,
      loadfile = loadfile, debug = debug, collectgarbage = collectgarbage, package = package,
      coroutine = coroutine, ["string.dump"] = string.dump, ['("").dump'] = ("").dump,
      -- shared with the prelude and every other scenario: changing them changes their checks
      ["getmetatable(t)"] = type(getmetatable(t)) == "table" or nil,
      ['getmetatable("")'] = type(getmetatable("")) == "table" or nil }
    for name in pairs(visible) do names[#names + 1] = name end
    t:check("SUB-2", #names == 0, "none visible", "visible: " .. table.concat(names, " "))
  end }
ps.scenario { id = "ok-last", title = "passes after all the others", rules = { "PING-3" },
  run = function(t) t:check("PING-3", true) end }
EOF
err_line=$(grep -n 'ERROR LINE' "$tmp/basic/errors.lua" | cut -d: -f1)
# --jobs 1: each scenario starts only when the one before it has ended.
run errors --scenarios "$tmp/basic" --filter 'err-*,ok-*' --jobs 1
check_eq "a MUST rule errored: exit status" 1 "$rc"
check_eq "Lua error: scenario verdict" error "$(v errors scenarios.err-nil-index.verdict)"
check_eq "Lua error: rule verdict" error "$(v errors rules.CONN-1.verdict)"
check_has "Lua error: result names the file and line" "errors\.lua:$err_line([^0-9]|$)" \
    "$(v errors scenarios.err-nil-index.source) $(v errors scenarios.err-nil-index.message)"
check_has "Lua error: message says what went wrong" "nil" "$(v errors scenarios.err-nil-index.message)"
check_eq "the run goes on after a Lua error" pass "$(v errors scenarios.ok-plain.verdict)"

run basic --scenarios "$tmp/basic" --filter 'runaway-*,deadline,undeclared,sandbox,ok-*' --jobs 1
check_eq "runaways, deadline, undeclared rule: exit status" 1 "$rc"
for id in runaway-loop runaway-pcall; do
    check_eq "$id: verdict" error "$(v basic "scenarios.$id.verdict")"
    check_has "$id: message mentions runaway" "runaway" "$(v basic "scenarios.$id.message")"
    check_range "$id: stopped well before its 15 s deadline (ms)" 0 7500 "$(v basic "scenarios.$id.duration_ms")"
done
check_eq "the run goes on after runaways" pass "$(v basic scenarios.ok-last.verdict)"
check_eq "deadline: verdict" timeout "$(v basic scenarios.deadline.verdict)"
check_eq "deadline: rule verdict" timeout "$(v basic rules.CONN-3.verdict)"
check_range "deadline: ends about 1 s in (ms)" 950 5000 "$(v basic scenarios.deadline.duration_ms)"
check_eq "undeclared rule: verdict" error "$(v basic scenarios.undeclared.verdict)"
check_has "undeclared rule: message names the rule" "CEV-1" "$(v basic scenarios.undeclared.message)"
check_eq "undeclared rule: gives CEV-1 no verdict" skip "$(v basic rules.CEV-1.verdict)"
check_eq "sandbox: nothing dangerous visible (verdict, what it saw)" "pass <not in the result>" \
    "$(v basic scenarios.sandbox.verdict) $(v basic scenarios.sandbox.rules.SUB-2.actual)"

# An xpcall message handler that loops forever: the whole run must not hang.
mkdir -p "$tmp/xpcall"
printf 'ps.scenario { id = "runaway-handler", title = "x", rules = { "PING-1" }, run = function(t)\n%s\nend }\n' \
    '  xpcall(function() while true do end end, function() while true do end end)' >"$tmp/xpcall/x.lua"
limit=15 run xpcall --scenarios "$tmp/xpcall"
check_has "runaway xpcall handler: message mentions runaway" "runaway" "$(v xpcall scenarios.runaway-handler.message)"

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
# ---- the secret stays out of every report
mkdir -p "$tmp/secret"
cat >"$tmp/secret/leak.lua" <<'EOF'
ps.scenario { id = "leak-check", title = "puts the secret in a log and a check", rules = { "PING-1" },
  run = function(t)
    t:log(t.app.secret)
    print("print: " .. t.app.secret)
    t:check("PING-1", false, "expected " .. t.app.secret, "actual " .. t.app.secret)
  end }
ps.scenario { id = "leak-error", title = "raises an error holding the secret", rules = { "PING-2" },
  run = function(t) error("boom " .. t.app.secret) end }
ps.scenario { id = "leak-abort", title = "aborts with the secret", rules = { "CONN-1" },
  run = function(t) t:require("CONN-1", false, t.app.secret, t.app.secret) end }
EOF
run secret --scenarios "$tmp/secret"
check_eq "secret: the run happened" "leak-abort leak-check leak-error" "$(ids secret)"
check_eq "secret: JSON never holds it" 0 "$(grep -c -- "$secret" "$tmp/secret.json")"
check_eq "secret: console never shows it" 0 "$(cat "$tmp/secret.out" "$tmp/secret.err" | grep -c -- "$secret")"
check_eq "secret: the failed check's actual is redacted, not dropped" "actual <redacted>" \
    "$(v secret rules.PING-1.actual)"
transcript=$(grep '^scenarios\.leak-check\.transcript\.[0-9]*\.text=' "$tmp/secret.flat" | cut -d= -f2-)
check_has "secret: t:log reaches the transcript, redacted" '^<redacted>$' "$transcript"
check_has "secret: print reaches the transcript, redacted" '^print: <redacted>$' "$transcript"
check_eq "secret: the error message is redacted" "boom <redacted>" \
    "$(v secret scenarios.leak-error.message | sed 's/^.*: boom/boom/')"

# ---- the result is UTF-8 JSON even when a transcript holds bytes that are not
mkdir -p "$tmp/utf8"
cat >"$tmp/utf8/u.lua" <<'EOF'
ps.scenario { id = "bad-utf8", title = "sends invalid UTF-8, then fails", rules = { "FRAME-4" },
  run = function(t)
    local c = t:open()
    c:send_raw('{"event":"pusher:ping","data":{"x":"\255\254"}}')
    t:check("FRAME-4", false, "a failure, so the transcript is kept", c:next { within = 500 })
  end }
EOF
run utf8 --scenarios "$tmp/utf8"
check_eq "invalid UTF-8 in a frame: the result is still UTF-8 JSON" "bad-utf8" \
    "$(ids utf8)$(grep '^unreadable' "$tmp/utf8.flat")"

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

echo "cli_runner: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
