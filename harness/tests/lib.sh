# The one library of the shell tests (every harness/tests/*.sh and hostile/*.sh
# sources it; hostile/lib.sh adds the peers' tools): counters, checks, the summary
# line, and a JSON result flattened to PATH=VALUE lines for one-line assertions.
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

passed=0 failed=0
fail() { # what, expected, seen; or what, detail
    failed=$((failed + 1))
    if [ $# -ge 3 ]; then
        printf 'FAIL: %s\n  expected: %s\n  seen:     %s\n' "$1" "$2" "$(printf '%s' "$3" | head -c 800)" >&2
    else
        printf 'FAIL: %s\n  %s\n' "$1" "$(printf '%s' "${2:-}" | head -c 800)" >&2
    fi
}
ok() { passed=$((passed + 1)); }
check_eq() { if [ "$2" = "$3" ]; then ok; else fail "$1" "$2" "$3"; fi; }
check_has() { # what, regex, text
    if printf '%s' "$3" | grep -Eq -- "$2"; then ok; else fail "$1" "text matching /$2/" "$3"; fi
}
check_lacks() { # what, fixed text, text
    if printf '%s' "$3" | grep -Fq -- "$2"; then fail "$1" "no '$2'" "$3"; else ok; fi
}
check_below() { # what, limit, value
    if [[ "$3" =~ ^[0-9]+$ ]] && [ "$3" -lt "$2" ]; then ok; else fail "$1" "below $2" "$3"; fi
}
check_range() { # what, min, max, value: min <= value < max
    if [[ "$4" =~ ^[0-9]+$ ]] && [ "$4" -ge "$2" ] && [ "$4" -lt "$3" ]; then ok
    else fail "$1" "a number from $2 to below $3" "$4"; fi
}
# finish [NAME]: the summary line (NAME: the script's); the exit status says whether all passed.
finish() {
    echo "${1:-$(basename "$0" .sh)}: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# run_result NAME COMMAND...: one pushspec run writing $tmp/NAME.json (at most
# $limit s, default 120); exit status in rc, output in $tmp/NAME.out and .err,
# the result flattened into $tmp/NAME.flat. 2 is an infrastructure error and
# 124 the timeout: either is a failure, said with the end of stderr.
run_result() {
    local name=$1
    shift
    rm -f "$tmp/$name.json"
    timeout "${limit:-120}" "$@" --json "$tmp/$name.json" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    if [ "$rc" -le 1 ]; then ok
    else fail "run $name finishes" "exit status 0 or 1" "$rc: $(tail -n 3 "$tmp/$name.err")"; fi
    flatten "$tmp/$name.json" >"$tmp/$name.flat"
}

# ids NAME: the ids of the scenarios of run NAME, sorted, space-separated.
ids() { sed -n 's/^scenarios\.\([^.=]*\)\.id=.*/\1/p' "$tmp/$1.flat" | sort | tr '\n' ' ' | sed 's/ $//'; }

# flatten JSON: the result as PATH=VALUE lines, where scenarios and rules are
# keyed by id: scenarios.ID.verdict=error, rules.ID.skip_kind=other-role
flatten() {
    python3 - "$1" 2>&1 <<'PY'
import json, sys
def walk(path, v):
    if isinstance(v, dict):
        for k, x in v.items(): walk(path + [k], x)
    elif isinstance(v, list):
        for i, x in enumerate(v): walk(path + [x["id"] if isinstance(x, dict) and "id" in x else str(i)], x)
    else:
        text = v if isinstance(v, str) else json.dumps(v)
        print(".".join(path) + "=" + text.replace("\\", "\\\\").replace("\n", "\\n"))
try:
    walk([], json.load(open(sys.argv[1], encoding="utf-8")))
except Exception as e:
    print("unreadable result: %s" % e)
PY
}
# value FLAT PATH: the value at PATH in a flattened result.
value() {
    awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); hit = 1; exit }
        END { if (!hit) print "<not in the result>" }' "$1"
}

# scratch NAME: no target from the environment, no colour, and a scratch folder $tmp,
# removed at exit when every check passed (kept, and said, otherwise).
scratch() {
    unset PUSHER_TARGET_URL PUSHER_HTTP_URL PUSHER_APP_ID PUSHER_APP_KEY PUSHER_APP_SECRET
    export NO_COLOR=1
    tmp=$(mktemp -d)
    trap 'if [ "$failed" -eq 0 ]; then rm -rf "$tmp"; else echo "'"$1"': files kept in $tmp" >&2; fi' EXIT
}
