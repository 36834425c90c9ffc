#!/bin/sh
# Benchmark: exhaustive fp16 + bf16 sweeps of every registered function over the whole catalogue
# (the 16-bit part of the main job), each run a fresh process (reference computed from scratch).
# Prints every run's wall time and the median. Usage: scripts/bench-16bit.sh [RUNS] [THREADS]
set -eu
cd "$(dirname "$0")/.."
runs=${1:-7}
threads=${2:-$(nproc)}
[ -x build/gelucheck ] || scripts/build.sh >/dev/null
echo "threads: $threads"
scripts/median-time.sh "$runs" build/gelucheck table -t fp16,bf16 --threads "$threads" --output csv
