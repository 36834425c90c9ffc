#!/bin/sh
# Benchmark: the exhaustive fp32 ULP table of one function x one implementation (all 2^32 bit
# patterns, summary statistics only; goal <= 60 s on 2 cores), each run a fresh process.
# Prints every run's wall time and the median.
# Usage: scripts/bench-fp32.sh [RUNS] [FUNCTION] [IMPLEMENTATION] [THREADS]
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
fn=${2:-gelu_erf}
impl=${3:-fp32}
threads=${4:-$(nproc)}
[ -x build/gelucheck ] || scripts/build.sh >/dev/null
echo "$fn, $impl, threads: $threads"
scripts/median-time.sh "$runs" build/gelucheck table -f "$fn" -t fp32 -i "$impl" \
  --grid patterns --threads "$threads" --no-progress --output csv
