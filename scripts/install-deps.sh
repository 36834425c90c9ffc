#!/bin/sh
# Installs what gelucheck needs to build and test, from Debian 12 packages only. Idempotent:
# apt-get runs only when a package is missing. Run as root (or with sudo available).
set -eu

PACKAGES="g++ cmake make pkg-config git
libboost-dev libmpfr-dev libgmp-dev libfmt-dev libcli11-dev catch2 libtomlplusplus-dev
nlohmann-json3-dev libsleef-dev python3 python3-mpmath python3-numpy clang-format
clang libfuzzer-14-dev
python3-dev pybind11-dev python3-pytest python3-venv python3-jsonschema help2man"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
