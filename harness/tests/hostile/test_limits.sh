#!/usr/bin/env bash
# A scenario that hits one of pushspec's bounds on what a peer can make it
# keep (net/limits.h) gets a verdict naming the bound: its own connection's
# inbox (frames, bytes) or its adapter's unread lines end it with an error
# "limit NAME reached: ..."; a shared bound (the fake server's connections,
# the webhooks kept: test_webhook_flood.sh) is named in the failure of what it
# waited for. Each under the memory ceiling.
#   bash test_limits.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_limits.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

scen() { json_get "$tmp/$1.json" "' | '.join(s['verdict'] + ' ' + (s.get('message') or '') for s in j['scenarios'])"; }
# the scenarios' own rules (the sleeper's empty frames also fail FRAME-1, an incidental finding)
rules() { json_get "$tmp/$1.json" "' | '.join(r['verdict'] + ' ' + (r.get('actual') or '') + (r.get('message') or '') for r in j['rules'] if r['verdict'] != 'skip' and r['id'] in ('SUB-1', 'CONNC-1'))"; }

# a scenario that opens a connection, then reads nothing for 40 s
mkdir -p "$tmp/sleep" "$tmp/client"
cat >"$tmp/sleep/sleep.lua" <<'LUA'
ps.scenario {
  id = "sleeper", title = "opens a connection, then reads nothing", rules = { "SUB-1" }, timeout = 50,
  run = function(t)
    local c = t:open()
    t:sleep(40000)
    t:check("SUB-1", c:next { within = 1000 } ~= nil, "a frame", "none")
  end,
}
LUA
for case in "empty ws-inbox-frames over 100000 frames unread" "big ws-inbox-bytes over 64 MiB unread"; do
    set -- $case
    kind=$1 limit=$2
    shift 2
    port=$(free_port)
    $peer flood "$port" "$kind" >"$tmp/peer.out" 2>&1 &
    pids+=($!)
    wait_listen "$port" || fail "$kind: the flooding server listens" "port $port" "nothing"
    start_ps "$tmp/out" "$tmp/err" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit-limit \
        --scenarios "$tmp/sleep" --json "$tmp/$kind.json"
    wait "$run"
    check_has "$kind: the run ends with verdicts" "^[01]$" "$?"
    check_has "$kind: the scenario is an error naming $limit" "^error limit $limit reached: .*$*" "$(scen "$kind")"
    check_has "$kind: so is its rule" "^error .*limit $limit reached" "$(rules "$kind")"
    check_has "$kind: the result lists it" "$limit" "$(json_get "$tmp/$kind.json" "' '.join(x['limit'] for x in j['limits_hit'])")"
    check_below "$kind: peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
    echo "$kind: peak RSS $(cat "$tmp/hwm" 2>/dev/null) kB" >&2
done

# fake-server role: an adapter that floods its stdout while its scenario waits
# on something else; then the fake server's connection bound, hit by a flood
# while the scenario waits for the SDK's connection
cat >"$tmp/client/wait.lua" <<'LUA'
ps.scenario {
  id = "adapter-wait", title = "starts the SDK, then reads nothing from it", rules = { "CONNC-1" }, timeout = 50,
  run = function(t)
    t:sdk()
    t:sleep(15000)
    t:check("CONNC-1", true)
  end,
}
LUA
start_ps "$tmp/out" "$tmp/err" run --sdk "$peer adapter-flood" --scenarios "$tmp/client" --json "$tmp/adapter.json"
wait "$run"
check_has "adapter: the run ends with verdicts" "^[01]$" "$?"
check_has "adapter: the scenario is an error naming adapter-lines" "^error limit adapter-lines reached: .*20000 lines" \
    "$(scen adapter)"

cat >"$tmp/client/wait.lua" <<'LUA'
ps.scenario {
  id = "accept-wait", title = "waits for the SDK's connection", rules = { "CONNC-1" }, timeout = 50,
  run = function(t)
    t:sdk()
    local c, why = t:accept { within = 12000 }
    t:check("CONNC-1", c ~= nil, "a connection from the SDK", why)
  end,
}
LUA
port=$(free_port)
start_ps "$tmp/out" "$tmp/err" run --sdk "sh $src/harness/tests/adapters/broken.sh hang" --listen "127.0.0.1:$port" \
    --scenarios "$tmp/client" --json "$tmp/fake.json"
if wait_listen "$port"; then
    sleep 1
    $peer conn-flood 127.0.0.1 "$port" 6 >"$tmp/flood.out" 2>&1
else
    fail "the fake server listens" "127.0.0.1:$port" "$(cat "$tmp/err")"
fi
wait "$run"
check_has "fake server: the run ends with verdicts" "^[01]$" "$?"
check_has "fake server: the failure names the connection bound" \
    "^fail .*no connection within [0-9]+ ms \(pushspec limits reached during this scenario: .*fake-server-connections: " \
    "$(rules fake)"
check_below "fake server: peak RSS under the ceiling (kB)" "$ceiling_kb" "$(cat "$tmp/hwm" 2>/dev/null)"
finish
