#!/usr/bin/env bash
# pushspec report over the shards of one explore run, offline. The fixtures are real results of
#   pushspec explore --target ci/targets/soketi.lua --seed 7 --shard I/4 --sequences 1 --ops 12
#     --expect ci/targets/soketi-explore.expect          (I = 1, 2, 3: shard 4 is missing)
# and the same with --seed 8 --shard 1/4 (another run), trimmed (no transcripts, no text for
# skipped rules). Shards of one run merge into one column: a failure in any shard beats a pass,
# failed clauses are joined, sequences concatenated, and the header names the merged shards and
# flags a missing or duplicated one. Another run stays a column of its own.
#   bash cli_report_shards.sh PATH/TO/pushspec SOURCE_DIR
set -u
ps=${1:?usage: cli_report_shards.sh PATH/TO/pushspec SOURCE_DIR}
src=${2:?usage: cli_report_shards.sh PATH/TO/pushspec SOURCE_DIR}
. "$src/harness/tests/lib.sh"
scratch cli_report_shards
fx="$src/harness/tests/fixtures"
s1="$fx/explore-shard1of4.json" s2="$fx/explore-shard2of4.json" s3="$fx/explore-shard3of4.json"
other="$fx/explore-seed8-shard1of4.json"

md=$("$ps" report "$s1" "$s2" "$s3" --markdown - 2>&1)
check_eq "three shards: exit status" 0 "$?"
check_eq "three shards: one column" 1 "$(grep -c '^- \*\*soketi' <<<"$md")"
check_has "three shards: which were merged, and the missing one" "explore shards 1, 2, 3 of 4; MISSING 4" "$md"
check_has "three shards: sequences concatenated (one explore scenario each)" "3 scenarios" "$md"
check_has "three shards: the files named (the first, then the others)" "explore-shard1of4.json \\+ " "$md"

md=$("$ps" report "$s1" "$s2" "$s2" "$s3" --markdown - 2>&1)
check_has "a shard given twice is flagged" "MISSING 4; GIVEN TWICE 2" "$md"

md=$("$ps" report "$s1" "$s2" "$other" --markdown - 2>&1)
check_eq "another run's shard: a column of its own" 2 "$(grep -c '^- \*\*soketi' <<<"$md")"
check_has "another run's shard: flagged alone" "explore shards 1 of 4; MISSING 2, 3, 4" "$md"

# verdicts: the merged HTML page's data (the header) and the JUnit of the merged column
"$ps" report "$s1" "$s2" "$s3" --html "$tmp/html" --junit "$tmp/j.xml" 2>/dev/null
check_eq "three shards: HTML and JUnit written" 0 "$?"
check_has "the HTML header names the shards" "explore shards" "$(cat "$tmp/html/index.html")"
"$ps" report "$fx/soketi-full.json" --html "$tmp/plain" 2>/dev/null
check_eq "a result that is no shard: no shards field in the page" 0 "$(grep -c 'explore shards' "$tmp/plain/index.html")"

# fail beats pass: shard 2 altered to fail HTTP-1 (a pass in shards 1 and 2 as run), and HTTP-2's
# failed clauses (tampered-signature in shard 2, get-request in shard 3) joined
python3 - "$s2" "$tmp/s2-fail.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["rules"]:
    if r["id"] == "HTTP-1":
        assert r["verdict"] == "pass", r
        r.update(verdict="fail", counts_as_failure=True, failed_checks=["made-up"])
json.dump(d, open(sys.argv[2], "w"))
EOF
md=$("$ps" report "$s1" "$tmp/s2-fail.json" "$s3" --markdown - 2>&1)
check_eq "fail beats pass: still one column" 1 "$(grep -c '^- \*\*soketi' <<<"$md")"
check_has "fail beats pass: HTTP-1 fails in the merge" "^\| .HTTP-1. \| MUST \| fail" "$md"
md=$("$ps" report "$s1" "$s2" "$s3" --markdown - 2>&1)
check_eq "as run, HTTP-1 passes in the merge" "" "$(grep 'HTTP-1`' <<<"$md")"
junit=$(cat "$tmp/j.xml")
check_has "failed clauses of two shards joined (HTTP-2)" "tampered-signature" "$junit"
check_has "failed clauses of two shards joined (HTTP-2, shard 3)" "get-request" "$junit"
finish cli_report_shards
