#!/usr/bin/env bash
# The man page made at build time carries the help texts: every option line of
# every help topic (its Usage and option lines; each topic must have one), in troff man(7) form.
#   bash harness/tests/manpage.sh BUILD/pushspec.1 PATH/TO/pushspec
set -u
page=${1:?usage: manpage.sh PAGE PUSHSPEC}
ps=${2:?usage: manpage.sh PAGE PUSHSPEC}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
head -1 "$page" | grep -q '^\.TH PUSHSPEC 1 ' || { fail "$page does not start with .TH PUSHSPEC 1"; }
# every help topic the binary knows (an unknown topic's error lists them)
topics=$("$ps" help no-such-topic 2>&1 >/dev/null | sed -n 's/.*the topics: //p' | tr -d ',')
[ -n "$topics" ] || { fail "'pushspec help no-such-topic' lists no topics"; }
for topic in $topics; do
  n=0
  while IFS= read -r line; do   # as troff writes it: '-' is '\-', '\' is '\e'
    n=$((n + 1))
    want=$(printf '%s' "$line" | sed -e 's/\\/\\e/g' -e 's/-/\\-/g')
    grep -qF -- "$want" "$page" && ok || fail "pushspec.1 lacks this line of 'help $topic': $line"
  done < <("$ps" help "$topic" | grep -E '^  --|^Usage')
  # a text with no Usage or option line would be compared on nothing
  [ "$n" -gt 0 ] || { fail "'pushspec help $topic' has no Usage or option line to find in pushspec.1"; }
done
if command -v man >/dev/null && ! man -l "$page" 2>/dev/null | grep -q -- '--exclude-tag TAG'; then
  fail "man -l $page does not render the options"
fi
[ "$failed" = 0 ] && echo "the help texts are in $page"
finish manpage
