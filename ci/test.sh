#!/usr/bin/env bash
# The project's tests, as CI runs them: every dependency installed, then under
# ASan+UBSan the unit tests, the CLI and runner tests and the full soketi suite
# against its baseline (ctest, with the installed binary), then the .deb installed
# and run (ci/check-deb.sh), then the fuzz smoke.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash ci/deps.sh

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPUSHSPEC_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"

bash ci/soketi.sh start
trap 'bash ci/soketi.sh stop' EXIT

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j2)
# The detection power the ctest `mutants` measured (ci/mutants/run.sh), with its survivors.
cat build/mutants/summary.txt
cat build/mutants-cluster/summary.txt   # ctest mutants_cluster (ci/mutants/cluster.sh)

# The .deb as a user installs it: a release build, cpack, then dpkg -i, run, dpkg -r.
cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-deb -j"$(nproc)" --target pushspec manpage >/dev/null
rm -f build-deb/pushspec_*.deb
(cd build-deb && cpack -G DEB >/dev/null)
bash ci/check-deb.sh build-deb/pushspec_*.deb

if [ -f ci/fuzz-smoke.sh ]; then
  bash ci/fuzz-smoke.sh
fi
