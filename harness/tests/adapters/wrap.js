#!/usr/bin/env node
// A test adapter around a real one (ci/adapters/*.js): relays the protocol lines both ways and
// changes only what the options say, so each test sees the real SDK with one difference.
//   node wrap.js [OPTIONS] -- COMMAND ARGS...
//   --capabilities A,B   the hello declares exactly these capabilities ("" for none)
//   --no-capabilities    the hello declares no capabilities member (every feature assumed)
//   --null-result CMD    replies to CMD carry "result": null (an SDK whose CMD returns nothing)
//   --swallow CMD        CMD is answered ok with result null but never reaches the SDK
//   --unsupported CMD    CMD is answered {"ok":false,"unsupported":true} without reaching the SDK
//   --hello-set K=JSON   the hello's member K is set to the JSON value (e.g. reconnect_delay_ms=10000)
'use strict';
const { spawn } = require('child_process');
const readline = require('readline');

const argv = process.argv.slice(2);
const opts = { nullResult: new Set(), swallow: new Set(), unsupported: new Set(), helloSet: {} };
while (argv.length && argv[0] !== '--') {
  const o = argv.shift();
  if (o === '--capabilities') opts.capabilities = argv.shift().split(',').filter((s) => s !== '');
  else if (o === '--no-capabilities') opts.noCapabilities = true;
  else if (o === '--null-result') opts.nullResult.add(argv.shift());
  else if (o === '--swallow') opts.swallow.add(argv.shift());
  else if (o === '--unsupported') opts.unsupported.add(argv.shift());
  else if (o === '--hello-set') { const kv = argv.shift(); const i = kv.indexOf('='); opts.helloSet[kv.slice(0, i)] = JSON.parse(kv.slice(i + 1)); }
  else { process.stderr.write(`wrap.js: unknown option ${o}\n`); process.exit(2); }
}
argv.shift();
if (!argv.length) { process.stderr.write('usage: wrap.js [OPTIONS] -- COMMAND ARGS...\n'); process.exit(2); }

const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const nulled = new Set(); // ids of commands whose reply gets result null
let hello = true;

readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
  let v;
  try { v = JSON.parse(line); } catch (_) { process.stdout.write(line + '\n'); return; }
  if (hello && v.type === 'hello') {
    hello = false;
    if (opts.noCapabilities) delete v.capabilities;
    if (opts.capabilities) v.capabilities = opts.capabilities;
    Object.assign(v, opts.helloSet);
  } else if (v.re !== undefined && nulled.has(JSON.stringify(v.re)) && v.ok) {
    nulled.delete(JSON.stringify(v.re));
    v.result = null;
  }
  out(v);
});

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  let v = null;
  try { v = JSON.parse(line); } catch (_) { /* the real adapter answers it */ }
  const cmd = v && v.cmd;
  if (opts.unsupported.has(cmd)) return out({ re: v.id, ok: false, unsupported: true, error: `wrap.js: no ${cmd} in this test SDK` });
  if (opts.swallow.has(cmd)) return out({ re: v.id, ok: true, result: null });
  if (opts.nullResult.has(cmd)) nulled.add(JSON.stringify(v.id));
  child.stdin.write(line + '\n');
}).on('close', () => child.stdin.end());

child.stdin.on('error', () => {});
child.on('close', (code) => process.exit(code === null ? 1 : code)); // after its last line
