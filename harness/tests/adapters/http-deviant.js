#!/usr/bin/env node
// pusher-http-node with one deliberate deviation, for the fake server's own tests
// (harness/tests/http_deviants.sh): each MODE is an SDK bug or limit seen in real SDKs.
//   none             the real adapter (ci/adapters/pusher-http-node.js), as a control
//   text             the real adapter, with a hello asking for text app ids (app_id_form)
//   bad-form         the real adapter, with a hello asking for an app id form that does not exist
//   numeric-only     configure refuses an app id that is not decimal digits (as some SDKs do)
//   numeric-only-text  the same, with a hello asking for text app ids (must then fail to configure)
//   wrong-path       terminate_user_connections POSTs /users/ID/terminate_connections, no /apps/ID
//   encrypted-hooks  validate_webhook throws on an event without data on a private-encrypted- channel
//   json-get         get parses the answer as JSON (as a typed SDK's documented get does) and errs when it is not
//   string-map       user_info is a map of strings (a Go map[string]string): other values are answered
//                    unsupported (PROTOCOL.md section 3); the hello does not declare typed_user_info
'use strict';
const path = require('path');
const lib = path.join(__dirname, '..', '..', '..', 'ci', 'adapters', 'lib');
const { makeHandler, Unsupported } = require(path.join(lib, 'protocol'));
const { send, serve, peer } = require(path.join(lib, 'stdio'));
const httpSdk = require(path.join(lib, 'http-sdk'));

const mode = process.argv[2] || 'none';
const modes = ['none', 'text', 'bad-form', 'numeric-only', 'numeric-only-text', 'wrong-path', 'encrypted-hooks', 'json-get',
  'string-map'];
if (!modes.includes(mode)) {
  process.stderr.write(`http-deviant.js: unknown mode ${JSON.stringify(mode)}; one of ${modes.join(', ')}\n`);
  process.exit(2);
}

const Pusher = require(peer('pusher'));
const sdk = httpSdk.create(Pusher);
const c = sdk.commands;

if (mode.startsWith('numeric-only')) {
  const configure = c.configure;
  c.configure = (a) => {
    if (typeof a.app_id !== 'string' || !/^[0-9]+$/.test(a.app_id)) throw new Error(`app_id must be numeric, got ${JSON.stringify(a.app_id)}`);
    return configure(a);
  };
}
if (mode === 'wrong-path') {
  const terminate = c.terminate_user_connections;
  c.terminate_user_connections = (a) => {
    const config = sdk.client().config;
    const prefix = config.prefixPath;
    config.prefixPath = (p) => p;   // requests.js signs and sends the path it returns
    try { return terminate(a); } finally { config.prefixPath = prefix; }
  };
}
if (mode === 'encrypted-hooks') {
  const validate = c.validate_webhook;
  c.validate_webhook = (a) => {
    const events = (JSON.parse(a.body || '{}') || {}).events || [];
    for (const e of events) {
      if (String(e.channel).startsWith('private-encrypted-') && e.data === undefined) throw new Error(`cannot decrypt the ${e.name} event of ${e.channel}: no data`);
    }
    return validate(a);
  };
}

if (mode === 'json-get') {
  const get = c.get;
  c.get = async (a) => {
    const res = await get(a);
    JSON.parse(res.body);   // throws on a non-JSON answer, as the SDK's decoder would
    return res;
  };
}
if (mode === 'string-map') {
  const authorize = c.authorize_channel;
  c.authorize_channel = (a) => {
    const info = (a.presence_data && a.presence_data.user_info) || {};
    for (const [k, v] of Object.entries(info)) {
      if (typeof v !== 'string') throw new Unsupported(`argument presence_data.user_info.${k}: a ${Array.isArray(v) ? 'list' : typeof v}; this SDK takes map[string]string`);
    }
    return authorize(a);
  };
}

const handle = makeHandler(c, { send, setup: 'configure', ready: () => sdk.client() !== null,
  notReady: 'not configured: send configure first', extra: httpSdk.extra });
const hello = { sdk: 'pusher-http-node (' + mode + ')', version: require(peer('pusher/package.json')).version, kind: 'http' };
if (mode === 'text' || mode === 'numeric-only-text') hello.app_id_form = 'text';
if (mode === 'bad-form') hello.app_id_form = 'uuid';
if (mode === 'string-map') hello.capabilities = httpSdk.CAPABILITIES.filter((n) => n !== 'typed_user_info');
serve('http-deviant ' + mode, hello, handle);
