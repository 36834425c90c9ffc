// Throughput of the fp32 pipeline, stage by stage, single-threaded, as inputs per second:
// pure MPFR reference, tiered reference, the implementation kernel, compare + statistics, and
// the full sweep (all threads). Each figure is the median of several runs.
//
//   build/bench/gelucheck_bench_fp32 [function] [implementation] [points] [runs]
//   defaults: gelu_erf fp32 4000000 5
// Inputs are fp32 bit patterns drawn uniformly (SplitMix64, seed 1): the same mix of tails,
// tiny values and NaNs as the exhaustive sweep. Pure MPFR is timed on points/100 inputs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "implementations/implementations.hpp"
#include "reference/reference.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"

using namespace gelucheck;

namespace {
template <class F>
double median_seconds(int runs, F&& body) {
  std::vector<double> t;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    body();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void report(const char* what, uint64_t n, double seconds) {
  fmt::print("{:<36} {:>12.3e} inputs/s  ({:.1f} ns/input, {} inputs, median {:.3f} s)\n", what,
             double(n) / seconds, 1e9 * seconds / double(n), n, seconds);
}
}  // namespace

int main(int argc, char** argv) {
  const std::string fn_name = argc > 1 ? argv[1] : "gelu_erf";
  const std::string impl_name = argc > 2 ? argv[2] : "fp32";
  const uint64_t n = argc > 3 ? std::stoull(argv[3]) : 4'000'000;
  const int runs = argc > 4 ? std::stoi(argv[4]) : 5;
  Function fn;
  if (!parse_function(fn_name, fn)) return 2;
  const Implementation& impl = resolve_implementation(impl_name);

  const Domain domain = Domain::patterns(fp32);
  std::vector<uint32_t> x(n), y(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t z = 1 + (i + 1) * 0x9e3779b97f4a7c15;  // SplitMix64, seed 1
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    x[i] = static_cast<uint32_t>(z ^ (z >> 31));
  }
  std::vector<RefValue> ref(n);
  fmt::print("{} with {}, fp32\n", fn_name, impl_name);

  const uint64_t n_mpfr = std::max<uint64_t>(n / 100, 1);
  report("reference, pure MPFR (1 thread)", n_mpfr, median_seconds(runs, [&] {
           reference_batch(fn, fp32, std::span(x).first(n_mpfr), std::span(ref).first(n_mpfr),
                           ReferenceMode::mpfr);
         }));
  reference_counters() = {};
  report("reference, tiered (1 thread)", n,
         median_seconds(runs, [&] { reference_batch(fn, fp32, x, ref, ReferenceMode::tiered); }));
  const ReferenceCounters c = reference_counters();
  const double total = double(c.special + c.tail + c.head + c.fast + c.mpfr);
  fmt::print(
      "  decided by: special {:.2f}%, tail {:.2f}%, head {:.2f}%, fast {:.3f}%, MPFR {:.4f}%\n",
      100 * c.special / total, 100 * c.tail / total, 100 * c.head / total, 100 * c.fast / total,
      100 * c.mpfr / total);
  const BatchKernel kernel = impl.kernel_for(fn, fp32, nullptr);
  report("implementation kernel (1 thread)", n, median_seconds(runs, [&] { kernel(x, y); }));
  report("compare + statistics (1 thread)", n, median_seconds(runs, [&] {
           ErrorStats s;
           for (uint64_t i = 0; i < n; ++i) s.add(fp32, x[i], y[i], ref[i]);
           s.flush();
         }));
  {
    // Every 128th chunk of the exhaustive (all patterns, bit order) sweep: the sweep's own mix
    // and order, 2^25 inputs, one thread, stage by stage.
    const uint64_t stride = 128, chunks = (uint64_t{1} << 32) / kChunkSize / stride;
    std::vector<uint32_t> cx(kChunkSize), cy(kChunkSize);
    std::vector<RefValue> cr(kChunkSize);
    double t_ref = 0, t_kernel = 0, t_stats = 0;
    std::vector<double> totals;
    for (int r = 0; r < runs; ++r) {
      double tr = 0, tk = 0, ts = 0;
      ErrorStats s;
      for (uint64_t k = 0; k < chunks; ++k) {
        auto t0 = std::chrono::steady_clock::now();
        domain.fill(k * stride * kChunkSize, kChunkSize, cx.data());
        reference_batch(fn, fp32, cx, cr, ReferenceMode::tiered);
        auto t1 = std::chrono::steady_clock::now();
        kernel(cx, cy);
        auto t2 = std::chrono::steady_clock::now();
        s.add_batch(fp32, cx, cy, cr);
        s.flush();
        auto t3 = std::chrono::steady_clock::now();
        tr += std::chrono::duration<double>(t1 - t0).count();
        tk += std::chrono::duration<double>(t2 - t1).count();
        ts += std::chrono::duration<double>(t3 - t2).count();
      }
      totals.push_back(tr + tk + ts);
      if (r == 0 || tr + tk + ts <= *std::min_element(totals.begin(), totals.end())) {
        t_ref = tr, t_kernel = tk, t_stats = ts;
      }
    }
    std::sort(totals.begin(), totals.end());
    const uint64_t m = chunks * kChunkSize;
    fmt::print("strided exhaustive, 1 thread (fastest run's stages):\n");
    report("  fill + reference", m, t_ref);
    report("  implementation kernel", m, t_kernel);
    report("  statistics", m, t_stats);
    report("  total (median)", m, totals[totals.size() / 2]);
    fmt::print("  => projected 2^32 on 2 threads: {:.1f} s\n",
               totals[totals.size() / 2] * double(stride) / 2);
  }
  const Implementation* impls[] = {&impl};
  const Domain sample = Domain::grid(fp32, GridKind::random_bits, -INFINITY, INFINITY, n, 1);
  report("full sweep (all threads)", n,
         median_seconds(runs, [&] { run_sweep(fn, sample, impls, SweepOptions{}); }));
  return 0;
}
