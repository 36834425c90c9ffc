#!/bin/sh
# The sanitized half of CI: builds everything with Clang, AddressSanitizer + UBSan (leak detection
# on) and libFuzzer coverage in build-sanitize/, runs the fast tests there (every ctest except the
# mpmath comparisons, the examples, the two long numeric sweeps of the reference and the whole
# report check, which the Release run covers), checks that the report whose kernels produce the
# most NaN and infinite results (stable_rewrites) and the exhaustive 16-bit one come out
# byte-identical to the committed (Release) ones, then runs each fuzz target for FUZZ_SECONDS
# (default 60) on its seed corpus, two at a time; any finding fails the script.
# Usage: scripts/run-sanitized.sh [FUZZ_SECONDS]
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/install-deps.sh
CC=clang CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Release \
  -DGELUCHECK_SANITIZE=ON -DGELUCHECK_FUZZ=ON >/dev/null
cmake --build build-sanitize -j "$(nproc)"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-sanitize && ctest --output-on-failure -j "$(nproc)" \
  -E "mpmath|^examples_|fast tier's error bound holds|tiered and pure-MPFR|^reports_fresh$")
build-sanitize/gelucheck report --check analyses/stable_rewrites.toml \
  analyses/all_functions_16bit.toml

# Fuzzing: a copy of each seed corpus grows in build-sanitize/fuzz-corpus (the committed seeds
# stay as they are); a crash, a leak, a timeout (10 s per input) or an out-of-memory is a finding.
run_fuzzer() {
  name=$1
  corpus=build-sanitize/fuzz-corpus/$name
  mkdir -p "$corpus"
  cp tests/fuzz/corpus/"$name"/* "$corpus"/
  build-sanitize/tests/fuzz/fuzz_"$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=build-sanitize/fuzz-"$name"- -print_final_stats=1 "$corpus" \
    >build-sanitize/fuzz-"$name".log 2>&1
}
status=0
for pair in "npy gate_file" "analysis_spec range_where" "partial"; do
  pids=""
  for name in $pair; do
    run_fuzzer "$name" &
    pids="$pids $!:$name"
  done
  for entry in $pids; do
    if ! wait "${entry%%:*}"; then
      echo "fuzz_${entry#*:}: FINDING (see build-sanitize/fuzz-${entry#*:}.log)" >&2
      tail -40 build-sanitize/fuzz-"${entry#*:}".log >&2
      status=1
    else
      echo "fuzz_${entry#*:}: $(grep -o 'stat::number_of_executed_units: [0-9]*' \
        build-sanitize/fuzz-"${entry#*:}".log | grep -o '[0-9]*$') runs in ${seconds} s, no finding"
    fi
  done
done
exit $status
