#!/usr/bin/env bash
# ctest bench_smoke: ci/bench.sh in its quick mode (BENCH_QUICK=1: short
# microbenchmarks, no suite run, 5 s of live fuzzing) on the binaries of the build
# BUILD_DIR, then every figure line must be there with a number that parses. No
# thresholds: the figures are timings, which a test must not judge.
#   bash ci/bench/smoke.sh BUILD_DIR
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(mktemp /tmp/pushspec-bench-smoke.XXXXXX)"
trap 'rm -f "$out"' EXIT

BENCH_BUILD="$1" BENCH_QUICK=1 bash "$root/ci/bench.sh" >"$out" 2>&1
rc=$?
cat "$out"
[ "$rc" -eq 0 ] || { echo "bench_smoke: ci/bench.sh exited $rc" >&2; exit 1; }

n='[0-9]+(\.[0-9]+)?'   # a number as the figures print it
failed=0
expect() {   # a whole figure line, as an extended regex
  if grep -Eq "^$1\$" "$out"; then
    echo "bench_smoke: ok: $1"
  else
    echo "bench_smoke: MISSING or unparsable, no line matches: ^$1\$" >&2
    failed=$((failed + 1))
  fi
}
expect "codec: parse\+validate / cJSON_Parse of the envelope and of a data string = $n \($n MB/s, $n MB/s\)"
expect "codec \(info\): parse\+validate / cJSON_Parse = $n \(time ratio; lower is better\)"
expect "codec \(info\): corpus .* ratio $n"
expect "codec \(info\): generated .* ratio $n"
for s in 'ps_sign_channel \(private\)' 'ps_sign_channel \(presence\)' 'ps_api_sign_query' 'ps_webhook_sign'; do
  expect "signer: $s / HMAC\+hex = $n \(time ratio; lower is better\)"
done
expect "suite: left out \(BENCH_QUICK\)"
expect "scale: \(RSS_1000 - RSS_1\) / 1000 = $n KiB per connection"
expect "scale: RSS_1000 / RSS_1 = $n \(RSS_1 [0-9]+ KiB, RSS_1000 [0-9]+ KiB\)"
expect "fuzz: live fuzzing of soketi = [0-9]+ inputs/s overall \([0-9]+ not counting restarts and replays\)"
expect "fuzz \(info\): seed 1, [0-9]+ s on (one server|a pool of [0-9]+ servers): [0-9]+ inputs in [0-9]+ batches, [0-9]+ findings, [0-9]+ restarts taking $n s \(waited for: $n s\), [0-9]+ replays taking $n s, [0-9]+ inputs of known crashers skipped"
expect "fuzz \(info\): time: generating $n s, sending and reactions $n s, liveness checks $n s, down \(replays and waits\) $n s"
expect "explore: operations per second against soketi = $n \([0-9]+ operations in $n s, seed 42\)"
expect "explore: pushspec CPU / wall = $n \(user $n s \+ sys $n s over $n s; model \+ checker at most that\)"
expect "explore: shrink replays for a 1,000-operation failing sequence = [0-9]+ \(resubscribe double [0-9]+, per-connection counts [0-9]+; offline, at most 60\)"
expect "explore: cluster / one node: left out \(BENCH_QUICK\)"
expect "bench: done in [0-9]+ s"
# No figure may print as nan or inf (a zero time or a failed measurement).
if grep -Eiq '(^|[^a-z])(nan|inf)([^a-z]|$)' "$out"; then
  echo "bench_smoke: a figure is nan or inf" >&2; failed=$((failed + 1))
fi
[ "$failed" -eq 0 ] || { echo "bench_smoke: $failed figure lines missing or unparsable" >&2; exit 1; }
echo "bench_smoke: every figure line printed and parsed"
