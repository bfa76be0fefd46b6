#!/usr/bin/env bash
# Runs every adapter test (ci/adapters/test/*.test.js) against soketi on 127.0.0.1:6001.
#   bash ci/adapters/test/run.sh        (needs: bash ci/install-peers.sh && bash ci/soketi.sh start)
# Each test prints "adapter-tests: N passed, M failed"; this exits non-zero if any test failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
status=0
for t in "$here"/*.test.js; do
  printf '== %s\n' "$(basename "$t")"
  node "$t" || status=1
done
exit $status
