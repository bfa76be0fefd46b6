#!/usr/bin/env bash
# Capabilities and SDK-neutral checks through the real fake server, with the real
# adapters of ci/adapters/ wrapped by adapters/wrap.js (one difference each):
# an SDK declaring few capabilities, one whose trigger returns nothing, one that
# answers a command unsupported at run time, one naming an unknown capability.
# Needs node and ci/peers/node_modules (bash ci/install-peers.sh).
#   bash cli_capabilities.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_capabilities.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_capabilities.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
export NO_COLOR=1
tmp=$(mktemp -d)
trap 'if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; else echo "cli_capabilities: files kept in $tmp" >&2; fi' EXIT
if [ ! -d "$src/ci/peers/node_modules/pusher-js" ]; then
    fail "the SDKs are installed" "ci/peers/node_modules (bash ci/install-peers.sh)" "missing"
    finish cli_capabilities
    exit 1
fi
wrap="node $src/harness/tests/adapters/wrap.js"
js="node $src/ci/adapters/pusher-js.js"
http="node $src/ci/adapters/pusher-http-node.js"
v() { value "$tmp/$1.flat" "$2"; }
# sdk NAME ADAPTER ARGS...: a run of the built-in scenarios of the adapter's kind. Two node
# processes per adapter on a shared 2-core machine: few at once, and time for the hello
# (nothing asserted here depends on timing).
sdk() { local name=$1 adapter=$2; shift 2; run_result "$name" "$ps" run --sdk "$adapter" --jobs 2 --timeout-scale 3 "$@"; }
limit=240

# ---- few capabilities: what needs the others is skipped "the SDK has no X", kind capability-missing
sdk few "$wrap --capabilities connection_state -- $js" --filter 'cev-frame-format,pres-member-list,connc-url' \
    --junit "$tmp/few.xml" --markdown "$tmp/few.md" --html "$tmp/few-html"
for s in cev-frame-format:CEV-8:"client events" pres-member-list:PRES-6:"presence member list"; do
    IFS=: read -r id rule what <<<"$s"
    check_eq "few: $id is skipped" skip "$(v few "scenarios.$id.verdict")"
    check_eq "few: $rule skip kind" capability-missing "$(v few "rules.$rule.skip_kind")"
    check_has "few: $rule says what the SDK lacks" "^the SDK has no $what" "$(v few "rules.$rule.reason")"
done
check_eq "few: a scenario needing nothing optional still runs and passes" pass "$(v few scenarios.connc-url.verdict)"
check_has "few: JUnit gives the skip its kind" 'skipped message="the SDK has no client events[^"]*" type="capability-missing"' \
    "$(cat "$tmp/few.xml")"
check_has "few: Markdown lists it" '`CEV-8`: the SDK has no client events' "$(cat "$tmp/few.md")"
check_has "few: HTML marks the cell" 'v-skip" title="the SDK has no client events[^"]*">skip<br><span class="kind">capability-missing' \
    "$(cat "$tmp/few-html/index.html")"
check_has "few: the console shows the kind" 'CEV-8 +skip +\[capability-missing\] the SDK has no client events' \
    "$(cat "$tmp/few.out")"
check_has "few: the console counts them" '2 because the SDK lacks a feature' "$(cat "$tmp/few.out")"

sdk fewhttp "$wrap --capabilities webhooks -- $http" --filter 'query-generic-get,error-query-statuses,trigger-string-data'
check_eq "few (http): HSDK-4 skip kind" capability-missing "$(v fewhttp rules.HSDK-4.skip_kind)"
check_has "few (http): HSDK-4's reason" "^the SDK has no generic GET" "$(v fewhttp rules.HSDK-4.reason)"
check_eq "few (http): a scenario whose every call is missing is skipped" skip \
    "$(v fewhttp scenarios.error-query-statuses.verdict)"
check_has "few (http): ... naming each missing call" "channel list.*terminate_user_connections" \
    "$(v fewhttp scenarios.error-query-statuses.rules.HSDK-8.reason)"
check_eq "few (http): trigger needs nothing optional" pass "$(v fewhttp scenarios.trigger-string-data.verdict)"

# ---- trigger returns nothing: CEV-8 is judged on the frames sent
sdk null "$wrap --null-result trigger -- $js" --filter cev-frame-format
check_eq "null trigger result: CEV-8 judged on the frames" pass "$(v null rules.CEV-8.verdict)"
check_eq "null trigger result: the reply was null" null "$(v null scenarios.cev-frame-format.records.0.value)"
# the same, with frames that never left: the null reply alone does not pass it
sdk swallowed "$wrap --swallow trigger -- $js" --filter cev-frame-format
check_eq "no frame sent: CEV-8 fails" fail "$(v swallowed rules.CEV-8.verdict)"

# ---- unsupported at run time (no capabilities member: every feature assumed) -> the same skip
sdk unsup "$wrap --no-capabilities --unsupported members -- $js" --filter 'pres-member-list,cev-frame-format'
check_eq "unsupported members: scenario skipped" skip "$(v unsup scenarios.pres-member-list.verdict)"
check_eq "unsupported members: skip kind" capability-missing "$(v unsup rules.PRES-6.skip_kind)"
check_has "unsupported members: the reason names it" "^the SDK has no presence member list.*unsupported" \
    "$(v unsup rules.PRES-6.reason)"
check_eq "no capabilities member: a scenario needing client_events runs" pass \
    "$(v unsup scenarios.cev-frame-format.verdict)"
sdk unsuphttp "$wrap --unsupported send_to_user -- $http" --filter trigger-send-to-user
check_eq "unsupported send_to_user: HSDK-2 skip kind" capability-missing "$(v unsuphttp rules.HSDK-2.skip_kind)"
check_eq "unsupported send_to_user: HSDK-1 skipped too (nothing sent)" skip \
    "$(v unsuphttp scenarios.trigger-send-to-user.rules.HSDK-1.verdict)"

# ---- an unknown capability name: exit 2 at the hello, naming the adapter and the name
# (ci/check-capabilities.py lets the next line through: it names frobnicate on purpose)
timeout 120 "$ps" run --sdk "$wrap --capabilities client_events,frobnicate -- $js" --filter connc-url --timeout-scale 3 \
    >"$tmp/unknown.out" 2>&1
check_eq "unknown capability: exit status" 2 "$?"
check_has "unknown capability: the message names adapter and name" \
    "adapter '.*wrap\.js.*' declares an unknown capability \"frobnicate\"" "$(cat "$tmp/unknown.out")"
timeout 120 "$ps" run --sdk "$wrap --capabilities generic_get -- $js" --filter connc-url --timeout-scale 3 \
    >"$tmp/other.out" 2>&1
check_eq "a capability of the other kind: exit status" 2 "$?"
check_has "a capability of the other kind: said so" "\"generic_get\" \(it is one of the other kind's\)" \
    "$(cat "$tmp/other.out")"

# ---- scenarios: t:need(name) inside a run; an unknown name in needs = {...} is a load error
mkdir -p "$tmp/sc" "$tmp/badsc"
cat >"$tmp/sc/need.lua" <<'LUA'
ps.scenario { id = "need-inside", title = "t:need stops a started scenario", rules = { "CONNC-1", "CONNC-2" },
  run = function(t)
    t:check("CONNC-1", true)
    t:need("client_events")
    t:check("CONNC-2", false, "not reached")
  end }
LUA
cat >"$tmp/badsc/bad.lua" <<'LUA'
ps.scenario { id = "bad-needs", title = "a typo in needs", rules = { "CONNC-1" }, needs = { "client_event" },
  run = function(t) t:check("CONNC-1", true) end }
LUA
sdk need "$wrap --capabilities connection_state -- $js" --scenarios "$tmp/sc"
check_eq "t:need: a rule judged before it keeps its verdict" pass "$(v need scenarios.need-inside.rules.CONNC-1.verdict)"
check_eq "t:need: the rest is a capability-missing skip" capability-missing \
    "$(v need scenarios.need-inside.rules.CONNC-2.skip_kind)"
timeout 120 "$ps" run --sdk "$js" --scenarios "$tmp/badsc" --timeout-scale 3 >"$tmp/bad.out" 2>&1
check_eq "unknown name in needs: exit status" 2 "$?"
check_has "unknown name in needs: said where" 'bad\.lua:[0-9]+: scenario bad-needs: needs names an unknown capability "client_event"' \
    "$(cat "$tmp/bad.out")"

finish cli_capabilities
