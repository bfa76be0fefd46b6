// Tests ci/adapters/pusher-js.js against the real soketi on 127.0.0.1:6001 (app-main).
//   node ci/adapters/test/pusher-js.test.js      (ADAPTER_TEST_VERBOSE=1 shows every adapter line)
// Needs: bash ci/install-peers.sh; bash ci/soketi.sh start.
'use strict';
const crypto = require('crypto');
const http = require('http');
const path = require('path');
const { Adapter, check, run, sleep, peers } = require('./lib');
const PusherHttp = require(path.join(peers, 'pusher'));

const ADAPTER = path.join(__dirname, '..', 'pusher-js.js');
const HOST = '127.0.0.1', PORT = 6001, KEY = 'key-main', SECRET = 'secret-main';
const MASTER = crypto.randomBytes(32);          // encryption master key shared by test + "server"
const tag = `${process.pid}-${Date.now().toString(36)}`; // unique names: soketi may be shared
const PUB = `pub-${tag}`, PRIV = `private-${tag}`, PRES = `presence-${tag}`, ENC = `private-encrypted-${tag}`;

const hmac = (s, secret = SECRET) => crypto.createHmac('sha256', secret).update(s).digest('hex');

// Tiny auth endpoint. POST /auth?user=ID signs `socket_id:channel[:channel_data]` with secret-main;
// POST /user-auth?user=ID signs `socket_id::user::user_data` for app-users (key-users/secret-users).
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
        out.auth = `key-users:${hmac(`${sid}::user::${out.user_data}`, 'secret-users')}`;
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
  const auth = await authServer;
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

const authServer = startAuthServer();

run(async () => {
  if (!check('soketi answers on 127.0.0.1:6001 (bash ci/soketi.sh start)', await soketiUp())) return;
  const auth = await authServer;
  const api = new PusherHttp({ appId: 'app-main', key: KEY, secret: SECRET, host: HOST, port: PORT, useTLS: false, encryptionMasterKeyBase64: MASTER.toString('base64') });
  const a = new Adapter(ADAPTER, 'A'), b = new Adapter(ADAPTER, 'B');
  try {
    // Start-up and bad input.
    const hello = await a.waitFor(() => true, 5000, 'hello');
    check('first line is hello', hello.type === 'hello' && hello.sdk === 'pusher-js' && hello.version === '8.6.0' && hello.kind === 'client', hello);
    a.raw('this is not json {');
    const bad = await a.waitFor((m) => m.re === null, 2000, 'reply to garbage');
    check('garbage line -> {"re":null,"ok":false,"error":...}', bad.ok === false && typeof bad.error === 'string', bad);
    const unk = await a.cmd('frobnicate', {});
    check('unknown command -> ok:false with an error', unk.ok === false && /unknown command/.test(unk.error), unk);
    const early = await a.cmd('subscribe', { channel: PUB });
    check('command before connect -> ok:false', early.ok === false, early);

    // Connect; public + private subscriptions (private uses the ajax auth transport).
    const sidA = await connected(a, 'ua');
    check('A: first state report is initialized -> connecting', a.reports((m) => m.type === 'state')[0].previous === 'initialized');
    await subscribed(a, PUB);
    await subscribed(a, PRIV);
    const authReq = auth.seen.find((s) => s.form.channel_name === PRIV);
    check('ajax auth transport POSTed socket_id + channel_name form to the endpoint',
      authReq && authReq.method === 'POST' && authReq.form.socket_id === sidA && /x-www-form-urlencoded/.test(authReq.type), authReq);

    // Server events through soketi's HTTP API: object data, string data, private channel.
    await api.trigger(PUB, 'greet', { hello: 'world', n: 1 });
    await exactlyOnce(a, PUB, 'greet', { hello: 'world', n: 1 }, 'server event (object data)');
    await api.trigger(PUB, 'note', 'plain text');
    await exactlyOnce(a, PUB, 'note', 'plain text', 'server event (string data stays a string)');
    await api.trigger(PRIV, 'secret-news', { x: [1, 2] });
    await exactlyOnce(a, PRIV, 'secret-news', { x: [1, 2] }, 'server event on private channel');

    // Client event from a second adapter instance on the private channel.
    await connected(b, 'ub', KEY, { activity_timeout_ms: 800 });
    await subscribed(b, PRIV);
    const tr = await b.cmd('trigger', { channel: PRIV, event: 'client-typing', data: { who: 'B' } });
    check('B: trigger replies ok with the SDK return value (true)', tr.ok === true && tr.result === true, tr);
    await exactlyOnce(a, PRIV, 'client-typing', { who: 'B' }, 'client event from B');
    check('B: does not get its own client event', b.reports(isEvent(PRIV, 'client-typing')).length === 0);
    const badTr = await b.cmd('trigger', { channel: PRIV, event: 'typing', data: {} });
    check('trigger without client- prefix -> ok:false (SDK throws)', badTr.ok === false && /client-/.test(badTr.error), badTr);

    // Presence: members summary, member_added with the SDK's member object.
    const sa = await subscribed(a, PRES);
    check('A: presence subscribed report has members {count, ids, me}',
      sa.members && sa.members.count === 1 && sa.members.ids.join() === 'ua' && sa.members.me.id === 'ua', sa.members);
    await subscribed(b, PRES);
    await exactlyOnce(a, PRES, 'pusher:member_added', { id: 'ub', info: { name: 'ub' } }, 'pusher:member_added');
    const mem = await a.cmd('members', { channel: PRES });
    check('A: members command -> {count:2, ids, me}', mem.ok && mem.result.count === 2 && mem.result.ids.sort().join() === 'ua,ub' && mem.result.me.id === 'ua', mem);
    const ce = await b.cmd('trigger', { channel: PRES, event: 'client-hi', data: 'hi' });
    const hi = await a.waitFor(isEvent(PRES, 'client-hi'), 5000, 'client-hi');
    check('A: presence client event carries user_id', ce.ok && hi.user_id === 'ub' && hi.data === 'hi', hi);

    // Encrypted channel: decrypted delivery, then an event encrypted with another key.
    await subscribed(a, ENC);
    await api.trigger(ENC, 'enc-ok', { s: 'decrypted' });
    await exactlyOnce(a, ENC, 'enc-ok', { s: 'decrypted' }, 'encrypted event');
    const other = new PusherHttp({ appId: 'app-main', key: KEY, secret: SECRET, host: HOST, port: PORT, useTLS: false, encryptionMasterKeyBase64: crypto.randomBytes(32).toString('base64') });
    await other.trigger(ENC, 'enc-bad', { s: 'wrong key' });
    const de = await a.waitFor((m) => m.type === 'decryption_error' && m.dropped === true, 5000, 'decryption_error dropped');
    check('A: undecryptable event -> decryption_error (dropped) on the channel', de.channel === ENC && /Dropping/.test(de.detail), de);
    check('A: ... after a first, retrying decryption_error', a.reports((m) => m.type === 'decryption_error' && m.dropped === false && m.channel === ENC).length === 1);
    check('A: undecryptable event not reported as an event', a.reports(isEvent(ENC, 'enc-bad')).length === 0);

    // activity_timeout_ms reached the SDK: B pinged after 0.8 s idle; the pong (no channel) is reported.
    const pong = await b.waitFor(isEvent(null, 'pusher:pong'), 3000, 'pusher:pong');
    check('B: activity_timeout_ms 800 -> pusher:pong reported with channel null', pong.channel === null, pong);

    // Sign-in (ajax user-auth transport) on app-users, then an event sent to that user.
    const c = new Adapter(ADAPTER, 'C');
    try {
      await connected(c, 'uc', 'key-users');
      const si = await c.cmd('signin', {});
      await exactlyOnce(c, null, 'pusher:signin_success', (d) => d.user_data === '{"id":"uc"}', 'pusher:signin_success').catch((e) => check('C: signin_success', false, e.message));
      check('C: signin replies ok; user-auth endpoint got a POST', si.ok && auth.seen.some((x) => x.path === '/user-auth' && x.method === 'POST'), si);
      const users = new PusherHttp({ appId: 'app-users', key: 'key-users', secret: 'secret-users', host: HOST, port: PORT, useTLS: false });
      await sleep(200); // let the SDK subscribe #server-to-user-uc
      await users.sendToUser('uc', 'for-you', { to: 'uc' });
      await exactlyOnce(c, '#server-to-user-uc', 'for-you', { to: 'uc' }, 'event sent to the signed-in user');
      check('C: closes cleanly', (await c.closeStdin()) !== null && c.badLines.length === 0);
    } finally { c.kill(); }

    // Disconnect, then close stdin: exit within 1 s.
    const dc = await a.cmd('disconnect', {});
    check('A: disconnect replies ok', dc.ok === true, dc);
    await a.waitFor((m) => m.type === 'state' && m.current === 'disconnected', 3000, 'disconnected');
    check('A: reports state disconnected', true);
    const ms = await a.closeStdin();
    check(`A: exits within 1 s of stdin closing (${ms} ms)`, ms !== null && ms < 1000);
    const msB = await b.closeStdin();
    check(`B: exits within 1 s of stdin closing while connected (${msB} ms)`, msB !== null && msB < 1000);
    check('stdout carried only JSON objects', a.badLines.length === 0 && b.badLines.length === 0, a.badLines.concat(b.badLines));
  } finally {
    a.kill(); b.kill(); auth.server.close();
  }
});
