#!/usr/bin/env node
// pushspec SDK adapter for pusher-http-node (the "pusher" npm package, HTTP/server SDK).
// Wire protocol: ci/adapters/PROTOCOL.md. stdout carries only JSON lines; logs go to stderr.
'use strict';
const path = require('path');
const readline = require('readline');

console.log = console.info = console.debug = console.error; // keep stdout for the protocol
// the source tree's pinned peers (ci/peers); installed (share/pushspec/adapters): wherever node
// finds the package (NODE_PATH, a node_modules above)
const peers = path.join(__dirname, '..', 'peers', 'node_modules');
const lib = (name) => { try { return require.resolve(path.join(peers, name)); } catch (_) { return name; } };
const Pusher = require(lib('pusher'));
const VERSION = require(lib('pusher/package.json')).version;

const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const log = (msg) => process.stderr.write('[pusher-http-node adapter] ' + msg + '\n');

let pusher = null;

// A fetch Response -> {status, body}. The SDK resolves only for status < 400.
const response = async (res) => ({ status: res.status, body: await res.text() });

// Drop undefined values: the SDK would sign and send "key=undefined".
function defined(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj || {})) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

function configure(a) {
  const opts = { appId: a.app_id, key: a.key, secret: a.secret, host: a.host, port: a.port, useTLS: !!a.use_tls };
  if (a.encryption_master_key_base64 !== undefined) opts.encryptionMasterKeyBase64 = a.encryption_master_key_base64;
  if (a.timeout_ms) opts.timeout = a.timeout_ms;
  pusher = new Pusher(opts);
  return null;
}

// Every command returns a value or a promise; a throw or rejection becomes an error reply.
const commands = {
  configure,
  trigger: async (a) => response(await pusher.trigger(a.channels, a.event, a.data, a.params === undefined ? undefined : defined(a.params))),
  trigger_batch: async (a) => response(await pusher.triggerBatch(a.batch)),
  get: async (a) => response(await pusher.get({ path: a.path, params: defined(a.params) })),
  post: async (a) => response(await pusher.post({ path: a.path, params: defined(a.params), body: a.body })),
  authorize_channel: (a) => pusher.authorizeChannel(a.socket_id, a.channel, a.presence_data),
  authenticate_user: (a) => pusher.authenticateUser(a.socket_id, a.user_data),
  validate_webhook: (a) => {
    const headers = {}; // the SDK reads lower-case header names
    for (const [k, v] of Object.entries(a.headers || {})) headers[k.toLowerCase()] = v;
    return pusher.webhook({ headers, rawBody: a.body }).isValid();
  },
  send_to_user: async (a) => response(await pusher.sendToUser(a.user_id, a.event, a.data)),
  terminate_user_connections: async (a) => response(await pusher.terminateUserConnections(a.user_id)),
  channels: async (a) => response(await pusher.get({ path: '/channels', params: defined({ filter_by_prefix: a.prefix, info: a.info }) })),
  channel: async (a) => response(await pusher.get({ path: '/channels/' + a.name, params: defined({ info: a.info }) })),
  users: async (a) => response(await pusher.get({ path: '/channels/' + a.channel + '/users' })),
};

// Error reply; a RequestError that got an HTTP response also carries its status and body.
function failure(re, e) {
  const r = { re, ok: false, error: e && e.message !== undefined ? String(e.message) : String(e) };
  if (e && e.status !== undefined) r.status = e.status;
  if (e && e.body !== undefined) r.body = e.body;
  if (e && e.error) r.cause = String(e.error.message || e.error); // network failure (no status)
  return r;
}

function handle(line) {
  if (!line.trim()) return;
  let msg;
  try { msg = JSON.parse(line); } catch (e) { return send({ re: null, ok: false, error: 'unparsable line: ' + e.message }); }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return send({ re: null, ok: false, error: 'not a JSON object' });
  const re = msg.id === undefined ? null : msg.id;
  const fn = Object.prototype.hasOwnProperty.call(commands, msg.cmd) ? commands[msg.cmd] : null;
  if (!fn) return send({ re, ok: false, error: 'unknown command: ' + JSON.stringify(msg.cmd) });
  if (!pusher && msg.cmd !== 'configure') return send({ re, ok: false, error: 'not configured: send configure first' });
  // Run the command now: synchronous ones reply at once, HTTP ones when their request settles
  // (so replies to HTTP commands may overtake each other; match them by "re").
  const ok = (r) => send({ re, ok: true, result: r === undefined ? null : r });
  let result;
  try { result = fn(msg); } catch (e) { return send(failure(re, e)); } // SDK validation errors throw here
  if (result && typeof result.then === 'function') result.then(ok, (e) => send(failure(re, e)));
  else ok(result);
}

process.on('uncaughtException', (e) => { log('uncaught: ' + (e && e.stack || e)); send({ type: 'adapter_error', error: String(e && e.message || e) }); });
process.on('unhandledRejection', (e) => { log('unhandled rejection: ' + (e && e.stack || e)); send({ type: 'adapter_error', error: String(e && e.message || e) }); });

send({ type: 'hello', sdk: 'pusher-http-node', version: VERSION, kind: 'http' });
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', handle);
rl.on('close', () => process.exit(0));
