// Tests a pusher-js adapter (default ci/adapters/pusher-js.js; also run for pusher-js-browser.js)
// against the real soketi on 127.0.0.1:6001 (app-main).
//   node ci/adapters/test/pusher-js.test.js [ADAPTER.js]   (ADAPTER_TEST_VERBOSE=1 shows every adapter line)
// Needs: bash ci/install-peers.sh; bash ci/soketi.sh start.
'use strict';
const crypto = require('crypto');
const path = require('path');
const { Adapter, check, run, sleep, peers } = require('./lib');
const PusherHttp = require(path.join(peers, 'pusher'));

const ADAPTER = path.resolve(process.argv[2] || path.join(__dirname, '..', 'pusher-js.js'));
const { HOST, PORT, KEY, SECRET, MASTER, auth, soketiUp, isEvent, connected, subscribed, exactlyOnce } = require('./client');
const tag = `${process.pid}-${Date.now().toString(36)}`; // unique names: soketi may be shared
const PUB = `pub-${tag}`, PRIV = `private-${tag}`, PRES = `presence-${tag}`, ENC = `private-encrypted-${tag}`;

const authServer = auth();

run(async () => {
  if (!check('soketi answers on 127.0.0.1:6001 (bash ci/soketi.sh start)', await soketiUp())) return;
  const auth = await authServer;
  const api = new PusherHttp({ appId: 'app-main', key: KEY, secret: SECRET, host: HOST, port: PORT, useTLS: false, encryptionMasterKeyBase64: MASTER.toString('base64') });
  const a = new Adapter(ADAPTER, 'A'), b = new Adapter(ADAPTER, 'B');
  try {
    // Start-up and bad input.
    const hello = await a.waitFor(() => true, 15000, 'hello');
    check('first line is hello', hello.type === 'hello' && /^pusher-js( \(browser\))?$/.test(hello.sdk) && hello.version === '8.6.0' && hello.kind === 'client', hello);
    // the list itself is checked against harness/lua/capabilities.lua by ci/check-capabilities.py
    check('hello declares the client capabilities of lib/pusher-js-client.js (PROTOCOL.md 2.1)', JSON.stringify(hello.capabilities) ===
      JSON.stringify(require('../lib/pusher-js-client').CAPABILITIES), hello.capabilities);
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
    // PROTOCOL.md 13, answer 6: a call the SDK silently ignores is ok, null
    const noop = await a.cmd('unsubscribe', { channel: 'never-subscribed' });
    check('unsubscribe of a channel never subscribed (pusher-js does nothing) -> ok, null', noop.ok === true && noop.result === null, noop);
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
      const users = new PusherHttp({ appId: 'app-users', key: 'key-users', secret: 'xxLjr2Sd8mpwLfLFHGh9', host: HOST, port: PORT, useTLS: false });
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
