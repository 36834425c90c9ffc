#!/bin/sh
# Installs dependencies, checks formatting, builds with warnings as errors, and runs the whole
# test suite through CTest.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh
scripts/build.sh -DGELUCHECK_WERROR=ON
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
