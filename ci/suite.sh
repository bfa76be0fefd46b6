#!/usr/bin/env bash
# The main job: install what is missing, build pushspec, start a local soketi,
# run the full server suite against it with soketi's baseline, then the two SDK
# suites (pusher-js, pusher-http-node) with pushspec as their server. Each run
# writes reports/out/NAME.json, NAME.junit.xml, NAME.md and NAME/index.html.
# Extra arguments go to every run (e.g. --timeout-scale 2). Exit status: the
# worst of the three runs (0 all as expected, 1 a rule failed, 2 infrastructure).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash ci/deps.sh || exit 2
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
cmake --build build -j"$(nproc)" || exit 2

bash ci/soketi.sh start || exit 2
trap 'bash ci/soketi.sh stop' EXIT
out=reports/out
worst=0
suite() { # NAME, then pushspec run arguments
  local name=$1 rc
  shift
  echo "== $name"
  ./build/pushspec run "$@" --strict --json "$out/$name.json" --junit "$out/$name.junit.xml" \
    --markdown "$out/$name.md" --html "$out/$name" "${extra[@]}"
  rc=$?
  [ "$rc" -gt "$worst" ] && worst=$rc
}
extra=("$@")
suite soketi --target ci/targets/soketi.lua --expect ci/targets/soketi.expect
suite pusher-js --sdk 'node ci/adapters/pusher-js.js' --expect ci/targets/pusher-js.expect --quiet
suite pusher-http-node --sdk 'node ci/adapters/pusher-http-node.js' --expect ci/targets/pusher-http-node.expect --quiet
echo "reports: $out/{soketi,pusher-js,pusher-http-node}/index.html (and .json, .junit.xml, .md)"
exit "$worst"
