// The HTTP-adapter commands (PROTOCOL.md section 5) for SDKs with pusher-http-node's API:
// the "pusher" package and pusher-http-edge (same method names; edge's are all async).
'use strict';

// A fetch Response -> {status, body}. Both SDKs resolve only for status < 400.
const response = async (res) => ({ status: res.status, body: await res.text() });

// info: the API's comma-separated string; a list is joined (PROTOCOL.md section 13, answer 3).
const infoText = (v) => (Array.isArray(v) ? v.join(',') : v);

// Drop undefined/null values: the SDKs would sign and send "key=undefined".
function defined(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj || {})) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

// Members an error reply adds: a RequestError that got an HTTP response carries its status and
// body; one that got none carries the network error as `cause`.
function extra(e) {
  const r = {};
  if (e && e.status !== undefined) r.status = e.status;
  if (e && e.body !== undefined) r.body = e.body;
  if (e && e.error) r.cause = String(e.error.message || e.error) + (e.error.cause ? ': ' + String(e.error.cause.message || e.error.cause) : '');
  return r;
}

// Pusher: the SDK's class. Returns the command table and a getter for the configured client.
function create(Pusher) {
  let pusher = null;
  const configure = (a) => {
    const opts = { appId: a.app_id, key: a.key, secret: a.secret, host: a.host, port: a.port, useTLS: !!a.use_tls };
    if (a.encryption_master_key_base64 !== undefined) opts.encryptionMasterKeyBase64 = a.encryption_master_key_base64;
    if (a.timeout_ms) opts.timeout = a.timeout_ms;
    pusher = new Pusher(opts);
    return null;
  };
  const get = async (path, params) => response(await pusher.get({ path, params: defined(params) }));
  const commands = {
    configure,
    trigger: async (a) => response(await pusher.trigger(a.channels, a.event, a.data,
      a.params === undefined || a.params === null ? undefined : defined(Object.assign({}, a.params, { info: infoText(a.params.info) })))),
    trigger_batch: async (a) => response(await pusher.triggerBatch(a.batch)),
    get: (a) => get(a.path, a.params),
    post: async (a) => response(await pusher.post({ path: a.path, params: defined(a.params), body: a.body })),
    authorize_channel: (a) => pusher.authorizeChannel(a.socket_id, a.channel, a.presence_data),
    authenticate_user: (a) => pusher.authenticateUser(a.socket_id, a.user_data),
    validate_webhook: (a) => {
      const headers = {}; // both SDKs read lower-case header names
      for (const [k, v] of Object.entries(a.headers || {})) headers[k.toLowerCase()] = v;
      return pusher.webhook({ headers, rawBody: a.body }).isValid();
    },
    send_to_user: async (a) => response(await pusher.sendToUser(a.user_id, a.event, a.data)),
    terminate_user_connections: async (a) => response(await pusher.terminateUserConnections(a.user_id)),
    channels: (a) => get('/channels', { filter_by_prefix: a.prefix, info: infoText(a.info) }),
    channel: (a) => get('/channels/' + a.name, { info: infoText(a.info) }),
    users: (a) => get('/channels/' + a.channel + '/users'),
  };
  return { commands, client: () => pusher };
}

// The optional features (PROTOCOL.md section 2.1) of both SDKs: pusher-http-node 5.3.4 and
// pusher-http-edge 0.4.0 have triggerBatch, trigger's params.info, get/post, sendToUser,
// terminateUserConnections, authenticateUser, encryptionMasterKeyBase64 and webhook().
const CAPABILITIES = ['batch_trigger', 'trigger_info', 'channel_list', 'channel_info', 'channel_users', 'send_to_user',
  'terminate_user_connections', 'generic_get', 'generic_post', 'user_signin', 'encrypted_channels', 'webhooks',
  'typed_user_info'];

module.exports = { create, extra, CAPABILITIES };
