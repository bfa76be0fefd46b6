#!/usr/bin/env bash
# Runs pushspec as a user who installed it: `cmake --install BUILD` into a temporary prefix,
# then PREFIX/bin/pushspec ARGS... from a folder outside the source tree. Before that it checks
# the install (binary, man page, adapters, examples) and that the binary's read-only data names
# no source-tree path (so nothing is read from the tree at run time). Exit status: pushspec's.
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
case "$prefix" in "$src"/*) die "the temporary prefix $prefix is inside the source tree";; esac
if command -v objcopy >/dev/null; then
  objcopy -O binary --only-section=.rodata "$prefix/bin/pushspec" "$prefix/rodata" ||
    die "objcopy cannot read the installed binary"
  ! grep -qF "$src" "$prefix/rodata" || die "the binary's data names the source tree $src"
fi
cd "$prefix"
echo "installed.sh: running $prefix/bin/pushspec from $PWD"
"$prefix/bin/pushspec" "$@"
