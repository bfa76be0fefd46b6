// pusher-js's browser build in a Chromium page, driven with playwright-core: the page runs the same
// command code as pusher-js.js (lib/protocol.js, lib/pusher-js-client.js); Node only carries lines.
// Used by ci/adapters/browser-host.js (one browser, a page per adapter) and by
// ci/adapters/pusher-js-browser.js when no host runs (a browser of its own).
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const peers = path.join(__dirname, '..', '..', 'peers', 'node_modules');
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

// A fresh context with a page loaded at url; its lines are kept until attach(write) is called.
// Resolves with {hello, attach(write), handle(line), close()}. Every line the page sends (replies and
// reports, in the page's order) arrives through one CDP binding.
async function openPage(browser, url, log) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let write = null;
  const early = [];
  const emit = (line) => (write ? write(line) : early.push(line));
  page.on('console', (m) => log('page: ' + m.text()));
  page.on('crash', () => emit(JSON.stringify({ type: 'adapter_error', error: 'the browser page crashed' })));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Runtime.enable');
  cdp.on('Runtime.bindingCalled', (e) => { if (e.name === 'pushspecOut') emit(e.payload); });
  await cdp.send('Runtime.addBinding', { name: 'pushspecOut' });
  await page.goto(url);
  const runtime = await page.evaluate(() => navigator.userAgent);
  const fail = (error) => emit(JSON.stringify({ type: 'adapter_error', error }));
  return {
    hello: { type: 'hello', sdk: 'pusher-js', version: VERSION, kind: 'client', runtime },
    attach: (w) => { write = w; early.splice(0).forEach(w); },
    // Commands start in the order received: CDP runs one session's requests in order.
    handle: (line) => {
      cdp.send('Runtime.evaluate', { expression: `pushspecIn(${JSON.stringify(line)})` })
        .then((r) => { if (r.exceptionDetails) fail(r.exceptionDetails.text); }, (e) => fail('browser: ' + e.message));
    },
    close: () => context.close().catch(() => {}),
  };
}

module.exports = { launch, serveFiles, openPage, peers };
