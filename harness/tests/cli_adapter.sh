#!/usr/bin/env bash
# The fake-server role survives broken adapters: an adapter that exits, prints
# garbage or hangs in the middle of a scenario gives that scenario an error
# naming the adapter, and the run goes on.
#   bash cli_adapter.sh PATH_TO_PUSHSPEC SOURCE_DIR
set -u
ps="$1"
src="$2"
adapter="sh $src/harness/tests/adapters/broken.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$work/sc"
cat > "$work/sc/a.lua" <<'LUA'
ps.scenario {
  id = "adapter-misbehaves", title = "the adapter misbehaves on its first command", rules = { "CONNC-1" },
  run = function(t)
    local sdk = t:sdk()
    sdk:call("connect", { key = t.app.key }, { within = 1500 })
    t:check("CONNC-1", true)
  end,
}
ps.scenario {
  id = "adapter-not-used", title = "a scenario that needs no adapter still passes", rules = { "CONNC-2" },
  run = function(t) t:sleep(50) t:check("CONNC-2", true) end,
}
LUA

for mode in exit garbage hang; do
  out="$work/$mode.json"
  timeout 60 "$ps" run --sdk "$adapter $mode" --scenarios "$work/sc" --json "$out" --quiet > "$work/$mode.txt" 2>&1
  rc=$?
  [ "$rc" = 1 ] && ok || fail "$mode: exit status" "1 (a MUST rule errored)" "$rc: $(tail -3 "$work/$mode.txt")"
  verdicts=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(s["id"] + "=" + s["verdict"] for s in sorted(r["scenarios"], key=lambda s: s["id"])))
msg = [s.get("message", "") for s in r["scenarios"] if s["id"] == "adapter-misbehaves"][0]
print(msg)' "$out" 2>&1)
  first=$(printf '%s\n' "$verdicts" | head -1)
  msg=$(printf '%s\n' "$verdicts" | tail -1)
  [ "$first" = "adapter-misbehaves=error adapter-not-used=pass" ] && ok ||
    fail "$mode: verdicts" "adapter-misbehaves=error adapter-not-used=pass" "$first"
  case "$msg" in *"adapter 'sh "*"broken.sh $mode'"*) ok ;; *) fail "$mode: message names the adapter" "adapter 'sh .../broken.sh $mode' ..." "$msg" ;; esac
  case "$mode:$msg" in
    exit:*"exit status 3"*"exiting on purpose"*) ok ;;
    garbage:*"not a JSON object"*"this is not JSON"*) ok ;;
    hang:*"did not answer connect"*) ok ;;
    *) fail "$mode: message says what happened" "exit status / not JSON / did not answer" "$msg" ;;
  esac
done

# No hello at all: an infrastructure error before any scenario (exit 2).
start=$(date +%s)
timeout 60 "$ps" run --sdk "sleep 30" --scenarios "$work/sc" --timeout-scale 0.3 > "$work/nohello.txt" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
[ "$rc" = 2 ] && ok || fail "silent adapter: exit status" "2" "$rc"
grep -q "said nothing" "$work/nohello.txt" && ok || fail "silent adapter: message" "said nothing within ..." "$(cat "$work/nohello.txt")"
[ "$took" -lt 15 ] && ok || fail "silent adapter: gives up quickly" "under 15 s" "$took s"

finish cli_adapter
