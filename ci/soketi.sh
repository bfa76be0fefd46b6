#!/usr/bin/env bash
# Runs one soketi (ci/peers, installed by ci/install-peers.sh) on 127.0.0.1:6001 with ci/soketi.json.
#   bash ci/soketi.sh start|stop|restart|status
# Works from any directory. State lives in build/soketi/ (git-ignored): soketi.log, soketi.pid.
# PUSHSPEC_SOKETI_DEBUG=1 starts it with soketi's debug logging (every frame in and out goes to the log).
set -euo pipefail

ci="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$ci")"
bin="$ci/peers/node_modules/.bin/soketi"
config="$ci/soketi.json"
state="$root/build/soketi"
log="$state/soketi.log"
pidfile="$state/soketi.pid"
host=127.0.0.1
port=6001
start_timeout=20   # seconds
stop_timeout=10    # seconds (soketi waits shutdownGracePeriod before it exits)

say() { printf 'soketi.sh: %s\n' "$*"; }
die() { printf 'soketi.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# GET http://127.0.0.1:6001/PATH (default /ready) and print the body; empty when nothing answers.
# soketi answers OK on / even while it shuts down (e.g. after an uncaught exception); /ready answers
# OK only while it is up and not closing (then its body is a JSON error, with HTTP status 200).
probe() {
  local path="${1:-/ready}"
  if command -v curl >/dev/null 2>&1; then
    curl -s --max-time 2 "http://$host:$port$path" 2>/dev/null || true
  else
    node -e "
      const r = require('http').get({host: '$host', port: $port, path: '$path', timeout: 2000}, res => {
        let b = ''; res.on('data', c => b += c); res.on('end', () => process.stdout.write(b));
      });
      r.on('error', () => {}); r.on('timeout', () => r.destroy());" 2>/dev/null || true
  fi
}

# PID from the pid file if that process is alive and is a soketi; empty otherwise.
our_pid() {
  local pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'soketi' || return 0
  printf '%s\n' "$pid"
}

log_tail() {
  if [ -f "$log" ]; then
    printf -- '--- last lines of %s ---\n' "$log" >&2
    tail -n 30 "$log" >&2
    printf -- '---\n' >&2
  fi
}

check_config() {
  # soketi ignores a config file it cannot parse and starts on its defaults, which listen on 0.0.0.0
  # and send cluster-discovery UDP broadcasts to 255.255.255.255: never let that happen.
  node -e "
    const c = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
    const want = {'host': '127.0.0.1', 'port': $port, 'metrics.host': '127.0.0.1',
                  'cluster.address': '127.0.0.1', 'cluster.unicast': '127.0.0.1'};
    for (const [k, v] of Object.entries(want))
      if (c[k] !== v) { console.error('config key ' + k + ' must be ' + JSON.stringify(v) + ', is ' + JSON.stringify(c[k])); process.exit(1); }
    if (!Array.isArray(c['appManager.array.apps']) || c['appManager.array.apps'].length === 0) { console.error('no apps'); process.exit(1); }
  " "$config" || die "$config is not a valid loopback-only soketi config"
}

do_start() {
  local pid body i
  pid="$(our_pid)"
  if [ -n "$pid" ]; then
    if [ "$(probe)" = OK ]; then say "already running (pid $pid)"; return 0; fi
    die "pid $pid is alive but http://$host:$port/ready does not answer OK; run: bash ci/soketi.sh restart"
  fi
  [ -x "$bin" ] || die "$bin not found: run bash ci/install-peers.sh first"
  check_config
  body="$(probe /)"
  [ -z "$body" ] || die "something else already answers on $host:$port (said: ${body:0:80}); not starting"

  mkdir -p "$state"
  rm -f "$pidfile"
  : >"$log"
  # Clean environment for soketi: SOKETI_* variables would override the config, and soketi reads a
  # .env file from its working directory, so it runs in build/soketi/ which holds none.
  local -a envargs=()
  while IFS= read -r v; do envargs+=(-u "$v"); done < <(compgen -e | grep '^SOKETI_' || true)
  [ "${PUSHSPEC_SOKETI_DEBUG:-0}" = 1 ] && envargs+=(SOKETI_DEBUG=true)
  (
    cd "$state"
    exec env "${envargs[@]}" FORCE_COLOR=0 AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1 "$bin" start --config="$config" </dev/null >>"$log" 2>&1
  ) &
  pid=$!
  printf '%s\n' "$pid" >"$pidfile"

  for ((i = 0; i < start_timeout * 5; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      log_tail
      die "soketi (pid $pid) exited during start-up"
    fi
    if grep -q 'There was an error while parsing' "$log"; then
      kill "$pid" 2>/dev/null || true
      rm -f "$pidfile"
      log_tail
      die "soketi could not parse $config"
    fi
    if grep -q 'Server is up and running' "$log" && [ "$(probe /)" = OK ] && [ "$(probe /ready)" = OK ]; then
      say "up: pid $pid, ws://$host:$port/app/KEY, http://$host:$port (log: $log)"
      return 0
    fi
    sleep 0.2
  done
  log_tail
  do_stop >/dev/null 2>&1 || true
  die "soketi did not come up within ${start_timeout}s"
}

do_stop() {
  local pid i
  pid="$(our_pid)"
  if [ -z "$pid" ]; then
    rm -f "$pidfile"
    say "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < stop_timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid still alive after ${stop_timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && die "pid $pid would not die"
  fi
  rm -f "$pidfile"
  say "stopped (pid $pid)"
}

do_status() {
  local pid
  pid="$(our_pid)"
  if [ -n "$pid" ] && [ "$(probe)" = OK ]; then
    say "running (pid $pid), http://$host:$port/ready answers OK"
    return 0
  elif [ -n "$pid" ]; then
    say "pid $pid alive but http://$host:$port/ready does not answer OK (starting, or shutting down)"
    return 1
  fi
  say "not running"
  return 3
}

case "${1:-}" in
  start)   do_start ;;
  stop)    do_stop ;;
  restart) do_stop; do_start ;;
  status)  do_status ;;
  *) printf 'usage: %s start|stop|restart|status\n' "$0" >&2; exit 2 ;;
esac
