#!/usr/bin/env bash
# pushspec benchmarks. Every figure printed is a ratio of two things measured in
# this same run (absolute speeds are printed for information only), so a slow or
# busy machine moves them little. Takes about 1.5 minutes; reports/BENCHMARKS.md
# records a run.
#   bash ci/bench.sh                              codec, signer, suite (without tag slow), scale
#   BENCH_FULL=1 bash ci/bench.sh                 the suite whole (+2 min: ping-inactivity)
#   BENCH_SUITE_RESULT=FILE bash ci/bench.sh      suite figures from a `pushspec run --json` result
#                                                 (e.g. build-asan/reports/soketi.json) instead of a run
#   BENCH_BUILD=DIR bash ci/bench.sh              the binaries of an existing CMake build (no build here)
#   BENCH_QUICK=1 bash ci/bench.sh                about a minute: short microbenchmarks, no suite, 5 s of
#                                                 fuzzing (ctest bench_smoke; figures shown, not measured)
#   BENCH_FUZZ_SECONDS=60                         the live fuzzer's time (default 60, quick 5)
#   BENCH_FUZZ_NODES=5                            its pool of private soketis (default 5, quick 2; 1: one
#                                                 server, restarted while the fuzzer waits)
# explore (6 sequences of 60 operations, quick 2) runs in both modes; its cluster-against-one-node
# figure only in the full mode (a private two-node cluster on 7131/7141, Redis 7391: about +40 s).
# The suite run's result stays in build-bench/bench-suite.json.
# Needs what ci/deps.sh installs, and /usr/bin/time (package time; installed here if missing).
# soketi runs privately on 127.0.0.1:7101 (metrics 9801, cluster 11801), never the shared 6001.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
start_s=$SECONDS

build="${BENCH_BUILD:-build-bench}"
quick=0; [ "${BENCH_QUICK:-0}" != 0 ] && quick=1
work="$(mktemp -d /tmp/pushspec-bench.XXXXXX)"
soketi_dir="$work/soketi"
cleanup() {
  bash ci/bench/soketi-private.sh stop "$soketi_dir" || true
  ! declare -F stop_pool >/dev/null || stop_pool   # the live fuzzer's other servers
  rm -rf "$work"
}
trap cleanup EXIT

die() { printf 'bench.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# ---- build: pushspec and the two microbenchmarks, by the project's CMake targets (Release, no sanitizers)
if [ -z "${BENCH_BUILD:-}" ]; then
  if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
         cmake --build "$build" --target pushspec codec_bench sign_bench -j"$(nproc)" >"$work/build.log" 2>&1; }; then
    tail -n 30 "$work/build.log" >&2; die "the build in $build failed (see above)"
  fi
fi
for b in pushspec codec_bench sign_bench; do
  [ -x "$build/$b" ] || die "$build/$b missing: build the targets pushspec codec_bench sign_bench"
done
pushspec="$(cd "$build" && pwd)/pushspec"

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "pushspec bench $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')," \
  "$(nproc) cores ($cpu), cJSON $(pkg-config --modversion libcjson), OpenSSL $(pkg-config --modversion libcrypto)"

# ---- 1. codec, 2. signer
"$build/codec_bench" corpus/fuzz_frame_parse
# The same comparison in instructions (callgrind), which other load on the machine does not
# move: 20 passes over all the messages minus 0 passes (the set-up), for each contender.
if [ "$quick" = 0 ] && command -v valgrind >/dev/null; then
  ir() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/codec_bench" corpus/fuzz_frame_parse "$1" "$2" 2>&1 |
      sed -n 's/.*Collected : //p'
  }
  o0="$(ir ours 0)" o20="$(ir ours 20)" c0="$(ir cjson2 0)" c20="$(ir cjson2 20)"
  awk -v o="$((o20 - o0))" -v c="$((c20 - c0))" 'BEGIN {
    printf "codec (info): in instructions (callgrind), parse+validate / cJSON_Parse of the envelope and of a data string = %.2f (%.0f / %.0f per pass)\n", o / c, o / 20, c / 20 }'
fi
"$build/sign_bench"

# ---- the private soketi and its target (the profiles of ci/targets/soketi.lua, no webhooks)
bash ci/bench/soketi-private.sh start "$soketi_dir"
cat >"$work/target.lua" <<EOF
return {
  name = "soketi 1.6.1 (private, ci/bench.sh)",
  url = "ws://127.0.0.1:7101",
  http_url = "http://127.0.0.1:7101",
  app = { id = "app-main", key = "key-main", secret = "Dvgr28KfKzZCMtTqjg7d" },
  profiles = {
    disabled_app = { app = { id = "app-disabled", key = "key-disabled", secret = "DlQFQLbBN6nLh5hhXR7m" } },
    max_connections = { app = { id = "app-quota", key = "key-quota", secret = "kwrpMnf9MccTX3d8br4l" }, limit = 3 },
    client_events_disabled = { app = { id = "app-noclient", key = "key-noclient", secret = "DmddcxFD3v94mB5xdPvj" } },
    client_event_rate = { app = { id = "app-rate", key = "key-rate", secret = "cDZ2ttMJs288G2XGcxPB" }, per_second = 5 },
    presence_limit = { app = { id = "app-presence", key = "key-presence", secret = "c4zHJVRpW9p3GRrPvGnl" }, members = 3 },
    user_authentication = { app = { id = "app-users", key = "key-users", secret = "xxLjr2Sd8mpwLfLFHGh9" } },
  },
  limits = { max_payload = 10240 },
  -- timed: each restart's milliseconds go to restarts.ms (the suite's figure counts them)
  restart = [[s=\$(date +%s%N); bash '$root/ci/bench/soketi-private.sh' restart '$soketi_dir'; rc=\$?;
    echo \$(( (\$(date +%s%N) - s) / 1000000 )) >>'$work/restarts.ms'; exit \$rc]],
}
EOF

# ---- 3. suite: wall time against the slowest scenario and the sum of all
restarts="?" restart_ms=""
if [ "$quick" = 1 ] && [ -z "${BENCH_SUITE_RESULT:-}" ]; then
  echo "suite: left out (BENCH_QUICK)"
elif [ -n "${BENCH_SUITE_RESULT:-}" ]; then
  result="$BENCH_SUITE_RESULT"
  [ -f "$result" ] || die "BENCH_SUITE_RESULT=$result: no such file"
  how="read from $result"
else
  result="$work/suite.json"
  select=(--exclude-tag slow)
  how="run without tag slow (BENCH_FULL=1 runs it whole)"
  [ "${BENCH_FULL:-0}" = 1 ] && { select=(); how="run whole"; }
  rc=0
  : >"$work/restarts.ms"
  "$pushspec" run --target "$work/target.lua" "${select[@]}" --quiet --json "$result" \
    >"$work/suite.out" 2>&1 || rc=$?
  # 0 or 1 (soketi fails rules, see ci/targets/soketi.expect); 2 is a broken run
  [ "$rc" -le 1 ] || { tail -n 30 "$work/suite.out" >&2; die "the suite run failed (exit $rc)"; }
  restarts="$(grep -c '^restarting the server' "$work/suite.out" || true)"
  restart_ms="$(awk '{ s += $1 } END { print s + 0 }' "$work/restarts.ms")"
  cp "$work/suite.json" "$build/bench-suite.json"   # kept for a look at the scenarios' durations
fi
[ "$quick" = 1 ] && [ -z "${BENCH_SUITE_RESULT:-}" ] || node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")), s = r.summary;
  const f = (x) => x.toFixed(2), sec = (ms) => (ms / 1000).toFixed(1) + " s";
  const slow = r.scenarios.reduce((a, b) => (b.duration_ms > a.duration_ms ? b : a));
  const timeouts = r.scenarios.filter((x) => x.verdict === "timeout").length;
  const destructive = r.scenarios.filter((x) => (x.tags || []).includes("destructive"));
  const dsum = destructive.reduce((a, x) => a + x.duration_ms, 0);
  const rms = process.argv[4] === "" ? null : Number(process.argv[4]);
  if (rms !== null)   // the floor: the slowest scenario, and the restarts nothing can overlap
    console.log(`suite: wall / (slowest + restarts) = ${f(s.wall_ms / (s.slowest_scenario_ms + rms))} ` +
      `(restarts ${sec(rms)} in all)`);
  console.log(`suite: wall / slowest = ${f(s.wall_ms / s.slowest_scenario_ms)}, wall / sum = ${f(s.wall_ms / s.sum_scenario_ms)}`);
  console.log(`suite (info): ${process.argv[2]}: ${s.scenarios} scenarios, wall ${sec(s.wall_ms)}, ` +
    `slowest ${sec(s.slowest_scenario_ms)} (${slow.id}), sum ${sec(s.sum_scenario_ms)}, ` +
    `${timeouts} timed out`);
  console.log(`suite (info): ${destructive.length} destructive scenarios run one at a time after the others, ` +
    `sum ${sec(dsum)}, each followed by a liveness check; ${process.argv[3]} soketi restarts`);
' "$result" "$how" "$restarts" "$restart_ms"

# ---- 4. scale: the harness's peak RSS holding 1000 connections, against 1
if [ ! -x /usr/bin/time ]; then
  [ "$(id -u)" = 0 ] || die "/usr/bin/time missing: apt-get install time"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 || die "ulimit -n is $(ulimit -n); 1000 connections need more"
rss_kib() {   # peak RSS of pushspec running scenario $1 of ci/bench/scale
  /usr/bin/time -v -o "$work/time-$1.txt" "$pushspec" run --target "$work/target.lua" \
    --scenarios ci/bench/scale --filter "$1" --quiet >"$work/$1.out" 2>&1 ||
    { tail -n 30 "$work/$1.out" >&2; die "scenario $1 failed"; }
  sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/time-$1.txt"
}
rss1="$(rss_kib scale-1)"
rss1000="$(rss_kib scale-1000)"
awk -v a="$rss1" -v b="$rss1000" 'BEGIN {
  printf "scale: (RSS_1000 - RSS_1) / 1000 = %.1f KiB per connection\n", (b - a) / 1000
  printf "scale: RSS_1000 / RSS_1 = %.2f (RSS_1 %d KiB, RSS_1000 %d KiB)\n", b / a, a, b }'

# ---- 5. live fuzzing: `pushspec fuzz` against a pool of private soketis (the one above and
# BENCH_FUZZ_NODES - 1 more on 7111, 7121, ...): it fuzzes one while a dead one restarts, a fixed seed
fuzz_s="${BENCH_FUZZ_SECONDS:-$([ "$quick" = 1 ] && echo 5 || echo 60)}"
fuzz_nodes="${BENCH_FUZZ_NODES:-$([ "$quick" = 1 ] && echo 2 || echo 5)}"   # 5: soketi goes down ~10 times in the first
# seconds (5 findings, each reproduced once), and a node takes ~3 s to come back: fewer nodes wait
[[ "$fuzz_nodes" =~ ^[1-9]$ ]] || die "BENCH_FUZZ_NODES=$fuzz_nodes: give 1 to 9"
node_restart() {   # dir port: a node's restart command, timed into restarts.ms
  printf '[[s=$(date +%%s%%N); bash %q restart %q %s; rc=$?; echo $(( ($(date +%%s%%N) - s) / 1000000 )) >>%q; exit $rc]]' \
    "$root/ci/bench/soketi-private.sh" "$1" "$2" "$work/restarts.ms"
}
pool="{ url = \"ws://127.0.0.1:7101\", restart = $(node_restart "$soketi_dir" 7101) },"
for i in $(seq 2 "$fuzz_nodes"); do
  port=$((7091 + 10 * i))
  bash ci/bench/soketi-private.sh start "$work/soketi$i" "$port" &
  pool="$pool { url = \"ws://127.0.0.1:$port\", restart = $(node_restart "$work/soketi$i" "$port") },"
done
wait
stop_pool() { for i in $(seq 2 "$fuzz_nodes"); do bash ci/bench/soketi-private.sh stop "$work/soketi$i" $((7091 + 10 * i)) || true; done; }
[ "$fuzz_nodes" = 1 ] && pool=""   # one server: the target's own restart, waited for
{ sed -e '/^  restart = /,/^    echo/d' -e '$d' "$work/target.lua"; [ -n "$pool" ] && echo "  nodes = { $pool },"; echo "}"; } >"$work/fuzz.lua"
[ -n "$pool" ] || cp "$work/target.lua" "$work/fuzz.lua"
rc=0
: >"$work/restarts.ms"
"$pushspec" fuzz --target "$work/fuzz.lua" --seconds "$fuzz_s" --seed 1 --quiet --json "$work/fuzz.json" \
  >"$work/fuzz.out" 2>&1 || rc=$?
stop_pool
[ "$rc" -le 1 ] || { tail -n 30 "$work/fuzz.out" >&2; die "pushspec fuzz failed (exit $rc)"; }
cp "$work/fuzz.json" "$build/bench-fuzz.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const recs = r.scenarios.flatMap((s) => s.records || []);
  const sum = recs.find((x) => x.name === "summary");
  if (!sum) throw new Error("no summary record in " + process.argv[1]);
  const s = sum.value;
  console.log(`fuzz: live fuzzing of soketi = ${s.inputs_per_second} inputs/s overall ` +
    `(${s.inputs_per_second_fuzzing} not counting restarts and replays)`);
  const tm = s.time_ms || {}, sec = (ms) => ((ms || 0) / 1000).toFixed(1) + " s";
  console.log(`fuzz (info): seed ${s.seed}, ${s.seconds} s on ${s.pool ? "a pool of " + s.pool + " servers" : "one server"}: ` +
    `${s.inputs} inputs in ${s.batches} batches, ${s.findings} findings, ${s.restarts} restarts taking ` +
    `${sec(Number(process.argv[2]))} (waited for: ${sec(tm.waiting_for_a_node)}), ${s.replays} replays taking ${sec(tm.replaying)}, ` +
    `${s.skipped_known_crashers} inputs of known crashers skipped`);
  console.log(`fuzz (info): time: generating ${sec(tm.generating)}, sending and reactions ${sec(tm.sending)}, ` +
    `liveness checks ${sec(tm.liveness)}, down (replays and waits) ${sec(tm.down)}`);
' "$work/fuzz.json" "$(awk '{ s += $1 } END { print s + 0 }' "$work/restarts.ms")"

# ---- 6. explore: operations per second against the private soketi; pushspec's own CPU time / wall time
# over the run (model, generator, checker and the I/O loop: an upper bound of model + checker); the
# shrinker's replays for a 1,000-operation failing sequence (offline, harness/tests/lua_explore.lua);
# full mode only: a two-node cluster's explore wall time against the one node's, side by side.
explore_run() {   # name target baseline: a fixed seed, no webhooks; writes $work/explore-NAME.{json,time}
  local rc=0   # the baseline's clauses are reported, not shrunk: the figures time exploring
  /usr/bin/time -f '%e %U %S' -o "$work/explore-$1.time" "$pushspec" explore --target "$2" --seed 42 \
    --sequences "$ex_seq" --ops 60 --budget 120 --expect "$3" --quiet --json "$work/explore-$1.json" >"$work/explore-$1.out" 2>&1 || rc=$?
  [ "$rc" -le 1 ] || { tail -n 30 "$work/explore-$1.out" >&2; die "pushspec explore ($1) failed (exit $rc)"; }
}
explore_summary() {   # json -> "operations seconds" (the summary record)
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s = r.scenarios.flatMap((x) => x.records || []).find((x) => x.name === "summary");
    if (!s) throw new Error("no summary record in " + process.argv[1]);
    console.log(s.value.operations, s.value.seconds);' "$1"
}
ex_seq=$([ "$quick" = 1 ] && echo 2 || echo 6)
explore_run one "$work/target.lua" ci/targets/soketi-explore.expect
read -r ex_ops ex_s < <(explore_summary "$work/explore-one.json")
read -r ex_wall ex_user ex_sys < <(tail -n 1 "$work/explore-one.time")   # (after "Command exited with ...")
awk -v o="$ex_ops" -v s="$ex_s" -v w="$ex_wall" -v u="$ex_user" -v y="$ex_sys" 'BEGIN {
  printf "explore: operations per second against soketi = %.1f (%d operations in %.1f s, seed 42)\n", o / s, o, s
  printf "explore: pushspec CPU / wall = %.3f (user %.2f s + sys %.2f s over %.1f s; model + checker at most that)\n", (u + y) / w, u, y, w }'
shrink_line="$(lua5.4 harness/tests/lua_explore.lua harness/lua | grep -E '^shrink (resubscribe|per-connection): 1000 ops' || true)"
[ -n "$shrink_line" ] || die "harness/tests/lua_explore.lua printed no shrink figures"
printf '%s\n' "$shrink_line" | awk '{ sub(":", "", $2); r[$2] = $(NF - 5) } END {
  printf "explore: shrink replays for a 1,000-operation failing sequence = %d (resubscribe double %d, per-connection counts %d; offline, at most 60)\n",
    (r["resubscribe"] > r["per-connection"] ? r["resubscribe"] : r["per-connection"]), r["resubscribe"], r["per-connection"] }'
if [ "$quick" = 1 ]; then
  echo "explore: cluster / one node: left out (BENCH_QUICK)"
else
  # a private two-node cluster (its own state folder and ports), the same seed and sizes
  export PUSHSPEC_CLUSTER_STATE="$work/cluster" PUSHSPEC_CLUSTER_NODE1=7131 PUSHSPEC_CLUSTER_NODE2=7141 \
    PUSHSPEC_CLUSTER_REDIS=7391 PUSHSPEC_CLUSTER_HOOKS=7132
  bash ci/soketi-cluster.sh start >"$work/cluster.out" 2>&1 || { cat "$work/cluster.out" >&2; die "the private cluster did not start"; }
  sed -e 's|^  name = .*|  name = "soketi 1.6.1, two nodes (private, ci/bench.sh)",|' \
      -e 's|^  url = .*|  nodes = { { url = "ws://127.0.0.1:7131", http_url = "http://127.0.0.1:7131" }, { url = "ws://127.0.0.1:7141", http_url = "http://127.0.0.1:7141" } },|' \
      -e '/^  http_url = /d' -e '/^  restart = /,/^    echo/d' "$work/target.lua" >"$work/cluster.lua"
  explore_run cluster "$work/cluster.lua" ci/targets/soketi-cluster-explore.expect
  bash ci/soketi-cluster.sh stop >>"$work/cluster.out" 2>&1 || true
  read -r cl_ops cl_s < <(explore_summary "$work/explore-cluster.json")
  read -r cl_wall _ _ < <(tail -n 1 "$work/explore-cluster.time")
  awk -v a="$cl_wall" -v b="$ex_wall" -v ao="$cl_ops" -v bo="$ex_ops" 'BEGIN {
    printf "explore: cluster wall / one-node wall = %.2f (%.1f s / %.1f s; per operation %.2f: %d and %d operations)\n",
      a / b, a, b, (a / ao) / (b / bo), ao, bo }'
fi

echo "bench: done in $((SECONDS - start_s)) s"
