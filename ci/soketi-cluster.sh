#!/usr/bin/env bash
# Runs a two-node soketi cluster on loopback: redis-server (Debian's) and two soketi nodes with the
# Redis adapter, each with ci/soketi.json's apps, so they serve one logical server.
#   bash ci/soketi-cluster.sh start|stop|status
#   bash ci/soketi-cluster.sh restart [N]     (N: one node; default: everything)
#   bash ci/soketi-cluster.sh kill N          (SIGKILL node N: a node failure)
#   bash ci/soketi-cluster.sh revive          (restart only what does not serve: the target's restart)
# Ports (each must be free; override by environment): node 1 PUSHSPEC_CLUSTER_NODE1 (6101), node 2
# PUSHSPEC_CLUSTER_NODE2 (6111), redis PUSHSPEC_CLUSTER_REDIS (6390); both nodes send the main app's
# webhooks to PUSHSPEC_CLUSTER_HOOKS (6102). ci/targets/soketi-cluster.lua reads the same variables.
# State lives in build/soketi-cluster/ (git-ignored; PUSHSPEC_CLUSTER_STATE: another): configs, logs, pid files.
set -euo pipefail

ci="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$ci")"
bin="$ci/peers/node_modules/.bin/soketi"
state="${PUSHSPEC_CLUSTER_STATE:-$root/build/soketi-cluster}"   # another cluster beside it: another folder and ports
host=127.0.0.1
ports=("${PUSHSPEC_CLUSTER_NODE1:-6101}" "${PUSHSPEC_CLUSTER_NODE2:-6111}")
redis_port="${PUSHSPEC_CLUSTER_REDIS:-6390}"
hooks_port="${PUSHSPEC_CLUSTER_HOOKS:-6102}"
start_timeout=20   # seconds, each process
stop_timeout=10

say() { printf 'soketi-cluster.sh: %s\n' "$*"; }
die() { printf 'soketi-cluster.sh: ERROR: %s\n' "$*" >&2; exit 1; }

probe() { curl -s --max-time 2 "http://$host:$1${2:-/ready}" 2>/dev/null || true; }
port_busy() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

# PID from pid file $1 if alive and its command line contains $2.
alive_pid() {
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2" || return 0
  printf '%s\n' "$pid"
}

stop_pid() {   # pidfile pattern signal
  local pid i
  pid="$(alive_pid "$1" "$2")"
  [ -n "$pid" ] || { rm -f "$1"; return 0; }
  kill "-${3:-TERM}" "$pid" 2>/dev/null || true
  for ((i = 0; i < stop_timeout * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; }
  rm -f "$1"
}

start_redis() {
  local pidfile="$state/redis.pid" i
  [ -n "$(alive_pid "$pidfile" redis-server)" ] && return 0
  command -v redis-server >/dev/null || die "redis-server not found: apt-get install redis-server (ci/deps.sh)"
  port_busy "$redis_port" && die "port $redis_port is taken: set PUSHSPEC_CLUSTER_REDIS to a free port"
  redis-server --bind "$host" --port "$redis_port" --save "" --appendonly no --protected-mode yes \
    --dir "$state" --logfile "$state/redis.log" </dev/null >/dev/null 2>&1 &
  echo $! >"$pidfile"
  for ((i = 0; i < start_timeout * 5; i++)); do
    [ "$(redis-cli -h "$host" -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && return 0
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -n 20 "$state/redis.log" >&2; die "redis-server exited at start-up"; }
    sleep 0.2
  done
  die "redis-server did not answer within ${start_timeout}s"
}

# ci/soketi.json with node N's port, the Redis adapter and the cluster's webhook port.
write_config() {
  local n="$1" port="${ports[$(($1 - 1))]}"
  node -e "
    const fs = require('fs');
    const c = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
    c.port = $port;
    c['metrics.port'] = $port + 3;
    c['cluster.port'] = $port + 4;
    c['adapter.driver'] = 'redis';
    c['adapter.redis.prefix'] = 'pushspec-cluster';
    c['database.redis.host'] = '$host';
    c['database.redis.port'] = $redis_port;
    c['database.redis.db'] = 0;
    for (const a of c['appManager.array.apps'])
      for (const w of a.webhooks || []) w.url = w.url.replace('127.0.0.1:6002', '127.0.0.1:$hooks_port');
    fs.writeFileSync(process.argv[2], JSON.stringify(c, null, 2));
  " "$ci/soketi.json" "$state/node$n.json"
}

start_node() {
  local n="$1" port="${ports[$(($1 - 1))]}" pidfile="$state/node$1.pid" log="$state/node$1.log" pid i
  if [ -n "$(alive_pid "$pidfile" soketi)" ]; then
    [ "$(probe "$port")" = OK ] && return 0
    die "node $n (pid $(cat "$pidfile")) is alive but http://$host:$port/ready does not answer OK"
  fi
  [ -x "$bin" ] || die "$bin not found: run bash ci/install-peers.sh first"
  port_busy "$port" && die "port $port is taken: set PUSHSPEC_CLUSTER_NODE$n to a free port"
  write_config "$n"
  : >"$log"
  local -a envargs=()
  while IFS= read -r v; do envargs+=(-u "$v"); done < <(compgen -e | grep '^SOKETI_' || true)
  mkdir -p "$state/node$n"
  ( cd "$state/node$n"
    exec env "${envargs[@]}" FORCE_COLOR=0 AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1 "$bin" start \
      --config="$state/node$n.json" </dev/null >>"$log" 2>&1 ) &
  pid=$!
  echo "$pid" >"$pidfile"
  for ((i = 0; i < start_timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; die "node $n (soketi pid $pid) exited during start-up"; }
    if grep -q 'Server is up and running' "$log" && [ "$(probe "$port" /)" = OK ] && [ "$(probe "$port")" = OK ]; then
      say "node $n up: pid $pid, ws://$host:$port, http://$host:$port (log: $log)"
      return 0
    fi
    sleep 0.2
  done
  tail -n 30 "$log" >&2
  die "node $n did not come up within ${start_timeout}s"
}

node_arg() {
  [[ "${1:-}" =~ ^[12]$ ]] || die "which node? 1 or 2 (got '${1:-}')"
}

do_start() { mkdir -p "$state"; start_redis; start_node 1; start_node 2; }
do_stop() {
  stop_pid "$state/node1.pid" soketi; stop_pid "$state/node2.pid" soketi
  stop_pid "$state/redis.pid" redis-server
  say "stopped"
}
do_status() {
  local rc=0 n
  for n in 1 2; do
    if [ "$(probe "${ports[$((n - 1))]}")" = OK ]; then say "node $n serves on ${ports[$((n - 1))]}"; else say "node $n down"; rc=3; fi
  done
  return $rc
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  restart)
    if [ -n "${2:-}" ]; then node_arg "$2"; stop_pid "$state/node$2.pid" soketi; mkdir -p "$state"; start_redis; start_node "$2"
    else do_stop; do_start; fi ;;
  revive)
    mkdir -p "$state"; start_redis
    for n in 1 2; do
      [ "$(probe "${ports[$((n - 1))]}")" = OK ] || { stop_pid "$state/node$n.pid" soketi; start_node "$n"; }
    done ;;
  kill) node_arg "${2:-}"; stop_pid "$state/node$2.pid" soketi KILL; say "node $2 killed" ;;
  *) printf 'usage: %s start|stop|status|restart [N]|kill N|revive\n' "$0" >&2; exit 2 ;;
esac
