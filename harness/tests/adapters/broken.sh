#!/bin/sh
# A deliberately broken adapter, for the harness's robustness tests: it says
# hello like a real one, then misbehaves as MODE says when a command comes in.
#   exit   exits with status 3      garbage  prints a line that is not JSON
#   hang   never answers            ok       answers every command with ok
mode="$1"
printf '{"type":"hello","sdk":"broken-%s","version":"0.0.0","kind":"client"}\n' "$mode"
while IFS= read -r line; do
  id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
  case "$mode" in
    exit) echo "broken adapter: exiting on purpose" >&2; exit 3 ;;
    garbage) echo "this is not JSON" ;;
    hang) : ;;
    ok) printf '{"re":%s,"ok":true}\n' "$id" ;;
  esac
done
