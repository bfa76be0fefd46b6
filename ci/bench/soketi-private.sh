#!/usr/bin/env bash
# A private soketi for the benchmarks, apart from the shared one on 6001:
# ci/soketi.json with port 7101, metrics 9801, cluster 11801 and no webhooks.
#   bash ci/bench/soketi-private.sh start|stop|restart DIR [PORT]
# PORT (default 7101) runs another one beside it (metrics PORT+2700, cluster
# PORT+4700): the live fuzzer's pool of servers.
# DIR (made if missing) holds soketi.json, soketi.pid and soketi.log; soketi
# runs there (it reads .env from its working directory: DIR has none).
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ci="$(dirname "$bench")"
bin="$ci/peers/node_modules/.bin/soketi"
cmd="${1:-}"
dir="${2:-}"
port="${3:-7101}"
[ -n "$cmd" ] && [ -n "$dir" ] && [[ "$port" =~ ^[0-9]+$ ]] || { echo "usage: $0 start|stop|restart DIR [PORT]" >&2; exit 2; }
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

# The body of GET $1, or nothing. In bash itself (/dev/tcp): a start polls it every
# 50 ms, and a curl process each time was a tenth of the live fuzzer's CPU.
probe() {
  local line body="" len=0
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
  while IFS= read -r -t 2 line <&3; do
    line="${line%$'\r'}"
    [ -n "$line" ] || break
    [[ "${line,,}" =~ ^content-length:\ *([0-9]+) ]] && len="${BASH_REMATCH[1]}"
  done
  [ "$len" -gt 0 ] && [ "$len" -le 4096 ] && IFS= read -r -t 2 -N "$len" body <&3
  exec 3<&-
  printf '%s' "$body"
}

# The PID in DIR/soketi.pid when that process is alive and is a soketi.
our_pid() {
  local pid
  pid="$(cat "$dir/soketi.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q soketi && echo "$pid"
  return 0
}

write_config() {
  node -e '
    const fs = require("fs");
    const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const port = Number(process.argv[3]);
    Object.assign(c, { "port": port, "metrics.port": port + 2700, "cluster.port": port + 4700 });
    for (const k of ["host", "metrics.host", "cluster.address", "cluster.hostname", "cluster.unicast"])
      if (c[k] !== "127.0.0.1") throw new Error(k + " is not 127.0.0.1");
    for (const app of c["appManager.array.apps"]) delete app.webhooks;
    fs.writeFileSync(process.argv[2], JSON.stringify(c, null, 2) + "\n");
  ' "$ci/soketi.json" "$dir/soketi.json" "$port"
}

do_start() {
  [ -z "$(our_pid)" ] || { echo "soketi-private: already running" >&2; return 0; }
  [ -x "$bin" ] || { echo "soketi-private: $bin missing: run bash ci/install-peers.sh" >&2; exit 1; }
  [ -z "$(probe /)" ] || { echo "soketi-private: port $port is taken" >&2; exit 1; }
  [ "${1:-}" = again ] && [ -f "$dir/soketi.json" ] || write_config   # a restart keeps it: one node start less
  local -a unset_env=()
  while IFS= read -r v; do unset_env+=(-u "$v"); done < <(compgen -e | grep '^SOKETI_' || true)
  (cd "$dir" && exec env "${unset_env[@]}" FORCE_COLOR=0 "$bin" start --config="$dir/soketi.json" \
    </dev/null >>"$dir/soketi.log" 2>&1) &
  echo $! >"$dir/soketi.pid"
  for _ in $(seq 400); do
    [ "$(probe /)" = OK ] && [ "$(probe /ready)" = OK ] && return 0
    kill -0 "$(cat "$dir/soketi.pid")" 2>/dev/null || break
    sleep 0.05
  done
  echo "soketi-private: did not come up on $port; see $dir/soketi.log" >&2
  do_stop
  exit 1
}

do_stop() {   # $1 = KILL: at once (a restart: the server is down or to be reset anyway)
  local pid
  pid="$(our_pid)"
  [ -n "$pid" ] || return 0
  kill -"${1:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$dir/soketi.pid"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop KILL; do_start again ;;   # no 1 s shutdown grace: restarts cost the live fuzzer
                                       # and the destructive scenarios their time
  *) echo "usage: $0 start|stop|restart DIR [PORT]" >&2; exit 2 ;;
esac
