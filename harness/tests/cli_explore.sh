#!/usr/bin/env bash
# pushspec explore's command line, offline: every bad flag, weight, budget or shard is exit 2
# with the reason (before any connection is made), and `pushspec help explore` teaches it.
#   bash cli_explore.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_explore.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_explore.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
export NO_COLOR=1
# a target nobody listens on: each case must stop before it is needed
tgt=(--url ws://127.0.0.1:9 --app-id a --key k --secret s)

bad() { # what, expected message (regex), args...
    local what=$1 want=$2
    shift 2
    local err rc
    err=$("$ps" explore "${tgt[@]}" "$@" 2>&1 >/dev/null)
    rc=$?
    check_eq "$what: exit status" 2 "$rc"
    check_has "$what: the reason" "$want" "$err"
}
bad "unknown flag" "unknown option '--bogus'" --bogus
bad "ops zero" "--ops takes a whole number from 1" --ops 0
bad "ops not a number" "--ops takes a whole number" --ops many
bad "negative budget" "--budget takes seconds, a number above 0" --budget -5
bad "budget zero" "--budget takes seconds" --budget 0
bad "budget over a day" "--budget takes seconds" --budget 90000
bad "weight not a number" "the weight of 'subscribe' must be a number" --weights subscribe=x
bad "negative weight" "the weight of 'trigger' must be a number" --weights connect=1,trigger=-1
bad "weight without =" "is not name=weight" --weights subscribe
bad "unknown operation" "unknown operation 'teleport' \\(known: connect, close" --weights teleport=3
bad "shard past N" "--shard takes I/N with 1 <= I <= N" --shard 3/2
bad "shard zero" "--shard takes I/N" --shard 0/4
bad "shard text" "--shard takes I/N" --shard half
bad "seed not whole" "--seed takes a whole number" --seed 1.5
bad "too many jobs" "at most 16 sequences in parallel" --jobs 17
bad "sequences zero" "--sequences takes a whole number" --sequences 0
bad "an SDK" "pushspec explore tests a server" --sdk "node x.js"
err=$("$ps" explore --ops 0 2>&1 >/dev/null)
check_has "usage errors point at explore's help" "pushspec help explore" "$err"

out=$("$ps" help explore)
check_eq "help explore: exit status" 0 "$?"
for opt in --seed --ops --budget --weights --jobs --shard --save --sequences "pushspec run --scenarios"; do
    check_has "help explore names $opt" "$opt" "$out"
done
check_has "help explore: differential mode" "Differential mode \\(--target A --target B\\)" "$out"
check_has "help explore: pushspec report merges shards" "pushspec report merges their result files" "$out"
check_has "help report: shards merged" "The shards of one 'pushspec explore --shard I/N' run" "$("$ps" help report)"
# differential mode's bad input that needs no server (the rest: ctest explore_diff)
err=$("$ps" explore --target "$src/ci/targets/soketi.lua" --target "$src/ci/targets/../targets/soketi.lua" 2>&1 >/dev/null)
check_eq "the same target file twice: exit status" 2 "$?"
check_has "the same target file twice: the reason" "is given twice" "$err"
err=$("$ps" explore --target a.lua --target b.lua --html out 2>&1 >/dev/null)
check_eq "differential with --html: exit status" 2 "$?"
check_has "differential with --html: the reason" "make reports from them with pushspec report" "$err"
err=$("$ps" explore --target a.lua --target b.lua --url ws://127.0.0.1:9 2>&1 >/dev/null)
check_eq "differential with --url: exit status" 2 "$?"
check_has "help names explore" "pushspec explore --target FILE" "$("$ps" --help)"
check_has "explore --help" "Usage: pushspec explore" "$("$ps" explore --help)"
finish cli_explore
