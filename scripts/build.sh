#!/bin/sh
# Configures and builds gelucheck (Release) in build/. Extra arguments go to cmake's configure
# step, e.g. scripts/build.sh -DGELUCHECK_WERROR=ON.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "$(nproc)"
