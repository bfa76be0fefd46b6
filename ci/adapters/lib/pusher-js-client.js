// The client-adapter commands over a pusher-js class (PROTOCOL.md section 4), for the Node build
// (pusher-js.js, laravel-echo.js) and the browser build (pusher-js-browser.js loads this file
// into its page). No Node APIs here.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./protocol'));
  else root.pushspecPusherJs = factory(root.pushspecProtocol);
})(this, function (protocol) {
  'use strict';
  const { plain } = protocol;

  // Pusher: the SDK's class; send(obj): writes one report line; log(msg): to stderr / the console.
  // Over 80 lines: one closure whose handlers share the client and the frame being dispatched.
  function create(Pusher, send, log) {
    let pusher = null;   // the client under test
    let frame = null;    // the raw frame pusher-js is dispatching right now (null between frames)
    let lastDecryptChannel = null;
    const bound = new WeakSet(); // channel objects whose bind_global is installed

    const membersOf = (m) => ({ count: m.count, ids: Object.keys(m.members), me: m.me, hash: m.members });
    const isPresence = (ch) => ch.name.startsWith('presence-');

    // pusher-js logs; decryption failures are only visible here (see PROTOCOL.md).
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
    // data, presence user_id); pusher.bind_global (connect) reports only the rest. `outcomes`
    // false: the caller reports subscribed / subscription_error itself (laravel-echo.js).
    function watchChannel(ch, outcomes = true) {
      if (bound.has(ch)) return ch;
      bound.add(ch);
      ch.bind_global((event, data) => {
        const userId = isPresence(ch) && frame && frame.channel === ch.name ? frame.user_id : undefined;
        reportEvent(ch.name, event, ch.members && data === ch.members ? membersOf(data) : data, userId);
      });
      if (!outcomes) return ch;
      ch.bind('pusher:subscription_succeeded', () => subscribed(ch));
      ch.bind('pusher:subscription_error', (d) => subscriptionError(ch, d));
      return ch;
    }
    function subscribed(ch) {
      const r = { type: 'subscribed', channel: ch.name };
      if (isPresence(ch)) r.members = membersOf(ch.members);
      send(r);
    }
    function subscriptionError(ch, d) {
      send({ type: 'subscription_error', channel: ch.name,
        error: d && typeof d.error === 'string' ? d.error : plain(d), status: d && d.status !== undefined ? d.status : null });
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
      return p;
    }

    function channelOf(name) {
      const ch = pusher.channel(name);
      if (!ch) throw new Error(`not subscribed to ${JSON.stringify(name)}`);
      return ch;
    }

    const commands = {
      connect: (a) => { connect(a).connect(); return null; },
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

    return { commands, connect, watchChannel, subscribed, subscriptionError, channelOf, client: () => pusher };
  }

  // The optional features (PROTOCOL.md section 2.1) pusher-js 8.6.0 has: Channel.trigger, presence
  // Members, Pusher.signin, PusherWithEncryption's private-encrypted- channels, cache- channels,
  // connection.state, Pusher.connect() on an existing client; both builds (Node and browser) expose all of them.
  const CAPABILITIES = ['client_events', 'presence_members', 'user_signin', 'encrypted_channels', 'cache_channels',
    'connection_state', 'reconnect'];

  return { create, CAPABILITIES };
});
