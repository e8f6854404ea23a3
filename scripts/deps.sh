#!/usr/bin/env bash
# Installs the Debian packages thingchain needs, only when some are missing.
# Called by `make test`, `make run` and friends; safe to run any number of times.
set -euo pipefail

PKGS=(
  build-essential clang libclang-rt-14-dev pkg-config
  libsodium-dev libsqlite3-dev sqlite3 libuv1-dev libmicrohttpd-dev libjansson-dev
  python3 python3-cbor2 python3-nacl python3-dissononce
  gcc-arm-none-eabi libnewlib-arm-none-eabi spin
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing missing Debian packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "deps: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
