// Tests ci/adapters/laravel-echo.js against the real soketi on 127.0.0.1:6001 (app-main): commands
// mapped onto Echo's API, events reported once, and the commands Echo cannot express answered
// {"ok":false,"unsupported":true}.
//   node ci/adapters/test/laravel-echo.test.js      (ADAPTER_TEST_VERBOSE=1 shows every adapter line)
'use strict';
const path = require('path');
const { Adapter, check, run, peers } = require('./lib');
const { HOST, PORT, KEY, SECRET, auth, soketiUp, isEvent, connected, subscribed, exactlyOnce } = require('./client');
const PusherHttp = require(path.join(peers, 'pusher'));

const ADAPTER = path.join(__dirname, '..', 'laravel-echo.js');
const tag = `${process.pid}-${Date.now().toString(36)}`;
const PUB = `pub-${tag}`, PRIV = `private-${tag}`, PRES = `presence-${tag}`;

run(async () => {
  if (!check('soketi answers on 127.0.0.1:6001 (bash ci/soketi.sh start)', await soketiUp())) return;
  const api = new PusherHttp({ appId: 'app-main', key: KEY, secret: SECRET, host: HOST, port: PORT, useTLS: false });
  const a = new Adapter(ADAPTER, 'A'), b = new Adapter(ADAPTER, 'B');
  try {
    const hello = await a.waitFor(() => true, 15000, 'hello');
    const want = require(path.join(peers, 'laravel-echo', 'package.json')).version;
    check('first line is hello (laravel-echo, kind client, over pusher-js)',
      hello.type === 'hello' && hello.sdk === 'laravel-echo' && hello.version === want && hello.kind === 'client' && /^pusher-js /.test(hello.over), hello);
    const caps = ['client_events', 'user_signin', 'encrypted_channels', 'cache_channels', 'connection_state'];
    check('hello declares what Echo has, not presence_members (members is unsupported) nor reconnect',
      JSON.stringify(hello.capabilities) === JSON.stringify(caps), hello.capabilities);
    const early = await a.cmd('subscribe', { channel: PUB });
    check('command before connect -> ok:false', early.ok === false && !early.unsupported, early);

    await connected(a, 'ua');
    const rc = await a.cmd('reconnect');
    check('reconnect -> unsupported (Echo has no connect call; PROTOCOL.md 13, answer 5)', rc.ok === false && rc.unsupported === true, rc);
    await subscribed(a, PUB);
    await subscribed(a, PRIV);   // Echo.private(name without the prefix)
    check('Echo.private() asked the auth endpoint for the private- channel',
      (await auth()).seen.some((s) => s.form.channel_name === PRIV));
    await api.trigger(PUB, 'greet', { hello: 'world' });
    await exactlyOnce(a, PUB, 'greet', { hello: 'world' }, 'server event through Echo.channel()');

    await connected(b, 'ub');
    await subscribed(b, PRIV);
    const wh = await b.cmd('trigger', { channel: PRIV, event: 'client-typing', data: { who: 'B' } });
    check('trigger client-typing -> whisper("typing"), result null (whisper returns the channel)', wh.ok === true && wh.result === null, wh);
    await exactlyOnce(a, PRIV, 'client-typing', { who: 'B' }, 'whisper from B');
    const np = await b.cmd('trigger', { channel: PRIV, event: 'typing', data: {} });
    check('trigger without client- prefix -> unsupported (whisper adds the prefix)', np.ok === false && np.unsupported === true, np);
    const onPub = await a.cmd('trigger', { channel: PUB, event: 'client-x', data: {} });
    check('trigger on a public channel -> unsupported (no whisper there)', onPub.ok === false && onPub.unsupported === true, onPub);
    const notHeld = await a.cmd('trigger', { channel: 'private-nope', event: 'client-x', data: {} });
    check('trigger on a channel not held -> ok:false, not unsupported', notHeld.ok === false && !notHeld.unsupported, notHeld);

    const sa = await subscribed(a, PRES);   // Echo.join(name without the prefix)
    check('presence subscribed report has the members summary', sa.members && sa.members.count === 1 && sa.members.me.id === 'ua', sa.members);
    await subscribed(b, PRES);
    await exactlyOnce(a, PRES, 'pusher:member_added', { id: 'ub', info: { name: 'ub' } }, 'pusher:member_added');
    const mem = await a.cmd('members', { channel: PRES });
    check('members -> unsupported (Echo has no member getter)', mem.ok === false && mem.unsupported === true && /member/.test(mem.error), mem);

    const lv = await a.cmd('unsubscribe', { channel: PUB });
    check('unsubscribe -> Echo.leaveChannel', lv.ok === true, lv);
    const st = await a.cmd('state', {});
    check('state -> Echo.connectionStatus() and socketId()', st.ok && st.result.state === 'connected' && /^\d+\.\d+$/.test(st.result.socket_id), st);
    const ms = await a.closeStdin();
    check(`A: exits within 1 s of stdin closing (${ms} ms)`, ms !== null && ms < 1000);
    check('stdout carried only JSON objects', a.badLines.length === 0 && b.badLines.length === 0, a.badLines.concat(b.badLines));
  } finally {
    a.kill(); b.kill(); (await auth()).server.close();
  }
});
