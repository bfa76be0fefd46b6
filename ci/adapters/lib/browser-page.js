// pusher-js's browser build in a Chromium page, driven with playwright-core: the page runs the same
// command code as pusher-js.js (lib/protocol.js, lib/pusher-js-client.js); Node only carries lines.
// Used by ci/adapters/browser-host.js (one browser, a page per adapter) and by
// ci/adapters/pusher-js-browser.js when no host runs (a browser of its own).
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const { peerDir } = require('./stdio');
const peers = path.dirname(peerDir('pusher-js'));
const VERSION = require(path.join(peers, 'pusher-js', 'package.json')).version;
const FILES = {
  '/pusher.js': path.join(peers, 'pusher-js', 'dist', 'web', 'pusher-with-encryption.js'),
  '/protocol.js': path.join(__dirname, 'protocol.js'),
  '/pusher-js-client.js': path.join(__dirname, 'pusher-js-client.js'),
  '/page.js': path.join(__dirname, '..', 'browser', 'page.js'),
};
const PAGE = '<!doctype html><meta charset="utf-8"><title>pushspec pusher-js</title>' +
  Object.keys(FILES).map((f) => `<script src="${f}"></script>`).join('');

// Chromium flags: --no-sandbox (CI runs as root); --disable-web-security (the page, on one loopback
// origin, POSTs to the fake server's auth endpoint on another port, which sends no CORS headers).
const ARGS = ['--no-sandbox', '--disable-web-security', '--disable-gpu'];
async function launch(playwright) {
  return playwright.chromium.launch({ executablePath: process.env.PUSHSPEC_CHROMIUM_BIN || '/usr/bin/chromium', args: ARGS });
}

// The page and the SDK's files, from a loopback origin of their own; resolves with its URL.
function serveFiles() {
  const server = http.createServer((req, res) => {
    if (req.url === '/') { res.writeHead(200, { 'content-type': 'text/html' }); return res.end(PAGE); }
    const file = FILES[req.url];
    if (!file) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': 'text/javascript' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/`));
  });
}

// A context with a page, loaded at url; pages are reused: load() navigates again (a fresh JS realm
// and fresh SDK, the WebSockets of the previous one closed, localStorage cleared by page.js), which
// costs far less than a new context (a renderer process: seconds on a busy machine).
// Resolves with {hello, load(), attach(write), detach(), handle(line), close()}: every line the page
// sends (replies and reports, in the page's order) arrives through one CDP binding and goes to the
// attached writer; lines while none is attached are dropped.
async function openPage(browser, url, log) {
  if (process.env.PUSHSPEC_BROWSER_DEBUG) url += '?debug';
  const context = await browser.newContext();
  const page = await context.newPage();
  let write = null;
  const emit = (line) => { if (write) write(line); };
  page.on('crash', () => emit(JSON.stringify({ type: 'adapter_error', error: 'the browser page crashed' })));
  if (process.env.PUSHSPEC_BROWSER_DEBUG) page.on('console', (m) => log('page: ' + m.text()));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Runtime.enable');
  cdp.on('Runtime.bindingCalled', (e) => { if (e.name === 'pushspecOut') emit(e.payload); });
  await cdp.send('Runtime.addBinding', { name: 'pushspecOut' });
  const fail = (error) => emit(JSON.stringify({ type: 'adapter_error', error }));
  const self = {
    hello: { type: 'hello', sdk: 'pusher-js (browser)', version: VERSION, kind: 'client', runtime: 'Chromium ' + browser.version(),
      capabilities: require('./pusher-js-client').CAPABILITIES },
    // CDP delivers events in order, so the old realm's lines all arrive before goto resolves.
    load: async () => { write = null; await page.goto(url); },
    attach: (w) => { write = w; },
    detach: () => { write = null; },
    // Commands start in the order received: CDP runs one session's requests in order.
    handle: (line) => {
      cdp.send('Runtime.evaluate', { expression: `pushspecIn(${JSON.stringify(line)})` })
        .then((r) => { if (r.exceptionDetails) fail(r.exceptionDetails.text); }, (e) => fail('browser: ' + e.message));
    },
    close: () => context.close().catch(() => {}),
  };
  await self.load();
  return self;
}

module.exports = { launch, serveFiles, openPage, peers };
