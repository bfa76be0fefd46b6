#!/usr/bin/env bash
# ctest fuzz_build_contract: runs fuzz/build.sh as OSS-Fuzz / ClusterFuzzLite
# would for a libFuzzer + ASan build, into a temporary $OUT, then checks that
# every target has its executable, seed corpus zip (exactly corpus/<target>/),
# dictionary and options, that no library is missing at run time, and runs
# each target for FUZZ_CONTRACT_SECONDS (3) with its options and seeds.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${FUZZ_CONTRACT_SECONDS:-3}"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
command -v clang >/dev/null || { echo "FAIL: clang is missing (ci/deps.sh installs it)"; exit 1; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The variables OSS-Fuzz's base-builder sets for sanitizer=address, engine=libfuzzer.
if ! env CC=clang CXX=clang++ SRC="$out/src" OUT="$out/out" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
    CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link" \
    bash "$root/fuzz/build.sh" >"$out/build.log" 2>&1; then
  cat "$out/build.log"
  echo "FAIL: fuzz/build.sh exited non-zero"
  exit 1
fi
o="$out/out"

for src in "$root"/fuzz/fuzz_*.c; do
  t="$(basename "$src" .c)"
  [ -x "$o/$t" ] || { bad "$t: no executable in \$OUT"; continue; }
  missing="$(ldd "$o/$t" | grep 'not found')"
  [ -z "$missing" ] || bad "$t: libraries not found at run time: $missing"
  cmp -s "$o/$t.dict" "$root/fuzz/$t.dict" || bad "$t: \$OUT/$t.dict is not fuzz/$t.dict"
  # The zip holds exactly the files of corpus/<target>/, byte for byte.
  python3 - "$o/${t}_seed_corpus.zip" "$root/corpus/$t" <<'PY' || bad "$t: seed corpus zip"
import os, sys, zipfile
zpath, cdir = sys.argv[1], sys.argv[2]
if not os.path.isfile(zpath):
    sys.exit(print(f"  no {zpath}") or 1)
with zipfile.ZipFile(zpath) as z:
    got = {n: z.read(n) for n in z.namelist()}
want = {n: open(os.path.join(cdir, n), "rb").read() for n in os.listdir(cdir)}
if got != want:
    print(f"  zip has {sorted(got)}, corpus has {sorted(want)} (or contents differ)")
    sys.exit(1)
PY
  # The options as ClusterFuzz reads them: [libfuzzer] key = value -> -key=value.
  flags="$(python3 - "$o/$t.options" <<'PY'
import configparser, sys
c = configparser.ConfigParser()
if not c.read(sys.argv[1]) or not c.has_section("libfuzzer"):
    sys.exit(1)
print(" ".join(f"-{k}={v}" for k, v in c.items("libfuzzer")))
PY
)" || { bad "$t: \$OUT/$t.options has no [libfuzzer] section"; continue; }
  case " $flags " in *" -max_len=65536 "*) ;; *) bad "$t: options lack max_len=65536: $flags" ;; esac

  seeds="$out/seeds-$t"
  mkdir -p "$seeds" && python3 -m zipfile -e "$o/${t}_seed_corpus.zip" "$seeds"
  # shellcheck disable=SC2086 # flags are -key=value words
  (cd "$out" && "$o/$t" $flags -dict="$o/$t.dict" -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="$out/$t-" "$seeds" >"$out/run-$t.log" 2>&1)
  rc=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/run-$t.log")"
  if [ "$rc" -ne 0 ] || [ -z "$runs" ] || [ "$runs" -lt 1 ]; then
    tail -20 "$out/run-$t.log"
    bad "$t: the built target exited $rc after ${runs:-0} runs"
  else
    echo "ok: $t ($runs runs in ${secs}s, $flags)"
  fi
done
[ "$fail" -eq 0 ] && echo "fuzz_build_contract: every target built, packaged and ran"
exit "$fail"
