#!/bin/sh
# Benchmark: gelucheck's exhaustive fp32 row (gelu_erf x the naive float formula, all 2^32 bit
# patterns, certified reference, statistics only) beside the plain OpenMP loop a user would write
# for the same question with an uncertified double reference (bench/plain_loop.cpp). Each run is
# a fresh process; prints every run, the medians and their ratio (gelucheck / plain loop).
# Usage: scripts/bench-plain-loop.sh [RUNS] [THREADS]
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
threads=${2:-$(nproc)}
[ -x build/gelucheck ] && [ -x build/bench/gelucheck_plain_loop ] || scripts/build.sh >/dev/null
echo "plain loop (naive float GELU vs double erfc, OpenMP, $threads threads):"
plain=$(scripts/median-time.sh "$runs" build/bench/gelucheck_plain_loop "$threads" | tee -a /dev/stderr |
  sed -n 's/^median of [0-9]* runs: \([0-9.]*\) s$/\1/p')
echo "gelucheck table -f gelu_erf -t fp32 -i fp32 --grid patterns ($threads threads):"
ours=$(scripts/median-time.sh "$runs" build/gelucheck table -f gelu_erf -t fp32 -i fp32 \
  --grid patterns --threads "$threads" --no-progress --output csv | tee -a /dev/stderr |
  sed -n 's/^median of [0-9]* runs: \([0-9.]*\) s$/\1/p')
awk -v a="$ours" -v b="$plain" 'BEGIN { printf "ratio gelucheck / plain loop: %.2f\n", a / b }'
