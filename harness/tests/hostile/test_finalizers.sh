#!/usr/bin/env bash
# Finalizers are bounded: Lua runs a __gc metamethod with every hook off, at any
# later collection or when the state closes, so a target file or a scenario
# that leaves an object whose finalizer loops forever hung pushspec with no
# result. The sandbox refuses such a metatable (any __gc key, even false with
# the function put in later): the target file is exit 2 with a message, the
# scenario an error, and the run goes on to its result.
#   bash test_finalizers.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_finalizers.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

port=$(free_port)
$peer server "$port" >"$tmp/server.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "the server listens" "port $port" "nothing"
app='app = { id = "1", key = "k", secret = "sekrit-gc" }'
printf 'setmetatable({}, { __gc = function() while true do end end })\nreturn { url = "ws://127.0.0.1:%s", %s }\n' \
    "$port" "$app" >"$tmp/gc.lua"
printf 'local mt = { __gc = false }\nsetmetatable({}, mt)\nmt.__gc = function() while true do end end\nreturn { url = "ws://127.0.0.1:%s", %s }\n' \
    "$port" "$app" >"$tmp/late.lua"
for f in gc late; do
    t0=$(date +%s)
    timeout -k 5 60 "$ps" run --target "$tmp/$f.lua" --filter CONN-1 --json "$tmp/$f.json" >"$tmp/$f.out" 2>"$tmp/$f.err"
    check_eq "target $f: exit 2" 2 "$?"
    check_has "target $f: says why" "metatable with __gc is not allowed" "$(cat "$tmp/$f.err")"
    check_below "target $f: within 30 s" 30 "$(($(date +%s) - t0))"
done

mkdir -p "$tmp/sc"
cat >"$tmp/sc/gc.lua" <<'LUA'
ps.scenario {
  id = "leaves-a-finalizer", title = "leaves an object whose finalizer never ends", rules = { "CONN-1" },
  run = function(t)
    local mt = { __gc = false }
    pcall(setmetatable, {}, mt)
    mt.__gc = function() while true do end end
    setmetatable({}, { __gc = function() while true do end end })
    t:check("CONN-1", true, "reached")
  end,
}
ps.scenario {
  id = "after-it", title = "runs after it", rules = { "CONN-1" },
  run = function(t)
    local big = {}
    for i = 1, 200000 do big[i] = { i } end   -- collections happen
    t:check("CONN-1", true, "ran")
  end,
}
LUA
t0=$(date +%s)
timeout -k 5 60 "$ps" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret sekrit-gc --scenarios "$tmp/sc" \
    --json "$tmp/sc.json" >"$tmp/sc.out" 2>"$tmp/sc.err"
check_has "scenario: the run ends with verdicts" "^[01]$" "$?"
check_below "scenario: within 30 s" 30 "$(($(date +%s) - t0))"
check_eq "scenario: the finalizer's scenario is an error, the next one passes" "error pass" \
    "$(json_get "$tmp/sc.json" "' '.join(s['verdict'] for s in j['scenarios'])")"
check_has "scenario: the error says why" "metatable with __gc is not allowed" \
    "$(json_get "$tmp/sc.json" "j['scenarios'][0].get('message')")"
finish
