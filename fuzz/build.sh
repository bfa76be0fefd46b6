#!/usr/bin/env bash
# The OSS-Fuzz / ClusterFuzzLite build contract: compiles every fuzz/fuzz_*.c
# with the engine's compiler and flags into $OUT, with its seed corpus, its
# dictionary and its options. The engine sets the variables; nothing else is
# read from the environment:
#   CC, CFLAGS           compiler and flags (sanitizers and coverage included)
#   LIB_FUZZING_ENGINE   what provides main(): -fsanitize=fuzzer for libFuzzer,
#                        an AFL++ driver (e.g. /usr/lib/afl/libAFLDriver.a)
#   OUT                  where the targets go (created if missing)
#   SRC                  unused: the sources are this script's checkout
# Arguments, if any, name the targets to build (default: all of fuzz/fuzz_*.c).
# By hand (what ctest fuzz_build_contract runs):
#   CC=clang CFLAGS="-O1 -g -fsanitize=address,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$PWD/build-oss" bash fuzz/build.sh
set -euo pipefail
# readlink: the ClusterFuzzLite image runs this through the link $SRC/build.sh
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

for v in CC LIB_FUZZING_ENGINE OUT; do
  [ -n "${!v:-}" ] || { echo "build.sh: \$$v is not set (see the header of $0)" >&2; exit 2; }
done
CFLAGS="${CFLAGS:-}"
command -v pkg-config >/dev/null || { echo "build.sh: pkg-config is missing" >&2; exit 2; }
mkdir -p "$OUT" "$OUT/lib"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A fuzzer must run where only $OUT is copied (ClusterFuzzLite's runner image):
# a library with a static archive is linked from it; one without (Debian's
# cJSON) is copied to $OUT/lib and found there through the rpath.
libs=()
link_lib() { # pkg-config module, library name
  local dir a so
  dir="$(pkg-config --variable=libdir "$1")"
  a="$dir/lib$2.a"
  if [ -f "$a" ]; then
    libs+=("$a")
  else
    so="$(readlink -f "$dir/lib$2.so")"
    [ -f "$so" ] || { echo "build.sh: neither lib$2.a nor lib$2.so in $dir" >&2; exit 2; }
    cp "$so" "$OUT/lib/$(objdump -p "$so" | awk '/SONAME/ {print $2}')"
    libs+=("-L$dir" "-l$2")
  fi
}
link_lib libcjson cjson
link_lib libsodium sodium
link_lib libcrypto crypto
lua_libs=()
lua_dir="$(pkg-config --variable=libdir lua5.4)"
if [ -f "$lua_dir/liblua5.4.a" ]; then lua_libs=("$lua_dir/liblua5.4.a"); else lua_libs=(-llua5.4); fi

# shellcheck disable=SC2206 # the engine's flags are meant to be split
cflags=($CFLAGS -std=gnu11 -I"$root/harness" $(pkg-config --cflags libcjson libsodium libcrypto lua5.4))
objs=()
for src in "$root"/harness/core/*.c; do
  o="$work/$(basename "$src" .c).o"
  "$CC" "${cflags[@]}" -c "$src" -o "$o"
  objs+=("$o")
done
# An archive, as CMake's pushspec_core: a target links only the objects it
# uses (rules.c, which needs the embedded RULES.md, is not one of them).
"${AR:-ar}" rcs "$work/libpushspec_core.a" "${objs[@]}"

# shellcheck disable=SC2206
engine=($LIB_FUZZING_ENGINE)
targets=()
names=("$@")
[ "${#names[@]}" -gt 0 ] || names=($(cd "$root/fuzz" && ls fuzz_*.c | sed 's/\.c$//'))
for t in "${names[@]}"; do
  src="$root/fuzz/$t.c"
  [ -f "$src" ] || { echo "build.sh: no fuzz target $t (fuzz/$t.c)" >&2; exit 2; }
  extra=() extra_libs=()
  if [ "$t" = fuzz_adapter_lines ]; then # decodes lines into Lua values
    extra=("$root/harness/lua/luajson.c")
    extra_libs=("${lua_libs[@]}")
  fi
  "$CC" "${cflags[@]}" "$src" "${extra[@]}" "$work/libpushspec_core.a" "${engine[@]}" \
    "${extra_libs[@]}" "${libs[@]}" -Wl,-rpath,'$ORIGIN/lib' -lm -ldl -pthread -o "$OUT/$t"
  targets+=("$t")

  # Seeds: every file of corpus/<target>/ (reproducers of findings included).
  rm -f "$OUT/${t}_seed_corpus.zip"
  if [ -d "$root/corpus/$t" ]; then
    (cd "$root/corpus/$t" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
  fi
  [ -f "$root/fuzz/$t.dict" ] && cp "$root/fuzz/$t.dict" "$OUT/$t.dict"
  # The limits ci/fuzz.sh runs with: inputs up to 64 KiB (the query, frame and
  # line caps under test go past libFuzzer's default of 4 KiB) and 10 s.
  printf '[libfuzzer]\nmax_len = 65536\ntimeout = 10\n' >"$OUT/$t.options"
done
echo "build.sh: ${#targets[@]} targets in $OUT: ${targets[*]}"
