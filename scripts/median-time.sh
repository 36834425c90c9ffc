#!/bin/sh
# Runs a command RUNS times (output discarded) and prints each run's wall time and the median.
# Usage: scripts/median-time.sh RUNS COMMAND [ARGS...]
set -eu
runs=$1
shift
times=""
i=0
while [ "$i" -lt "$runs" ]; do
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  times="$times $(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
  i=$((i + 1))
done
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk -v runs="$runs" '
  { t[NR] = $1; printf "run %d: %.3f s\n", NR, $1 }
  END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
        printf "median of %d runs: %.3f s\n", runs, m }'
