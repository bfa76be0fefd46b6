#!/usr/bin/env node
// pushspec SDK adapter for pusher-js (client SDK, Node build). Wire protocol: ci/adapters/PROTOCOL.md
// stdout carries only JSON lines; everything else goes to stderr.
'use strict';
const { makeHandler, plain } = require('./lib/protocol');
const { send, serve, peer } = require('./lib/stdio');
const pusherJs = require('./lib/pusher-js-client');

const Pusher = require(peer('pusher-js')); // package "main" = the Node build
const VERSION = require(peer('pusher-js/package.json')).version;

const log = (msg) => process.stderr.write('[pusher-js adapter] ' + msg + '\n');
const client = pusherJs.create(Pusher, send, log);
const handle = makeHandler(client.commands, { send, setup: 'connect', ready: () => client.client() !== null,
  notReady: 'no client: send connect first', result: plain });
serve('pusher-js', { sdk: 'pusher-js', version: VERSION, kind: 'client', capabilities: pusherJs.CAPABILITIES }, handle);
