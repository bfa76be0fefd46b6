#!/usr/bin/env node
// One headless Chromium for many pusher-js-browser.js adapters: each TCP connection to
//   node ci/adapters/browser-host.js 127.0.0.1:9339
// gets a fresh browser context and page (lib/browser-page.js), then carries protocol lines both ways
// (the host's first line on it is the adapter's hello). A context costs a few hundred ms, a browser
// launch seconds; pushspec starts one adapter per scenario, up to --jobs at once.
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
  // Warm pages (context + page loaded: over a second each on a busy machine), taken in turn.
  const size = Number(process.env.PUSHSPEC_BROWSER_POOL || 6);
  const pool = [];
  const warm = () => { const p = openPage(browser, url, log); p.catch((e) => log(`cannot open a page: ${e.message}`)); pool.push(p); };
  for (let i = 0; i < size; i++) warm();
  let n = 0;
  const server = net.createServer((sock) => {
    const id = ++n;
    const ready = pool.shift();
    warm();
    let page = null, closed = false;
    const pending = [];   // lines that arrive before the page is ours
    const rl = readline.createInterface({ input: sock, crlfDelay: Infinity });
    rl.on('line', (l) => (page ? page.handle(l) : pending.push(l)));
    sock.on('error', () => {});   // an adapter killed mid-line: ECONNRESET
    rl.on('error', () => {});
    sock.on('close', () => { closed = true; if (page) page.close(); });
    ready.then((p) => {
      page = p;
      if (closed) return p.close();
      log(`#${id} page assigned`);
      sock.write(JSON.stringify(p.hello) + '\n');
      p.attach((line) => { if (!sock.destroyed) sock.write(line + '\n'); });
      pending.splice(0).forEach((l) => p.handle(l));
    }, (e) => { log(`#${id} no page: ${e.message}`); sock.destroy(); });
  });
  await Promise.allSettled(pool.slice());   // "listening" once the first pages are warm
  server.listen(Number(port), host, () => { process.stdout.write(`listening on ${host}:${port}\n`); log(`listening on ${host}:${port}`); });
  const stop = () => browser.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// One adapter's trouble must not take down every other page.
process.on('uncaughtException', (e) => log('uncaught: ' + (e && e.stack || e)));
main().catch((e) => { log('cannot start: ' + (e && e.stack || e)); process.exit(1); });
