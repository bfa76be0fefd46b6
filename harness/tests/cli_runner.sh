#!/usr/bin/env bash
# The runner against a real server (soketi: bash ci/soketi.sh start; its URL is
# PUSHSPEC_TEST_WS, default ws://127.0.0.1:6001): throwaway scenarios that leak
# the target's secret or send invalid UTF-8; each run's JSON result is checked.
# (The rest of the runtime, offline: cli_runtime.sh.)
#   bash harness/tests/cli_runner.sh PATH/TO/pushspec SOURCE_DIR
set -u

ps=${1:?usage: cli_runner.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_runner.sh PATH/TO/pushspec SOURCE_DIR}
ws=${PUSHSPEC_TEST_WS:-ws://127.0.0.1:6001}
app_id=app-main key=key-main secret=Dvgr28KfKzZCMtTqjg7d
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
export NO_COLOR=1

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

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
    run_result "$name" "$ps" run --url "$ws" --app-id "$app_id" --key "$key" --secret "$secret" "$@"
}
v() { value "$tmp/$1.flat" "$2"; }

# Errors with file:line, runaways, deadlines, undeclared rules, the sandbox,
# baselines, selection and scenarios sleeping side by side need no server:
# cli_runtime.sh tests them offline.

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

# ---- ps.clause holds at run time: a declared label no check judged, though every scenario of its
# file ran, is named at the run's end; a file with a scenario not run (filtered out) says nothing
mkdir -p "$tmp/clause"
cat >"$tmp/clause/c.lua" <<'EOF'
local L = { judged = ps.clause("CONN-1:established-first"), never = ps.clause("CONN-2:socket-id-format") }
ps.scenario { id = "clause-judged", title = "checks one declared label", rules = { "CONN-1" },
  run = function(t) t:check(L.judged, true, "a pass") end }
EOF
cat >"$tmp/clause/d.lua" <<'EOF'
local L = { never = ps.clause("CONN-3:timeout-positive-integer") }
ps.scenario { id = "clause-run", title = "checks nothing it declared", rules = { "CONN-3" },
  run = function(t) t:log("nothing judged") end }
ps.scenario { id = "clause-filtered", title = "filtered out", rules = { "CONN-3" },
  run = function(t) t:check(L.never, true, "a pass") end }
EOF
run clause --scenarios "$tmp/clause" --filter 'clause-judged,clause-run'
check_has "ps.clause: a declared label no check judged is named with file:line" \
    "^note: declared with ps\.clause but judged by no check.*CONN-2:socket-id-format \(.*clause/c\.lua:1\)" \
    "$(cat "$tmp/clause.err")"
check_eq "ps.clause: not the judged one, nor one of a file whose scenarios did not all run" 0 \
    "$(grep -c 'CONN-1:established-first\|CONN-3:timeout' "$tmp/clause.err")"

finish cli_runner
