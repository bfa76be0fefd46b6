#!/usr/bin/env bash
# The capabilities' one source (harness/lua/capabilities.lua) against its copies
# (ci/check-capabilities.py): first copies of the tree with one disagreement planted
# each (the check must name it), then the real tree (it must be clean).
#   bash cli_capability_table.sh PATH_TO_PUSHSPEC SOURCE_DIR
set -u
src="$2"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check="python3 $src/ci/check-capabilities.py"

# tree NAME: a copy of what the check reads, in $tmp/NAME
tree() {
    mkdir -p "$tmp/$1/harness/lua" "$tmp/$1/harness/tests" "$tmp/$1/ci/adapters/lib" "$tmp/$1/ci/adapters/test"
    cp "$src/harness/lua/capabilities.lua" "$tmp/$1/harness/lua/"
    cp "$src"/harness/tests/*.sh "$tmp/$1/harness/tests/"
    cp "$src"/ci/adapters/*.js "$src/ci/adapters/PROTOCOL.md" "$tmp/$1/ci/adapters/"
    cp "$src"/ci/adapters/lib/*.js "$tmp/$1/ci/adapters/lib/"
    cp "$src"/ci/adapters/test/*.js "$tmp/$1/ci/adapters/test/"
}
# planted NAME WHAT REGEX: the check fails on tree NAME and says REGEX
planted() {
    local out rc
    out=$($check "$tmp/$1"); rc=$?
    check_eq "$2: the check fails" 1 "$rc"
    check_has "$2: it is named" "$3" "$out"
}

tree newcap   # a capability added to the Lua table only
sed -i 's/^  http = {$/  http = {\n    { "frobnicate_more", "frobnication", "frob" },/' "$tmp/newcap/harness/lua/capabilities.lua"
planted newcap "a capability missing from PROTOCOL.md" "PROTOCOL.md: section 2.1's table has no row for http .frobnicate_more."

tree renamed   # a row of the doc's table renamed
sed -i 's/^| client | `cache_channels` |/| client | `cache_chans` |/' "$tmp/renamed/ci/adapters/PROTOCOL.md"
planted renamed "a doc row naming no capability" "PROTOCOL.md:[0-9]+: client .cache_chans. is no capability"
planted renamed "... and the capability it lost" "no row for client .cache_channels."

tree command   # the doc names another command than the table
sed -i 's/^| client | `connection_state` | \(.*\) | `state`;/| client | `connection_state` | \1 | `status`;/' "$tmp/command/ci/adapters/PROTOCOL.md"
planted command "a doc row naming another command" "connection_state. is needed by command .state. .capabilities.lua., the table names .status."

tree adapter   # an adapter declaring a name of the other kind
sed -i "s/const CAPABILITIES = \['client_events',/const CAPABILITIES = ['client_events', 'batch_trigger',/" "$tmp/adapter/ci/adapters/laravel-echo.js"
planted adapter "an adapter list with a name of the other kind" "laravel-echo.js: CAPABILITIES names batch_trigger, not capabilities of kind client"

tree test   # an adapter test whose list is not its adapter's
sed -i "s/const caps = \['client_events', /const caps = ['client_events', 'presence_members', /" "$tmp/test/ci/adapters/test/laravel-echo.test.js"
planted test "a test list that is not its adapter's" "laravel-echo.test.js:[0-9]+: this capability list differs from its adapter's"

tree cli   # a CLI test naming a capability that is gone
sed -i 's/wrap --capabilities connection_state -- \$js" --filter/wrap --capabilities connection_status -- $js" --filter/' "$tmp/cli/harness/tests/cli_capabilities.sh"
planted cli "a CLI test naming an unknown capability" "cli_capabilities.sh:[0-9]+: --capabilities names connection_status"

out=$($check "$src"); rc=$?
check_eq "the real tree agrees with capabilities.lua" 0 "$rc"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" >&2
check_has "it read the tree" 'capabilities: [0-9]+ in harness/lua/capabilities.lua, [0-9]+ table rows, [0-9] adapter lists, 0 problems' "$out"

finish cli_capability_table
