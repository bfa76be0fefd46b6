#!/usr/bin/env bash
# CI fuzz smoke: builds the libFuzzer targets (clang, ASan+UBSan) and runs
# each for FUZZ_SECONDS (default 30) on a copy of its corpus; then builds one
# target with fuzz/build.sh and AFL++ as the engine and runs afl-fuzz on it for
# AFL_SECONDS (default 20), so neither the AFL++ build nor the build contract
# rots. Exits non-zero when a target crashes; the reproducer stays in
# build-fuzz/artifacts/<target>/ (libFuzzer) or build-fuzz/afl/out/default/crashes/.
#   FUZZ_SECONDS=30  FUZZ_TARGETS="fuzz_a fuzz_b" (default: all)  FUZZ_BUILD=dir
#   AFL_SECONDS=20 (0: no AFL++ run)  AFL_TARGET=fuzz_frame_parse
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD:-$root/build-fuzz}"
secs="${FUZZ_SECONDS:-30}"

mkdir -p "$build"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DPUSHSPEC_FUZZ=ON \
  -DPUSHSPEC_SANITIZE=ON -DPUSHSPEC_FUZZ_ENGINE=libfuzzer >"$build/fuzz-configure.log" 2>&1 \
  || { cat "$build/fuzz-configure.log"; echo "fuzz-smoke: configure failed"; exit 2; }
cmake --build "$build" --target fuzz_all -j"$(nproc)" >"$build/fuzz-build.log" 2>&1 \
  || { cat "$build/fuzz-build.log"; echo "fuzz-smoke: build failed"; exit 2; }

targets="${FUZZ_TARGETS:-$(cd "$root/fuzz" && ls fuzz_*.c | sed 's/\.c$//')}"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
passed=0 failed=0 summary=""

for t in $targets; do
  work="$build/smoke/$t" art="$build/artifacts/$t" log="$build/smoke/$t.log"
  # A copy: libFuzzer writes new inputs into its first corpus directory.
  rm -rf "$work" && mkdir -p "$work" "$art"
  touch "$work.start"   # reproducers of earlier runs are kept but not counted
  cp -R "$root/corpus/$t/." "$work/" 2>/dev/null || true
  dict=()
  [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  echo "fuzz-smoke: $t for ${secs}s"
  "$build/fuzz/$t" "${dict[@]}" -max_total_time="$secs" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" "$work" >"$log" 2>&1
  rc=$?
  # exec/s from the final stats, coverage from the last status line
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/')
  crash=$(find "$art" -maxdepth 1 -type f -newer "$work.start" \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | head -1)
  if [ "$rc" -eq 0 ] && [ -z "$crash" ]; then
    passed=$((passed + 1)) status=ok
  else
    failed=$((failed + 1)) status="FAILED (exit $rc)"
    grep -E 'ERROR|runtime error|property violated|SUMMARY' "$log" | head -5
    echo "fuzz-smoke: $t log: $log"
    echo "fuzz-smoke: $t reproducer: ${crash:-none written}"
    echo "fuzz-smoke: replay with: $build/fuzz/$t ${crash:-CRASH_FILE}"
  fi
  summary+="$(printf '%-18s %-16s exec/s: %-7s runs: %-9s %s' "$t" "$status" "${eps:-?}" "${runs:-?}" "${cov:-cov: ?}")"$'\n'
done

# AFL++: the build contract with afl-clang-fast and AFL++'s libFuzzer-style
# driver, then a bounded afl-fuzz run. The variables let afl-fuzz run without
# changing kernel settings (core_pattern, CPU governor) in a container.
afl_secs="${AFL_SECONDS:-20}" afl_t="${AFL_TARGET:-fuzz_frame_parse}"
if [ "$afl_secs" -gt 0 ]; then
  afl="$build/afl" && rm -rf "$afl" && mkdir -p "$afl"
  echo "fuzz-smoke: $afl_t under AFL++ for ${afl_secs}s"
  if ! CC=afl-clang-fast CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
      LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a OUT="$afl/bin" \
      bash "$root/fuzz/build.sh" "$afl_t" >"$afl/build.log" 2>&1; then
    cat "$afl/build.log"
    failed=$((failed + 1)) summary+="$afl_t (AFL++)  FAILED (build)"$'\n'
  else
    AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
      ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
      UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:symbolize=0 \
      timeout -k 10 $((afl_secs + 120)) afl-fuzz -V "$afl_secs" -m none -t 1000+ \
      -i "$root/corpus/$afl_t" -o "$afl/out" -x "$afl/bin/$afl_t.dict" -- "$afl/bin/$afl_t" \
      >"$afl/fuzz.log" 2>&1
    rc=$?
    stats="$afl/out/default/fuzzer_stats"
    stat() { sed -n "s/^$1 *: *//p" "$stats" 2>/dev/null; }
    execs="$(stat execs_done)" crashes="$(find "$afl/out/default/crashes" -name 'id*' 2>/dev/null | wc -l)"
    line="$(printf '%-18s %-16s exec/s: %-7s runs: %-9s edges: %s/%s stability: %s' "$afl_t" \
      "(AFL++) STATUS" "$(stat execs_per_sec)" "${execs:-?}" "$(stat edges_found)" \
      "$(stat total_edges)" "$(stat stability)")"
    if [ "$rc" -eq 0 ] && [ "${execs:-0}" -gt 0 ] && [ "$crashes" -eq 0 ]; then
      passed=$((passed + 1)) summary+="${line/STATUS/ok}"$'\n'
    else
      failed=$((failed + 1)) summary+="${line/STATUS/FAILED}"$'\n'
      tail -15 "$afl/fuzz.log"
      echo "fuzz-smoke: AFL++ exit $rc, $crashes crashes in $afl/out/default/crashes/"
      echo "fuzz-smoke: replay with: $afl/bin/$afl_t $afl/out/default/crashes/id*"
    fi
  fi
fi

printf '%s' "$summary"
echo "fuzz-smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
