#!/usr/bin/env bash
# The HTTP-SDK suite through the real fake server with SDKs that deviate on purpose
# (adapters/http-deviant.js: pusher-http-node plus one bug or limit): an SDK taking only
# numeric app ids runs as the real one does; a request to a wrong path fails HSDK-4 once,
# with the path, and shows in the transcript; an SDK rejecting valid data-less webhooks on
# private-encrypted- channels fails HSDK-7. Needs ci/peers (bash ci/install-peers.sh).
#   bash http_deviants.sh PATH_TO_PUSHSPEC SOURCE_DIR
set -u
ps="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
adapter="node $src/harness/tests/adapters/http-deviant.js"
limit=300

# run MODE NAME [ARGS...]: the HTTP-SDK suite (or a part: --filter) with adapter MODE. Deadlines
# doubled: nothing here is about timing, and node adapters starting on a loaded machine were seen
# missing the 10 s hello.
run() {
    local mode=$1 name=$2
    shift 2
    run_result "$name" "$ps" run --sdk "$adapter $mode" --jobs 4 --timeout-scale 2 --strict --quiet "$@"
}
# scenario_rule NAME SCENARIO RULE FIELD: that rule's FIELD in that scenario
scenario_rule() { value "$tmp/$1.flat" "scenarios.$2.rules.$3.$4"; }
# transcript_has NAME SCENARIO TEXT: does the scenario's transcript hold a line containing TEXT?
transcript_has() {
    python3 - "$tmp/$1.json" "$2" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = [s for s in r["scenarios"] if s["id"] == sys.argv[2]]
lines = [e["text"] for e in (s[0].get("transcript") or [])] if s else []
print("yes" if any(sys.argv[3] in l for l in lines) else "no: " + " | ".join(l[:160] for l in lines if "http" in l or "POST" in l)[:600])
PY
}
# failing NAME: the scenarios of run NAME that did not pass, sorted
failing() { sed -n 's/^scenarios\.\([^.=]*\)\.verdict=\(fail\|error\)$/\1=\2/p' "$tmp/$1.flat" | sort | tr '\n' ' ' | sed 's/ $//'; }

# 1. Numeric app ids only: the whole suite gets exactly pusher-http-node's baseline verdicts.
run numeric-only numeric --expect "$src/ci/targets/pusher-http-node.expect"
check_eq "numeric-only: the run matches pusher-http-node's baseline (exit 0)" 0 "$rc"
check_eq "numeric-only: no scenario errors" "" "$(python3 -c 'import json, sys
print(" | ".join(s["id"] + ": " + s.get("message", "") for s in json.load(open(sys.argv[1]))["scenarios"]
                 if s["verdict"] == "error"))' "$tmp/numeric.json")"
for rule in HSDK-1 HSDK-2 HSDK-3 HSDK-4 HSDK-5 HSDK-6 HSDK-7 HSDK-8 ENC-6; do
    check_eq "numeric-only: $rule" pass "$(value "$tmp/numeric.flat" "rules.$rule.verdict")"
done
check_has "numeric-only: the app id configure got is numeric (an expected failure's transcript)" '^[0-9]+$' \
    "$(python3 -c 'import json, sys
lines = [e["text"] for s in json.load(open(sys.argv[1]))["scenarios"] for e in s.get("transcript") or []]
print(next((json.loads(l)["app_id"] for l in lines if "\"configure\"" in l), "no configure in any transcript"))' "$tmp/numeric.json")"
# The control: the same SDK when the hello asks for text ids cannot be configured.
run numeric-only-text text --filter 'query-*'
check_eq "app_id_form text: every query scenario errors" \
    "query-channel=error query-channels=error query-generic-get=error query-terminate-user=error query-users=error" "$(failing text)"
check_has "app_id_form text: the SDK's refusal names an app-... id" 'app_id must be numeric, got .*app-querychannels-[0-9]+' \
    "$(value "$tmp/text.flat" scenarios.query-channels.message)"

# The real SDK with text app ids: the fake server moved each app to its text id.
run text text-ok --filter 'query-*,trigger-string-data'
check_eq "app_id_form text: the real SDK passes HSDK-4" pass "$(value "$tmp/text-ok.flat" rules.HSDK-4.verdict)"
check_eq "app_id_form text: and HSDK-2" pass "$(value "$tmp/text-ok.flat" rules.HSDK-2.verdict)"
check_eq "app_id_form text: nothing fails" "" "$(failing text-ok)"
run bad-form bad --filter 'query-users'
check_has "app_id_form uuid: the scenario errors naming the form" 'app_id_form "uuid"; the forms are "numeric"' \
    "$(value "$tmp/bad.flat" scenarios.query-users.message)"

# 2. A wrong path: HSDK-4 fails in the one scenario that checks that call's path, with the path
# seen; the 4xx answers the request got still reach the caller (HSDK-8 passes).
run wrong-path wrong --filter 'query-terminate-user,error-query-statuses,query-users'
check_eq "wrong-path: only query-terminate-user fails" "query-terminate-user=fail" "$(failing wrong)"
check_eq "wrong-path: HSDK-4" fail "$(value "$tmp/wrong.flat" rules.HSDK-4.verdict)"
check_eq "wrong-path: HSDK-8 (the request was answered)" pass "$(value "$tmp/wrong.flat" rules.HSDK-8.verdict)"
check_eq "wrong-path: HSDK-1 (signed over the path it used)" pass "$(value "$tmp/wrong.flat" rules.HSDK-1.verdict)"
check_has "wrong-path: Actual has the path seen" '^POST /users/user-9/terminate_connections \(outside /apps/[0-9]+/' \
    "$(scenario_rule wrong query-terminate-user HSDK-4 actual)"
check_has "wrong-path: Expected has the right path" '^POST /apps/[0-9]+/users/user-9/terminate_connections$' \
    "$(scenario_rule wrong query-terminate-user HSDK-4 expected)"
check_eq "wrong-path: the request is in the transcript" yes \
    "$(transcript_has wrong query-terminate-user '(outside /apps/ID/, matched by auth_key) POST /users/user-9/terminate_connections?auth_key=')"
run none right --filter 'query-terminate-user'
check_eq "control: the real adapter passes HSDK-4 there" pass "$(value "$tmp/right.flat" rules.HSDK-4.verdict)"

# 3. Valid webhooks without data on an encrypted channel, rejected: HSDK-7 fails there only.
run encrypted-hooks hooks --filter 'webhook-*'
check_eq "encrypted-hooks: only the data-less webhook scenario fails" "webhook-no-data-every-channel=fail" "$(failing hooks)"
check_eq "encrypted-hooks: HSDK-7" fail "$(value "$tmp/hooks.flat" rules.HSDK-7.verdict)"
check_has "encrypted-hooks: Expected names the private-encrypted- channel" 'no data\) on private-encrypted-' \
    "$(scenario_rule hooks webhook-no-data-every-channel HSDK-7 expected)"
check_has "encrypted-hooks: Actual has the SDK's error" 'cannot decrypt the channel_occupied event' \
    "$(scenario_rule hooks webhook-no-data-every-channel HSDK-7 actual)"

finish http_deviants
