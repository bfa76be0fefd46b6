#!/usr/bin/env node
// pushspec SDK adapter for pusher-js's browser build (dist/web/pusher-with-encryption.js) in headless
// Chromium, with the browser's own WebSocket and XMLHttpRequest. Wire protocol: ci/adapters/PROTOCOL.md.
// With PUSHSPEC_BROWSER_HOST=127.0.0.1:9339 (ci/browser-host.sh start) it opens a page in that
// running browser and only relays lines (fast: no browser launch, no playwright load); without it,
// it launches /usr/bin/chromium (PUSHSPEC_CHROMIUM_BIN) itself, several seconds per adapter.
'use strict';
const net = require('net');
const path = require('path');

const out = (line) => process.stdout.write(line + '\n');
const log = (msg) => process.stderr.write('[pusher-js-browser adapter] ' + msg + '\n');

// Relay stdin <-> the host's socket, byte for byte; exit when either side ends.
function relay(addr) {
  const [host, port] = addr.split(':');
  const sock = net.connect(Number(port), host);
  sock.on('error', (e) => { log(`cannot use the browser host at PUSHSPEC_BROWSER_HOST=${addr} (start it: bash ci/browser-host.sh start): ${e.message}`); process.exit(1); });
  sock.pipe(process.stdout);
  process.stdin.pipe(sock, { end: false });
  // EOF: hand the host our last lines and a FIN, then go (the host reloads the page on its own).
  process.stdin.on('end', () => { setTimeout(() => process.exit(0), 800).unref(); sock.end(() => process.exit(0)); });
  sock.on('close', () => process.exit(0));
}

async function standalone() {
  const { launch, serveFiles, openPage, peers } = require('./lib/browser-page');
  const { serve } = require('./lib/stdio');
  const browser = await launch(require(path.join(peers, 'playwright-core')));
  const page = await openPage(browser, await serveFiles(), log);
  const { type, ...hello } = page.hello; // eslint-disable-line no-unused-vars
  page.attach(out);
  serve('pusher-js-browser', hello, page.handle, () => browser.close());
}

if (process.env.PUSHSPEC_BROWSER_HOST) relay(process.env.PUSHSPEC_BROWSER_HOST);
else standalone().catch((e) => { log('cannot start: ' + (e && e.stack || e)); process.exit(1); });
