#!/usr/bin/env bash
# Target files with a field of the wrong type: exit status 2 before anything
# runs, with a message naming the file, the field, what it must be and what
# it is (not a Lua error from deep inside, as "prelude:1120: attempt to index
# a number value" was for url = 123). Offline: nothing is contacted.
#   bash harness/tests/cli_target.sh PATH/TO/pushspec SOURCE_DIR
set -u

ps=${1:?usage: cli_target.sh PATH/TO/pushspec SOURCE_DIR}
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
export NO_COLOR=1

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

app='app = { id = "a", key = "k", secret = "s3cr3t-t" }'
url='url = "ws://127.0.0.1:9"'
# bad BODY MESSAGE_REGEX: a target file returning { BODY } is refused with exit 2 and that message
bad() {
    local file="$tmp/t$((passed + failed)).lua" out rc
    printf 'return { %s }\n' "$1" >"$file"
    out=$(timeout 20 "$ps" run --target "$file" --filter CONN-1 2>&1)
    rc=$?
    check_eq "{ $1 }: exit status 2" 2 "$rc"
    check_has "{ $1 }: the message" "^pushspec: target file $file: $2\$" "$out"
}
bad "url = 123, $app" "url must be a string like ws://host:port, got number"
bad "url = { 'ws://x:1' }, $app" "url must be a string like ws://host:port, got table"
bad "$url, http_url = true, $app" "http_url must be a string like http://host:port, got boolean"
bad "$url, app = 'key'" "app must be a table \{id=, key=, secret=\}, got string"
bad "$url, app = { id = {}, key = 'k', secret = 's3cr3t-t' }" "app.id must be a string \(or a number\), got table"
bad "$url, app = { id = 'a', key = false, secret = 's3cr3t-t' }" "app.key must be a string, got boolean"
bad "$url, app = { id = 'a', key = 'k', secret = function() end }" "app.secret must be a string, got function"
bad "$url, $app, name = 7" "name must be a string \(shown in reports\), got number"
bad "$url, $app, profiles = 'disabled_app'" "profiles must be a table of named profiles, .*, got string"
bad "$url, $app, profiles = { disabled_app = 3 }" "profiles.disabled_app must be a table \{app = .*\}, got number"
bad "$url, $app, webhooks = '127.0.0.1:6002'" "webhooks must be a table \{ listen = \"HOST:PORT\" \}, got string"
bad "$url, $app, limits = 10240" "limits must be a table, e.g. limits = \{ max_payload = 10240 \}, got number"
bad "$url, $app, limits = { max_payload = '10k' }" "limits.max_payload must be a number of bytes, got string"
bad "$url, $app, restart = 1" "restart must be a shell command \(a string\), got number"
# a file that returns no table at all
printf 'return "ws://127.0.0.1:9"\n' >"$tmp/str.lua"
out=$(timeout 20 "$ps" run --target "$tmp/str.lua" 2>&1)
check_eq "a target returning a string: exit status 2" 2 "$?"
check_has "a target returning a string: the message" "target file $tmp/str.lua must return a table, got string" "$out"
# a number where a string may be one: the app id, as many servers number their apps
printf 'return { url = 123, app = { id = 1, key = "k", secret = "s3cr3t-t" } }\n' >"$tmp/id.lua"
check_has "app.id = 1 is accepted (the url is what is wrong)" "url must be a string" \
    "$(timeout 20 "$ps" run --target "$tmp/id.lua" 2>&1)"
finish cli_target
