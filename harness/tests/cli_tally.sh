#!/usr/bin/env bash
# The verdict tally is counted once (report/tally.c): for one run with a rule in
# every cell class (pass, MUST and SHOULD fail, error, timeout, skip, expected
# fail, unexpected pass), the console, the JSON summary, Markdown, the HTML
# summary row and JUnit give the numbers counted here from the result's rules.
# Offline: pushspec plays the fake server for runtime/adapter.sh.
#   bash cli_tally.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_tally.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_tally.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
scratch cli_tally

mkdir "$tmp/sc"
cat >"$tmp/sc/classes.lua" <<'EOF'
ps.scenario { id = "c-pass", title = "passes", rules = { "PING-1" },
  run = function(t) t:check("PING-1", true) end }
ps.scenario { id = "c-fail", title = "fails a MUST rule", rules = { "CONN-1" },
  run = function(t) t:check("CONN-1", false, "connection_established", "nothing") end }
ps.scenario { id = "c-should", title = "fails a SHOULD rule", rules = { "FRAME-5" },
  run = function(t) t:check("FRAME-5", false, "pusher:error", "a crash") end }
ps.scenario { id = "c-xfail", title = "fails a rule the baseline lists", rules = { "CONN-2" },
  run = function(t) t:check("CONN-2", false, "a socket id", "none") end }
ps.scenario { id = "c-xpass", title = "passes a rule the baseline lists", rules = { "PING-2" },
  run = function(t) t:check("PING-2", true) end }
ps.scenario { id = "c-error", title = "raises", rules = { "CONN-3" },
  run = function(t) error("planted") end }
ps.scenario { id = "c-timeout", title = "waits past its deadline", rules = { "SUB-1" }, timeout = 1,
  run = function(t) t:sleep(60000) end }
EOF
printf 'CONN-2 planted\nPING-2 planted\n' >"$tmp/base.expect"
: >"$tmp/pids"
run_result one "$ps" run --sdk "sh $src/harness/tests/runtime/adapter.sh $tmp/pids" --scenarios "$tmp/sc" \
    --expect "$tmp/base.expect" --html "$tmp/html" --junit "$tmp/junit.xml" --markdown "$tmp/summary.md"
check_eq "a counted failure: exit status" 1 "$rc"

# NAME=VALUE lines per format; "model" is counted here from the rules' verdicts and expectations
counts=$(python3 - "$tmp" <<'PY' 2>&1
import json, re, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
res = json.load(open(d + "/one.json"))
def cls(r):
    return {"expected-fail": "xfail", "unexpected-pass": "xpass"}.get(r.get("expectation"), r["verdict"])
keys = ["pass", "fail", "error", "timeout", "skip", "xfail", "xpass"]
m = {k: sum(cls(r) == k for r in res["rules"]) for k in keys}
counted = [r for r in res["rules"] if r.get("counts_as_failure")]
cf = sum(cls(r) not in ("error", "timeout") for r in counted)
ce = sum(cls(r) == "error" for r in counted)
ct = sum(cls(r) == "timeout" for r in counted)
problems = [r for r in res["rules"] if r.get("counts_as_failure") or cls(r) in ("fail", "error", "timeout", "xpass")]
perr = sum(cls(r) in ("error", "timeout") for r in problems)
out = {}
out["model"] = " ".join("%s=%d" % (k, m[k]) for k in keys)
s = res["summary"]
names = {"xfail": "expected_fail", "xpass": "unexpected_pass"}
out["json"] = " ".join("%s=%d" % (k, s[names.get(k, k)]) for k in keys)
md = open(d + "/summary.md").read()
line = next(l for l in md.splitlines() if l.startswith("- **"))
got = {k: 0 for k in keys}
for n, w in re.findall(r"(\d+) (pass|fail|error|timeout|skip|expected-fail|unexpected-pass)\b", line):
    got[{"expected-fail": "xfail", "unexpected-pass": "xpass"}.get(w, w)] = int(n)
out["markdown"] = " ".join("%s=%d" % (k, got[k]) for k in keys)
html = open(d + "/html/index.html").read()
row = html[html.index('<tr id="target-0">'):]
row = row[:row.index("</tr>")]
cells = [int(x) for x in re.findall(r'<td class="n[^"]*">(\d+)</td>', row)][:7]
out["html"] = " ".join("%s=%d" % (k, v) for k, v in zip(keys, cells))
suite = ET.parse(d + "/junit.xml").getroot().find("testsuite")
out["junit"] = "tests=%s failures=%s errors=%s skipped=%s" % tuple(suite.get(a) for a in ("tests", "failures", "errors", "skipped"))
out["junit_model"] = "tests=%d failures=%d errors=%d skipped=%d" % (len(res["rules"]), len(problems) - perr, perr, m["skip"])
con = open(d + "/one.out").read()
a = re.search(r"expected failures (\d+);", con)
b = re.search(r"rules: (\d+) passed, (\d+) failed, (\d+) skipped", con)
c = re.search(r"not judged: (\d+) rules? in error, (\d+) timed out", con)
out["console"] = "pass=%s counted_fail=%s skip=%s xfail=%s error=%s timeout=%s" % (
    b and b.group(1), b and b.group(2), b and b.group(3), a and a.group(1), c and c.group(1), c and c.group(2))
out["console_model"] = "pass=%d counted_fail=%d skip=%d xfail=%d error=%d timeout=%d" % (m["pass"], cf, m["skip"], m["xfail"], ce, ct)
for k, v in out.items():
    print("%s: %s" % (k, v))
PY
)
get() { printf '%s\n' "$counts" | sed -n "s/^$1: //p"; }
model=$(get model)
# the run has one rule of each planted class (skip: every rule no scenario checks)
check_has "the run has every cell class" '^pass=1 fail=2 error=1 timeout=1 skip=[0-9]+ xfail=1 xpass=1$' "$model"
check_eq "JSON summary = the rules' classes" "$model" "$(get json)"
check_eq "Markdown = the rules' classes" "$model" "$(get markdown)"
check_eq "HTML summary row = the rules' classes" "$model" "$(get html)"
check_eq "JUnit = the rules' problems and skips" "$(get junit_model)" "$(get junit)"
check_eq "console = the rules' classes and counted failures" "$(get console_model)" "$(get console)"
check_has "console: fail counted = the MUST fail and the unexpected pass" 'counted_fail=2 ' "$(get console)"
[ -z "${TALLY_SHOW:-}" ] || printf "%s\n" "$counts"
finish cli_tally
