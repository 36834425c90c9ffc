#!/bin/sh
# Benchmark: exhaustive fp16 + bf16 sweeps of all six functions over the whole catalogue (the
# 16-bit part of the main job), each run a fresh process (reference computed from scratch).
# Prints every run's wall time and the median. Usage: scripts/bench-16bit.sh [RUNS] [THREADS]
set -eu
cd "$(dirname "$0")/.."
runs=${1:-7}
threads=${2:-$(nproc)}
[ -x build/gelucheck ] || scripts/build.sh >/dev/null
times=""
i=0
while [ "$i" -lt "$runs" ]; do
  start=$(date +%s.%N)
  build/gelucheck table -t fp16,bf16 --threads "$threads" --output csv >/dev/null
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  times="$times $t"
  i=$((i + 1))
done
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk -v runs="$runs" -v th="$threads" '
  { t[NR] = $1; printf "run %d: %.3f s\n", NR, $1 }
  END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
        printf "median of %d runs, %d threads: %.3f s\n", runs, th, m }'
