// Shared helpers for the adapter tests: drive an adapter over its JSON-lines stdio, count checks.
'use strict';
const { spawn } = require('child_process');
const path = require('path');
const util = require('util');

const peers = path.join(__dirname, '..', '..', 'peers', 'node_modules');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const VERBOSE = !!process.env.ADAPTER_TEST_VERBOSE;

let passed = 0, failed = 0;
function check(name, cond, detail) {
  if (cond) { passed++; console.log('ok   - ' + name); }
  else { failed++; console.log('FAIL - ' + name + (detail === undefined ? '' : ': ' + util.inspect(detail, { depth: 6, breakLength: 200 }))); }
  return !!cond;
}
function finish() {
  console.log(`adapter-tests: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
// Run main(); an exception counts as one failure, then the summary is printed.
function run(main) {
  const guard = setTimeout(() => { check('test finished within 60 s', false); finish(); }, 60000);
  main().catch((e) => check('test ran without exception', false, e && e.stack || e))
    .finally(() => { clearTimeout(guard); finish(); });
}

class Adapter {
  constructor(script, label) {
    this.label = label || path.basename(script);
    this.proc = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = [];      // every parsed stdout line, in order
    this.badLines = [];   // stdout lines that are not JSON objects (must stay empty)
    this.stderr = '';
    this.nextId = 1;
    this.waiters = [];
    this.exited = new Promise((r) => this.proc.on('exit', (code, sig) => r({ code, sig, at: Date.now() })));
    let buf = '';
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) { this.onLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
  }
  onLine(line) {
    let msg;
    try { msg = JSON.parse(line); } catch (_) { msg = null; }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) { this.badLines.push(line); return; }
    if (VERBOSE) console.log(`   [${this.label}] ${line}`);
    this.lines.push(msg);
    this.waiters = this.waiters.filter((w) => !(w.pred(msg) && (w.resolve(msg), true)));
  }
  // First line (already seen or future) matching pred, or reject after ms.
  waitFor(pred, ms = 5000, what = 'line') {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (m) => { clearTimeout(t); resolve(m); } };
      const t = setTimeout(() => { this.waiters = this.waiters.filter((x) => x !== w); reject(new Error(`${this.label}: timed out waiting for ${what}`)); }, ms);
      this.waiters.push(w);
    });
  }
  // Reports (lines with "type") matching pred, seen so far.
  reports(pred) { return this.lines.filter((m) => m.type !== undefined && pred(m)); }
  raw(line) { this.proc.stdin.write(line + '\n'); }
  // Send a command; resolves with its reply line ({re, ok, ...}).
  cmd(name, args = {}, ms = 5000) {
    const id = this.nextId++;
    this.raw(JSON.stringify(Object.assign({ id, cmd: name }, args)));
    return this.waitFor((m) => m.re === id, ms, `reply to ${name} #${id}`);
  }
  // Close stdin; resolves with how long the adapter took to exit (ms), or null after 3 s (then kills it).
  async closeStdin() {
    const t0 = Date.now();
    this.proc.stdin.end();
    const r = await Promise.race([this.exited, sleep(3000).then(() => null)]);
    if (!r) { this.proc.kill('SIGKILL'); return null; }
    return r.at - t0;
  }
  kill() { if (this.proc.exitCode === null) this.proc.kill('SIGKILL'); }
}

module.exports = { Adapter, check, run, sleep, peers };
