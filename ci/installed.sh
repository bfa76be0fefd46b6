#!/usr/bin/env bash
# Runs pushspec as a user who installed it: `cmake --install BUILD` into a temporary prefix,
# then PREFIX/bin/pushspec ARGS... from a folder outside the source tree, with the tree's
# scenarios/, corpus/ and harness/ hidden (empty folders mounted over them in a private mount
# namespace), so the run shows the binary needs none of them. Before that it checks
# the install (binary, man page, adapters, examples). Exit status: pushspec's.
#   bash ci/installed.sh BUILD_DIR ARGS...
set -uo pipefail
build="$(cd "${1:?usage: installed.sh BUILD_DIR ARGS...}" && pwd)"
shift
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
die() { printf 'installed.sh: %s\n' "$*" >&2; exit 2; }

cmake --install "$build" --prefix "$prefix" >"$prefix/install.log" 2>&1 ||
  die "cmake --install $build failed: $(tail -5 "$prefix/install.log")"
for f in bin/pushspec share/man/man1/pushspec.1 share/pushspec/adapters/pusher-js.js \
         share/pushspec/adapters/PROTOCOL.md share/pushspec/examples/soketi.lua \
         share/pushspec/examples/github-actions.yml; do
  [ -s "$prefix/$f" ] || die "the install lacks $f"
done
# Every installed Node adapter loads its shared code and its SDK (found through NODE_PATH, as the
# README tells an installed user) and says hello; the browser one needs its host, so it only loads.
for a in "$prefix"/share/pushspec/adapters/*.js; do
  case "$a" in */browser-host.js) continue;; esac
  out="$(cd / && NODE_PATH="$src/ci/peers/node_modules" timeout 20 node "$a" </dev/null 2>&1 | head -c 400)"
  case "$(basename "$a")" in
    pusher-js-browser.js) grep -q 'Cannot find module' <<<"$out" && die "installed $a cannot load: $out";;
    *) grep -q '"type":"hello"' <<<"$out" || die "installed $a did not say hello: $out";;
  esac
done
case "$prefix" in "$src"/*) die "the temporary prefix $prefix is inside the source tree";; esac
cd "$prefix"
mkdir empty
echo "installed.sh: running $prefix/bin/pushspec from $PWD, with $src/{scenarios,corpus,harness} hidden"
ns=(-m)
[ "$(id -u)" -eq 0 ] || ns=(-r -m)   # not root: a user namespace gives the mount rights
unshare "${ns[@]}" bash -c 'src=$1 empty=$2; shift 2
  for d in scenarios corpus harness; do
    mount --bind "$empty" "$src/$d" || { echo "installed.sh: cannot hide $src/$d (needs root, or unprivileged user namespaces)" >&2; exit 2; }
  done
  [ -z "$(ls -A "$src/scenarios")" ] || { echo "installed.sh: $src/scenarios is still visible" >&2; exit 2; }
  exec "$@"' _ "$src" "$prefix/empty" "$prefix/bin/pushspec" "$@"
