#!/usr/bin/env bash
# Pieces of the secret in no output: a server plants the secret across the
# 120-byte cut of oversized frames at every offset, split across two frames and
# across lines at every point. No output (stdout, stderr, JSON, HTML, JUnit,
# Markdown) holds any run of 6 characters of it; the frames themselves are
# shown (their tags are there), so the check is not vacuous.
#   bash test_secret_pieces.sh PATH/TO/pushspec SOURCE_DIR
ps=${1:?usage: test_secret_pieces.sh PUSHSPEC SOURCE_DIR} src=${2:?}
. "$src/harness/tests/hostile/lib.sh"

secret=Kq7vX2pLm9RtB4wZy8Nc   # no 6-character run of it occurs in pushspec's own texts
mkdir -p "$tmp/sc"
cat >"$tmp/sc/pieces.lua" <<'LUA'
ps.scenario {
  id = "pieces", title = "shows every frame of a server that plants pieces of the secret", rules = { "SUB-1" },
  timeout = 60,
  run = function(t)
    t:expect_oversize()   -- the oversized frames are what it shows, not its end
    local c = t:open()
    local last
    for _ = 1, 400 do
      local m = c:next { within = 20000 }
      if m and m.event == "pieces:end" then break end
      last = m or last
    end
    t:check("SUB-1", false, "no frame", last)
  end,
}
LUA
port=$(free_port)
$peer pieces "$port" "$secret" >"$tmp/peer.out" 2>&1 &
pids+=($!)
wait_listen "$port" || fail "the server listens" "port $port" "nothing"
out=$tmp/r
start_ps "$out.stdout" "$out.stderr" run --url "ws://127.0.0.1:$port" --app-id app --key key --secret "$secret" \
    --scenarios "$tmp/sc" --json "$out.json" --html "$out.html" --junit "$out.xml" --markdown "$out.md"
wait "$run"
check_has "the run ends with verdicts" "^[01]$" "$?"
# shown: every oversized frame's cut, every split frame and line
json=$(cat "$out.json")
check_eq "every oversized frame is in the transcript" 23 "$(grep -o 'cut[0-9]*:' <<<"$json" | sort -u | wc -l)"
check_eq "every split frame is in the transcript" 19 "$(grep -oE 'fb[0-9]+' <<<"$json" | sort -u | wc -l)"
check_eq "every split line is in the transcript" 19 "$(grep -oE 'rn[0-9]+:' <<<"$json" | sort -u | wc -l)"
for f in "$out".stdout "$out".stderr "$out".json "$out".xml "$out".md "$out".html/*; do
    hits=""
    for ((i = 0; i + 6 <= ${#secret}; i++)); do
        grep -qF -- "${secret:i:6}" "$f" && hits+="${secret:i:6} "
    done
    check_eq "no run of 6 characters of the secret in $(basename "$f")" "" "$hits"
done
finish
