// In the browser page (lib/browser-page.js serves it after the SDK and the shared adapter code):
// pushspecIn(line) runs one protocol line; pushspecOut(line) (a CDP binding) carries every line out.
'use strict';
(function () {
  const P = pushspecProtocol;
  const out = (o) => { let l; try { l = JSON.stringify(o); } catch (_) { l = JSON.stringify(P.plain(o)); } pushspecOut(l); };
  try { localStorage.clear(); } catch (_) { /* pusher-js caches transport timings there */ }
  // pusher-js logs every frame; to the console only when asked (?debug): each message is CDP traffic.
  const log = /[?&]debug\b/.test(location.search) ? (m) => console.log(m) : () => {};
  const client = pushspecPusherJs.create(Pusher, out, log);
  window.pushspecIn = P.makeHandler(client.commands, { send: out, setup: 'connect', ready: () => client.client() !== null,
    notReady: 'no client: send connect first', result: P.plain });
  // An exception escaping an SDK callback (the page's equivalent of Node's uncaughtException).
  window.addEventListener('error', (e) => out({ type: 'adapter_error', error: String(e.message) }));
  window.addEventListener('unhandledrejection', (e) => out({ type: 'adapter_error', error: P.errText(e.reason) }));
})();
