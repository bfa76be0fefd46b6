#!/usr/bin/env bash
# No document names a path of one machine (/work/..., /root/..., /home/..., /tmp/...):
# README, every .md, the CI example and the help texts (the man page comes from them).
#   bash harness/tests/docs_paths.sh SOURCE_DIR
set -u
cd "${1:?usage: docs_paths.sh SOURCE_DIR}"
hits=$(git ls-files -co --exclude-standard '*.md' 'ci/examples/*' harness/help.c 2>/dev/null |
       grep -v node_modules | xargs grep -nE '(^|[^A-Za-z0-9_.$}])/(work|root|home|tmp)/' 2>/dev/null)
if [ -n "$hits" ]; then
  printf 'FAIL: machine paths in documents (use paths relative to the clone, or $HOME, $RUNNER_TEMP):\n%s\n' "$hits"
  exit 1
fi
echo "docs_paths: $(git ls-files -co --exclude-standard '*.md' 'ci/examples/*' harness/help.c | grep -vc node_modules) files, no machine paths"
