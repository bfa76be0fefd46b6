#!/usr/bin/env bash
# The command line without a server: help, version, flag validation, list, and
# every bad input file (target, scenario folder, expect file) exiting 2 with a
# message that names the culprit.
#   bash harness/tests/cli_usage.sh PATH/TO/pushspec SOURCE_DIR
set -u

ps=${1:?usage: cli_usage.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_usage.sh PATH/TO/pushspec SOURCE_DIR}
ps=$(cd "$(dirname "$ps")" && pwd)/$(basename "$ps")
# The environment must not supply a target behind our back.
unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
export NO_COLOR=1

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: sets rc, out (stdout) and err (stderr) of one pushspec call.
run() {
    timeout 60 "$ps" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}
# expect_usage_error WHAT REGEX ARGS...: exit 2, and stderr matches REGEX.
expect_usage_error() {
    local what=$1 re=$2
    shift 2
    run "$@"
    check_eq "$what: exit status" 2 "$rc"
    check_has "$what: stderr names the problem" "$re" "$err"
}

# No server listens on port 1; every error below must come before the preflight.
flags=(--url ws://127.0.0.1:1 --app-id a --key k --secret s)

# A valid scenario folder with known ids.
mkdir -p "$tmp/good"
cat >"$tmp/good/one.lua" <<'EOF'
ps.scenario { id = "usage-first", title = "first", rules = { "CONN-1" }, tags = { "slow" },
  run = function(t) t:check("CONN-1", true) end }
ps.scenario { id = "usage-second", title = "second", rules = { "PING-1", "PING-2" },
  run = function(t) t:check("PING-1", true); t:check("PING-2", true) end }
EOF

# ---- help and version
run --help
check_eq "--help exit status" 0 "$rc"
check_has "--help shows run" 'pushspec run' "$out"
check_has "--help shows list" 'pushspec list' "$out"
check_has "--help explains the exit status" '[Ee]xit status' "$out"
check_has "--help explains exit codes 0, 1 and 2" '0 .*1 .*2 ' "$(printf '%s' "$out" | tr '\n' ' ')"

run help run
check_eq "help run exit status" 0 "$rc"
for f in --target --url --http-url --app-id --key --secret --filter --tag --exclude-tag --jobs \
    --timeout-scale --strict --expect --write-expect --force --json --insecure; do
    check_has "help run lists $f" "(^|[[:space:]])$f([[:space:]]|$)" "$out"
done
# every command has its help topic, `help CMD` and `CMD --help` alike; an unknown topic is a usage error
for cmd in run fuzz init list scenarios report; do
    run help "$cmd"
    check_eq "help $cmd exit status" 0 "$rc"
    check_has "help $cmd is its command's help" "^Usage: pushspec $( [ "$cmd" = fuzz ] && echo run || echo "$cmd")" "$out"
    help_text=$out
    run "$cmd" --help
    check_eq "$cmd --help is help $cmd" "$help_text" "$out"
done
expect_usage_error "an unknown help topic" "no help topic 'frobnicate'; the topics: run, fuzz, explore, init, list, scenarios, report" \
    help frobnicate
check_eq "an unknown help topic prints no help on stdout" "" "$out"
run run --help
check_eq "run --help exit status" 0 "$rc"
check_has "run --help shows the run options" '--timeout-scale' "$out"

run --version
version=$(sed -nE 's/^project\(pushspec VERSION ([0-9.]+).*/\1/p' "$src/CMakeLists.txt")
check_eq "--version exit status" 0 "$rc"
check_has "--version prints the project version" "^pushspec ${version//./\\.}( |$)" "$out"

run
check_eq "no arguments at all: exit status" 2 "$rc"

# ---- bad words and bad values
expect_usage_error "unknown command" "frobnicate" frobnicate
expect_usage_error "unknown run flag" "--no-such-flag" run --no-such-flag
expect_usage_error "unknown list flag" "--no-such-flag" list --no-such-flag
expect_usage_error "flag without its value" "--url" run --url
expect_usage_error "--jobs 0" "--jobs.*'0'" run --jobs 0 "${flags[@]}"
expect_usage_error "--jobs x" "--jobs.*'x'" run --jobs x "${flags[@]}"
expect_usage_error "--jobs 1.5" "--jobs.*'1\.5'" run --jobs 1.5 "${flags[@]}"
expect_usage_error "--timeout-scale -1" "--timeout-scale.*'-1'" run --timeout-scale -1 "${flags[@]}"
expect_usage_error "--timeout-scale 0" "--timeout-scale.*'0'" run --timeout-scale 0 "${flags[@]}"
expect_usage_error "--timeout-scale nan" "--timeout-scale.*'nan'" run --timeout-scale nan "${flags[@]}"
expect_usage_error "--timeout-scale inf" "--timeout-scale.*'inf'" run --timeout-scale inf "${flags[@]}"
expect_usage_error "run with no target" "--target.*--url|--url.*--target" run
expect_usage_error "--rules given to run" "--rules" run --rules "${flags[@]}"

# ---- list
run list --scenarios "$tmp/good"
check_eq "list exit status" 0 "$rc"
check_eq "list prints the scenario ids" "usage-first usage-second" \
    "$(printf '%s\n' "$out" | grep -Eo '^usage-[a-z]+' | tr '\n' ' ' | sed 's/ $//')"
check_has "list shows rules and tags" 'usage-first +CONN-1 #slow' "$out"

run list
check_eq "list of the built-in scenarios: exit status" 0 "$rc"
count=$(printf '%s\n' "$out" | sed -nE 's/^([0-9]+) scenarios$/\1/p')
check_has "list of the built-in scenarios counts at least one" '^[1-9][0-9]*$' "$count"

# RULES.md is the catalog: "ID STRENGTH" for every rule, in order.
want=$(grep -Eo '^- [A-Z]+-[0-9]+' "$src/scenarios/RULES.md" | cut -c3-)
want_strength=$(sed -nE 's/^- ([A-Z]+-[0-9]+) \[[A-Z, ]*\] (MUST|SHOULD).*/\1 \2/p' "$src/scenarios/RULES.md")
check_has "RULES.md has rules to compare against" '^[A-Z]+-[0-9]+' "$want"

run list --rules --scenarios "$tmp/good"
check_eq "list --rules exit status" 0 "$rc"
check_eq "list --rules shows every rule of RULES.md, in order" "$want" \
    "$(printf '%s\n' "$out" | grep -Eo '^  [A-Z]+-[0-9]+ ' | tr -d ' ')"
check_eq "list --rules names who checks PING-1, PING-2, PING-3" \
    "checked by: usage-second|checked by: usage-second|checked by: (no scenario yet)" \
    "$(printf '%s\n' "$out" | grep -A1 -E '^  PING-[123] ' | grep -Eo 'checked by:.*' | paste -sd '|')"

run list --json --scenarios "$tmp/good"
check_eq "list --json exit status" 0 "$rc"
if printf '%s' "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>"$tmp/jerr"; then ok
else fail "list --json prints valid JSON" "valid JSON" "$(cat "$tmp/jerr")"; fi
check_eq "list --json has every rule of RULES.md with its strength" "$want_strength" \
    "$(printf '%s' "$out" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["rules"]: print(r["id"], r["strength"])' 2>&1)"
check_eq "list --json lists the scenarios and who checks PING-2" "usage-first usage-second | usage-second" \
    "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
by = [r["scenarios"] for r in d["rules"] if r["id"] == "PING-2"][0]
print(" ".join(s["id"] for s in d["scenarios"]), "|", " ".join(by))' 2>&1)"

# ---- the built-in scenarios are embedded: the same from any folder, named by their source path
run list --json
(cd / && timeout 60 "$ps" list --json >"$tmp/list-root.json" 2>"$tmp/err")
check_eq "list --json from / is the same as from here" "$out" "$(cat "$tmp/list-root.json")"
check_eq "every embedded scenario names scenarios/ROLE/FILE.lua:LINE of its scenario call" "ok" \
    "$(python3 - "$src" "$tmp/list-root.json" <<'EOF' 2>&1
import json, sys
src, d = sys.argv[1], json.load(open(sys.argv[2]))
bad = []
for s in d["scenarios"]:
    lines = open(f"{src}/{s['file']}").read().splitlines() if s["file"].startswith("scenarios/") else []
    if not lines or not 0 < s["line"] <= len(lines) or "scenario" not in lines[s["line"] - 1]:
        bad.append(f"{s['id']} {s['file']}:{s['line']}")
print("ok" if d["scenarios"] and not bad else "wrong places: " + ", ".join(bad[:5]))
EOF
)"
check_has "list --rules works from /" 'checked by: conn-' "$(cd / && "$ps" list --rules 2>&1)"

# ---- scenarios export
run scenarios export "$tmp/exported"
check_eq "scenarios export: exit status" 0 "$rc"
if diff -r "$src/scenarios" "$tmp/exported" >"$tmp/diff" 2>&1; then ok
else fail "scenarios export writes the source tree's scenarios/ byte for byte" "no difference" "$(cat "$tmp/diff")"; fi
expect_usage_error "scenarios export into a folder that has them" "already has [0-9]+ of the scenario files.*nothing written.*--force" \
    scenarios export "$tmp/exported"
printf 'changed\n' >"$tmp/exported/API.md"
run scenarios export "$tmp/exported" --force
check_eq "scenarios export --force: exit status" 0 "$rc"
check_eq "scenarios export --force overwrites" "$(cat "$src/scenarios/API.md")" "$(cat "$tmp/exported/API.md")"
run list --json --scenarios "$tmp/exported/server"
check_eq "the exported server scenarios are the built-in server ones" "same" "$(python3 - "$tmp/list-root.json" "$tmp/out" <<'EOF' 2>&1
import json, sys
a = [s["id"] for s in json.load(open(sys.argv[1]))["scenarios"] if s["file"].startswith("scenarios/server/")]
b = [s["id"] for s in json.load(open(sys.argv[2]))["scenarios"]]
print("same" if a and a == b else f"built-in {len(a)}, exported {len(b)}")
EOF
)"
expect_usage_error "scenarios without a subcommand" "subcommand: export" scenarios
expect_usage_error "scenarios export without a folder" "needs the folder" scenarios export
expect_usage_error "scenarios export with an unknown flag" "one folder and --force" scenarios export "$tmp/x" --frob

# ---- --tag / --exclude-tag values
expect_usage_error "--tag with an empty value" "--tag needs a tag" run --tag '' "${flags[@]}"
expect_usage_error "--exclude-tag with only commas" "--exclude-tag needs a tag" run --exclude-tag ,, "${flags[@]}"
expect_usage_error "--tag without its value" "--tag needs a tag" run --tag

# ---- bad target files
printf 'return {\n  url = "ws://127.0.0.1:1",\n  app = { id = "a" key = "k" },\n}\n' >"$tmp/syntax.lua"
expect_usage_error "target with a syntax error" "syntax\.lua:3" run --target "$tmp/syntax.lua"
printf 'return { url = "ws://127.0.0.1:1", app = { id = "a", key = "k" } }\n' >"$tmp/nosecret.lua"
expect_usage_error "target without the app secret" "nosecret\.lua.*secret" run --target "$tmp/nosecret.lua"
printf 'return "not a table"\n' >"$tmp/string.lua"
expect_usage_error "target that returns no table" "string\.lua.*table" run --target "$tmp/string.lua"
expect_usage_error "target file that does not exist" "missing\.lua" run --target "$tmp/missing.lua"

# ---- bad scenario folders
mkdir -p "$tmp/syntax"
cp "$tmp/good/one.lua" "$tmp/syntax/a.lua"
printf -- '-- a comment\nps.scenario {\n  id = "broken" title = "x",\n}\n' >"$tmp/syntax/b.lua"
expect_usage_error "scenario file with a syntax error (run)" "syntax/b\.lua:3:" \
    run "${flags[@]}" --scenarios "$tmp/syntax"
expect_usage_error "scenario file with a syntax error (list)" "syntax/b\.lua:3:" list --scenarios "$tmp/syntax"

mkdir -p "$tmp/raises"
printf 'local n = 1\nerror("boom at load " .. n)\n' >"$tmp/raises/r.lua"
expect_usage_error "scenario file raising while loading" "raises/r\.lua:2:.*boom at load" \
    run "${flags[@]}" --scenarios "$tmp/raises"

mkdir -p "$tmp/norule"
printf 'ps.scenario { id = "bad-rule", title = "x", rules = { "CONN-1", "NOPE-99" },\n  run = function(t) end }\n' \
    >"$tmp/norule/n.lua"
expect_usage_error "scenario naming an unknown rule" "n\.lua:1.*NOPE-99" run "${flags[@]}" --scenarios "$tmp/norule"

mkdir -p "$tmp/dup"
cp "$tmp/good/one.lua" "$tmp/dup/a.lua"
cp "$tmp/good/one.lua" "$tmp/dup/b.lua"
expect_usage_error "two scenarios with one id" "usage-first" run "${flags[@]}" --scenarios "$tmp/dup"

mkdir -p "$tmp/badid"
printf 'ps.scenario { id = "Bad_Id", title = "x", rules = { "CONN-1" }, run = function(t) end }\n' >"$tmp/badid/i.lua"
expect_usage_error "scenario with a malformed id" "i\.lua:1.*id" run "${flags[@]}" --scenarios "$tmp/badid"

expect_usage_error "scenario folder that does not exist" "no-such-dir" \
    run "${flags[@]}" --scenarios "$tmp/no-such-dir"

# ---- bad expect files
printf '# baseline\nCONN-1 closes late\nNOPE-7 no such rule\n' >"$tmp/unknown.expect"
expect_usage_error "expect file naming an unknown rule" "unknown\.expect:3.*NOPE-7" \
    run "${flags[@]}" --scenarios "$tmp/good" --expect "$tmp/unknown.expect"
printf 'CONN-1 closes late\n\nPING-1\n' >"$tmp/noreason.expect"
expect_usage_error "expect line without a reason" "noreason\.expect:3.*PING-1.*reason" \
    run "${flags[@]}" --scenarios "$tmp/good" --expect "$tmp/noreason.expect"
printf 'PING-1   \t \n' >"$tmp/blank.expect"
expect_usage_error "expect line with only blanks after the id" "blank\.expect:1.*reason" \
    run "${flags[@]}" --scenarios "$tmp/good" --expect "$tmp/blank.expect"
expect_usage_error "expect file that does not exist" "absent\.expect" \
    run "${flags[@]}" --scenarios "$tmp/good" --expect "$tmp/absent.expect"

# ---- selection that matches nothing
expect_usage_error "--filter matching no scenario" "no scenario matches" \
    run "${flags[@]}" --scenarios "$tmp/good" --filter 'nothing-*'

# ---- output files: folders made up front; an impossible one stops the run
# before anything is sent (the target here is unreachable, checked after)
touch "$tmp/plainfile"
expect_usage_error "--json inside a path that cannot be a folder" "cannot create the folder $tmp/plainfile" \
    run "${flags[@]}" --scenarios "$tmp/good" --json "$tmp/plainfile/sub/r.json"
expect_usage_error "--html folder that cannot be made" "cannot create the folder $tmp/plainfile" \
    run "${flags[@]}" --scenarios "$tmp/good" --html "$tmp/plainfile/html"
run run "${flags[@]}" --scenarios "$tmp/good" --json "$tmp/deep/er/r.json" --junit "$tmp/j/r.xml" --html "$tmp/h/x"
if [ -d "$tmp/deep/er" ] && [ -d "$tmp/j" ] && [ -d "$tmp/h/x" ]; then ok; else
    fail "output folders made before the run" "$tmp/deep/er, $tmp/j, $tmp/h/x exist" "$(ls -R "$tmp" | head -20)"; fi
check_has "then the unreachable target is reported" "127\.0\.0\.1:1" "$err"

# ---- the option table (cli_opts.c) is both the parser and the help: every option a
# command's help lists is one it takes, and one with a value refuses to go without it
for topic in run explore list init scenarios report; do   # fuzz: run's help
    opts=$("$ps" help "$topic" | sed -nE 's/^  (--[a-z-]+)( ([A-Z][^ ]*))?( .*)?$/\1:\3/p')
    check_has "help $cmd lists options" '^--' "$opts"
    for o in $opts; do
        name=${o%%:*} value=${o#*:}
        [ -n "$value" ] || continue
        [ "$topic/$name" = list/--json ] && continue   # list --json alone prints to stdout
        cmd=$topic
        [ "$name" = --seconds ] && cmd=fuzz   # in run's help, said to be fuzz's
        run "$cmd" "$name"
        check_eq "$cmd $name without its value: exit status" 2 "$rc"
        check_has "$cmd $name without its value: names the flag and the help" \
            "pushspec $cmd: $name (needs a value|takes|needs a tag|N \\(1 to 100\\)).*pushspec help $cmd" "$(printf '%s' "$err" | tr '\n' ' ')"
    done
done
expect_usage_error "a flag of another command" "unknown option '--seconds' \(it goes with pushspec fuzz\)" \
    run --seconds 5 "${flags[@]}"
expect_usage_error "report: a run-only flag" "unknown option '--strict' \(it goes with pushspec run, fuzz, explore\)" \
    report r.json --strict
run help explore
check_has "help explore lists the target flags from the same table" '^  --url URL' "$out"
check_has "help explore: its own meaning of --jobs" '^  --jobs N +independent sequences' "$out"
# list --json FILE writes the same document list --json prints
run list --json "$tmp/list.json" --scenarios "$tmp/good"
check_eq "list --json FILE: exit status" 0 "$rc"
check_eq "list --json FILE: nothing on stdout" "" "$out"
run list --json - --scenarios "$tmp/good"
check_eq "list --json FILE is what list --json - prints" "$out" "$(cat "$tmp/list.json" 2>&1)"

finish cli_usage
