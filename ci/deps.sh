#!/usr/bin/env bash
# Installs everything pushspec builds and tests with: Debian packages (only the
# missing ones, so a second run is quick), then the pinned npm peers.
#   bash ci/deps.sh            # build + test dependencies and peers
#   PUSHSPEC_NO_PEERS=1 ...    # packages only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

pkgs=(build-essential cmake pkg-config libwebsockets-dev libcjson-dev liblua5.4-dev lua5.4
      libsodium-dev libssl-dev clang libclang-rt-14-dev afl++ curl python3 python3-yaml chromium time
      dpkg-dev binutils
      llvm zip iproute2 redis-server)   # llvm-profdata/llvm-cov: ci/fuzz-coverage.sh; zip: fuzz/build.sh; iproute2: ss in the hostile tests; redis-server: ci/soketi-cluster.sh
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps.sh: need root to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  echo "deps.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${PUSHSPEC_NO_PEERS:-0}" = 1 ] || bash "$root/ci/install-peers.sh"
