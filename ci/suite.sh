#!/usr/bin/env bash
# The main job: install what is missing, build pushspec, start a local soketi,
# run the full server suite against it with soketi's baseline, write the
# result to reports/out/soketi.json, stop soketi. Exit status is pushspec's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash ci/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

bash ci/soketi.sh start
trap 'bash ci/soketi.sh stop' EXIT
mkdir -p reports/out
./build/pushspec run --target ci/targets/soketi.lua --expect ci/targets/soketi.expect --strict \
  --json reports/out/soketi.json "$@"
