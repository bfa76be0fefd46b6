#!/usr/bin/env bash
# Listen addresses: the fake server and the webhook receiver bind exactly the
# address given (IPv4, [IPv6], a name), and a bad port, an unparsable address
# or one that cannot be bound is exit 2 with the reason before anything runs.
#   bash test_listen.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_listen.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"
hang="sh $src/harness/tests/adapters/broken.sh hang"

# bad --listen values: exit 2 at once, the reason named, no adapter started
# (the adapter leaves a mark when it starts: no clock to read on a busy machine)
bad() { # what, --listen value, message regex
    rm -f "$tmp/started"
    out=$(timeout 20 "$ps" run --sdk "touch $tmp/started; exec $hang" --listen "$2" 2>&1)
    rc=$?
    check_eq "--listen $2 ($1): exit status" 2 "$rc"
    check_has "--listen $2 ($1): says why" "$3" "$out"
    check_eq "--listen $2 ($1): refused before any adapter started" "no adapter" \
        "$([ -e "$tmp/started" ] && echo "an adapter started" || echo "no adapter")"
    check_lacks "--listen $2 ($1): no run started" "fake server on" "$out"
}
bad "negative port" 127.0.0.1:-1 "bad port '-1'.*1 to 65535"
bad "port over 65535" 127.0.0.1:99999 "bad port '99999'.*1 to 65535"
bad "port 0" 127.0.0.1:0 "bad port '0'"
bad "no port" 127.0.0.1 "not HOST:PORT"
bad "IPv6 without brackets" ::1:7000 "IPv6 address goes in brackets"
bad "unresolvable name" no-such-host.invalid:7000 "cannot resolve 'no-such-host.invalid'"
bad "address not on this host" 192.0.2.1:7000 "cannot listen on 192.0.2.1 port 7000: Cannot assign"
busy=$(free_port)
$py -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$busy)); s.listen(); time.sleep(30)" &
pids+=($!)
wait_listen "$busy"
bad "port in use" "127.0.0.1:$busy" "Address already in use"

# webhooks.listen in a target: checked before the run too
cat >"$tmp/t.lua" <<LUA
return { url = "ws://127.0.0.1:1", app = { id = "a", key = "k", secret = "s3cr3t-x" }, webhooks = { listen = "127.0.0.1:70000" } }
LUA
out=$(timeout 20 "$ps" run --target "$tmp/t.lua" --filter 'HOOK-*' 2>&1)
check_eq "webhooks.listen with port 70000: exit status" 2 "$?"
check_has "webhooks.listen with port 70000: says why" "webhooks.listen in the target '127.0.0.1:70000' has a bad port" "$out"

# good values: only that address is bound (ss -ltn while the run is on)
good() { # --listen value, the address ss must show
    local port=$(free_port)
    local addr=${1//PORT/$port} want=${2//PORT/$port}
    start_ps "$tmp/good.out" "$tmp/good.err" run --sdk "$hang" --listen "$addr" --filter cev-frame-format
    if wait_listen "$port"; then
        check_eq "--listen $addr binds only $want" "$want " "$(ss -ltnH "sport = :$port" | awk '{print $4}' | sort | tr '\n' ' ')"
    else
        fail "--listen $addr listens" "$want" "$(cat "$tmp/good.err")"
    fi
    kill "$run" 2>/dev/null
    wait "$run" 2>/dev/null
}
good 127.0.0.1:PORT 127.0.0.1:PORT
good "[::1]:PORT" "[::1]:PORT"
good localhost:PORT 127.0.0.1:PORT
finish
