#!/usr/bin/env bash
# No document names a path of one machine (/work/..., /root/..., /home/..., /tmp/...):
# README, every .md, the CI example and the help texts (the man page comes from them).
# Reads the file list from git: outside a git checkout (or with no document found) it
# fails, rather than passing on nothing.
#   bash harness/tests/docs_paths.sh SOURCE_DIR
set -u
cd "${1:?usage: docs_paths.sh SOURCE_DIR}" || exit 1
if ! files=$(git ls-files -co --exclude-standard '*.md' 'ci/examples/*' harness/help.c 2>&1); then
  printf 'FAIL: docs_paths needs a git checkout to list the documents (git ls-files: %s)\n' "$files"
  exit 1
fi
files=$(printf '%s\n' "$files" | grep -v node_modules)
n=$(printf '%s\n' "$files" | grep -c .)
if [ "$n" -eq 0 ]; then
  echo "FAIL: docs_paths found no document to read (README.md at least is expected)"
  exit 1
fi
hits=$(printf '%s\n' "$files" | xargs grep -nE '(^|[^A-Za-z0-9_.$}])/(work|root|home|tmp)/' 2>/dev/null)
if [ -n "$hits" ]; then
  printf 'FAIL: machine paths in documents (use paths relative to the clone, or $HOME, $RUNNER_TEMP):\n%s\n' "$hits"
  exit 1
fi
echo "docs_paths: $n files, no machine paths"
