#include "sweep.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "sweep_domain.hpp"

namespace gelucheck {

unsigned resolve_threads(unsigned threads) {
  if (threads) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(uint64_t n, unsigned threads, const std::function<void(uint64_t)>& body) {
  threads = static_cast<unsigned>(std::min<uint64_t>(resolve_threads(threads), std::max<uint64_t>(n, 1)));
  std::atomic<uint64_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    try {
      for (uint64_t i; (i = next.fetch_add(1)) < n;) body(i);
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = n;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

const RefValue* reference_table(Function fn, const Format& f, ReferenceMode mode,
                                unsigned threads) {
  if (f.total_bits() > 16) return nullptr;
  static std::mutex mutex;
  static std::map<std::tuple<Function, const Format*, ReferenceMode>,
                  std::unique_ptr<std::vector<RefValue>>>
      tables;
  std::lock_guard lock(mutex);
  auto& slot = tables[{fn, &f, mode}];
  if (!slot) {
    auto table = std::make_unique<std::vector<RefValue>>(f.pattern_count());
    const uint64_t chunks = (f.pattern_count() + 1023) / 1024;
    parallel_for(chunks, threads, [&](uint64_t c) {
      const uint64_t end = std::min<uint64_t>((c + 1) * 1024, f.pattern_count());
      for (uint64_t b = c * 1024; b < end; ++b)
        (*table)[b] = reference(fn, f, static_cast<uint32_t>(b), mode);
    });
    slot = std::move(table);
  }
  return slot->data();
}

std::vector<ErrorStats> run_sweep(Function fn, const Domain& domain,
                                  std::span<const Implementation* const> implementations,
                                  const SweepOptions& options, const RecordSink& sink) {
  const Format& f = domain.format();
  const size_t n_impl = implementations.size();
  std::vector<BatchKernel> kernels(n_impl);
  const SweepDomainScope scope(domain);  // captured outputs pair inputs with positions by it
  for (size_t i = 0; i < n_impl; ++i) kernels[i] = implementations[i]->kernel_for(fn, f);
  const RefValue* table = reference_table(fn, f, options.reference_mode, options.threads);

  const uint64_t n_chunks = (domain.size() + kChunkSize - 1) / kChunkSize;
  std::mutex mutex;
  std::vector<ErrorStats> totals(n_impl);
  // In-order delivery to the sink: finished chunks wait here until their turn.
  std::map<uint64_t, std::vector<std::vector<PointRecord>>> waiting;
  uint64_t next_to_emit = 0;

  parallel_for(n_chunks, options.threads, [&](uint64_t chunk) {
    const uint64_t first = chunk * kChunkSize;
    const size_t n = static_cast<size_t>(std::min(kChunkSize, domain.size() - first));
    // Per-thread buffers, reused: fresh 400 kB allocations per chunk cost page faults.
    thread_local std::vector<uint32_t> x_buffer, y_buffer;
    thread_local std::vector<RefValue> ref_buffer;
    x_buffer.resize(kChunkSize);
    y_buffer.resize(kChunkSize);
    ref_buffer.resize(kChunkSize);
    const std::span<uint32_t> x(x_buffer.data(), n), y(y_buffer.data(), n);
    const std::span<RefValue> ref(ref_buffer.data(), n);
    domain.fill(first, n, x.data());
    if (table) {
      for (size_t i = 0; i < n; ++i) ref[i] = table[x[i]];
    } else {
      reference_batch(fn, f, x, ref, options.reference_mode);
    }
    std::vector<ErrorStats> stats(n_impl);
    std::vector<std::vector<PointRecord>> records(sink ? n_impl : 0);
    for (size_t k = 0; k < n_impl; ++k) {
      kernels[k](x, y);
      if (sink) records[k].reserve(n);
      if (sink) {
        for (size_t i = 0; i < n; ++i) {
          const PointRecord p = compare(f, x[i], y[i], ref[i]);
          stats[k].add(f, p);
          records[k].push_back(p);
        }
      } else {
        stats[k].add_batch(f, x, y, ref);
      }
      stats[k].flush();
    }
    std::lock_guard lock(mutex);
    for (size_t k = 0; k < n_impl; ++k) totals[k].merge(stats[k]);
    if (sink) {
      waiting.emplace(chunk, std::move(records));
      for (auto it = waiting.find(next_to_emit); it != waiting.end();
           it = waiting.find(next_to_emit)) {
        for (size_t k = 0; k < n_impl; ++k) sink(k, it->second[k]);
        waiting.erase(it);
        ++next_to_emit;
      }
    }
  });
  return totals;
}

}  // namespace gelucheck
