#!/usr/bin/env bash
# The main job: install what is missing, build pushspec, start a local soketi,
# run the full server suite against it with soketi's baseline, then the five SDK
# suites with pushspec as their server: client SDKs pusher-js (Node build),
# pusher-js-browser (browser build in headless Chromium), laravel-echo; HTTP SDKs
# pusher-http-node, pusher-http-edge. Each run writes reports/out/NAME.json,
# NAME.junit.xml, NAME.md and NAME/index.html; then the side-by-side reports
# reports/out/client-sdks/ and reports/out/http-sdks/ (one column per SDK).
# Extra arguments go to every run (e.g. --timeout-scale 2). Exit status: the
# worst of the three runs (0 all as expected, 1 a rule failed, 2 infrastructure).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash ci/deps.sh || exit 2
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
cmake --build build -j"$(nproc)" || exit 2

bash ci/soketi.sh start || exit 2
bash ci/browser-host.sh start || { bash ci/soketi.sh stop; exit 2; }
trap 'bash ci/browser-host.sh stop; bash ci/soketi.sh stop' EXIT
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
suite pusher-js --sdk 'node ci/adapters/pusher-js.js' --expect ci/targets/pusher-js.expect --jobs 8 --quiet
PUSHSPEC_BROWSER_HOST=127.0.0.1:9339 suite pusher-js-browser --sdk 'node ci/adapters/pusher-js-browser.js' \
  --expect ci/targets/pusher-js-browser.expect --jobs 4 --quiet
suite laravel-echo --sdk 'node ci/adapters/laravel-echo.js' --expect ci/targets/laravel-echo.expect --jobs 8 --quiet
suite pusher-http-node --sdk 'node ci/adapters/pusher-http-node.js' --expect ci/targets/pusher-http-node.expect --jobs 8 --quiet
suite pusher-http-edge --sdk 'node ci/adapters/pusher-http-edge.js' --expect ci/targets/pusher-http-edge.expect --jobs 8 --quiet

side_by_side() { # NAME, then the suites' names
  local name=$1 files=()
  shift
  for s in "$@"; do files+=("$out/$s.json"); done
  ./build/pushspec report "${files[@]}" --html "$out/$name" --markdown "$out/$name.md" || worst=2
}
side_by_side client-sdks pusher-js pusher-js-browser laravel-echo
side_by_side http-sdks pusher-http-node pusher-http-edge
echo "reports: $out/{soketi,pusher-js,pusher-js-browser,laravel-echo,pusher-http-node,pusher-http-edge}/index.html (and .json, .junit.xml, .md)"
echo "side by side: $out/client-sdks/index.html, $out/http-sdks/index.html"
exit "$worst"
