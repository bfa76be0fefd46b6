// Cluster mutants: proxy.js (PROXY_MUTANTS=./cluster-mutants) in front of node 1 of the two-node
// soketi cluster (ci/soketi-cluster.sh), each breaking one cross-node behaviour as a broken
// adapter would: the proxy's own connections stand for "this node", everything else for the
// other node. ci/mutants/cluster.sh runs them. Hooks as in mutants.js.
'use strict';
const http = require('http');

const HOOK_OUT = Number(process.env.HOOK_OUT_PORT || 6103);
const query = (url) => { const u = new URL(url, 'http://x'); return { path: u.pathname, q: Object.fromEntries(u.searchParams) }; };
function body(s) { try { return JSON.parse(s); } catch (e) { return null; } }
const isPusher = (m) => typeof m.event === 'string' && m.event.startsWith('pusher');
const isClient = (m) => typeof m.event === 'string' && m.event.startsWith('client-');
const key = (channel, name) => channel + '\n' + name;

// Users that ever subscribed to a presence channel through this node: channel -> Set of user ids.
const localUsers = new Map();
function noteSubscribe(m, conn) {
  const d = m.data || {};
  if (m.event !== 'pusher:subscribe' || typeof d.channel !== 'string' || !d.channel.startsWith('presence-')) return;
  const cd = body(d.channel_data);
  if (!cd || cd.user_id === undefined) return;
  if (!localUsers.has(d.channel)) localUsers.set(d.channel, new Set());
  localUsers.get(d.channel).add(String(cd.user_id));
  conn.state.users = conn.state.users || {};
  conn.state.users[d.channel] = String(cd.user_id);
}
const isLocalUser = (channel, uid) => localUsers.has(channel) && localUsers.get(channel).has(String(uid));
const withNote = (f) => (m, conn, tools) => { noteSubscribe(m, conn); return f ? f(m, conn, tools) : undefined; };

// Triggers and client events that entered the cluster through this node.
const entered = new Set();
function noteTrigger(r) {
  const { path } = query(r.url);
  const b = body(r.body);
  if (r.method !== 'POST' || !b) return;
  const evs = /\/batch_events$/.test(path) ? (b.batch || []) : /\/events$/.test(path) ? [b] : [];
  for (const e of evs) for (const c of e.channels || [e.channel]) entered.add(key(c, e.name));
}

// This node's own subscribers of channel ch (its live connections; `except` left out).
function localCount(tools, ch, except) {
  let n = 0;
  for (const c of tools.conns) if (c !== except && c.subs.has(ch)) n++;
  return n;
}
function sendHook(app, events, tools) {
  if (!app || !(app.webhooks || []).length) return;
  const b = JSON.stringify({ time_ms: Date.now(), events });
  const req = http.request({ host: '127.0.0.1', port: HOOK_OUT, method: 'POST', path: '/webhooks/' + app.id, agent: false,
    headers: { 'content-type': 'application/json', 'x-pusher-key': app.key, 'x-pusher-signature': tools.hmac(app.secret, b),
      'content-length': Buffer.byteLength(b), connection: 'close' } });
  req.on('error', () => {});
  req.end(b);
}
// Per-node transitions, as the proxy sees them happen: its first subscriber of a channel
// (proxy.js adds it to conn.subs before the hook) and its last leaving (unsubscribe: removed
// before the hook; a close: the connection is gone from tools.conns).
const perNode = {
  down(m, conn, tools) {
    if (m.event === 'pusher_internal:subscription_succeeded' && localCount(tools, m.channel) === 1) {
      sendHook(conn.app, [{ name: 'channel_occupied', channel: m.channel }], tools);
    }
  },
  up(m, conn, tools) {
    const ch = m.event === 'pusher:unsubscribe' && m.data && m.data.channel;
    if (ch && localCount(tools, ch) === 0) sendHook(conn.app, [{ name: 'channel_vacated', channel: ch }], tools);
  },
  closed(code, reason, conn, tools) {
    for (const ch of conn.subs) if (localCount(tools, ch, conn) === 0) sendHook(conn.app, [{ name: 'channel_vacated', channel: ch }], tools);
    return [code, reason];
  },
};

// The channel queries as this node alone sees them (its own connections only).
function localAnswer(r, res, tools) {
  if (r.method !== 'GET' || res.status !== 200) return res;
  const { path, q } = query(r.url);
  const m = path.match(/^\/apps\/([^/]+)\/channels(?:\/([^/]+))?(\/users)?$/);
  if (!m) return res;
  const app = tools.appById(m[1]);
  const subs = new Map(), users = new Map();
  for (const c of tools.conns) {
    if (c.app !== app) continue;
    for (const ch of c.subs) {
      subs.set(ch, (subs.get(ch) || 0) + 1);
      const u = c.state.users && c.state.users[ch];
      if (u !== undefined) { if (!users.has(ch)) users.set(ch, new Set()); users.get(ch).add(u); }
    }
  }
  let out;
  const name = m[2] && decodeURIComponent(m[2]);
  if (m[3]) out = { users: [...(users.get(name) || [])].map((id) => ({ id })) };
  else if (name) {
    out = { occupied: subs.has(name) };
    const info = (q.info || '').split(',');
    if (info.includes('subscription_count')) out.subscription_count = subs.get(name) || 0;
    if (info.includes('user_count') && name.startsWith('presence-')) out.user_count = (users.get(name) || new Set()).size;
  } else {
    out = { channels: {} };
    for (const ch of subs.keys()) {
      if (q.filter_by_prefix && !ch.startsWith(q.filter_by_prefix)) continue;
      out.channels[ch] = (q.info || '').includes('user_count') && ch.startsWith('presence-') ? { user_count: (users.get(ch) || new Set()).size } : {};
    }
  }
  res.body = JSON.stringify(out);
  return res;
}

// Members seen on the other node stay listed forever (a dead node's members are never dropped).
const remembered = new Map();
function keepRemote(r, res) {
  if (r.method !== 'GET' || res.status !== 200) return res;
  const m = query(r.url).path.match(/^\/apps\/[^/]+\/channels\/([^/]+)(\/users)?$/);
  const b = m && body(res.body);
  if (!b) return res;
  const ch = decodeURIComponent(m[1]);
  if (!remembered.has(ch)) remembered.set(ch, new Set());
  const keep = remembered.get(ch);
  if (m[2] && Array.isArray(b.users)) {
    const have = new Set(b.users.map((u) => String(u.id)));
    for (const u of have) if (!isLocalUser(ch, u)) keep.add(u);
    for (const u of keep) if (!have.has(u)) b.users.push({ id: u });
  } else if (!m[2] && typeof b.user_count === 'number') {
    b.user_count = Math.max(b.user_count, keep.size);
  }
  res.body = JSON.stringify(b);
  return res;
}

function dropRemoteMember(name) {
  return withNote((m, conn, tools) => {
    if (m.event !== name) return undefined;
    const p = tools.payload(m);
    return p && !isLocalUser(m.channel, p.user_id) ? null : undefined;
  });
}

module.exports = {
  none: { rules: '', about: 'changes nothing (the reference run)' },
  'cluster-drop-relayed-events': {
    rules: 'EVT-1,SUB-2', about: 'events triggered through the other node never reach this node\'s subscribers',
    request(r) { noteTrigger(r); },
    down(m) { return m.channel && !isPusher(m) && !isClient(m) && !entered.has(key(m.channel, m.event)) ? null : undefined; },
  },
  'cluster-drop-relayed-client-events': {
    rules: 'CEV-1', about: 'client events sent by the other node\'s connections never reach this node\'s subscribers',
    up(m) { if (isClient(m) && m.channel) entered.add(key(m.channel, m.event)); },
    down(m) { return m.channel && isClient(m) && !entered.has(key(m.channel, m.event)) ? null : undefined; },
  },
  'cluster-per-node-webhooks': Object.assign({
    rules: 'HOOK-1', about: 'each node fires channel_occupied / channel_vacated for its own subscribers (once per node)',
  }, perNode),
  'cluster-double-webhook': {
    rules: 'HOOK-1', about: 'every webhook is delivered twice (e.g. by two nodes)',
    webhook(h) {
      const again = http.request({ host: '127.0.0.1', port: HOOK_OUT, method: 'POST', path: h.url, agent: false,
        headers: Object.assign({}, h.headers, { 'content-length': Buffer.byteLength(h.body), connection: 'close' }) });
      again.on('error', () => {});
      setTimeout(() => again.end(h.body), 20);
      return h;
    },
  },
  'cluster-local-channel-queries': {
    rules: 'HTTP-10,HTTP-11', about: 'GET /channels, /channels/NAME and /users answer from this node\'s own connections only',
    up: withNote(), response: localAnswer,
  },
  'cluster-keep-remote-members': {
    rules: 'HTTP-11,HTTP-10,cluster-node-failure', about: 'members seen on the other node are never dropped from /users and user_count (a dead node\'s members stay)',
    up: withNote(), response: keepRemote,
  },
  'cluster-drop-remote-member-added': {
    rules: 'PRES-2', about: 'member_added for a user who joined on the other node is not relayed',
    up: withNote(), down: dropRemoteMember('pusher_internal:member_added'),
  },
  'cluster-drop-remote-member-removed': {
    rules: 'PRES-4', about: 'member_removed for a user of the other node is not relayed',
    up: withNote(), down: dropRemoteMember('pusher_internal:member_removed'),
  },
  'cluster-local-presence-list': {
    rules: 'PRES-1', about: 'presence subscription_succeeded lists only the members of this node',
    up: withNote(),
    down(m, conn, tools) {
      if (m.event !== 'pusher_internal:subscription_succeeded' || !String(m.channel).startsWith('presence-')) return undefined;
      const p = tools.payload(m);
      if (!p || !p.presence) return undefined;
      const ids = (p.presence.ids || []).filter((id) => isLocalUser(m.channel, id));
      const hash = {};
      for (const id of ids) if (p.presence.hash && id in p.presence.hash) hash[id] = p.presence.hash[id];
      const d = { presence: { ids, hash, count: ids.length } };
      return Object.assign({}, m, { data: typeof m.data === 'string' ? JSON.stringify(d) : d });
    },
  },
};
