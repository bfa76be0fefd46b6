// Node side of an adapter: stdout for protocol lines only, stdin read line by line, exit on EOF.
'use strict';
const path = require('path');
const readline = require('readline');
const { errText } = require('./protocol');

console.log = console.info = console.debug = console.error; // keep stdout for the protocol

function send(obj) {
  let line;
  try { line = JSON.stringify(obj); } catch (_) { line = JSON.stringify(require('./protocol').plain(obj)); } // e.g. a cycle
  process.stdout.write(line + '\n');
}

// Prints the hello, feeds every stdin line to handle(line), exits 0 (after onClose, at most
// 800 ms) when stdin closes. Exceptions escaping SDK callbacks become adapter_error reports.
function serve(name, hello, handle, onClose) {
  const log = (msg) => process.stderr.write(`[${name} adapter] ${msg}\n`);
  process.on('uncaughtException', (e) => { log('uncaught: ' + (e && e.stack || e)); send({ type: 'adapter_error', error: errText(e) }); });
  process.on('unhandledRejection', (e) => { log('unhandled rejection: ' + (e && e.stack || e)); send({ type: 'adapter_error', error: errText(e) }); });
  send(Object.assign({ type: 'hello' }, hello));
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', handle);
  rl.on('close', () => {
    setTimeout(() => process.exit(0), 800).unref();
    Promise.resolve(onClose && onClose()).catch(() => {}).finally(() => process.exit(0));
  });
  return log;
}

// A module path: from the source tree's pinned peers (ci/peers) when there; installed
// (share/pushspec/adapters): wherever node finds the package (NODE_PATH, a node_modules above).
const peers = path.join(__dirname, '..', '..', 'peers', 'node_modules');
function peer(name) {
  try { return require.resolve(path.join(peers, name)); } catch (_) { return name; }
}

// A package's folder, for files its "exports" hide (package.json, dist/...): the tree's peers,
// then NODE_PATH, then the node_modules folders above this file.
function peerDir(name) {
  const fs = require('fs');
  const dirs = [peers, ...(process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean), ...module.paths];
  for (const d of dirs) if (fs.existsSync(path.join(d, name, 'package.json'))) return path.join(d, name);
  throw new Error(`cannot find the npm package ${name} (in ${peers}, NODE_PATH or a node_modules above ` +
    `${__dirname}); install it, or set NODE_PATH to the node_modules folder that has it`);
}

module.exports = { send, serve, peer, peerDir };
