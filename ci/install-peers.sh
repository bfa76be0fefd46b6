#!/usr/bin/env bash
# Installs the third-party peers pushspec is tested against (soketi; the SDKs pusher-js, laravel-echo,
# pusher, pusher-http-edge; playwright-core, which drives Debian's chromium for pusher-js's browser build)
# into ci/peers/node_modules, exactly as pinned by ci/peers/package-lock.json.
# Idempotent: run it as often as you like; from any directory.
#   bash ci/install-peers.sh            # install (npm ci) + fix + checks
#   PEERS_FORCE=1 bash ci/install-peers.sh   # run npm ci even if node_modules looks current
# npm ci is skipped when node_modules was installed by this script from the same
# package.json + package-lock.json (a stamp file records their hash); the fix and the checks always run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers="$here/peers"
logdir="$(dirname "$here")/build"   # git-ignored

die() { printf 'install-peers: ERROR: %s\n' "$*" >&2; printf 'install-peers: (a clean retry: rm -rf ci/peers/node_modules && bash ci/install-peers.sh)\n' >&2; exit 1; }
say() { printf 'install-peers: %s\n' "$*"; }

command -v node >/dev/null 2>&1 || die "node not found (apt-get install nodejs npm)"
command -v npm  >/dev/null 2>&1 || die "npm not found (apt-get install npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 18 ] || die "Node $(node --version) is too old: need 18, 20, 21 or 22 (the ABIs uws-pack ships)"
[ -f "$peers/package-lock.json" ] || die "$peers/package-lock.json is missing"

cd "$peers"

lock_sum="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
stamp="node_modules/.pushspec-installed"
if [ "${PEERS_FORCE:-0}" = 1 ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_sum" ]; then
  say "npm ci in $peers (Node $(node --version), npm $(npm --version 2>/dev/null))"
  # npm ci removes node_modules and installs exactly the lockfile; .npmrc here turns off scripts and audit.
  mkdir -p "$logdir"
  # playwright-core downloads no browser (it has no install script, and scripts are off anyway);
  # the variable says so to any playwright tool that runs later: /usr/bin/chromium is used.
  if ! PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >"$logdir/npm-ci.log" 2>&1; then
    tail -n 40 "$logdir/npm-ci.log" >&2 || true
    die "npm ci failed (full log: $logdir/npm-ci.log)"
  fi
else
  say "node_modules already matches package-lock.json; skipping npm ci"
fi

say "giving uWebSockets.js (uws-pack) a CommonJS entry"
node "$peers/fix-uws.js" || die "fix-uws.js failed"

say "checking require('uWebSockets.js')"
node -e "const u = require('uWebSockets.js'); if (typeof u.App !== 'function') { console.error('uWebSockets.js loaded but has no App()'); process.exit(1); }" \
  || die "require('uWebSockets.js') does not work from $peers"

say "checking soketi"
[ -x node_modules/.bin/soketi ] || die "node_modules/.bin/soketi is missing"
v="$(node_modules/.bin/soketi --version 2>/dev/null)" || die "soketi --version failed"
[ "$v" = "1.6.1" ] || die "soketi --version says '$v', expected 1.6.1"
node_modules/.bin/soketi --help >/dev/null 2>&1 || die "soketi --help failed"
# Loading the server module pulls in uWebSockets.js the way 'soketi start' does.
node -e "require('@soketi/soketi')" 2>/dev/null || die "require('@soketi/soketi') failed (uWebSockets.js not loadable by soketi?)"

say "checking the SDKs and playwright-core"
node -e "
const want = require('./package.json').dependencies;
for (const name of ['pusher-js', 'pusher', 'laravel-echo', 'pusher-http-edge', 'playwright-core']) {
  const got = require('./node_modules/' + name + '/package.json').version;
  if (got !== want[name]) { console.error(name + ' is ' + got + ', expected ' + want[name]); process.exit(1); }
}
require('pusher'); require('pusher-js');
if (typeof require('playwright-core').chromium.launch !== 'function') { console.error('playwright-core has no chromium.launch'); process.exit(1); }
// Both are ES modules (laravel-echo's CommonJS entry does not load under Node: see ci/adapters/laravel-echo.js).
Promise.all([import('./node_modules/laravel-echo/dist/echo.js'), import('./node_modules/pusher-http-edge/dist/pusher.js')])
  .then(([echo, edge]) => {
    if (typeof echo.default !== 'function' || typeof edge.default !== 'function') { console.error('laravel-echo / pusher-http-edge export no class'); process.exit(1); }
  }, (e) => { console.error(e.message); process.exit(1); });
" || die "the SDKs / playwright-core are not installed as pinned"
[ -f node_modules/pusher-js/dist/web/pusher-with-encryption.js ] || die "pusher-js has no browser build (dist/web/pusher-with-encryption.js)"
command -v "${PUSHSPEC_CHROMIUM_BIN:-/usr/bin/chromium}" >/dev/null 2>&1 \
  || say "warning: no ${PUSHSPEC_CHROMIUM_BIN:-/usr/bin/chromium}: the pusher-js browser suite cannot run (ci/deps.sh installs chromium)"

printf '%s\n' "$lock_sum" >"$stamp"
v_of() { node -p "require('./node_modules/$1/package.json').version"; }
say "ok: soketi $v, pusher-js $(v_of pusher-js), laravel-echo $(v_of laravel-echo), pusher $(v_of pusher), pusher-http-edge $(v_of pusher-http-edge), playwright-core $(v_of playwright-core)"
