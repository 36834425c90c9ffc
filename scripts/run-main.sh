#!/bin/sh
# The main job: installs dependencies, builds, and prints the ULP error table for every function,
# format and implementation (exhaustive over fp16 and bf16, 10^6 random-bits inputs for fp32;
# scripts/run-main.sh --grid patterns grades every fp32 bit pattern (about 2 hours on 2 cores,
# estimated in README "Performance")).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
build/gelucheck table "$@"
