#!/usr/bin/env bash
# Every file and C function (ps_...) a document or a code comment names exists
# (docs_names.py): clean on this tree, and failing, naming FILE:LINE, on a copy of it
# with wrong names planted in a document and in a comment, and with a named file removed.
#   bash harness/tests/docs_names.sh SOURCE_DIR
set -u
src=$(cd "${1:?usage: docs_names.sh SOURCE_DIR}" && pwd)
. "$src/harness/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check="python3 $src/harness/tests/docs_names.py"

out=$($check "$src" 2>&1); rc=$?
check_eq "this tree: no stale name" 0 "$rc"
check_has "this tree: names were checked" '[1-9][0-9]* file names and [1-9][0-9]* C names checked, 0 stale' "$out"
[ "$rc" = 0 ] || printf '%s\n' "$out" | grep FAIL | head -20 >&2

# the copy: the files git lists, in a fresh repository (the checker reads the list from git)
(cd "$src" && git ls-files -co --exclude-standard | grep -v node_modules | while read -r f; do
    [ -f "$f" ] && printf '%s\0' "$f"; done | tar -c --null -T - -f -) | tar -x -C "$tmp" -f -
git -C "$tmp" init -q
out=$($check "$tmp" 2>&1); rc=$?
check_eq "the copy before planting: clean" 0 "$rc"

printf '\nSee `harness/net/nosuch.c` and `ps_no_such_function`.\n' >>"$tmp/README.md"
line=$(wc -l <"$tmp/README.md")
printf '/* ps_gone_away reads lua/nothing.lua */\n' >>"$tmp/harness/main.c"
cline=$(wc -l <"$tmp/harness/main.c")
rm "$tmp/harness/net/dirscan.c"   # README names it
out=$($check "$tmp" 2>&1); rc=$?
check_eq "planted: exit status" 1 "$rc"
check_has "a wrong file in a document" "README.md:$line: names the file harness/net/nosuch.c, which does not exist" "$out"
check_has "a wrong function in a document" "README.md:$line: names ps_no_such_function, which no code" "$out"
check_has "a wrong file in a comment" "harness/main.c:$cline: names the file lua/nothing.lua" "$out"
check_has "a wrong function in a comment" "harness/main.c:$cline: names ps_gone_away" "$out"
check_has "a removed file a document names" "README.md:[0-9]+: names the file dirscan.c, which does not exist" "$out"
check_has "the count of stale names" ", [5-9] stale|, [1-9][0-9]+ stale" "$out"

rm -rf "$tmp/.git"
out=$($check "$tmp" 2>&1); rc=$?
check_eq "outside a git checkout: a failure, not a pass" 1 "$rc"
check_has "outside a git checkout: said" "needs a git checkout" "$out"
finish docs_names
