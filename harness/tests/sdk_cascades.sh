#!/usr/bin/env bash
# SDK verdicts follow PROTOCOL.md, not pusher-js (issue 20): through the real fake server, with
# test SDKs that behave as SDKs in other languages were seen to (adapters/mini-client.js, a small
# Pusher client; adapters/http-deviant.js, pusher-http-node bent once):
# - a client that reconnects after its own 10 s delay, declared in its hello, passes CONNC-3;
#   the same client without the declaration fails it (the window came from the declaration);
# - a subscribe refused at once with ok:false satisfies SUB-7:surfaced-auth; a refusal that
#   reaches nobody fails SUB-7:surfaced-auth and nothing else;
# - an HTTP SDK whose get parses JSON passes HSDK-4's generic GET;
# - an HTTP SDK whose user_info is a string map runs HSDK-5's presence check (it passes), and the
#   typed user_info check is a capability-missing skip.
# Needs node and ci/peers/node_modules (bash ci/install-peers.sh).
#   bash sdk_cascades.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: sdk_cascades.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: sdk_cascades.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
export NO_COLOR=1
tmp=$(mktemp -d)
trap 'if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; else echo "sdk_cascades: files kept in $tmp" >&2; fi' EXIT
mini="node $src/harness/tests/adapters/mini-client.js"
http="node $src/harness/tests/adapters/http-deviant.js"
v() { value "$tmp/$1.flat" "$2"; }
# sdk NAME ADAPTER ARGS...: one run; timeouts are not what is tested here (scale 2 for a busy machine)
sdk() { local name=$1 adapter=$2; shift 2; run_result "$name" "$ps" run --sdk "$adapter" --jobs 2 --timeout-scale 2 "$@"; }
# failing NAME: RULE=VERDICT for every rule of run NAME that failed or erred, sorted
failing() { sed -n 's/^rules\.\([^.=]*\)\.verdict=\(fail\|error\)$/\1=\2/p' "$tmp/$1.flat" | sort | tr '\n' ' ' | sed 's/ $//'; }
limit=400

# 1. CONNC-3: the client closes on a frame that is not JSON and comes back 10 s later.
sdk slow "$mini slow-reconnect --declare-delay" --filter connc-malformed-frames
check_eq "declared 10 s reconnect delay: CONNC-3" pass "$(v slow rules.CONNC-3.verdict)"
check_eq "declared 10 s reconnect delay: nothing fails" "" "$(failing slow)"
# a lower bound only: the inputs that are not JSON each cost the client's 10 s timer
check_range "declared 10 s reconnect delay: the scenario waited for its reconnects (ms)" 20000 100000000 \
    "$(v slow scenarios.connc-malformed-frames.duration_ms)"
sdk slow0 "$mini slow-reconnect" --filter connc-malformed-frames
check_eq "control, the same client undeclared: CONNC-3 fails" fail "$(v slow0 rules.CONNC-3.verdict)"
check_has "control: on the invalid-JSON clause" "invalid-json" "$(v slow0 rules.CONNC-3.failed_checks.0)"

# The setting is checked at start-up: a value that is no integer 0..120000 stops the run (status 2).
for bad in true -1 1.5 999999; do
    out=$(timeout 60 "$ps" run --sdk "node $src/harness/tests/adapters/wrap.js --hello-set reconnect_delay_ms=$bad -- $mini sync-auth" \
        --filter connc-url 2>&1)
    check_eq "reconnect_delay_ms $bad: exit status" 2 "$?"
    check_has "reconnect_delay_ms $bad: names the setting and what is needed" "declares reconnect_delay_ms .*an integer 0\.\.120000" "$out"
done

# 2. SUB-7: the auth endpoint's 403 surfaced as the subscribe call's ok:false.
sdk sync "$mini sync-auth" --filter sub-error-surfaced-no-events
check_eq "ok:false refusal: SUB-7" pass "$(v sync rules.SUB-7.verdict)"
sdk silent "$mini silent-auth" --filter sub-error-surfaced-no-events
check_eq "a refusal that reaches nobody: only SUB-7 fails" "SUB-7=fail" "$(failing silent)"
check_eq "a refusal that reaches nobody: on SUB-7:surfaced-auth alone" "surfaced-auth" \
    "$(grep '^rules\.SUB-7\.failed_checks\.' "$tmp/silent.flat" | cut -d= -f2 | tr '\n' ' ' | sed 's/ $//')"

# 3. HSDK-4: a get that parses the API's JSON answer.
sdk jget "$http json-get" --filter query-generic-get
check_eq "a JSON-parsing get: HSDK-4" pass "$(v jget rules.HSDK-4.verdict)"
check_eq "a JSON-parsing get: nothing fails" "" "$(failing jget)"

# 4. HSDK-5 with a string-map user_info.
sdk smap "$http string-map" --filter 'auth-presence*'
check_eq "string-map user_info: the presence check ran and passed" pass \
    "$(v smap scenarios.auth-presence.rules.HSDK-5.verdict)"
check_eq "string-map user_info: HSDK-5" pass "$(v smap rules.HSDK-5.verdict)"
check_eq "string-map user_info: the typed user_info scenario is skipped" skip \
    "$(v smap scenarios.auth-presence-typed-info.verdict)"
check_has "string-map user_info: for lack of typed_user_info" "typed_user_info" \
    "$(v smap scenarios.auth-presence-typed-info.rules.HSDK-5.reason)"
sdk smap2 "$http none" --filter 'auth-presence-typed-info'
check_eq "control, pusher-http-node: the typed user_info check passes" pass \
    "$(v smap2 scenarios.auth-presence-typed-info.rules.HSDK-5.verdict)"

finish sdk_cascades
