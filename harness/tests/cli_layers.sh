#!/usr/bin/env bash
# The include graph of harness/ (layers.py): no include circle, no include
# that goes up a layer; and the link graph of the build's object files (nm): no
# circle, no call up a layer, no core file using what only the executable has.
# First on small trees made to break each rule (the check must see them), then
# on the real one (it must be clean).
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

# the link graph: objects whose calls break the rules through extern declarations,
# with no include between them (the include check alone passes this tree)
mkdir -p "$tmp/l/h/core" "$tmp/l/h/net" "$tmp/l/o/harness/core" "$tmp/l/o/harness/net"
printf 'int pv(void); int vv(void) { return pv(); }\n' > "$tmp/l/h/core/v.c"   # v -> p -> v: a circle
printf 'int vv(void); int pv(void) { return vv(); }\n' > "$tmp/l/h/core/p.c"
printf 'int nn(void); int up(void) { return nn(); }\n' > "$tmp/l/h/core/u.c"   # core calls net
printf 'int nn(void) { return 1; }\n' > "$tmp/l/h/net/n.c"
printf 'extern const char emb[]; const char *e(void) { return emb; }\n' > "$tmp/l/h/core/e.c"
printf 'const char emb[] = "x";\n' > "$tmp/l/o/embedded.c"
for f in core/v core/p core/u net/n core/e; do cc -c "$tmp/l/h/$f.c" -o "$tmp/l/o/harness/$f.c.o"; done
cc -c "$tmp/l/o/embedded.c" -o "$tmp/l/o/embedded.c.o"
out=$($check "$tmp/l/h" "$tmp/l/o"); rc=$?
check_eq "a tree broken at link time fails" 1 "$rc"
check_has "the link circle is named" 'link circle: core/p -> core/v' "$out"
check_has "a call up a layer is named" 'core/u: uses nn of net/n, a layer up' "$out"
check_has "core using the executable's file is named" 'core/e: uses emb, which only embedded.c defines' "$out"
out=$($check "$tmp/l/h"); rc=$?
check_eq "... which the include check alone does not see" 0 "$rc"

objs="$(dirname "$1")/CMakeFiles"
out=$($check "$src/harness" "$objs"); rc=$?
check_eq "harness/ has no circle and no include or call up a layer" 0 "$rc"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" >&2
check_has "it read the tree and the objects" 'layers: [0-9]{2,} files, [0-9]{2,} objects, 0 problems' "$out"

finish cli_layers
