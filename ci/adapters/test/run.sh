#!/usr/bin/env bash
# Runs every adapter test against soketi on 127.0.0.1:6001:
#   bash ci/adapters/test/run.sh        (needs: bash ci/install-peers.sh && bash ci/soketi.sh start)
# pusher-js.test.js runs for the Node build and, in Chromium, for the browser build (through the
# browser host at PUSHSPEC_BROWSER_HOST; started here, and stopped again, when that is unset);
# pusher-http-node.test.js for both HTTP SDKs.
# Each test prints "adapter-tests: N passed, M failed"; this exits non-zero if any test failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
adapters="$(dirname "$here")"
status=0
t() { printf '== %s\n' "$*"; node "$here/$1" "${@:2}" || status=1; }

if [ -z "${PUSHSPEC_BROWSER_HOST:-}" ]; then
  bash "$adapters/../browser-host.sh" start || exit 1
  trap 'bash "$adapters/../browser-host.sh" stop' EXIT
  export PUSHSPEC_BROWSER_HOST=127.0.0.1:9339
fi
t pusher-js.test.js "$adapters/pusher-js.js"
t pusher-js.test.js "$adapters/pusher-js-browser.js"
t laravel-echo.test.js
t pusher-http-node.test.js "$adapters/pusher-http-node.js" pusher
t pusher-http-node.test.js "$adapters/pusher-http-edge.js" pusher-http-edge
exit $status
