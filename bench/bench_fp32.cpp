// Throughput of the fp32 pipeline, stage by stage, single-threaded, as inputs per second:
// pure MPFR reference, tiered reference, the implementation kernel, compare + statistics, and
// the full sweep (all threads). Each figure is the median of several runs.
//
//   build/bench/gelucheck_bench_fp32 [function] [implementation] [points] [runs]
//   defaults: gelu_erf fp32 4000000 5
//   build/bench/gelucheck_bench_fp32 FUNCTION all [runs] [stride]: the whole catalogue of the
//   function, reference shared, per stage and entry (defaults 3, 128; whole_catalogue below)
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
template <class T>
T median_of(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double median_seconds(int runs, F&& body) {
  std::vector<double> t;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    body();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return median_of(t);
}

void report(const char* what, uint64_t n, double seconds) {
  fmt::print("{:<36} {:>12.3e} inputs/s  ({:.1f} ns/input, {} inputs, median {:.3f} s)\n", what,
             double(n) / seconds, 1e9 * seconds / double(n), n, seconds);
}
}  // namespace

// The whole catalogue of one function as a table sweep evaluates it: the reference once per
// slice of kSliceSize inputs, shared, then each entry's kernel and statistics (graded in the
// entry's declared subnormal mode), over every `stride`-th chunk of the exhaustive sweep. Each
// stage's time per input is the median over `runs`; the projection is their sum over 2^32
// inputs on 2 threads, counting the two threads as twice one (README: they gain about 1.3x).
int whole_catalogue(Function fn, int runs, uint64_t stride) {
  std::vector<const Implementation*> entries;
  for (const Implementation& impl : builtin_implementations())
    if (!impl.is_reference && impl.kernel_for(fn, fp32, nullptr)) entries.push_back(&impl);
  std::vector<BatchKernel> kernels;
  std::vector<Grading> gradings;
  for (const Implementation* impl : entries) {
    kernels.push_back(impl->kernel_for(fn, fp32, nullptr));
    gradings.push_back(grading_for(fn, fp32, impl->subnormals));
  }
  const size_t n_entries = entries.size();
  const Domain domain = Domain::patterns(fp32);
  const uint64_t chunks = (uint64_t{1} << 32) / kChunkSize / stride;
  const uint64_t m = chunks * kChunkSize;
  std::vector<uint32_t> x(kChunkSize), y(kChunkSize);
  std::vector<RefValue> ref(kChunkSize);
  ReferenceBlocks blocks;
  std::vector<double> t_ref(runs);
  std::vector<std::vector<double>> t_kernel(n_entries, std::vector<double>(runs)),
      t_stats(n_entries, std::vector<double>(runs));
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  for (int r = 0; r < runs; ++r) {
    std::vector<ErrorStats> stats(n_entries);
    for (uint64_t k = 0; k < chunks; ++k) {
      domain.fill(k * stride * kChunkSize, kChunkSize, x.data());
      for (size_t start = 0; start < kChunkSize; start += kSliceSize) {
        const auto xs = std::span(x).subspan(start, kSliceSize);
        const auto ys = std::span(y).subspan(start, kSliceSize);
        const auto refs = std::span(ref).subspan(start, kSliceSize);
        const auto t0 = Clock::now();
        reference_batch(fn, fp32, xs, refs, ReferenceMode::tiered);
        blocks.assign(fp32, xs, refs);
        auto t1 = Clock::now();
        t_ref[r] += seconds(t0, t1);
        for (size_t e = 0; e < n_entries; ++e) {
          kernels[e](xs, ys);
          const auto t2 = Clock::now();
          stats[e].add_batch(fp32, xs, ys, refs, gradings[e], &blocks);
          const auto t3 = Clock::now();
          t_kernel[e][r] += seconds(t1, t2);
          t_stats[e][r] += seconds(t2, t3);
          t1 = t3;
        }
      }
    }
    for (ErrorStats& s : stats) s.flush();
  }
  auto ns = [m](double s) { return 1e9 * s / double(m); };
  fmt::print(
      "{}, every catalogue entry, fp32: every {}th chunk of the exhaustive sweep ({} inputs), "
      "1 thread, median of {} runs, ns per input\n",
      fn.name(), stride, m, runs);
  const double ref_ns = ns(median_of(t_ref));
  fmt::print("  {:<24} {:>8.1f}\n", "reference (shared)", ref_ns);
  double kernels_ns = 0, stats_ns = 0;
  fmt::print("  {:<24} {:>8} {:>11}\n", "entry", "kernel", "statistics");
  for (size_t e = 0; e < n_entries; ++e) {
    const double k = ns(median_of(t_kernel[e])), s = ns(median_of(t_stats[e]));
    fmt::print("  {:<24} {:>8.1f} {:>11.1f}\n", entries[e]->name, k, s);
    kernels_ns += k;
    stats_ns += s;
  }
  const double projected = (kernels_ns + stats_ns + ref_ns) * 1e-9 * 0x1p32 / 2;
  fmt::print(
      "  total: kernels {:.1f}, statistics {:.1f}, reference {:.1f} => projected 2^32 "
      "inputs x {} entries on 2 threads: {:.0f} s\n",
      kernels_ns, stats_ns, ref_ns, n_entries + 1, projected);
  fmt::print("summary {} {} {:.1f} {:.1f} {:.1f} {:.0f}\n", fn.name(), n_entries + 1, kernels_ns,
             stats_ns, ref_ns, projected);
  return 0;
}

int main(int argc, char** argv) {
  const std::string fn_name = argc > 1 ? argv[1] : "gelu_erf";
  const std::string impl_name = argc > 2 ? argv[2] : "fp32";
  Function fn;
  if (!parse_function(fn_name, fn)) return 2;
  if (impl_name == "all")
    return whole_catalogue(fn, argc > 3 ? std::stoi(argv[3]) : 3,
                           argc > 4 ? std::stoull(argv[4]) : 128);
  const uint64_t n = argc > 3 ? std::stoull(argv[3]) : 4'000'000;
  const int runs = argc > 4 ? std::stoi(argv[4]) : 5;
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
    const double median_total = median_of(totals);
    const uint64_t m = chunks * kChunkSize;
    fmt::print("strided exhaustive, 1 thread (fastest run's stages):\n");
    report("  fill + reference", m, t_ref);
    report("  implementation kernel", m, t_kernel);
    report("  statistics", m, t_stats);
    report("  total (median)", m, median_total);
    fmt::print("  => projected 2^32 on 2 threads: {:.1f} s\n", median_total * double(stride) / 2);
  }
  const Implementation* impls[] = {&impl};
  const Domain sample = Domain::grid(fp32, GridKind::random_bits, -INFINITY, INFINITY, n, 1);
  report("full sweep (all threads)", n,
         median_seconds(runs, [&] { run_sweep(fn, sample, impls, SweepOptions{}); }));
  return 0;
}
