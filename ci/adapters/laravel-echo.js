#!/usr/bin/env node
// pushspec SDK adapter for laravel-echo (a client facade) with its Pusher connector over pusher-js's
// Node build: new Echo({broadcaster: 'pusher', client: new Pusher(...)}). Wire protocol:
// ci/adapters/PROTOCOL.md. Commands go through Echo's API where it has one (section 10 there);
// commands it cannot express answer {"ok":false,"unsupported":true}.
'use strict';
const path = require('path');
const { makeHandler, plain, Unsupported } = require('./lib/protocol');
const { send, serve, peer, peerDir } = require('./lib/stdio');
const pusherJs = require('./lib/pusher-js-client');

const Pusher = require(peer('pusher-js'));
const { pathToFileURL } = require('url');
const VERSION = require(path.join(peerDir('laravel-echo'), 'package.json')).version;
const PUSHER_VERSION = require(path.join(peerDir('pusher-js'), 'package.json')).version;

const log = (msg) => process.stderr.write('[laravel-echo adapter] ' + msg + '\n');
const client = pusherJs.create(Pusher, send, log);
let Echo = null; // loaded below
let echo = null;

// A channel name -> the Echo call that subscribes to it (Echo adds the prefix itself).
function echoChannel(name) {
  if (name.startsWith('private-encrypted-')) return echo.encryptedPrivate(name.slice(18));
  if (name.startsWith('private-')) return echo.private(name.slice(8));
  if (name.startsWith('presence-')) return echo.join(name.slice(9));
  return echo.channel(name);
}
// The Echo channel object the application holds for `name` (Echo keys its channels by full name).
function held(name) {
  const ch = echo.connector.channels[name];
  if (!ch) throw new Error(`not subscribed to ${JSON.stringify(name)}`);
  return ch;
}
// What Echo 2.5.0 has (PROTOCOL.md section 2.1): whisper() (client events, on private/presence channels
// only: the rest answers unsupported at run time), connector.signin(), encryptedPrivate(), cache-
// channels through channel(name), connectionStatus(). No presence_members: no member list getter.
const CAPABILITIES = ['client_events', 'user_signin', 'encrypted_channels', 'cache_channels', 'connection_state'];
const unsupported = (what) => () => { throw new Unsupported(`laravel-echo ${VERSION} has no ${what}`); };

const commands = {
  connect: (a) => {
    if (echo) echo.disconnect();
    const p = client.connect(a);   // the pusher-js client, handlers bound, not yet connected
    echo = new Echo({ broadcaster: 'pusher', client: p, withoutInterceptors: true });
    p.connect();
    return null;
  },
  // Events are reported from the pusher-js channel Echo subscribed (Echo's listen()/listenToAll()
  // bind on that same object but drop pusher: events and member ids); outcomes from Echo's callbacks.
  subscribe: (a) => {
    const ch = echoChannel(a.channel);
    client.watchChannel(ch.subscription, false);
    ch.subscribed(() => client.subscribed(ch.subscription)).error((d) => client.subscriptionError(ch.subscription, d));
    return null;
  },
  unsubscribe: (a) => { echo.leaveChannel(a.channel); return null; },
  trigger: (a) => {
    if (typeof a.event !== 'string' || !a.event.startsWith('client-')) {
      throw new Unsupported(`laravel-echo ${VERSION} sends client events only through whisper(name), which adds the client- prefix itself: cannot send ${JSON.stringify(a.event)}`);
    }
    const ch = held(a.channel);
    if (typeof ch.whisper !== 'function') throw new Unsupported(`laravel-echo ${VERSION} has no whisper() on public channels`);
    ch.whisper(a.event.slice(7), a.data); // returns the channel (for chaining), not whether it was sent
    return null;
  },
  signin: () => { echo.connector.signin(); return null; },
  disconnect: () => { echo.disconnect(); return null; },
  reconnect: unsupported('reconnect (connect) call'),
  members: unsupported('member list getter (only here()/joining()/leaving() callbacks, with user_info but no ids)'),
  state: () => ({ state: echo.connectionStatus(), socket_id: echo.socketId() || null }),
};

const handle = makeHandler(commands, { send, setup: 'connect', ready: () => echo !== null,
  notReady: 'no client: send connect first', result: plain });
// The ES module build: 2.5.0's "require" entry (dist/echo.common.js) is CommonJS code inside a
// "type": "module" package, so Node refuses to load it ("exports is not defined in ES module scope").
import(pathToFileURL(path.join(peerDir('laravel-echo'), 'dist', 'echo.js')).href).then((mod) => {
  Echo = mod.default;
  serve('laravel-echo', { sdk: 'laravel-echo', version: VERSION, kind: 'client', over: `pusher-js ${PUSHER_VERSION}`,
    capabilities: CAPABILITIES }, handle);
}, (e) => { log('cannot load laravel-echo: ' + (e && e.stack || e)); process.exit(1); });
