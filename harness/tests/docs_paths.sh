#!/usr/bin/env bash
# No document names a path of one machine (/work/..., /root/..., /home/..., /tmp/...):
# README, every .md, the CI example and the help texts (the man page comes from them).
# Reads the file list from git: outside a git checkout (or with no document found) it
# fails, rather than passing on nothing.
#   bash harness/tests/docs_paths.sh SOURCE_DIR
set -u
cd "${1:?usage: docs_paths.sh SOURCE_DIR}" || exit 1
. harness/tests/lib.sh
if ! files=$(git ls-files -co --exclude-standard '*.md' 'ci/examples/*' harness/help.c 2>&1); then
  fail "docs_paths needs a git checkout to list the documents" "$files"
  finish docs_paths; exit
fi
files=$(printf '%s\n' "$files" | grep -v node_modules)
n=$(printf '%s\n' "$files" | grep -c .)
if [ "$n" -eq 0 ]; then
  fail "docs_paths found no document to read (README.md at least is expected)"
  finish docs_paths; exit
fi
hits=$(printf '%s\n' "$files" | xargs grep -nE '(^|[^A-Za-z0-9_.$}])/(work|root|home|tmp)/' 2>/dev/null)
check_eq "no machine paths in the $n documents (use paths relative to the clone, or \$HOME, \$RUNNER_TEMP)" "" "$hits"
finish docs_paths
