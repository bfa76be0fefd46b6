# Shared by the webhook flood tests: a hostile server, a target whose webhook receiver
# listens on 127.0.0.1:$hp, the run of its HOOK scenarios under a flood, and readers of
# the result.
#   . webhook_lib.sh   (after ps= and src= are set; sources lib.sh)
. "$src/harness/tests/hostile/lib.sh"

sp=$(free_port) hp=$(free_port)
$peer server "$sp" >"$tmp/server.out" 2>&1 &
pids+=($!)
wait_listen "$sp" || fail "hostile server listens" "port $sp" "nothing"
cat >"$tmp/target.lua" <<LUA
return { name = "hostile", url = "ws://127.0.0.1:$sp", http_url = "http://127.0.0.1:$sp",
  app = { id = "app", key = "key", secret = "secret-flood" }, webhooks = { listen = "127.0.0.1:$hp" } }
LUA

# hook_flood PUSHSPEC-ARGS...: the HOOK scenarios run (result $tmp/r.json, stdout and stderr
# $tmp/out and $tmp/err) with --timeout-scale 3, so that they still wait while a sender floods
# the receiver with 25 webhooks of 1 MiB ($tmp/flood.out) once it listens. Sets listen (the
# addresses the receiver was bound to, space-separated) and rc (the run's exit status).
hook_flood() {
    listen=""
    start_ps "$tmp/out" "$tmp/err" run --target "$tmp/target.lua" --filter 'HOOK-*' --timeout-scale 3 \
        --json "$tmp/r.json" "$@"
    if wait_listen "$hp"; then
        listen=$(ss -ltnH "sport = :$hp" | awk '{print $4}' | sort | tr '\n' ' ')
        $peer webhook-flood 127.0.0.1 "$hp" 25 >"$tmp/flood.out" 2>&1
    else
        fail "the webhook receiver listens" "127.0.0.1:$hp" "$(ss -ltn)"
    fi
    wait "$run"
    rc=$?
}
# limits_hit: the names of the bounds the result says were hit
limits_hit() { json_get "$tmp/r.json" "' '.join(x['limit'] for x in j.get('limits_hit', []))"; }
# hook_texts: the Actual and message of every HOOK rule
hook_texts() {
    json_get "$tmp/r.json" "' '.join((r.get('actual') or '') + (r.get('message') or '') for r in j['rules'] if r['id'].startswith('HOOK'))"
}
