// Shared by the client-adapter tests: a tiny auth endpoint, soketi's liveness, and waits on an
// adapter's reports (connected, subscribed, an event reported exactly once).
'use strict';
const crypto = require('crypto');
const http = require('http');
const { check, sleep } = require('./lib');

const HOST = '127.0.0.1', PORT = 6001, KEY = 'key-main', SECRET = 'Dvgr28KfKzZCMtTqjg7d';
const MASTER = crypto.randomBytes(32);          // encryption master key shared by test + "server"

const hmac = (s, secret = SECRET) => crypto.createHmac('sha256', secret).update(s).digest('hex');

// Tiny auth endpoint. POST /auth?user=ID signs `socket_id:channel[:channel_data]` with Dvgr28KfKzZCMtTqjg7d;
// POST /user-auth?user=ID signs `socket_id::user::user_data` for app-users (key-users/xxLjr2Sd8mpwLfLFHGh9).
function startAuthServer() {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const form = Object.fromEntries(new URLSearchParams(body));
      seen.push({ method: req.method, path: url.pathname, type: req.headers['content-type'], form });
      const sid = form.socket_id, ch = form.channel_name, out = {};
      if (url.pathname === '/user-auth') {
        out.user_data = JSON.stringify({ id: url.searchParams.get('user') });
        out.auth = `key-users:${hmac(`${sid}::user::${out.user_data}`, 'xxLjr2Sd8mpwLfLFHGh9')}`;
      } else if (ch && ch.startsWith('presence-')) {
        out.channel_data = JSON.stringify({ user_id: url.searchParams.get('user'), user_info: { name: url.searchParams.get('user') } });
        out.auth = `${KEY}:${hmac(`${sid}:${ch}:${out.channel_data}`)}`;
      } else {
        out.auth = `${KEY}:${hmac(`${sid}:${ch}`)}`;
      }
      if (ch && ch.startsWith('private-encrypted-')) {
        out.shared_secret = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(ch), MASTER])).digest('base64');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, seen, url: `http://127.0.0.1:${server.address().port}/auth` })));
}

async function soketiUp() {
  return new Promise((r) => {
    http.get({ host: HOST, port: PORT, path: '/ready', timeout: 2000 }, (res) => {
      let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => r(b === 'OK'));
    }).on('error', () => r(false));
  });
}

const isEvent = (ch, ev) => (m) => m.type === 'event' && m.channel === ch && m.event === ev;

async function connected(a, user, key = KEY, options = {}) {
  await a.waitFor((m) => m.type === 'hello', 15000, 'hello'); // set-up is lenient: a busy machine starts slowly
  const auth = await module.exports.auth();
  const r = await a.cmd('connect', { key, ws_host: HOST, ws_port: PORT,
    options: Object.assign({ auth_endpoint: `${auth.url}?user=${user}`, user_auth_endpoint: `${auth.url.replace(/auth$/, 'user-auth')}?user=${user}` }, options) });
  check(`${a.label}: connect replies ok`, r.ok === true && r.result === null, r);
  const st = await a.waitFor((m) => m.type === 'state' && m.current === 'connected', 5000, 'connected');
  check(`${a.label}: reports state connected with a socket_id`, /^\d+\.\d+$/.test(st.socket_id), st);
  return st.socket_id;
}

async function subscribed(a, channel) {
  const r = await a.cmd('subscribe', { channel });
  check(`${a.label}: subscribe ${channel} replies ok`, r.ok === true, r);
  const s = await a.waitFor((m) => (m.type === 'subscribed' || m.type === 'subscription_error') && m.channel === channel, 5000, `subscribed ${channel}`);
  check(`${a.label}: reports subscribed ${channel}`, s.type === 'subscribed', s);
  return s;
}

// Wait for one event, then a little longer, and check it was reported exactly once (on any channel).
// expectData: the value expected, or a predicate on the reported data.
async function exactlyOnce(a, channel, event, expectData, what) {
  const m = await a.waitFor(isEvent(channel, event), 5000, `${event} on ${channel}`);
  await sleep(300);
  const n = a.reports((r) => r.type === 'event' && r.event === event).length;
  check(`${a.label}: ${what} reported once (got ${n})`, n === 1);
  const good = typeof expectData === 'function' ? expectData(m.data) : JSON.stringify(m.data) === JSON.stringify(expectData);
  check(`${a.label}: ${what} data decoded`, good, m.data);
  return m;
}


let authServer = null;
const auth = () => (authServer = authServer || startAuthServer());
module.exports = { HOST, PORT, KEY, SECRET, MASTER, hmac, auth, soketiUp, isEvent, connected, subscribed, exactlyOnce };
