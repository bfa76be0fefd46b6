// The adapter protocol's command loop (ci/adapters/PROTOCOL.md), shared by every Node and browser
// adapter here: one line in -> the command run -> exactly one reply out. No Node APIs: the browser
// adapter loads this file into its page too.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.pushspecProtocol = factory();
})(this, function () {
  'use strict';

  // JSON-safe copy of anything (errors, socket events with cycles): depth-limited, no functions.
  function plain(v, depth = 0) {
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v === 'bigint' || (typeof v === 'number' && !isFinite(v))) return String(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > 4) return '[too deep]';
    if (Array.isArray(v)) return v.map((x) => { const p = plain(x, depth + 1); return p === undefined ? null : p; });
    const out = v instanceof Error ? { name: v.name, message: v.message } : {};
    for (const k of Object.keys(v)) {
      if (k === 'target' || k === 'currentTarget' || k === 'stack') continue;
      const p = plain(v[k], depth + 1);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  const errText = (e) => (e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(plain(e)));

  // Thrown by a command the SDK has no API for: the reply says {"ok":false,"unsupported":true}.
  class Unsupported extends Error {}

  // An error reply; `extra(e)` adds SDK-specific members (HTTP status, body, cause).
  function failure(re, e, extra) {
    const r = { re, ok: false, error: errText(e) };
    if (e instanceof Unsupported) r.unsupported = true;
    return Object.assign(r, extra ? extra(e) : {});
  }

  // handle(line) for a table of commands. opts: send(obj), ready() (false until the first
  // setup command), setup (its name), notReady (the error before it), result(v), extra(e).
  function makeHandler(commands, opts) {
    const result = opts.result || ((v) => v);
    return function handle(line) {
      if (!line.trim()) return;
      let msg;
      try { msg = JSON.parse(line); } catch (e) { return opts.send({ re: null, ok: false, error: 'unparsable line: ' + e.message }); }
      if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return opts.send({ re: null, ok: false, error: 'not a JSON object' });
      const re = msg.id === undefined ? null : msg.id;
      const fn = Object.prototype.hasOwnProperty.call(commands, msg.cmd) ? commands[msg.cmd] : null;
      if (!fn) return opts.send({ re, ok: false, error: 'unknown command: ' + JSON.stringify(msg.cmd) });
      if (!opts.ready() && msg.cmd !== opts.setup) return opts.send({ re, ok: false, error: opts.notReady });
      // Synchronous commands reply at once, promise ones when they settle (replies may overtake).
      const ok = (v) => opts.send({ re, ok: true, result: v === undefined ? null : result(v) });
      const bad = (e) => opts.send(failure(re, e, opts.extra));
      let out;
      try { out = fn(msg); } catch (e) { return bad(e); }
      if (out && typeof out.then === 'function') out.then(ok, bad);
      else ok(out);
    };
  }

  return { plain, errText, Unsupported, makeHandler };
});
