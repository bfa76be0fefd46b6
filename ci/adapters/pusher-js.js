#!/usr/bin/env node
// pushspec SDK adapter for pusher-js (client SDK). Wire protocol: ci/adapters/PROTOCOL.md
// stdout carries only JSON lines; everything else goes to stderr.
'use strict';
const path = require('path');
const readline = require('readline');

console.log = console.info = console.debug = console.error; // keep stdout for the protocol
// the source tree's pinned peers (ci/peers); installed (share/pushspec/adapters): wherever node
// finds the package (NODE_PATH, a node_modules above)
const peers = path.join(__dirname, '..', 'peers', 'node_modules');
const lib = (name) => { try { return require.resolve(path.join(peers, name)); } catch (_) { return name; } };
const Pusher = require(lib('pusher-js')); // package "main" = the Node build
const VERSION = require(lib('pusher-js/package.json')).version;

function send(obj) {
  let line;
  try { line = JSON.stringify(obj); } catch (_) { line = JSON.stringify(plain(obj)); } // e.g. a cycle
  process.stdout.write(line + '\n');
}
const log = (msg) => process.stderr.write('[pusher-js adapter] ' + msg + '\n');

// JSON-safe copy of anything (errors, socket events with cycles): depth-limited, no functions.
function plain(v, depth = 0) {
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (typeof v === 'bigint' || (typeof v === 'number' && !isFinite(v))) return String(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth > 4) return '[too deep]';
  if (Array.isArray(v)) return v.map((x) => { const p = plain(x, depth + 1); return p === undefined ? null : p; });
  const out = v instanceof Error ? { name: v.name, message: v.message } : {};
  for (const k of Object.keys(v)) {
    if (k === 'target' || k === 'currentTarget' || k === 'stack') continue;
    const p = plain(v[k], depth + 1);
    if (p !== undefined) out[k] = p;
  }
  return out;
}
const errText = (e) => (e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(plain(e)));

let pusher = null;   // the client under test
let frame = null;    // the raw frame pusher-js is dispatching right now (null between frames)
let lastDecryptChannel = null;
const bound = new WeakSet(); // channel objects whose bind_global is installed

const membersOf = (m) => ({ count: m.count, ids: Object.keys(m.members), me: m.me, hash: m.members });
const isPresence = (ch) => ch.name.startsWith('presence-');

// pusher-js logs go to stderr; decryption failures are only visible here (see PROTOCOL.md).
const DECRYPT = /^(Received encrypted event before key|Unexpected format for encrypted event|Expected encrypted event|Failed to decrypt|Failed to make a request to the authEndpoint: .*dropping encrypted event)/;
Pusher.log = (msg) => {
  log(msg);
  let first = '';
  try { first = JSON.parse(String(msg).replace(/^Pusher :\s*:\s*/, ''))[0]; } catch (_) { return; }
  if (typeof first !== 'string' || !DECRYPT.test(first)) return;
  const channel = frame && frame.channel ? frame.channel : lastDecryptChannel;
  lastDecryptChannel = channel;
  send({ type: 'decryption_error', channel, detail: first, dropped: !/Fetching a new key/.test(first) });
};

function reportEvent(channel, event, data, userId) {
  const r = { type: 'event', channel, event };
  if (data !== undefined) r.data = data;
  if (userId !== undefined) r.user_id = userId;
  send(r);
}

// Every event on a subscribed channel is reported from the channel's own bind_global (decrypted
// data, presence user_id); pusher.bind_global (below) reports only the rest.
function watchChannel(ch) {
  if (bound.has(ch)) return;
  bound.add(ch);
  ch.bind_global((event, data) => {
    const userId = isPresence(ch) && frame && frame.channel === ch.name ? frame.user_id : undefined;
    reportEvent(ch.name, event, ch.members && data === ch.members ? membersOf(data) : data, userId);
  });
  ch.bind('pusher:subscription_succeeded', () => {
    const r = { type: 'subscribed', channel: ch.name };
    if (isPresence(ch)) r.members = membersOf(ch.members);
    send(r);
  });
  ch.bind('pusher:subscription_error', (d) => {
    send({ type: 'subscription_error', channel: ch.name,
      error: d && typeof d.error === 'string' ? d.error : plain(d), status: d && d.status !== undefined ? d.status : null });
  });
}

function connect(a) {
  if (pusher) { pusher.disconnect(); pusher.unbind_all(); pusher.connection.unbind_all(); pusher = null; }
  const o = a.options || {};
  const opts = { wsHost: a.ws_host, wsPort: a.ws_port, forceTLS: false, enabledTransports: ['ws'],
    enableStats: false, cluster: o.cluster || 'mt1' };
  if (o.activity_timeout_ms) opts.activityTimeout = o.activity_timeout_ms;
  if (o.pong_timeout_ms) opts.pongTimeout = o.pong_timeout_ms;
  if (o.auth_endpoint) opts.channelAuthorization = { endpoint: o.auth_endpoint, transport: 'ajax' };
  if (o.user_auth_endpoint) opts.userAuthentication = { endpoint: o.user_auth_endpoint, transport: 'ajax' };
  Object.assign(opts, o.extra || {});
  // The constructor connects at once when the class is "ready"; hold that off so that the
  // first state_change (initialized -> connecting) is seen too. isReady lives on the base class.
  const Base = Object.getPrototypeOf(Pusher);
  Base.isReady = false;
  let p;
  try { p = new Pusher(a.key, opts); } finally { Base.isReady = true; }
  pusher = p;
  const conn = p.connection;
  conn.bind('state_change', (s) => send({ type: 'state', previous: s.previous, current: s.current,
    socket_id: conn.socket_id === undefined ? null : conn.socket_id }));
  conn.bind('error', (e) => send({ type: 'error', error: plain(e) }));
  // Note each decoded frame before pusher-js dispatches it (a Dispatcher calls global callbacks
  // before named ones) and forget it once dispatched (this handler is bound after pusher-js's).
  conn.bind_global((name, m) => { if (name === 'message') frame = m; });
  conn.bind('message', () => { frame = null; });
  p.bind_global((event, data) => {
    if (frame && frame.channel && p.channel(frame.channel)) return; // reported by the channel
    reportEvent(frame && frame.channel !== undefined ? frame.channel : null, event, data,
      frame && frame.user_id !== undefined ? frame.user_id : undefined);
  });
  p.user.bind('pusher:signin_error', (d) => send({ type: 'signin_error', error: plain(d) }));
  p.connect();
  return null;
}

function channelOf(name) {
  const ch = pusher.channel(name);
  if (!ch) throw new Error(`not subscribed to ${JSON.stringify(name)}`);
  return ch;
}

const commands = {
  connect,
  subscribe: (a) => { watchChannel(pusher.subscribe(a.channel)); return null; },
  unsubscribe: (a) => { pusher.unsubscribe(a.channel); return null; },
  trigger: (a) => channelOf(a.channel).trigger(a.event, a.data),
  signin: () => { pusher.signin(); return null; },
  disconnect: () => { pusher.disconnect(); return null; },
  reconnect: () => { pusher.connect(); return null; },
  members: (a) => {
    const ch = channelOf(a.channel);
    if (!ch.members) throw new Error(`${a.channel} is not a presence channel`);
    return membersOf(ch.members);
  },
  state: () => ({ state: pusher.connection.state, socket_id: pusher.connection.socket_id || null }),
};

function handle(line) {
  if (!line.trim()) return;
  let msg;
  try { msg = JSON.parse(line); } catch (e) { return send({ re: null, ok: false, error: 'unparsable line: ' + e.message }); }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return send({ re: null, ok: false, error: 'not a JSON object' });
  const re = msg.id === undefined ? null : msg.id;
  const fn = Object.prototype.hasOwnProperty.call(commands, msg.cmd) ? commands[msg.cmd] : null;
  if (!fn) return send({ re, ok: false, error: 'unknown command: ' + JSON.stringify(msg.cmd) });
  if (!pusher && msg.cmd !== 'connect') return send({ re, ok: false, error: 'no client: send connect first' });
  try {
    const result = fn(msg);
    send({ re, ok: true, result: result === undefined ? null : plain(result) });
  } catch (e) {
    send({ re, ok: false, error: errText(e) });
  }
}

process.on('uncaughtException', (e) => { log('uncaught: ' + (e && e.stack || e)); send({ type: 'adapter_error', error: errText(e) }); });
process.on('unhandledRejection', (e) => { log('unhandled rejection: ' + (e && e.stack || e)); send({ type: 'adapter_error', error: errText(e) }); });

send({ type: 'hello', sdk: 'pusher-js', version: VERSION, kind: 'client' });
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', handle);
rl.on('close', () => process.exit(0));
