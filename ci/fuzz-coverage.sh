#!/usr/bin/env bash
# How much of the core the fuzzers reach: builds every target with clang's
# source-based coverage (fuzz/build.sh, as OSS-Fuzz's coverage build does),
# replays the corpora once (-runs=0, no fuzzing), and prints line and branch
# coverage of each file of harness/core (and harness/lua/luajson.c), then the
# functions no corpus input reaches.
#   bash ci/fuzz-coverage.sh [EXTRA_CORPUS_ROOT]
# EXTRA_CORPUS_ROOT/<target>/ (e.g. build-fuzz/corpus-out after ci/fuzz.sh) is
# replayed as well. Output in build-cov/ (COV_BUILD=dir): report.txt,
# unreached.txt, html/ (llvm-cov show).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${COV_BUILD:-$root/build-cov}"
extra="${1:-}"
[ -z "$extra" ] || [ -d "$extra" ] || { echo "usage: $0 [EXTRA_CORPUS_ROOT] ($extra is not a folder)" >&2; exit 2; }
for tool in clang llvm-profdata llvm-cov; do
  command -v "$tool" >/dev/null || { echo "fuzz-coverage: $tool is missing (ci/deps.sh installs clang and llvm)" >&2; exit 2; }
done
rm -rf "$build" && mkdir -p "$build/prof"

CC=clang CFLAGS="-O1 -g -fprofile-instr-generate -fcoverage-mapping -fsanitize=fuzzer-no-link" \
  LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$build/bin" \
  bash "$root/fuzz/build.sh" >"$build/build.log" 2>&1 || { cat "$build/build.log"; exit 2; }

objects=()
for src in "$root"/fuzz/fuzz_*.c; do
  t="$(basename "$src" .c)"
  dirs=("$root/corpus/$t")
  [ -n "$extra" ] && [ -d "$extra/$t" ] && dirs+=("$extra/$t")
  n=$(find "${dirs[@]}" -type f | wc -l)
  LLVM_PROFILE_FILE="$build/prof/$t.profraw" "$build/bin/$t" -runs=0 "${dirs[@]}" \
    >"$build/$t.log" 2>&1 || { tail -20 "$build/$t.log"; echo "fuzz-coverage: $t failed on its corpus"; exit 1; }
  echo "fuzz-coverage: $t replayed $n inputs"
  objects+=(-object "$build/bin/$t")
done
llvm-profdata merge -sparse "$build"/prof/*.profraw -o "$build/all.profdata"

files=("$root"/harness/core/*.c "$root/harness/lua/luajson.c")
cov=(-instr-profile="$build/all.profdata" "${objects[@]:1}")
llvm-cov report -show-branch-summary -show-region-summary=false -show-instantiation-summary=false \
  "${cov[@]}" "${files[@]}" | sed "s|$root/||" | tee "$build/report.txt"
llvm-cov show -format=html -output-dir="$build/html" "${cov[@]}" "${files[@]}" >/dev/null

# Core files that no target links are not in the report at all.
for f in "$root"/harness/core/*.c; do
  grep -q "core/$(basename "$f") " "$build/report.txt" || echo "not linked by any fuzz target: harness/core/$(basename "$f")"
done | tee "$build/unlinked.txt"

# Functions of those files that no input ran (count 0), by file.
llvm-cov export -summary-only=false "${cov[@]}" "${files[@]}" | python3 -c '
import json, sys
root = sys.argv[1]
data = json.load(sys.stdin)["data"][0]
seen = {}
for f in data["functions"]:
    path = f["filenames"][0].replace(root + "/", "")
    name = f["name"].split(":")[-1]
    seen[(path, name)] = seen.get((path, name), 0) + f["count"]
print("unreached functions:")
for (path, name), n in sorted(seen.items()):
    if n == 0:
        print(f"  {path}: {name}")
' "$root" | tee "$build/unreached.txt"
echo "fuzz-coverage: html report in $build/html/index.html"
