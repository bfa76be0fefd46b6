#!/usr/bin/env node
// pushspec SDK adapter for pusher-http-edge (fetch-based HTTP SDK with a WebCrypto signer; an ES
// module, run on Node's global fetch). Wire protocol: ci/adapters/PROTOCOL.md.
'use strict';
const path = require('path');
const { pathToFileURL } = require('url');
const { makeHandler } = require('./lib/protocol');
const { send, serve, peerDir } = require('./lib/stdio');
const httpSdk = require('./lib/http-sdk');

const dir = peerDir('pusher-http-edge');
const VERSION = require(path.join(dir, 'package.json')).version;

// The hello waits for the module: commands may only arrive after it.
import(pathToFileURL(path.join(dir, 'dist', 'pusher.js')).href).then((mod) => {
  const sdk = httpSdk.create(mod.default);
  const handle = makeHandler(sdk.commands, { send, setup: 'configure', ready: () => sdk.client() !== null,
    notReady: 'not configured: send configure first', extra: httpSdk.extra });
  serve('pusher-http-edge', { sdk: 'pusher-http-edge', version: VERSION, kind: 'http', capabilities: httpSdk.CAPABILITIES },
    handle);
}, (e) => { process.stderr.write('[pusher-http-edge adapter] cannot load the SDK: ' + (e && e.stack || e) + '\n'); process.exit(1); });
