#!/usr/bin/env bash
# ci/check-targets.py: the soketi target files' copies of ci/soketi.json (apps, keys,
# secrets, profile limits) agree with it, and a planted disagreement of each kind fails.
#   bash harness/tests/cli_targets.sh PUSHSPEC SRC
set -uo pipefail
src=$2
. "$src/harness/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$(python3 "$src/ci/check-targets.py" "$src" 2>&1)
check_eq "the tree's copies agree" 0 $?
check_has "it read the three files" "3 files against ci/soketi.json's [0-9]+ apps, 0 problems" "$out"

# plant(what, sed expression on soketi.lua, expected message)
plant() {
    mkdir -p "$tmp/$1/ci/targets"
    cp "$src/ci/soketi.json" "$tmp/$1/ci/"
    sed "$2" "$src/ci/targets/soketi.lua" >"$tmp/$1/ci/targets/soketi.lua"
    out=$(python3 "$src/ci/check-targets.py" "$tmp/$1" "$tmp/$1/ci/targets/soketi.lua" 2>&1)
    check_eq "$1: exit 1" 1 $?
    check_has "$1: names it" "$3" "$out"
}
plant secret 's/secret = "cDZ2ttMJs288G2XGcxPB"/secret = "cDZ2ttMJs288G2XGcxP"/' "app app-rate has key/secret key-rate/cDZ2ttMJs288G2XGcxP"
plant unknown-app 's/id = "app-quota"/id = "app-quota2"/' "app app-quota2 is not in ci/soketi.json"
plant limit 's/limit = 3/limit = 4/' "profile max_connections says limit = 4"
plant payload 's/max_payload = 10240/max_payload = 10000/' "limits.max_payload = 10000"
plant flag 's/disabled_app = { app = { id = "app-disabled", key = "key-disabled", secret = "DlQFQLbBN6nLh5hhXR7m" }/disabled_app = { app = { id = "app-main", key = "key-main", secret = "Dvgr28KfKzZCMtTqjg7d" }/' \
    "profile disabled_app needs enabled = False for app-main"
plant format 's/app = {/app={/g' "no app = \\{ id, key, secret \\} found"

finish cli_targets
