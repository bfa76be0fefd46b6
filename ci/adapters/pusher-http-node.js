#!/usr/bin/env node
// pushspec SDK adapter for pusher-http-node (the "pusher" npm package, HTTP/server SDK).
// Wire protocol: ci/adapters/PROTOCOL.md. stdout carries only JSON lines; logs go to stderr.
'use strict';
const { makeHandler } = require('./lib/protocol');
const { send, serve, peer } = require('./lib/stdio');
const httpSdk = require('./lib/http-sdk');

const Pusher = require(peer('pusher'));
const VERSION = require(peer('pusher/package.json')).version;

const sdk = httpSdk.create(Pusher);
const handle = makeHandler(sdk.commands, { send, setup: 'configure', ready: () => sdk.client() !== null,
  notReady: 'not configured: send configure first', extra: httpSdk.extra });
serve('pusher-http-node', { sdk: 'pusher-http-node', version: VERSION, kind: 'http', capabilities: httpSdk.CAPABILITIES },
  handle);
