#!/usr/bin/env node
// One headless Chromium for many pusher-js-browser.js adapters: each TCP connection to
//   node ci/adapters/browser-host.js 127.0.0.1:9339
// gets a page of its own (lib/browser-page.js: freshly loaded, reused from an earlier adapter when one
// is idle), then carries protocol lines both ways (the host's first line on it is the adapter's hello).
// pushspec starts one adapter per scenario, up to --jobs at once; a browser launch or a new context
// costs seconds on a busy machine, reloading an idle page well under one.
// Start and stop it with ci/browser-host.sh; it prints "listening on HOST:PORT" when ready.
'use strict';
const net = require('net');
const path = require('path');
const readline = require('readline');
const { launch, serveFiles, openPage, peers } = require('./lib/browser-page');

const log = (msg) => process.stderr.write(`[browser-host ${new Date().toISOString()}] ${msg}\n`);
const [host, port] = (process.argv[2] || '127.0.0.1:9339').split(':');

async function main() {
  const browser = await launch(require(path.join(peers, 'playwright-core')));
  const url = await serveFiles();
  browser.on('disconnected', () => { log('the browser went away; exiting'); process.exit(1); });
  // Idle pages, loaded and ready; a page goes back here (reloaded) when its adapter leaves.
  const idle = [];
  const open = () => openPage(browser, url, log);
  const release = (p) => p.load().then(() => idle.push(p), (e) => { log(`dropping a page: ${e.message}`); p.close(); });
  const first = [];
  for (let i = 0; i < Number(process.env.PUSHSPEC_BROWSER_POOL || 4); i++) first.push(open().then((p) => idle.push(p)));
  let n = 0;
  const server = net.createServer((sock) => {
    const id = ++n;
    let page = null, closed = false;
    const pending = [];   // lines that arrive before the page is ours
    const rl = readline.createInterface({ input: sock, crlfDelay: Infinity });
    rl.on('line', (l) => (page ? page.handle(l) : pending.push(l)));
    sock.on('error', () => {});   // an adapter killed mid-line: ECONNRESET
    rl.on('error', () => {});
    sock.on('close', () => { closed = true; if (page) { page.detach(); release(page); } });
    const t0 = Date.now();
    (idle.length ? Promise.resolve(idle.pop()) : open()).then((p) => {
      page = p;
      if (closed) return release(p);
      log(`#${id} page ready after ${Date.now() - t0} ms`);
      sock.write(JSON.stringify(p.hello) + '\n');
      p.attach((line) => { if (!sock.destroyed) sock.write(line + '\n'); });
      pending.splice(0).forEach((l) => p.handle(l));
    }, (e) => { log(`#${id} no page: ${e.message}`); sock.destroy(); });
  });
  await Promise.allSettled(first);   // "listening" once the first pages are warm
  server.listen(Number(port), host, () => { process.stdout.write(`listening on ${host}:${port}\n`); log(`listening on ${host}:${port}`); });
  const stop = () => browser.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// One adapter's trouble must not take down every other page.
process.on('uncaughtException', (e) => log('uncaught: ' + (e && e.stack || e)));
main().catch((e) => { log('cannot start: ' + (e && e.stack || e)); process.exit(1); });
