#!/bin/sh
# Installs dependencies, builds, and runs the whole test suite through CTest.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
