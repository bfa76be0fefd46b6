#!/usr/bin/env node
// A loopback proxy in front of soketi that breaks one protocol rule, chosen by a mutant name
// (ci/mutants/mutants.js). It forwards WebSocket frames both ways and the HTTP API, and stands
// between soketi and pushspec's webhook receiver. With the mutant "none" it changes nothing:
// run.sh compares every mutant against that.
//   node ci/mutants/proxy.js MUTANT      (ports: PROXY_PORT 7001, soketi 6001,
//                                         webhooks in 6002 -> out 6003)
//   node ci/mutants/proxy.js --list      (names and rules, one a line)
'use strict';
const http = require('http');
const path = require('path');
const crypto = require('crypto');
const fs = require('fs');
const WebSocket = require(path.join(__dirname, '../peers/node_modules/ws'));
// PROXY_MUTANTS: another set of mutants (ci/mutants/cluster.sh: ./cluster-mutants)
const mutants = require(process.env.PROXY_MUTANTS || './mutants');

const HOST = '127.0.0.1';
const PORT = Number(process.env.PROXY_PORT || 7001);
const UPSTREAM = Number(process.env.SOKETI_PORT || 6001);
const HOOK_IN = Number(process.env.HOOK_IN_PORT || 6002);
const HOOK_OUT = Number(process.env.HOOK_OUT_PORT || 6003);

function die(msg) { process.stderr.write('proxy.js: ' + msg + '\n'); process.exit(2); }

const arg = process.argv[2];
if (!arg || arg === '--help' || arg === '-h') {
  process.stdout.write('usage: node ci/mutants/proxy.js MUTANT | --list\n' +
    'A proxy in front of soketi (ws+http on 127.0.0.1:' + PORT + ', webhooks ' + HOOK_IN + ' -> ' + HOOK_OUT +
    ') breaking the rule MUTANT names; "none" breaks nothing.\n');
  process.exit(arg ? 0 : 2);
}
if (arg === '--list') {
  for (const [name, m] of Object.entries(mutants)) if (name !== 'none') process.stdout.write(name + '\t' + m.rules + '\t' + m.about + '\n');
  process.exit(0);
}
const mutant = mutants[arg];
if (!mutant) die('unknown mutant "' + arg + '" (node ci/mutants/proxy.js --list shows them)');

// The apps of ci/soketi.json: mutants that re-sign something need the secrets.
const config = JSON.parse(fs.readFileSync(path.join(__dirname, '../soketi.json'), 'utf8'));
const apps = config['appManager.array.apps'];
const hmac = (secret, text) => crypto.createHmac('sha256', secret).update(text).digest('hex');
const md5 = (text) => crypto.createHash('md5').update(text).digest('hex');

// What every mutant hook gets besides the message: the proxy's state and a few helpers.
const conns = new Set();
const tools = {
  apps, conns, hmac, md5,
  appByKey: (key) => apps.find((a) => a.key === key),
  appById: (id) => apps.find((a) => a.id === id),
  payload(m) { try { return typeof m.data === 'string' ? JSON.parse(m.data) : m.data; } catch (e) { return undefined; } },
  // HTTP API signature of METHOD PATH with query object q (auth_signature left out) and body.
  signQuery(method, pathname, q, body, secret) {
    const out = Object.assign({}, q);
    delete out.auth_signature;
    if (body && body.length) out.body_md5 = md5(body);
    const text = Object.keys(out).sort().map((k) => k.toLowerCase() + '=' + out[k]).join('&');
    out.auth_signature = hmac(secret, method + '\n' + pathname + '\n' + text);
    return out;
  },
};

// One client connection and its upstream twin. Messages pass through mutant.down / mutant.up:
// a hook returns undefined (forward unchanged), null (drop), an object or string (send that
// instead) or an array of them.
class Conn {
  constructor(down, up, req) {
    this.down = down; this.up = up; this.req = req;
    this.url = new URL(req.url, 'http://x');
    this.key = (this.url.pathname.match(/^\/app\/([^/]+)/) || [])[1];
    this.app = tools.appByKey(this.key);
    this.socketId = null;
    this.subs = new Set();
    this.state = {};
  }
  toClient(x) { send(this.down, x); }
  toServer(x) { send(this.up, x); }
  close(code, reason) { closeWith(this.down, code, reason); }
}

function send(ws, x) {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (x && x.binary !== undefined) ws.send(x.binary, { binary: true });
  else ws.send(typeof x === 'string' ? x : JSON.stringify(x));
}

function closeWith(ws, code, reason) {
  if (ws.readyState === WebSocket.CLOSED) return;
  if (code === undefined || code === 1005) ws.close();
  else if (code === 1006 || !((code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999))) ws.terminate();
  else ws.close(code, reason);
}

// Runs hook(m, conn, tools) on one message and forwards what it says to ws.
function relay(hook, conn, data, ws, toward) {
  const binary = typeof data !== 'string';
  let m = null;
  if (!binary) { try { m = JSON.parse(data); } catch (e) { m = null; } }
  if (toward === 'down' && m && m.event === 'pusher:connection_established') {
    const p = tools.payload(m);
    conn.socketId = p && p.socket_id;
  }
  if (m && m.event === 'pusher_internal:subscription_succeeded' && toward === 'down') conn.subs.add(m.channel);
  if (m && m.event === 'pusher:unsubscribe' && toward === 'up' && m.data) conn.subs.delete(m.data.channel);
  let out;
  if (hook && m && typeof m === 'object' && !Array.isArray(m)) out = hook(m, conn, tools);
  if (out === undefined) return send(ws, binary ? { binary: data } : data);
  for (const x of Array.isArray(out) ? out : [out]) if (x !== null) send(ws, x);
}

const wss = new WebSocket.Server({ noServer: true, perMessageDeflate: false, clientTracking: false });

function onUpgrade(req, socket, head) {
  let target = req.url;
  if (mutant.upgrade) {
    const r = mutant.upgrade(req.url, tools);
    if (r && r.status) { socket.end('HTTP/1.1 ' + r.status + ' Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'); return; }
    if (typeof r === 'string') target = r;
  }
  const headers = {};
  for (const h of ['origin', 'user-agent']) if (req.headers[h]) headers[h] = req.headers[h];
  const up = new WebSocket('ws://' + HOST + ':' + UPSTREAM + target, { headers, perMessageDeflate: false });
  const early = [];
  let conn = null;
  up.on('message', (d) => { if (conn) relay(mutant.down, conn, d, conn.down, 'down'); else early.push(d); });
  up.on('unexpected-response', (_r, res) => {
    socket.end('HTTP/1.1 ' + res.statusCode + ' ' + (res.statusMessage || '') + '\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  up.on('error', () => { if (!conn) socket.destroy(); });
  up.on('open', () => {
    wss.handleUpgrade(req, socket, head, (down) => {
      conn = new Conn(down, up, req);
      conns.add(conn);
      if (mutant.pong === false) down.pong = () => {};
      for (const d of early.splice(0)) relay(mutant.down, conn, d, down, 'down');
      down.on('message', (d) => relay(mutant.up, conn, d, up, 'up'));
      down.on('close', (code, reason) => { conns.delete(conn); closeWith(up, code, reason); });
      down.on('error', () => {});
    });
  });
  up.on('close', (code, reason) => {
    if (!conn) { socket.destroy(); return; }
    let out = [code, reason];
    if (mutant.closed) out = mutant.closed(code, reason, conn, tools);
    if (out) closeWith(conn.down, out[0], out[1]);
  });
  socket.on('error', () => {});
}

function readBody(stream, cb) {
  const parts = [];
  stream.on('data', (c) => parts.push(c));
  stream.on('end', () => cb(Buffer.concat(parts).toString('utf8')));
}

function answer(res, r) {
  const headers = Object.assign({}, r.headers || { 'content-type': 'application/json' });
  delete headers['content-length']; delete headers['transfer-encoding']; delete headers.connection;
  headers['content-length'] = Buffer.byteLength(r.body);
  res.writeHead(r.status, headers);
  res.end(r.body);
}

// Headers for forwarding a (possibly changed) body on a new connection of its own: a reused
// keep-alive socket that soketi has meanwhile closed makes a spurious "socket hang up".
function fresh(headers, body) {
  for (const h of ['content-length', 'transfer-encoding', 'connection', 'keep-alive']) delete headers[h];
  headers['content-length'] = Buffer.byteLength(body);
  headers.connection = 'close';
}

// The HTTP API: mutant.request may change {method, url, headers, body} or answer itself
// (return {status, body}); mutant.response may change {status, headers, body}.
function onRequest(req, res) {
  readBody(req, (body) => {
    const r = { method: req.method, url: req.url, headers: Object.assign({}, req.headers), body };
    const direct = mutant.request ? mutant.request(r, tools) : undefined;
    if (direct) return answer(res, direct);
    fresh(r.headers, r.body);
    const fwd = http.request({ host: HOST, port: UPSTREAM, method: r.method, path: r.url, headers: r.headers, agent: false }, (ur) => {
      readBody(ur, (ubody) => {
        let out = { status: ur.statusCode, headers: Object.assign({}, ur.headers), body: ubody };
        if (mutant.response) out = mutant.response(r, out, tools) || out;
        answer(res, out);
      });
    });
    fwd.on('error', (e) => answer(res, { status: 502, body: 'proxy: soketi did not answer: ' + e.message }));
    fwd.end(r.body);
  });
}

// Webhooks soketi sends: mutant.webhook may change {url, headers, body} (or return null: not sent).
function onWebhook(req, res) {
  readBody(req, (body) => {
    let h = { url: req.url, headers: Object.assign({}, req.headers), body };
    if (mutant.webhook) h = mutant.webhook(h, tools);
    if (h === null) return answer(res, { status: 200, body: '{}' });
    fresh(h.headers, h.body);
    const fwd = http.request({ host: HOST, port: HOOK_OUT, method: 'POST', path: h.url, headers: h.headers, agent: false }, (ur) => {
      readBody(ur, (ubody) => answer(res, { status: ur.statusCode, headers: ur.headers, body: ubody }));
    });
    fwd.on('error', () => answer(res, { status: 502, body: 'no webhook receiver on ' + HOOK_OUT }));
    fwd.end(h.body);
  });
}

const server = http.createServer(onRequest);
server.on('upgrade', onUpgrade);
server.on('error', (e) => die('cannot listen on ' + HOST + ':' + PORT + ': ' + e.message));
const hooks = http.createServer(onWebhook);
hooks.on('error', (e) => die('cannot listen for webhooks on ' + HOST + ':' + HOOK_IN + ': ' + e.message));
server.listen(PORT, HOST, () => hooks.listen(HOOK_IN, HOST, () => process.stdout.write('proxy.js: ' + arg + ' on ' + HOST + ':' + PORT + '\n')));
process.on('SIGTERM', () => process.exit(0));
