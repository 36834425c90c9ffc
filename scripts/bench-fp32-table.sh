#!/bin/sh
# Benchmark: where the time of the whole exhaustive fp32 table goes (every function x its whole
# catalogue, all 2^32 bit patterns). For each function, bench/bench_fp32.cpp's whole-catalogue
# mode times the shared reference and every entry's kernel and statistics on every STRIDE-th
# chunk of the sweep, one thread, median of RUNS runs (per entry lines on stderr), and projects
# 2^32 inputs on 2 threads. Prints README's Markdown table: per function, the summed stages in
# ns per input and the projection, then the totals. Takes about 5 minutes with the defaults.
# Usage: scripts/bench-fp32-table.sh [RUNS] [STRIDE] [FUNCTION...]
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
stride=${2:-128}
[ $# -ge 2 ] && shift 2 || shift $#
[ -x build/gelucheck ] && [ -x build/bench/gelucheck_bench_fp32 ] || scripts/build.sh >/dev/null
functions=${*:-$(build/gelucheck list | sed -n '/^Functions:/,/^$/s/^  \([a-z0-9_]*\) .*/\1/p' |
  tr '\n' ' ')}
echo "| function | entries | kernels | statistics | reference | projected, 2 cores |"
echo "|---|---|---|---|---|---|"
for fn in $functions; do
  build/bench/gelucheck_bench_fp32 "$fn" all "$runs" "$stride" | tee -a /dev/stderr |
    sed -n 's/^summary //p'
done | awk '{
  printf "| %s | %d | %.1f ns | %.1f ns | %.1f ns | %d s |\n", $1, $2, $3, $4, $5, $6
  n += $2; k += $3; s += $4; r += $5; t += $6
} END {
  m = 2 ^ 32 / 2 / 1e9 / 60
  printf "| all %d | %d | %.0f ns: %.0f min | %.0f ns: %.0f min | %.0f ns: %.1f min | about %.0f min |\n",
    NR, n, k, k * m, s, s * m, r, r * m, t / 60
}'
