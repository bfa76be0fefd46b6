# Shared by the cascade tests (issue 20 item 11): pushspec against hostile/cascade.py in
# one MODE, and readers of the result.
#   . cascade_lib.sh   (after ps= and src= are set; sources lib.sh)
. "$src/harness/tests/hostile/lib.sh"

# cascade MODE PUSHSPEC-ARGS...: the run's result in $out, its exit status in $rc
cascade() {
    local mode=$1 port
    shift
    port=$(free_port)
    $py "$src/harness/tests/hostile/cascade.py" "$port" "$mode" >"$tmp/server.out" 2>&1 &
    pids+=($!)
    wait_listen "$port" || fail "cascade.py $mode listens" "port $port" "nothing"
    out=$tmp/run.json
    timeout 300 "$ps" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret secret \
        --json "$out" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
}
# verdict RULE: "VERDICT REASON-OR-ACTUAL" of a rule
verdict() { json_get "$out" "[r['verdict'] + ' ' + (r.get('message') or r.get('actual') or '') for r in j['rules'] if r['id'] == '$1'][0]"; }
# label RULE:LABEL: "fail" when the rule lists it among its failing checks, else "not-failing"
label() { json_get "$out" "'fail' if any('$1'.split(':')[1] in r.get('failed_checks', []) for r in j['rules'] if r['id'] == '$1'.split(':')[0]) else 'not-failing'"; }
# transcript SCENARIO: its transcript lines, one a line
transcript() { json_get "$out" "'\\n'.join(e.get('text', '') for s in j['scenarios'] if s['id'] == '$1' for e in s.get('transcript', []))"; }
# fails: the ids of the failing rules, sorted, as a Python list
fails() { json_get "$out" "sorted(r['id'] for r in j['rules'] if r['verdict'] == 'fail')"; }
# incidental SCENARIO LABEL: the rules of SCENARIO's incidental findings that failed check LABEL
incidental() { json_get "$out" "[i['id'] for s in j['scenarios'] if s['id'] == '$1' for i in s.get('incidental', []) if '$2' in i.get('failed_checks', [])]"; }
