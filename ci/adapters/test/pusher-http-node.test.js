// Tests an HTTP-SDK adapter (default ci/adapters/pusher-http-node.js; also run for pusher-http-edge.js)
// against the real soketi on 127.0.0.1:6001 (app-main); signatures are recomputed here with node
// crypto, independently of the SDK.
//   node ci/adapters/test/pusher-http-node.test.js [ADAPTER.js SDK-PACKAGE]   (ADAPTER_TEST_VERBOSE=1 shows adapter lines)
'use strict';
const crypto = require('crypto');
const http = require('http');
const path = require('path');
const { Adapter, check, run, sleep, peers } = require('./lib');
const PusherClient = require(path.join(peers, 'pusher-js'));

const ADAPTER = path.resolve(process.argv[2] || path.join(__dirname, '..', 'pusher-http-node.js'));
const PACKAGE = process.argv[3] || 'pusher';                         // the SDK's npm package
const SDK = PACKAGE === 'pusher' ? 'pusher-http-node' : PACKAGE;     // its name in the hello
const SDK_VERSION = require(path.join(peers, PACKAGE, 'package.json')).version;
const HOST = '127.0.0.1', PORT = 6001, KEY = 'key-main', SECRET = 'Dvgr28KfKzZCMtTqjg7d';
const MASTER = crypto.randomBytes(32);
const tag = `${process.pid}-${Date.now().toString(36)}`;
const SID = '1234.5678';

const hmac = (s) => crypto.createHmac('sha256', SECRET).update(s).digest('hex');
const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);

// A pusher-js client subscribed to `channel`, to see that a trigger was delivered.
function listener(channel) {
  const got = [];
  const client = new PusherClient(KEY, { wsHost: HOST, wsPort: PORT, forceTLS: false, enabledTransports: ['ws'], enableStats: false, cluster: 'mt1' });
  const ready = new Promise((resolve, reject) => {
    const ch = client.subscribe(channel);
    ch.bind('pusher:subscription_succeeded', resolve);
    ch.bind_global((event, data) => got.push({ event, data }));
    setTimeout(() => reject(new Error('listener did not subscribe')), 5000);
  });
  return { client, got, ready };
}

run(async () => {
  const a = new Adapter(ADAPTER, 'H');
  const pub = `pub-${tag}`;
  const l = listener(pub);
  try {
    const hello = await a.waitFor(() => true, 15000, 'hello');
    check(`first line is hello (${SDK} ${SDK_VERSION}, kind http)`, hello.type === 'hello' && hello.sdk === SDK && hello.version === SDK_VERSION && hello.kind === 'http', hello);
    // the list itself is checked against harness/lua/capabilities.lua by ci/check-capabilities.py
    check('hello declares the http capabilities of lib/http-sdk.js (PROTOCOL.md 2.1)', JSON.stringify(hello.capabilities) ===
      JSON.stringify(require('../lib/http-sdk').CAPABILITIES), hello.capabilities);
    a.raw('{"id": 1, "cmd": ');
    const bad = await a.waitFor((m) => m.re === null, 2000, 'reply to garbage');
    check('garbage line -> {"re":null,"ok":false,"error":...}', bad.ok === false && typeof bad.error === 'string', bad);
    const unk = await a.cmd('frobnicate');
    check('unknown command -> ok:false', unk.ok === false && /unknown command/.test(unk.error), unk);
    const early = await a.cmd('trigger', { channels: [pub], event: 'e', data: {} });
    check('command before configure -> ok:false', early.ok === false, early);

    const cf = await a.cmd('configure', { app_id: 'app-main', key: KEY, secret: SECRET, host: HOST, port: PORT, use_tls: false, encryption_master_key_base64: MASTER.toString('base64') });
    check('configure -> ok', cf.ok === true, cf);

    // trigger / trigger_batch against soketi, checked on a real subscriber.
    await l.ready;
    const tr = await a.cmd('trigger', { channels: [pub], event: 'hello', data: { n: 1 } });
    check('trigger -> ok, result {status:200, body}', tr.ok && tr.result.status === 200 && same(JSON.parse(tr.result.body), { ok: true }), tr);
    const tb = await a.cmd('trigger_batch', { batch: [{ channel: pub, name: 'b1', data: 'one' }, { channel: pub, name: 'b2', data: { two: 2 } }] });
    check('trigger_batch -> ok 200', tb.ok && tb.result.status === 200, tb);
    await sleep(300);
    const seen = l.got.filter((g) => !g.event.startsWith('pusher:'));
    check('subscriber got hello, b1, b2 with their data', same(seen, [{ event: 'hello', data: { n: 1 } }, { event: 'b1', data: 'one' }, { event: 'b2', data: { two: 2 } }]), seen);
    const info = await a.cmd('channel', { name: pub, info: 'subscription_count' });
    check('channel -> {status:200, body} shows it occupied', info.ok && info.result.status === 200 && JSON.parse(info.result.body).occupied === true, info);
    const list = await a.cmd('channels', { prefix: `pub-${tag}` });
    check('channels prefix -> lists the channel', list.ok && pub in JSON.parse(list.result.body).channels, list);

    // SDK-side validation and HTTP errors.
    const inv = await a.cmd('trigger', { channels: ['bad channel'], event: 'e', data: {} });
    check('trigger to an invalid channel name -> ok:false with the SDK message', inv.ok === false && /Invalid channel name/.test(inv.error), inv);
    const nf = await a.cmd('get', { path: '/no-such-thing', params: {} });
    check('HTTP 404 -> ok:false with status and body', nf.ok === false && nf.status === 404 && nf.body === '', nf);

    // Channel authorization, recomputed independently.
    const priv = `private-${tag}`;
    const ap = await a.cmd('authorize_channel', { socket_id: SID, channel: priv });
    check('authorize_channel private = key:HMAC(sid:channel)', ap.ok && same(ap.result, { auth: `${KEY}:${hmac(`${SID}:${priv}`)}` }), ap);
    const pres = `presence-${tag}`, pd = { user_id: 'u1', user_info: { name: 'One' } };
    const cd = JSON.stringify(pd);
    const apr = await a.cmd('authorize_channel', { socket_id: SID, channel: pres, presence_data: pd });
    check('authorize_channel presence = {auth: key:HMAC(sid:channel:channel_data), channel_data}',
      apr.ok && apr.result.channel_data === cd && apr.result.auth === `${KEY}:${hmac(`${SID}:${pres}:${cd}`)}`, apr);
    const enc = `private-encrypted-${tag}`;
    const ae = await a.cmd('authorize_channel', { socket_id: SID, channel: enc });
    const ss = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(enc), MASTER])).digest('base64');
    check('authorize_channel encrypted adds shared_secret = b64(sha256(channel + master key))',
      ae.ok && ae.result.shared_secret === ss && ae.result.auth === `${KEY}:${hmac(`${SID}:${enc}`)}`, ae);
    const badSid = await a.cmd('authorize_channel', { socket_id: 'nope', channel: priv });
    check('authorize_channel with a bad socket_id -> ok:false', badSid.ok === false && /socket id/i.test(badSid.error), badSid);
    const ud = { id: 'alice', user_info: { n: 1 } };
    const au = await a.cmd('authenticate_user', { socket_id: SID, user_data: ud });
    check('authenticate_user = {auth: key:HMAC(sid::user::user_data), user_data}',
      au.ok && au.result.user_data === JSON.stringify(ud) && au.result.auth === `${KEY}:${hmac(`${SID}::user::${JSON.stringify(ud)}`)}`, au);

    // Webhooks.
    const body = JSON.stringify({ time_ms: 1700000000000, events: [{ name: 'channel_occupied', channel: pub }] });
    const headers = { 'X-Pusher-Key': KEY, 'X-Pusher-Signature': hmac(body), 'Content-Type': 'application/json' };
    const v1 = await a.cmd('validate_webhook', { headers, body });
    check('validate_webhook signed body -> true', v1.ok && v1.result === true, v1);
    const v2 = await a.cmd('validate_webhook', { headers, body: body.replace('occupied', 'vacated') });
    check('validate_webhook tampered body -> false', v2.ok && v2.result === false, v2);
    const v3 = await a.cmd('validate_webhook', { headers: Object.assign({}, headers, { 'X-Pusher-Key': 'key-other' }), body });
    check('validate_webhook other key -> false', v3.ok && v3.result === false, v3);

    const nj = await a.cmd('validate_webhook', { headers: Object.assign({}, headers, { 'X-Pusher-Signature': hmac('not json') }), body: 'not json' });
    check('validate_webhook signed body that is not JSON -> rejected (false or ok:false), never true (PROTOCOL.md 13, answer 2)',
      (nj.ok && nj.result === false) || nj.ok === false, nj);

    // PROTOCOL.md section 13 against a local server that records what the SDK sent: answers 1, 3, 4, 11.
    const got = [];
    const srv = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: Buffer.concat(chunks).toString() });
        if (req.url.includes('/bytes')) { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(Buffer.from([0xff, 0xfe, 0x6f, 0x6b])); }
        else { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); }
      });
    });
    await new Promise((r) => srv.listen(0, HOST, r));
    try {
      await a.cmd('configure', { app_id: '12345', key: KEY, secret: SECRET, host: HOST, port: srv.address().port, use_tls: false });
      const by = await a.cmd('get', { path: '/bytes' });
      check('answer 1: a body that is not UTF-8 comes back as text, invalid bytes as U+FFFD', by.ok && by.result.body === '\ufffd\ufffdok', by);
      await a.cmd('channels', { info: ['user_count', 'subscription_count'] });
      await a.cmd('channel', { name: pub, info: 'user_count,subscription_count' });
      const infos = got.slice(-2).map((g) => new URL(g.url, 'http://x').searchParams.get('info'));
      check('answer 3: info as a list and as a string both reach the query as info=a,b',
        infos.every((i) => i === 'user_count,subscription_count'), got.slice(-2));
      const po = await a.cmd('post', { path: '/events', params: { x: 'y' }, body: { name: 'e', channels: [pub], data: '{}' } });
      const last = got[got.length - 1];
      check('answer 4: post sends body as JSON to /apps/ID/PATH with params in the query',
        po.ok && last.method === 'POST' && last.url.startsWith('/apps/12345/events?') && /[?&]x=y(&|$)/.test(last.url) &&
        /json/.test(last.type) && same(JSON.parse(last.body), { name: 'e', channels: [pub], data: '{}' }), [po, last]);
    } finally { srv.close(); }
    await a.cmd('configure', { app_id: '12345', key: KEY, secret: SECRET, host: HOST, port: 1, use_tls: false, timeout_ms: 3000 });
    const dead = await a.cmd('trigger', { channels: [pub], event: 'e', data: {} }, 8000);
    check('answer 11: no response -> ok:false with a string cause, no status', dead.ok === false && typeof dead.cause === 'string' &&
      dead.cause !== '' && dead.status === undefined, dead);

    const ms = await a.closeStdin();
    check(`exits within 1 s of stdin closing (${ms} ms)`, ms !== null && ms < 1000);
    check('stdout carried only JSON objects', a.badLines.length === 0, a.badLines);
  } finally {
    a.kill(); l.client.disconnect();
  }
});
