#!/usr/bin/env bash
# A longer libFuzzer run of one target: ci/fuzz.sh TARGET SECONDS [--merge]
# New inputs go to build-fuzz/corpus-out/TARGET; the repo's corpus/TARGET is
# only read, unless --merge, which then folds the inputs that add coverage
# into corpus/TARGET (libFuzzer -merge=1). Crashes: build-fuzz/artifacts/TARGET.
#   FUZZ_BUILD=dir (default build-fuzz)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD:-$root/build-fuzz}"
usage() { echo "usage: $0 TARGET SECONDS [--merge]   (targets: $(cd "$root/fuzz" && ls fuzz_*.c | sed 's/\.c$//' | tr '\n' ' '))" >&2; exit 2; }
[ $# -ge 2 ] || usage
t=$1 secs=$2 merge=${3:-}
[ -f "$root/fuzz/$t.c" ] || usage
[[ "$secs" =~ ^[0-9]+$ ]] || usage
[ -z "$merge" ] || [ "$merge" = --merge ] || usage

if [ ! -f "$build/CMakeCache.txt" ]; then
  mkdir -p "$build"
  cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DPUSHSPEC_FUZZ=ON -DPUSHSPEC_SANITIZE=ON \
    -DPUSHSPEC_FUZZ_ENGINE=libfuzzer >"$build/fuzz-configure.log" 2>&1 \
    || { cat "$build/fuzz-configure.log"; exit 2; }
fi
# incremental: a no-op when nothing changed
cmake --build "$build" --target "$t" -j"$(nproc)" >"$build/fuzz-build-$t.log" 2>&1 \
  || { cat "$build/fuzz-build-$t.log"; exit 2; }

out="$build/corpus-out/$t" art="$build/artifacts/$t" log="$build/fuzz-$t.log"
mkdir -p "$out" "$art"
dict=()
[ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

echo "fuzz: $t for ${secs}s, new inputs in $out, log $log"
# The first directory receives new inputs; corpus/$t is only read.
"$build/fuzz/$t" "${dict[@]}" -max_total_time="$secs" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" "$out" "$root/corpus/$t" \
  >"$log" 2>&1
rc=$?

grep -E 'ERROR|runtime error|property violated|Test unit written' "$log" | head -10
grep -E '^#[0-9]+.*cov: ' "$log" | tail -1
grep '^stat::' "$log"
eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+).*/\1/')
echo "fuzz: $t exec/s: ${eps:-?} ${cov:-cov: ?} (exit $rc)"

if [ "$merge" = --merge ]; then
  before=$(ls "$root/corpus/$t" | wc -l)
  "$build/fuzz/$t" -merge=1 -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    "$root/corpus/$t" "$out" >"$build/merge-$t.log" 2>&1 || { tail -20 "$build/merge-$t.log"; exit 1; }
  echo "fuzz: merged into corpus/$t: $before -> $(ls "$root/corpus/$t" | wc -l) files"
fi
exit $rc
