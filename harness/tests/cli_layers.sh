#!/usr/bin/env bash
# The include graph of harness/ (layers.py): no include circle, no include
# that goes up a layer. First on a small tree made to break both rules (the
# check must see them), then on the real one (it must be clean).
#   bash cli_layers.sh PATH_TO_PUSHSPEC SOURCE_DIR
set -u
src="$2"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check="python3 $src/harness/tests/layers.py"

mkdir -p "$tmp/h/core" "$tmp/h/net" "$tmp/h/lua"
printf '#include "net/b.h"\n' > "$tmp/h/core/a.c"            # up a layer
printf '#include "net/c.h"\n' > "$tmp/h/net/b.c"             # b -> c -> b: a circle
printf '\n' > "$tmp/h/net/b.h"
printf '#include "net/b.h"\n' > "$tmp/h/net/c.c"
printf '\n' > "$tmp/h/net/c.h"
printf '#include "lua/gone.h"\n' > "$tmp/h/lua/d.c"           # names no file
out=$($check "$tmp/h"); rc=$?
check_eq "a broken tree fails" 1 "$rc"
check_has "an include up a layer is named" 'core/a.c: #include "net/b.h" goes up a layer' "$out"
check_has "the circle is named" 'include circle: net/b -> net/c' "$out"
check_has "an include of no file is named" 'lua/d.c: #include "lua/gone.h" names no file' "$out"

out=$($check "$src/harness"); rc=$?
check_eq "harness/ has no circle and no include up a layer" 0 "$rc"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" >&2
check_has "it read the tree" 'layers: [0-9]{2,} files, 0 problems' "$out"

finish cli_layers
