#!/usr/bin/env bash
# A server that echoes the app secret (raw, JSON-escaped, URL-escaped) in every
# refusal and error body: no output of pushspec shows any form of it, nor the
# prefix a shortened value would keep (--write-expect's baseline included), whatever the secret's length.
#   bash test_secret.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_secret.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

long="$(printf 'Lk9"q/w e&r\\t%.0s' $(seq 30))END"   # 400+ characters with a quote, slash, space, & and backslash
for secret in "$long" "Zq"; do
    name=${#secret}
    port=$(free_port)
    $peer server "$port" "$secret" >"$tmp/server.out" 2>&1 &
    server=$!
    pids+=($server)
    wait_listen "$port" || fail "hostile server listens" "port $port" "nothing"
    out=$tmp/run$name
    timeout 120 "$ps" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret "$secret" \
        --filter 'EVT-1,HTTP-1,SUB-1,SUB-2' --json "$out.json" --html "$out.html" --junit "$out.xml" \
        --markdown "$out.md" --write-expect "$out.expect" >"$out.stdout" 2>"$out.stderr"
    rc=$?
    check_has "secret of $name chars: the run ends with verdicts" "^[01]$" "$rc"
    check_has "secret of $name chars: the server's refusal is in the result" "refused, the app secret is" \
        "$(cat "$out.json")"
    check_has "secret of $name chars: --write-expect wrote the failures" "^[A-Z]+-[0-9]+(:[a-z0-9-]+)? " \
        "$(grep -v '^#' "$out.expect")"
    forms=$($py - "$secret" <<'PY'
import json, sys, urllib.parse
s = sys.argv[1]
j = json.dumps(s)[1:-1]
forms = {s, j, j.replace("/", "\\/"), urllib.parse.quote(s, safe=""), urllib.parse.quote_plus(s)}
if len(s) > 24:   # what a value cut in the middle of the secret keeps
    forms |= {s[:12], j[:12]}
print("\n".join(sorted(forms)))
PY
)
    while IFS= read -r form; do
        hits=$(grep -rlF -- "$form" "$out".* 2>/dev/null | tr '\n' ' ')
        check_eq "secret of $name chars: no output holds '${form:0:20}'" "" "$hits"
    done <<<"$forms"
    kill "$server"
done
finish
