#!/usr/bin/env bash
# The .deb as a user gets it: its Depends name the package of every library the
# binary links (dpkg -S), `dpkg -i` gives a working pushspec on the PATH (--version,
# list --rules and --clauses, the man page, the adapters), and `dpkg -r` leaves the machine clean.
#   bash ci/check-deb.sh build-deb/pushspec_VERSION_ARCH.deb
set -euo pipefail
deb="$(cd "$(dirname "${1:?usage: check-deb.sh FILE.deb}")" && pwd)/$(basename "$1")"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
die() { printf 'check-deb: FAIL: %s\n' "$*" >&2; exit 1; }
tmp=$(mktemp -d)
installed=0
cleanup() {
  [ "$installed" = 0 ] || $sudo dpkg -r pushspec >/dev/null || echo "check-deb: dpkg -r pushspec failed" >&2
  rm -rf "$tmp"
}
trap cleanup EXIT

dpkg-query -W -f='${Status}' pushspec 2>/dev/null | grep -q 'install ok installed' &&
  die "a pushspec package is already installed; remove it first (dpkg -r pushspec)"

depends=$(dpkg-deb -f "$deb" Depends)
echo "check-deb: Depends: $depends"
dpkg-deb -x "$deb" "$tmp/root"
# the package owning a library: dpkg knows it by one of its names (usrmerge: /lib or /usr/lib)
owner() {
  local real p
  real=$(readlink -f "$1")
  for p in "$1" "$real" "${real#/usr}" "/usr$1"; do
    dpkg -S "$p" 2>/dev/null | head -1 | cut -d: -f1 | grep . && return 0
  done
  return 1
}
bin="$tmp/root/usr/bin/pushspec"
for soname in $(objdump -p "$bin" | awk '$1 == "NEEDED" {print $2}'); do   # linked directly
  lib=$(ldd "$bin" | awk -v n="$soname" '$1 == n {print $3}')
  [ -n "$lib" ] || die "ldd does not find $soname"
  pkg=$(owner "$lib") || die "no package owns $lib"
  printf '%s' ", $depends," | grep -Eq ", ?$pkg( \([^)]*\))?," || die "Depends lacks $pkg (for $lib)"
done
for want in libwebsockets libcjson liblua5.4 libsodium libssl; do
  printf '%s' "$depends" | grep -q "$want" || die "Depends names no $want package"
done

$sudo dpkg -i "$deb" >/dev/null
installed=1
cd /
[ "$(command -v pushspec)" = /usr/bin/pushspec ] || die "pushspec is not /usr/bin/pushspec on the PATH"
pushspec --version | grep -q '^pushspec ' || die "pushspec --version"
rules=$(pushspec list --rules) || die "pushspec list --rules failed"
printf '%s' "$rules" | grep -q 'CONN-1 ' || die "pushspec list --rules has no CONN-1"
printf '%s' "$rules" | grep -q 'checked by: conn-' || die "list --rules names no scenario: none embedded?"
clauses=$(pushspec list --rules --clauses) || die "pushspec list --rules --clauses failed (the built-in CLAUSES.md)"
printf '%s' "$clauses" | grep -q '^clauses (scenarios/CLAUSES.md (built in)): ' ||
    die "list --rules --clauses does not read the built-in CLAUSES.md"
ls /usr/share/man/man1/pushspec.1* >/dev/null 2>&1 || die "no man page in /usr/share/man/man1"
[ -s /usr/share/pushspec/adapters/pusher-js.js ] || die "no adapters in /usr/share/pushspec/adapters"
echo "check-deb: $(basename "$deb") installs; $(pushspec --version); list --rules: $(printf '%s\n' "$rules" | grep -c 'checked by:') rules"
