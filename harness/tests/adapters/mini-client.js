#!/usr/bin/env node
// A small Pusher client written for the harness's own tests (not a real SDK): it behaves the way
// client SDKs in other languages were seen to, where pusher-js does not. harness/tests/sdk_cascades.sh.
//   node mini-client.js MODE [--declare-delay]
//   slow-reconnect  closes its connection (1007) on a frame that is not JSON, and reconnects after
//                   10 s (its own delay, as a Go SDK's default); --declare-delay puts
//                   reconnect_delay_ms 10000 in the hello (PROTOCOL.md section 2.2)
//   sync-auth       authorizes inside the subscribe call: an auth endpoint refusal is the
//                   command's ok:false reply, not a subscription_error report (PROTOCOL.md 4.2)
//   silent-auth     an auth endpoint refusal reaches nobody (a bug: fails SUB-7:surfaced-auth)
'use strict';
const path = require('path');
const http = require('http');
const lib = path.join(__dirname, '..', '..', '..', 'ci', 'adapters', 'lib');
const { makeHandler, Unsupported } = require(path.join(lib, 'protocol'));
const { send, serve, peer } = require(path.join(lib, 'stdio'));
const WebSocket = require(peer('ws'));

const mode = process.argv[2];
const modes = ['slow-reconnect', 'sync-auth', 'silent-auth'];
if (!modes.includes(mode)) {
  process.stderr.write(`mini-client.js: unknown mode ${JSON.stringify(mode)}; one of ${modes.join(', ')}\n`);
  process.exit(2);
}
const DELAY = mode === 'slow-reconnect' ? 10000 : 500;

let opts = null;          // the connect command
let ws = null, state = 'initialized', socketId = null, closing = false, timer = null;
const held = new Map();   // channel -> subscribed (true) or pending (false)

function setState(next) {
  if (next === state) return;
  send({ type: 'state', previous: state, current: next, socket_id: socketId });
  state = next;
}
const frame = (event, data, channel) => ws && ws.readyState === WebSocket.OPEN &&
  ws.send(JSON.stringify(channel ? { event, channel, data } : { event, data }));

// POST the auth endpoint: resolves {status, body}.
function authorize(channel) {
  return new Promise((resolve, reject) => {
    const body = `socket_id=${encodeURIComponent(socketId)}&channel_name=${encodeURIComponent(channel)}`;
    const req = http.request(opts.options.auth_endpoint, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
    (res) => { let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => resolve({ status: res.statusCode, body: b })); });
    req.on('error', reject);
    req.end(body);
  });
}

async function sendSubscribe(channel) {
  if (!/^(private|presence)-/.test(channel)) return frame('pusher:subscribe', { channel });
  const a = await authorize(channel);
  if (a.status !== 200) {
    if (mode === 'sync-auth') throw new Error(`auth endpoint answered ${a.status} for ${channel}`);
    if (mode !== 'silent-auth') send({ type: 'subscription_error', channel, error: a.body, status: a.status });
    held.delete(channel);
    return null;
  }
  const j = JSON.parse(a.body);
  return frame('pusher:subscribe', Object.assign({ channel, auth: j.auth }, j.channel_data ? { channel_data: j.channel_data } : {}));
}

function onMessage(raw, binary) {
  if (binary) return;                        // not a Pusher frame: ignored
  let m;
  try { m = JSON.parse(raw.toString()); } catch (_) { ws.close(1007, 'not JSON'); return; }
  if (!m || typeof m !== 'object' || typeof m.event !== 'string') return;
  let data = m.data;
  if (typeof data === 'string') { try { data = JSON.parse(data); } catch (_) { /* a string stays one */ } }
  if (m.event === 'pusher:connection_established') {
    if (!data || typeof data.socket_id !== 'string') return;
    socketId = data.socket_id;
    setState('connected');
    for (const ch of held.keys()) sendSubscribe(ch).catch((e) => send({ type: 'subscription_error', channel: ch, error: String(e.message), status: null }));
  } else if (m.event === 'pusher:ping') {
    frame('pusher:pong', {});
  } else if (m.event === 'pusher_internal:subscription_succeeded') {
    if (typeof m.channel !== 'string' || !held.has(m.channel)) return;
    held.set(m.channel, true);
    send({ type: 'subscribed', channel: m.channel });   // keeps no member list: no members
  } else if (m.event === 'pusher:subscription_error') {
    if (typeof m.channel !== 'string' || !held.has(m.channel)) return;
    held.delete(m.channel);
    send({ type: 'subscription_error', channel: m.channel, error: JSON.stringify(data), status: (data && data.status) || null });
  } else if (!m.event.startsWith('pusher_internal:')) {
    const ch = typeof m.channel === 'string' ? m.channel : null;
    if (ch !== null && held.get(ch) !== true) return;    // not held, or refused
    send(Object.assign({ type: 'event', channel: ch, event: m.event }, data === undefined ? {} : { data }));
  }
}

function open() {
  timer = null;
  const url = `ws://${opts.ws_host}:${opts.ws_port}/app/${opts.key}?protocol=7&client=mini&version=0.1.0`;
  setState('connecting');
  ws = new WebSocket(url);
  const mine = ws;
  ws.on('message', onMessage);
  ws.on('error', (e) => send({ type: 'error', error: { message: e.message } }));
  ws.on('close', (code) => {
    if (mine !== ws || closing) return;
    setState('connecting');
    if (code >= 4000 && code < 4100) return setState('disconnected');
    timer = setTimeout(open, code >= 4200 && code < 4300 ? 0 : DELAY);
  });
}

const commands = {
  connect: (a) => {
    if (ws) { closing = true; ws.terminate(); }
    clearTimeout(timer);
    opts = a; closing = false; held.clear();
    open();
    return null;
  },
  subscribe: (a) => {
    held.set(a.channel, false);
    if (state !== 'connected') return null;
    const p = sendSubscribe(a.channel);
    if (mode === 'sync-auth') return p.then(() => null);
    p.catch((e) => send({ type: 'subscription_error', channel: a.channel, error: String(e.message), status: null }));
    return null;
  },
  unsubscribe: (a) => { held.delete(a.channel); frame('pusher:unsubscribe', { channel: a.channel }); return null; },
  state: () => ({ state, socket_id: socketId }),
  disconnect: () => { closing = true; clearTimeout(timer); if (ws) ws.close(1000); setState('disconnected'); return null; },
  trigger: () => { throw new Unsupported('mini-client has no client events'); },
};

const handle = makeHandler(commands, { send, setup: 'connect', ready: () => opts !== null,
  notReady: 'no client: send connect first' });
const hello = { sdk: 'mini-client (' + mode + ')', version: '0.1.0', kind: 'client', capabilities: ['connection_state'] };
if (process.argv.includes('--declare-delay')) hello.reconnect_delay_ms = DELAY;
serve('mini-client ' + mode, hello, handle, () => { closing = true; if (ws) ws.terminate(); });
