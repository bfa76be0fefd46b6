#!/usr/bin/env bash
# A webhook sender floods the receiver with 1 MiB webhooks while the HOOK
# scenarios run: pushspec keeps a bounded number (net/limits.h), says so in the
# result, stays under the memory ceiling, and listens only where it was told.
#   bash test_webhook_flood.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_webhook_flood.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

sp=$(free_port) hp=$(free_port)
$peer server "$sp" >"$tmp/server.out" 2>&1 &
pids+=($!)
wait_listen "$sp" || fail "hostile server listens" "port $sp" "nothing"
cat >"$tmp/target.lua" <<LUA
return { name = "hostile", url = "ws://127.0.0.1:$sp", http_url = "http://127.0.0.1:$sp",
  app = { id = "app", key = "key", secret = "secret-flood" }, webhooks = { listen = "127.0.0.1:$hp" } }
LUA
# --timeout-scale 3: the HOOK scenarios wait 30 s for their webhooks, so the
# bound is hit while they wait even on a loaded machine (the flood stops once past it)
start_ps "$tmp/out" "$tmp/err" run --target "$tmp/target.lua" --filter 'HOOK-*' --timeout-scale 3 --json "$tmp/r.json"
if wait_listen "$hp"; then
    listen=$(ss -ltnH "sport = :$hp" | awk '{print $4}' | sort | tr '\n' ' ')
    check_eq "webhooks.listen 127.0.0.1:$hp binds only that address" "127.0.0.1:$hp " "$listen"
    $peer webhook-flood 127.0.0.1 "$hp" 25 >"$tmp/flood.out" 2>&1
else
    fail "the webhook receiver listens" "127.0.0.1:$hp" "$(ss -ltn)"
fi
wait "$run"
rc=$?
check_has "the run ends with a verdict, not a crash (exit 0 or 1)" "^[01]:" "$rc: $(tail -n 3 "$tmp/err")"
check_below "peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
check_has "the result names the webhook limit" "webhooks-kept" \
    "$(json_get "$tmp/r.json" "' '.join(x['limit'] for x in j.get('limits_hit', []))")"
check_has "stderr says the limit was reached" 'limit webhooks-kept reached: .*at most [0-9]+ webhooks' "$(cat "$tmp/err")"
check_has "the flood was answered 503 past the bound" '"503"' "$(cat "$tmp/flood.out")"
check_has "a HOOK rule's failure names the bound" "webhooks-kept: " \
    "$(json_get "$tmp/r.json" "' '.join((r.get('actual') or '') + (r.get('message') or '') for r in j['rules'] if r['id'].startswith('HOOK'))")"
cat "$tmp/flood.out" "$tmp/hwm" >&2; finish
