#!/usr/bin/env bash
# The fake server's forms (harness/lua/forms.lua), offline: the JSON it writes and the webhook
# header names it uses are drawn from the run's seed; --seed N repeats them exactly, the
# console and the result show the seed, other seeds draw other forms (member order, spacing,
# header case), every form decodes to the same value, and a bad seed is a usage error.
#   bash cli_forms.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_forms.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_forms.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
scratch cli_forms
rt="$src/harness/tests/runtime"
mkdir -p "$tmp/sc"
cat >"$tmp/sc/f.lua" <<'EOF2'
ps.scenario { id = "forms-a", title = "the forms one scenario draws", rules = { "CONN-1" },
  run = function(t)
    local v = { event = "e", channel = "c", data = { b = 1, a = { "x", 2 }, c = { d = true } } }
    local text = t:json(v)
    local h = t:signed_webhook({ time_ms = 1, events = {} })
    local names = {}
    for k in pairs(h) do names[#names + 1] = k end
    table.sort(names)
    t:record("forms", { text = text, headers = table.concat(names, ","), sig = h["X-Pusher-Signature"] ~= nil })
    t:check("CONN-1:first", ps.equal(ps.json.decode(text), v), "the same value", text)
  end }
EOF2
run() { local name=$1; shift; run_result "$name" "$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/sc" "$@"; }
rec() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); s=r["scenarios"][0]
print(json.dumps(s["records"][0]["forms"] if "forms" in s["records"][0] else s["records"][0], sort_keys=True))' "$tmp/$1.json"; }

run s1 --seed 41
check_eq "--seed 41: the scenario passes (the form decodes to the value)" 0 "$rc"
check_eq "--seed 41: the result shows the seed" 41 "$(value "$tmp/s1.flat" target.seed)"
check_has "--seed 41: the console shows it" "^pushspec .*, seed 41\)" "$(cat "$tmp/s1.err" "$tmp/s1.out")"
run s2 --seed 41
check_eq "--seed 41 again: the same forms" "$(rec s1)" "$(rec s2)"
check_has "a header table finds a name whatever its drawn case" '"sig": true' "$(rec s1)"
seen=$(for seed in 1 2 3 4 5 6 7 8 9 10; do run "x$seed" --seed "$seed"; rec "x$seed"; done | sort -u)
check_range "ten seeds: several different forms" 3 100 "$(printf '%s\n' "$seen" | wc -l)"
check_has "ten seeds: compact and spaced JSON" '\\"b\\":1' "$seen"
check_has "ten seeds: spaced JSON too" '\\"b\\": 1' "$seen"
check_has "ten seeds: lower-case header names too" 'x-pusher-key' "$seen"
check_has "ten seeds: canonical header names too" 'X-Pusher-Key' "$seen"
run s3
check_has "without --seed: one is drawn and shown" '^[0-9]+$' "$(value "$tmp/s3.flat" target.seed)"
out=$("$ps" run --sdk "sh $rt/adapter.sh /dev/null" --scenarios "$tmp/sc" --seed 12x 2>&1)
check_eq "--seed 12x: exit status" 2 "$?"
check_has "--seed 12x: says what is needed" "a number of at most 18 digits" "$out"
out=$("$ps" run --url ws://127.0.0.1:1 --seed 3 2>&1)
check_eq "--seed without --sdk or fuzz: exit status" 2 "$?"
check_has "--seed without --sdk or fuzz: says so" "--seed goes with pushspec fuzz, or with --sdk" "$out"
finish cli_forms
