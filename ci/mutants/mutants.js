// The mutants proxy.js can apply: each breaks one rule of scenarios/RULES.md and nothing else.
// rules: the `pushspec run --filter` that selects the scenarios checking it (run.sh);
// about: what the mutant does. Hooks (all optional; see proxy.js):
//   down(m, conn, tools) / up(m, conn, tools)   a WebSocket message server->client / client->server
//   closed(code, reason, conn, tools)           soketi closed: return [code, reason] to pass on, or null
//   upgrade(url, tools)                         a new path, or {status} to refuse the handshake
//   request(r, tools) / response(r, res, tools) the HTTP API; webhook(h, tools) a webhook soketi sends
//   pong: false                                 WebSocket pings get no pong
'use strict';

const ev = (name) => (m) => m.event === name;
const channelEvent = (m) => m.channel && !m.event.startsWith('pusher');
// Replace a message's data, keeping soketi's encoding (string or object).
const withData = (m, p) => Object.assign({}, m, { data: typeof m.data === 'string' ? JSON.stringify(p) : p });
const query = (url) => { const u = new URL(url, 'http://x'); return { path: u.pathname, q: Object.fromEntries(u.searchParams) }; };
// Re-sign a changed HTTP API request so that soketi accepts it.
function resign(r, tools) {
  const { path, q } = query(r.url);
  const app = tools.appById(path.split('/')[2]);
  if (!app) return r;
  r.url = path + '?' + new URLSearchParams(tools.signQuery(r.method, path, q, r.body, app.secret)).toString();
  return r;
}
const isTrigger = (r) => r.method === 'POST' && /^\/apps\/[^/]+\/events$/.test(query(r.url).path);
function body(r) { try { return JSON.parse(r.body); } catch (e) { return null; } }
function editBody(r, tools, f) { const b = body(r); if (!b || f(b) === false) return undefined; r.body = JSON.stringify(b); resign(r, tools); return undefined; }
function editJson(res, f) { let b; try { b = JSON.parse(res.body); } catch (e) { return res; } f(b); res.body = JSON.stringify(b); return res; }
// Sign a subscribe frame the way a correct auth endpoint would, for this connection.
function signSubscribe(m, conn, tools) {
  const d = m.data || {};
  const app = conn.app;
  if (!app || typeof d.channel !== 'string') return m;
  const text = conn.socketId + ':' + d.channel + (d.channel.startsWith('presence-') ? ':' + (d.channel_data || '') : '');
  return Object.assign({}, m, { data: Object.assign({}, d, { auth: app.key + ':' + tools.hmac(app.secret, text) }) });
}
const validAuth = (m, conn, tools) => {
  const d = m.data || {};
  return typeof d.auth === 'string' && signSubscribe(m, conn, tools).data.auth === d.auth;
};
const privateSubscribe = (m) => m.event === 'pusher:subscribe' && m.data && /^(private-|presence-)/.test(m.data.channel || '');
// Deliver a client event to the other connections of the app subscribed to its channel (as soketi would).
function deliver(m, conn, tools) {
  for (const o of tools.conns) if (o !== conn && o.key === conn.key && o.subs.has(m.channel)) o.toClient(m);
  return null;
}
function webhookEdit(f) {
  return (h, tools) => {
    let b; try { b = JSON.parse(h.body); } catch (e) { return h; }
    if (f(b, h) === null) return null;
    h.body = JSON.stringify(b);
    const app = tools.appByKey(h.headers['x-pusher-key']);
    if (app) h.headers['x-pusher-signature'] = tools.hmac(app.secret, h.body);
    return h;
  };
}
const dropHookEvents = (name) => webhookEdit((b) => {
  b.events = (b.events || []).filter((e) => e.name !== name);
  return b.events.length ? b : null;
});
const refusal = (m) => m.event === 'pusher:error' || m.event === 'pusher:subscription_error';

module.exports = {
  none: { rules: '*', about: 'changes nothing (the reference run)' },

  // FRAME
  'frame-binary-frames': { rules: 'FRAME-1', about: 'subscription_succeeded comes in a binary frame',
    down: (m) => (ev('pusher_internal:subscription_succeeded')(m) ? { binary: Buffer.from(JSON.stringify(m)) } : undefined) },
  'frame-json-array': { rules: 'FRAME-1', about: 'subscription_succeeded comes wrapped in a JSON array',
    down: (m) => (ev('pusher_internal:subscription_succeeded')(m) ? JSON.stringify([m]) : undefined) },
  'frame-established-data-object': { rules: 'FRAME-2,CONN-1', about: 'connection_established data is an object, not a JSON string',
    down: (m, c, t) => (ev('pusher:connection_established')(m) ? Object.assign({}, m, { data: t.payload(m) }) : undefined) },
  'frame-presence-data-object': { rules: 'FRAME-2,PRES-1', about: 'presence subscription_succeeded data is an object',
    down: (m, c, t) => (ev('pusher_internal:subscription_succeeded')(m) && m.data ? Object.assign({}, m, { data: t.payload(m) }) : undefined) },
  'frame-event-without-channel': { rules: 'FRAME-3,EVT-1', about: 'triggered channel events omit channel',
    down: (m) => (channelEvent(m) && !m.event.startsWith('client-') ? { event: m.event, data: m.data } : undefined) },
  'frame-succeeded-without-channel': { rules: 'FRAME-3,SUB-1', about: 'subscription_succeeded omits channel',
    down: (m) => (ev('pusher_internal:subscription_succeeded')(m) ? { event: m.event, data: m.data } : undefined) },

  // CONN
  'conn-ping-before-established': { rules: 'CONN-1', about: 'a pusher:ping comes before connection_established',
    down: (m) => (ev('pusher:connection_established')(m) ? [{ event: 'pusher:ping', data: '{}' }, m] : undefined) },
  'conn-socket-id-format': { rules: 'CONN-2', about: 'socket_id is "abc-123", not digits.digits',
    down: (m, c, t) => (ev('pusher:connection_established')(m) ? withData(m, Object.assign(t.payload(m), { socket_id: 'abc-' + Math.floor(Math.random() * 1e6) })) : undefined) },
  'conn-socket-id-reused': { rules: 'CONN-2', about: 'every connection gets the same socket_id',
    down: (m, c, t) => (ev('pusher:connection_established')(m) ? withData(m, Object.assign(t.payload(m), { socket_id: '1234.5678' })) : undefined) },
  'conn-activity-timeout-string': { rules: 'CONN-3', about: 'activity_timeout is the string "30"',
    down: (m, c, t) => (ev('pusher:connection_established')(m) ? withData(m, Object.assign(t.payload(m), { activity_timeout: '30' })) : undefined) },
  'conn-activity-timeout-zero': { rules: 'CONN-3', about: 'activity_timeout is 0',
    down: (m, c, t) => (ev('pusher:connection_established')(m) ? withData(m, Object.assign(t.payload(m), { activity_timeout: 0 })) : undefined) },
  'conn-unknown-app-accepted': { rules: 'CONN-4', about: 'an unknown app key is served as the main app',
    upgrade: (url, t) => { const k = (url.match(/^\/app\/([^/?]+)/) || [])[1]; return k && !t.appByKey(k) ? url.replace(k, 'key-main') : undefined; } },
  'conn-4001-left-open': { rules: 'CONN-4', about: 'pusher:error 4001 is sent but the connection stays open',
    closed: (code) => (code === 4001 ? null : [code]) },
  'conn-4001-without-error': { rules: 'CONN-11', about: 'close 4001 with no pusher:error before it',
    down: (m, c, t) => (ev('pusher:error')(m) && (t.payload(m) || {}).code === 4001 ? null : undefined) },
  'conn-4001-closed-4999': { rules: 'CONN-10', about: 'the unknown-app refusal closes with the undocumented 4999',
    closed: (code, reason) => [code === 4001 ? 4999 : code, reason] },
  'conn-close-code-mismatch': { rules: 'CONN-10,CONN-11', about: 'pusher:error 4001, then close 4009',
    closed: (code, reason) => [code === 4001 ? 4009 : code, reason] },
  'conn-bad-path-accepted': { rules: 'CONN-5', about: 'a path other than /app/KEY is served as /app/key-main',
    upgrade: (url) => (/^\/app\/[^/?]+(\?|$)/.test(url) ? undefined : '/app/key-main?protocol=7&client=js&version=8.0.0') },
  'conn-disabled-app-4001': { rules: 'CONN-7', about: 'a disabled app is refused with 4001, not 4003',
    down: (m, c, t) => (ev('pusher:error')(m) && (t.payload(m) || {}).code === 4003 ? withData(m, Object.assign(t.payload(m), { code: 4001 })) : undefined),
    closed: (code, reason) => [code === 4003 ? 4001 : code, reason] },

  // PING
  'ping-no-pong': { rules: 'PING-1', about: 'pusher:ping is not answered', down: (m) => (ev('pusher:pong')(m) ? null : undefined) },
  'ping-no-websocket-pong': { rules: 'PING-2', about: 'WebSocket ping frames get no pong', pong: false },

  // SUB
  'sub-no-succeeded': { rules: 'SUB-1', about: 'public subscriptions get no subscription_succeeded',
    down: (m) => (ev('pusher_internal:subscription_succeeded')(m) && !/^(private|presence)-/.test(m.channel) ? null : undefined) },
  'sub-succeeded-other-channel': { rules: 'SUB-1', about: 'subscription_succeeded names another channel',
    down: (m) => (ev('pusher_internal:subscription_succeeded')(m) ? Object.assign({}, m, { channel: m.channel + '-x' }) : undefined) },
  'sub-unsubscribe-ignored': { rules: 'SUB-2', about: 'pusher:unsubscribe is ignored', up: (m) => (ev('pusher:unsubscribe')(m) ? null : undefined) },
  'sub-unsubscribe-answered': { rules: 'SUB-2', about: 'pusher:unsubscribe gets a reply',
    up: (m, c) => { if (ev('pusher:unsubscribe')(m)) c.toClient({ event: 'pusher_internal:unsubscribed', channel: (m.data || {}).channel }); } },
  'sub-events-twice': { rules: 'SUB-4', about: 'every triggered event is delivered twice',
    down: (m) => (channelEvent(m) && !m.event.startsWith('client-') ? [m, m] : undefined) },
  'sub-events-swapped': { rules: 'SUB-4', about: 'of two events on a channel the second arrives first',
    down: (m, c) => {
      if (!channelEvent(m) || m.event.startsWith('client-')) return undefined;
      const held = c.state.held;
      if (!held) { c.state.held = m; c.state.timer = setTimeout(() => { c.state.held = null; c.toClient(m); }, 300); return null; }
      clearTimeout(c.state.timer); c.state.held = null; return [m, held];
    } },
  'sub-bad-name-accepted': { rules: 'SUB-3', about: 'a channel name with bad characters is accepted',
    up: (m, c) => {
      const ch = ev('pusher:subscribe')(m) && (m.data || {}).channel;
      if (typeof ch !== 'string' || /^[-a-zA-Z0-9_=@,.;#]+$/.test(ch)) return undefined;
      c.toClient({ event: 'pusher_internal:subscription_succeeded', channel: ch });
      return null;
    } },

  // AUTH: the proxy re-signs a subscribe so that soketi accepts it
  'auth-missing-accepted': { rules: 'AUTH-1', about: 'private/presence subscribe without auth is accepted',
    up: (m, c, t) => (privateSubscribe(m) && !(m.data || {}).auth ? signSubscribe(m, c, t) : undefined) },
  'auth-bad-signature-accepted': { rules: 'AUTH-2,AUTH-3,AUTH-4', about: 'any signature with the app key is accepted',
    up: (m, c, t) => (privateSubscribe(m) && String(m.data.auth).startsWith(c.key + ':') ? signSubscribe(m, c, t) : undefined) },
  'auth-other-key-accepted': { rules: 'AUTH-5', about: 'an auth whose key part is another app\'s key is accepted',
    up: (m, c, t) => (privateSubscribe(m) && m.data.auth && !String(m.data.auth).startsWith(c.key + ':') ? signSubscribe(m, c, t) : undefined) },
  'auth-presence-data-unchecked': { rules: 'AUTH-7', about: 'presence channel_data is not covered by the signature',
    up: (m, c, t) => (privateSubscribe(m) && m.data.channel.startsWith('presence-') && m.data.auth && !validAuth(m, c, t) ? signSubscribe(m, c, t) : undefined) },
  'auth-encrypted-unchecked': { rules: 'AUTH-8', about: 'private-encrypted- and private-cache- need no auth',
    up: (m, c, t) => (ev('pusher:subscribe')(m) && /^private-(encrypted|cache)-/.test((m.data || {}).channel || '') && !validAuth(m, c, t) ? signSubscribe(m, c, t) : undefined) },
  'auth-correct-refused': { rules: 'AUTH-6', about: 'a correctly signed private subscription is refused',
    down: (m) => (ev('pusher_internal:subscription_succeeded')(m) && m.channel.startsWith('private-')
      ? { event: 'pusher:subscription_error', channel: m.channel, data: { type: 'AuthError', error: 'refused', status: 401 } } : undefined) },
  'auth-refusal-1011': { rules: 'AUTH-1', about: 'a subscription refusal is a close 1011 (internal error)',
    down: (m, c) => { if (refusal(m)) { c.close(1011, 'internal error'); return null; } } },

  // PRES
  'pres-count-off': { rules: 'PRES-1', about: 'presence.count is one more than the ids',
    down: (m, c, t) => { const p = ev('pusher_internal:subscription_succeeded')(m) && t.payload(m); if (p && p.presence) { p.presence.count += 1; return withData(m, p); } } },
  'pres-user-info-array': { rules: 'PRES-1,PRES-2', about: 'an empty user_info comes back as [] instead of {}',
    down: (m, c, t) => {
      const p = t.payload(m);
      if (!p || !m.event.startsWith('pusher_internal:')) return undefined;
      if (p.presence && p.presence.hash) for (const k of Object.keys(p.presence.hash)) if (!Object.keys(p.presence.hash[k] || {}).length) p.presence.hash[k] = [];
      if (ev('pusher_internal:member_added')(m) && !Object.keys(p.user_info || {}).length) p.user_info = [];
      return withData(m, p);
    } },
  'pres-no-member-added': { rules: 'PRES-2', about: 'no member_added', down: (m) => (ev('pusher_internal:member_added')(m) ? null : undefined) },
  'pres-member-added-to-self': { rules: 'PRES-2', about: 'the joiner gets member_added for itself',
    up: (m, c) => { if (privateSubscribe(m) && m.data.channel_data) c.state.join = m; },
    down: (m, c) => {
      if (!ev('pusher_internal:subscription_succeeded')(m) || !c.state.join || c.state.join.data.channel !== m.channel) return undefined;
      const d = JSON.parse(c.state.join.data.channel_data);
      return [m, { event: 'pusher_internal:member_added', channel: m.channel, data: JSON.stringify({ user_id: d.user_id, user_info: d.user_info }) }];
    } },
  'pres-member-added-twice': { rules: 'PRES-3', about: 'member_added is sent for every connection of a user',
    up: (m, c, t) => {
      if (!privateSubscribe(m) || !m.data.channel_data) return undefined;
      const d = JSON.parse(m.data.channel_data);
      for (const o of t.conns) if (o !== c && o.subs.has(m.data.channel)) setTimeout(() => o.toClient({ event: 'pusher_internal:member_added', channel: m.data.channel, data: JSON.stringify({ user_id: d.user_id, user_info: d.user_info }) }), 200);
    } },
  'pres-no-member-removed': { rules: 'PRES-4,PRES-3', about: 'no member_removed', down: (m) => (ev('pusher_internal:member_removed')(m) ? null : undefined) },
  'pres-limit-ignored': { rules: 'PRES-5', about: 'a member over the presence limit is let in',
    down: (m, c) => (c.key === 'key-presence' && refusal(m) && m.channel ? { event: 'pusher_internal:subscription_succeeded', channel: m.channel, data: JSON.stringify({ presence: { ids: [], hash: {}, count: 0 } }) } : undefined) },

  // CEV
  'cev-echo-to-sender': { rules: 'CEV-1', about: 'a client event also goes back to its sender',
    up: (m, c) => { if (m.event.startsWith('client-')) c.toClient(m); } },
  'cev-not-relayed': { rules: 'CEV-1,CEV-5', about: 'client events are dropped', up: (m) => (m.event.startsWith('client-') ? null : undefined) },
  'cev-no-user-id': { rules: 'CEV-5', about: 'client events on presence channels lose user_id',
    down: (m) => { if (m.event.startsWith('client-') && m.user_id !== undefined) { const o = Object.assign({}, m); delete o.user_id; return o; } } },
  'cev-unsubscribed-delivered': { rules: 'CEV-4', about: 'a client event on a channel the sender is not subscribed to is delivered',
    up: (m, c, t) => (m.event.startsWith('client-') && !c.subs.has(m.channel) ? deliver(m, c, t) : undefined) },
  'cev-rate-limit-ignored': { rules: 'CEV-6', about: 'no pusher:error 4301 over the client event rate',
    down: (m, c, t) => (ev('pusher:error')(m) && (t.payload(m) || {}).code === 4301 ? null : undefined),
    closed: (code, reason) => (code === 4301 ? null : [code, reason]) },
  'cev-disabled-relayed': { rules: 'CEV-7', about: 'an app with client events off relays them',
    up: (m, c, t) => (c.key === 'key-noclient' && m.event.startsWith('client-') ? deliver(m, c, t) : undefined) },

  // EVT (HTTP API triggers)
  'evt-data-reencoded': { rules: 'EVT-1', about: 'a JSON data string is re-encoded (not byte-identical)',
    down: (m) => { if (channelEvent(m) && typeof m.data === 'string') { try { return Object.assign({}, m, { data: JSON.stringify(JSON.parse(m.data), null, 1) }); } catch (e) { return Object.assign({}, m, { data: m.data + ' ' }); } } } },
  'evt-first-channel-only': { rules: 'EVT-2', about: 'a trigger to several channels reaches only the first',
    request: (r, t) => (isTrigger(r) ? editBody(r, t, (b) => { if (!Array.isArray(b.channels) || b.channels.length < 2) return false; b.channels = b.channels.slice(0, 1); }) : undefined) },
  'evt-socket-id-ignored': { rules: 'EVT-3', about: 'the trigger\'s socket_id is ignored',
    request: (r, t) => (isTrigger(r) ? editBody(r, t, (b) => { if (!b.socket_id) return false; delete b.socket_id; }) : undefined) },
  'evt-batch-reversed': { rules: 'EVT-4', about: 'batch events are published in reverse order',
    request: (r, t) => (/\/batch_events$/.test(query(r.url).path) ? editBody(r, t, (b) => { if (!Array.isArray(b.batch)) return false; b.batch.reverse(); }) : undefined) },
  'evt-one-string-channel-ignored': { rules: 'HTTP-1', about: 'the trigger body\'s one-string `channel` form is answered 200 and not published',
    request: (r) => { const b = isTrigger(r) && body(r); if (b && typeof b.channel === 'string' && !b.channels) return { status: 200, body: '{}' }; } },
  'evt-server-to-user-dropped': { rules: 'EVT-5', about: 'events on #server-to-user- channels are not delivered',
    down: (m) => (String(m.channel).startsWith('#server-to-user-') && !m.event.startsWith('pusher') ? null : undefined) },

  // CACHE, ENC
  'cache-no-miss': { rules: 'CACHE-1', about: 'no pusher:cache_miss', down: (m) => (ev('pusher:cache_miss')(m) ? null : undefined) },
  'cache-no-last-event': { rules: 'CACHE-2', about: 'a new cache subscriber does not get the last event',
    down: (m, c) => {
      if (ev('pusher_internal:subscription_succeeded')(m) && /cache-/.test(m.channel)) { c.state.fresh = m.channel; return undefined; }
      if (channelEvent(m) && c.state.fresh === m.channel) { c.state.fresh = null; return null; }
    } },
  'enc-ciphertext-altered': { rules: 'ENC-1', about: 'encrypted payloads are altered in transit',
    down: (m, c, t) => {
      const p = channelEvent(m) && String(m.channel).startsWith('private-encrypted-') && t.payload(m);
      if (!p || typeof p.ciphertext !== 'string') return undefined;
      p.ciphertext = (p.ciphertext[0] === 'A' ? 'B' : 'A') + p.ciphertext.slice(1);
      return withData(m, p);
    } },

  // SIGNIN (app-users)
  'signin-no-success': { rules: 'SIGNIN-1', about: 'no pusher:signin_success', down: (m) => (ev('pusher:signin_success')(m) ? null : undefined) },
  'signin-bad-signature-accepted': { rules: 'SIGNIN-2', about: 'a sign-in with a bad signature is accepted',
    up: (m, c, t) => {
      if (!ev('pusher:signin')(m) || !c.app || !m.data) return undefined;
      const auth = c.app.key + ':' + t.hmac(c.app.secret, c.socketId + '::user::' + m.data.user_data);
      return Object.assign({}, m, { data: Object.assign({}, m.data, { auth }) });
    } },
  'signin-without-id-accepted': { rules: 'SIGNIN-3', about: 'user_data without id is accepted',
    up: (m, c, t) => {
      let u; try { u = JSON.parse(m.data.user_data); } catch (e) { return undefined; }
      if (!ev('pusher:signin')(m) || !c.app || !u || u.id !== undefined) return undefined;
      const user_data = JSON.stringify(Object.assign({ id: 'anonymous' }, u));
      return { event: m.event, data: { user_data, auth: c.app.key + ':' + t.hmac(c.app.secret, c.socketId + '::user::' + user_data) } };
    } },
  'signin-terminate-ignored': { rules: 'SIGNIN-6', about: 'terminate_connections answers 200 and closes nothing',
    request: (r) => (/\/terminate_connections$/.test(query(r.url).path) ? { status: 200, body: '{}' } : undefined) },

  // HTTP API
  'http-trigger-202': { rules: 'HTTP-1', about: 'triggers are answered 202', response: (r, res) => { if (isTrigger(r) && res.status === 200) res.status = 202; } },
  'http-trigger-body-array': { rules: 'HTTP-1', about: 'a trigger is answered with a JSON array body', response: (r, res) => { if (isTrigger(r)) res.body = '[]'; } },
  'http-bad-signature-accepted': { rules: 'HTTP-2', about: 'a request with a wrong signature is accepted',
    request: (r, t) => { if (r.url.includes('auth_signature=')) resign(r, t); } },
  'http-channel-count-off': { rules: 'HTTP-10', about: 'GET /channels/NAME reports one subscriber too many',
    response: (r, res) => (/\/channels\/[^/]+$/.test(query(r.url).path) ? editJson(res, (b) => { if (typeof b.subscription_count === 'number') b.subscription_count += 1; }) : undefined) },
  'http-channel-occupied-wrong': { rules: 'HTTP-10', about: 'GET /channels/NAME reports occupied the wrong way round',
    response: (r, res) => (/\/channels\/[^/]+$/.test(query(r.url).path) ? editJson(res, (b) => { if (typeof b.occupied === 'boolean') b.occupied = !b.occupied; }) : undefined) },
  'http-users-missing-one': { rules: 'HTTP-11', about: 'GET /channels/NAME/users leaves out a user',
    response: (r, res) => (/\/users$/.test(query(r.url).path) ? editJson(res, (b) => { if (Array.isArray(b.users)) b.users.pop(); }) : undefined) },
  'http-terminate-500': { rules: 'HTTP-12', about: 'terminate_connections answers 500', response: (r, res) => { if (/\/terminate_connections$/.test(query(r.url).path)) res.status = 500; } },
  'http-prefix-filter-ignored': { rules: 'HTTP-9', about: 'GET /channels ignores filter_by_prefix',
    request: (r, t) => { const { path, q } = query(r.url); if (/\/channels$/.test(path) && q.filter_by_prefix) { delete q.filter_by_prefix; r.url = path + '?' + new URLSearchParams(q); resign(r, t); } } },

  // HOOK (webhooks soketi sends, re-signed after a change)
  'hook-time-seconds': { rules: 'HOOK-5', about: 'time_ms is in seconds', webhook: webhookEdit((b) => { b.time_ms = Math.floor(b.time_ms / 1000); }) },
  'hook-events-object': { rules: 'HOOK-5', about: 'events is an object, not an array', webhook: webhookEdit((b) => { b.events = Object.assign({}, b.events); }) },
  'hook-unknown-event-name': { rules: 'HOOK-5,HOOK-1', about: 'channel_occupied is named channel_created',
    webhook: webhookEdit((b) => { for (const e of b.events || []) if (e.name === 'channel_occupied') e.name = 'channel_created'; }) },
  'hook-bad-signature': { rules: 'HOOK-4', about: 'X-Pusher-Signature is made with another secret',
    webhook: (h, t) => { h.headers['x-pusher-signature'] = t.hmac('not-the-secret', h.body); return h; } },
  'hook-wrong-key': { rules: 'HOOK-4', about: 'X-Pusher-Key is another app\'s key', webhook: (h) => { h.headers['x-pusher-key'] = 'key-users'; return h; } },
  'hook-text-content-type': { rules: 'HOOK-4', about: 'Content-Type is text/plain', webhook: (h) => { h.headers['content-type'] = 'text/plain'; return h; } },
  'hook-no-vacated': { rules: 'HOOK-1', about: 'no channel_vacated webhook', webhook: dropHookEvents('channel_vacated') },
  'hook-no-member-added': { rules: 'HOOK-2', about: 'no member_added webhook', webhook: dropHookEvents('member_added') },
  'hook-client-event-no-socket-id': { rules: 'HOOK-3', about: 'client_event webhooks lack socket_id',
    webhook: webhookEdit((b) => { for (const e of b.events || []) if (e.name === 'client_event') delete e.socket_id; }) },
  'hook-no-cache-miss': { rules: 'HOOK-6', about: 'no cache_miss webhook', webhook: dropHookEvents('cache_miss') },

  // Deviant doubles for pushspec explore (issue 18): each class of deviation no scenario was written for
  // (ci/mutants/explore.sh shows explore finds each and shrinks it to at most 10 operations).
  'presence-count-per-connection': { rules: 'HTTP-10,PRES-3,PRES-1', about: 'presence counts (user_count, presence.count) count connections, not users',
    down: (m, c, t) => {
      if (m.event !== 'pusher_internal:subscription_succeeded' || !String(m.channel).startsWith('presence-')) return undefined;
      const p = t.payload(m);
      if (!p || !p.presence) return undefined;
      let n = 0;
      for (const o of t.conns) if (o.subs.has(m.channel)) n += 1;
      p.presence.count = n;
      return withData(m, p);
    },
    response: (r, res, t) => {
      const m = /\/channels\/([^/?]+)$/.exec(query(r.url).path);
      if (!m) return undefined;
      const name = decodeURIComponent(m[1]);
      let n = 0;
      for (const c of t.conns) if (c.subs.has(name)) n += 1;
      return editJson(res, (b) => { if (typeof b.user_count === 'number') b.user_count = n; });
    } },
  'event-twice-after-resubscribe': { rules: 'SUB-4', about: 'a connection that unsubscribed and subscribed again gets each event twice',
    up: (m, c) => { if (m.event === 'pusher:unsubscribe' && m.data) (c.state.left = c.state.left || new Set()).add(m.data.channel); },
    down: (m, c) => {
      const left = c.state.left || new Set();
      if (m.event === 'pusher_internal:subscription_succeeded' && left.has(m.channel)) (c.state.twice = c.state.twice || new Set()).add(m.channel);
      if (channelEvent(m) && c.state.twice && c.state.twice.has(m.channel)) return [m, m];
      return undefined;
    } },
  'signature-comma-value': { rules: 'HTTP-10,HTTP-2', about: 'the signature check fails when a query value holds a comma (info=a,b), as if signed over the percent-encoded value',
    request: (r) => (/%2C|,/i.test(r.url.split('?')[1] || '') && !/auth_signature=0{64}/.test(r.url)
      ? { status: 401, body: '{"error":"Invalid signature: you should have sent HmacSHA256Hex(...)"}' } : undefined) },
  'channels-lists-vacated': { rules: 'HTTP-9', about: 'GET /channels still lists a channel whose subscribers all left',
    down: (m, c, t) => { if (m.event === 'pusher_internal:subscription_succeeded') (t.ever = t.ever || new Set()).add(m.channel); },
    response: (r, res, t) => {
      const { path, q } = query(r.url);
      if (!/\/channels$/.test(path) || res.status !== 200) return undefined;
      return editJson(res, (b) => {
        if (!b.channels || typeof b.channels !== 'object') return;
        for (const ch of t.ever || []) if (!(ch in b.channels) && (!q.filter_by_prefix || ch.startsWith(q.filter_by_prefix))) b.channels[ch] = {};
      });
    } },
};
