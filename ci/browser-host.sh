#!/usr/bin/env bash
# Runs ci/adapters/browser-host.js: one headless Chromium (Debian's /usr/bin/chromium, driven by
# playwright-core) that every ci/adapters/pusher-js-browser.js started with
#   PUSHSPEC_BROWSER_HOST=127.0.0.1:9339
# opens a page in, instead of launching a browser per scenario.
#   bash ci/browser-host.sh start|stop|status
# State lives in build/browser-host/ (git-ignored): host.log, host.pid.
set -euo pipefail

ci="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="$(dirname "$ci")/build/browser-host"
pidfile="$state/host.pid"
log="$state/host.log"
addr=127.0.0.1:9339
start_timeout=60   # seconds (a browser launch on a loaded 2-core machine)

say() { printf 'browser-host.sh: %s\n' "$*"; }
die() { printf 'browser-host.sh: ERROR: %s\n' "$*" >&2; exit 1; }

our_pid() {
  local pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q browser-host.js; then
    printf '%s\n' "$pid"
  fi
  return 0
}

do_start() {
  local pid i
  pid="$(our_pid)"
  [ -z "$pid" ] || { say "already running (pid $pid)"; return 0; }
  [ -x "${PUSHSPEC_CHROMIUM_BIN:-/usr/bin/chromium}" ] || die "no Chromium at ${PUSHSPEC_CHROMIUM_BIN:-/usr/bin/chromium} (apt-get install chromium; ci/deps.sh does)"
  [ -d "$ci/peers/node_modules/playwright-core" ] || die "playwright-core is missing: run bash ci/install-peers.sh"
  mkdir -p "$state"
  node "$ci/adapters/browser-host.js" "$addr" </dev/null >"$log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$pidfile"
  for ((i = 0; i < start_timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; rm -f "$pidfile"; die "browser-host.js exited during start-up (log: $log)"; }
    if grep -q '^listening on' "$log"; then say "up: pid $pid, $addr (log: $log)"; return 0; fi
    sleep 0.2
  done
  do_stop >/dev/null 2>&1 || true
  die "browser-host.js did not listen on $addr within ${start_timeout}s (log: $log)"
}

do_stop() {
  local pid i
  pid="$(our_pid)"
  [ -n "$pid" ] || { rm -f "$pidfile"; say "not running"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true   # it closes its browser, then exits
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"
  say "stopped (pid $pid)"
}

case "${1:-}" in
  start)  do_start ;;
  stop)   do_stop ;;
  status) if [ -n "$(our_pid)" ]; then say "running (pid $(our_pid)), $addr"; else say "not running"; exit 3; fi ;;
  *) printf 'usage: %s start|stop|status\n' "$0" >&2; exit 2 ;;
esac
