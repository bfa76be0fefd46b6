#!/usr/bin/env bash
# A cluster target (nodes = {...}): the nodes are read and checked, every node is reached before
# the run (exit 2 naming the node that is not), and a node that does not serve the app is an
# error naming it, not a run of failures. Stand-in nodes: fixtures/cluster_node.js.
#   bash harness/tests/cli_cluster.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_cluster.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_cluster.sh PATH/TO/pushspec SOURCE_DIR}
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
export NO_COLOR=1
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tmp=$(mktemp -d)
nodes_pid=
cleanup() {
    if [ -n "$nodes_pid" ]; then kill "$nodes_pid" 2>/dev/null; wait "$nodes_pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
p1=$(free_port) p2=$(free_port) p3=$(free_port) dead=$(free_port)
node "$src/harness/tests/fixtures/cluster_node.js" "$p1:k" "$p2:k" "$p3:other" >"$tmp/nodes.out" 2>&1 &
nodes_pid=$!
for _ in $(seq 100); do grep -q ready "$tmp/nodes.out" && break; sleep 0.05; done
check_has "stand-in nodes listen" ready "$(cat "$tmp/nodes.out")"

target() { # the nodes' ports
    { printf 'return { app = { id = "a", key = "k", secret = "cluster-test-secret" }, nodes = {\n'
      for p in "$@"; do printf '  { url = "ws://127.0.0.1:%s" },\n' "$p"; done
      printf '} }\n'; } >"$tmp/t.lua"
}
run() { timeout 60 "$ps" run --target "$tmp/t.lua" --filter EVT-1 --scenarios "$src/scenarios/server" \
    --json "$tmp/r.json" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; err=$(cat "$tmp/err"); }

# node 2 unreachable: exit 2, naming node 2 and its address, no result
target "$p1" "$dead"
run
check_eq "unreachable node: exit status" 2 "$rc"
check_has "unreachable node: names node 2 and its url" "node 2 of the target's nodes \(ws://127\.0\.0\.1:$dead\).*cannot reach" "$err"
if [ -e "$tmp/r.json" ]; then fail "unreachable node: no result file" "none" "$tmp/r.json"; else ok; fi

# node 2 does not know the app key: exit 2 naming node 2, what it answered, and what to do
target "$p1" "$p3"
run
check_eq "node without the app: exit status" 2 "$rc"
check_has "node without the app: names node 2" "node 2 of the target's nodes \(ws://127\.0\.0\.1:$p3\): it does not serve the target's app" "$err"
check_has "node without the app: shows its answer" "4001" "$err"
check_has "node without the app: says what to do" "every node must serve the same apps" "$err"

# both nodes serve the app: the run starts and lists the nodes on the console
target "$p1" "$p2"
run
check_has "two nodes: the console lists them" "node 1: ws://127\.0\.0\.1:$p1.*node 2: ws://127\.0\.0\.1:$p2" "$(tr '\n' ' ' <"$tmp/err")"
check_has "two nodes: the result lists them" "\"nodes\":\[\{\"name\":\"node1\",\"url\":\"ws://127\.0\.0\.1:$p1\"" "$(tr -d ' \n\t' <"$tmp/r.json")"

# a node of the wrong shape: the message says which field
printf 'return { app = { id = "a", key = "k", secret = "cluster-test-secret" }, nodes = { { http_url = "http://x" } } }\n' >"$tmp/t.lua"
run
check_eq "node without url: exit status" 2 "$rc"
check_has "node without url: says so" "nodes\[1\] has no url" "$err"
printf 'return { app = { id = "a", key = "k", secret = "cluster-test-secret" }, nodes = { { url = "ws://x:1", stpo = "x" } } }\n' >"$tmp/t.lua"
run
check_has "misspelt node field: named" "nodes\[1\] has an unknown field stpo" "$err"

# one node in the list is no cluster: the run is as without nodes (no node lines, no nodes in the result)
target "$p1"
run
check_eq "one node: no node lines" "" "$(grep -E '^  node [0-9]+:' "$tmp/err")"
check_eq "one node: no nodes in the result" "" "$(grep -o '"nodes"' "$tmp/r.json")"
finish cli_cluster
