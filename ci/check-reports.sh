#!/usr/bin/env bash
# Checks the reports one CI suite run wrote (ctest runs it after the suite):
#   bash ci/check-reports.sh PREFIX
# PREFIX.json (the result), PREFIX.junit.xml, PREFIX.md and PREFIX/index.html
# must exist, agree with the result on every rule's verdict, and the HTML page
# must render in headless Chromium with its matrix.
set -uo pipefail
prefix="${1:?usage: check-reports.sh PREFIX   (e.g. build-asan/reports/soketi)}"
fail=0
bad() { printf 'FAIL: %s\n  %s\n' "$1" "$2"; fail=1; }

for f in "$prefix.json" "$prefix.junit.xml" "$prefix.md" "$prefix/index.html"; do
  [ -s "$f" ] || bad "report written" "$f is missing or empty (did the suite run with --json, --junit, --markdown and --html?)"
done
[ "$fail" = 0 ] || exit 1

python3 - "$prefix" <<'EOF' || fail=1
import json, sys, xml.etree.ElementTree as ET
prefix = sys.argv[1]
res = json.load(open(prefix + ".json"))
rules = {r["id"]: r for r in res["rules"]}
assert rules, "the result has no rules"

# JUnit: one testcase per rule; a failure exactly where the result counts one
suite = ET.parse(prefix + ".junit.xml").getroot()
cases = {c.get("name").split(":")[0]: c for c in suite.iter("testcase")}
missing = sorted(set(rules) - set(cases))
assert not missing, f"JUnit lacks testcases for {missing[:5]}"
for rid, r in rules.items():
    c = cases[rid]
    failed = c.find("failure") is not None or c.find("error") is not None
    assert failed == r["counts_as_failure"], \
        f"{rid}: verdict {r['verdict']} ({r.get('expectation', 'no baseline')}) but JUnit failure={failed}"
    if r["verdict"] == "skip":
        assert c.find("skipped") is not None, f"{rid} is skipped in the result but not in JUnit"

# Markdown: short enough for a pull-request comment, names every failing rule
md = open(prefix + ".md", encoding="utf-8").read()
assert len(md) < 65536, f"Markdown is {len(md)} characters, over GitHub's comment limit"
for rid, r in rules.items():
    if r["counts_as_failure"]:
        assert rid in md, f"Markdown does not mention failing rule {rid}"

# HTML: self-contained (no network), every rule in the matrix
html = open(prefix + "/index.html", encoding="utf-8").read()
import re
ext = re.search(r'<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["\']?(https?:)?//', html)
assert not ext, f"HTML loads an external resource: {ext.group(0)[:80]}"
absent = [rid for rid in rules if rid not in html]
assert not absent, f"HTML lacks rules {absent[:5]}"
# Every failing check label comes with its clause text (or the rule's, said so), in the JSON and in
# each report that shows the rule's checks (JUnit and HTML for every failing rule, Markdown for counted ones)
import html as H
junit_text = H.unescape(open(prefix + ".junit.xml", encoding="utf-8").read())
html_text = H.unescape(html)
for rid, r in rules.items():
    texts = {c["label"]: c["text"] for c in r.get("clauses", [])}
    for label in r.get("failed_checks", []):
        assert texts.get(label), f"{rid}:{label} fails without its clause text in the JSON result"
        line = f"{label}: {texts[label]}"
        assert line in html_text, f"HTML lacks {rid}'s clause line '{line[:80]}'"
        assert line in junit_text, f"JUnit lacks {rid}'s clause line '{line[:80]}'"
print(f"check-reports: {prefix}: {len(rules)} rules agree across JSON, JUnit, Markdown and HTML")
EOF

chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then
  bad "headless chromium" "chromium is not installed: apt-get install -y chromium"
else
  profile=$(mktemp -d)
  dom=$(timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$profile" --virtual-time-budget=2000 --dump-dom \
        "file://$(cd "$prefix" && pwd)/index.html" 2>/dev/null)
  rm -rf "$profile"
  case "$dom" in
    *'data-ready="1"'*) echo "check-reports: $prefix/index.html renders in chromium and its script ran" ;;
    *) bad "HTML renders in chromium" "the page's script did not finish (no data-ready=\"1\" in the DOM)" ;;
  esac
fi
exit "$fail"
