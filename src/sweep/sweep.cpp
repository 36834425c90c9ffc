#include "sweep/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "sweep/sweep_domain.hpp"

namespace gelucheck {

unsigned resolve_threads(unsigned threads) {
  if (threads) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(uint64_t n, unsigned threads, const std::function<void(uint64_t)>& body) {
  threads =
      static_cast<unsigned>(std::min<uint64_t>(resolve_threads(threads), std::max<uint64_t>(n, 1)));
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

void ChunkSet::add(uint64_t begin, uint64_t end) {
  if (begin >= end) return;
  std::vector<Interval> out;
  out.reserve(intervals_.size() + 1);
  for (const Interval& i : intervals_) {
    if (i.second < begin || i.first > end) {
      out.push_back(i);
    } else {  // overlapping or adjacent: absorb
      begin = std::min(begin, i.first);
      end = std::max(end, i.second);
    }
  }
  out.emplace_back(begin, end);
  std::sort(out.begin(), out.end());
  intervals_ = std::move(out);
}

void ChunkSet::add(const ChunkSet& other) {
  for (const Interval& i : other.intervals_) add(i.first, i.second);
}

bool ChunkSet::contains(uint64_t chunk) const {
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), Interval{chunk, UINT64_MAX});
  return it != intervals_.begin() && std::prev(it)->second > chunk;
}

bool ChunkSet::overlaps(const ChunkSet& other) const {
  for (const Interval& a : intervals_)
    for (const Interval& b : other.intervals_)
      if (a.first < b.second && b.first < a.second) return true;
  return false;
}

uint64_t ChunkSet::count() const {
  uint64_t n = 0;
  for (const Interval& i : intervals_) n += i.second - i.first;
  return n;
}

uint64_t chunk_count(const Domain& domain) { return (domain.size() + kChunkSize - 1) / kChunkSize; }

ChunkSet::Interval shard_chunks(uint64_t chunks, uint64_t k, uint64_t n) {
  // floor(chunks * k / n) without overflow: chunks < 2^32 / 2^14 here, n small.
  return {chunks * k / n, chunks * (k + 1) / n};
}

std::vector<ErrorStats> run_sweep(Function fn, const Domain& domain,
                                  std::span<const Implementation* const> implementations,
                                  const SweepOptions& options, const RecordSink& sink) {
  return sweep_chunks(fn, domain, implementations, options, sink).stats;
}

SweepResult sweep_chunks(Function fn, const Domain& domain,
                         std::span<const Implementation* const> implementations,
                         const SweepOptions& options, const RecordSink& sink) {
  const Format& f = domain.format();
  const size_t n_impl = implementations.size();
  std::vector<BatchKernel> kernels(n_impl);
  const SweepDomainScope scope(domain);  // captured outputs pair inputs with positions by it
  for (size_t i = 0; i < n_impl; ++i) kernels[i] = implementations[i]->kernel_for(fn, f);
  const RefValue* table = reference_table(fn, f, options.reference_mode, options.threads);

  const uint64_t all_chunks = chunk_count(domain);
  const uint64_t begin = std::min(options.first_chunk, all_chunks);
  const uint64_t end = std::min(options.end_chunk, all_chunks);
  std::mutex mutex;
  std::vector<ErrorStats> totals(n_impl);
  std::vector<uint8_t> finished(end - begin, 0);
  // In-order delivery to the sink: finished chunks wait here until their turn.
  std::map<uint64_t, std::vector<std::vector<PointRecord>>> waiting;
  uint64_t next_to_emit = begin;
  // Under the mutex: queues a chunk's records and delivers every chunk whose turn has come.
  auto deliver = [&](uint64_t chunk, std::vector<std::vector<PointRecord>> records) {
    waiting.emplace(chunk, std::move(records));
    for (auto it = waiting.find(next_to_emit); it != waiting.end();
         it = waiting.find(next_to_emit)) {
      for (size_t k = 0; k < n_impl; ++k) sink(k, it->second[k]);
      waiting.erase(it);
      ++next_to_emit;
    }
  };

  parallel_for(end - begin, options.threads, [&](uint64_t slot) {
    const uint64_t chunk = begin + slot;
    if (options.done && options.done->contains(chunk)) {
      if (sink) {  // keep the in-order delivery moving past chunks done earlier
        std::lock_guard lock(mutex);
        deliver(chunk, std::vector<std::vector<PointRecord>>(n_impl));
      }
      return;
    }
    if (options.stop && options.stop->load(std::memory_order_relaxed)) return;
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
    std::vector<ErrorStats> stats(n_impl);
    std::vector<std::vector<PointRecord>> records(sink ? n_impl : 0);
    for (auto& r : records) r.resize(n);
    // In slices that stay in the core's own cache: the reference of a whole chunk is 256 kB.
    constexpr size_t kSlice = 2048;  // a multiple of add_batch's block: the same statistics
    for (size_t start = 0; start < n; start += kSlice) {
      const size_t len = std::min(kSlice, n - start);
      const auto xs = x.subspan(start, len);
      const auto ys = y.subspan(start, len);
      const auto refs = ref.subspan(start, len);
      if (table) {
        for (size_t i = 0; i < len; ++i) refs[i] = table[xs[i]];
      } else {
        reference_batch(fn, f, xs, refs, options.reference_mode);
      }
      for (size_t k = 0; k < n_impl; ++k) {
        kernels[k](xs, ys);
        stats[k].add_batch(f, xs, ys, refs);
        for (size_t i = 0; i < len && sink; ++i)
          records[k][start + i] = compare(f, xs[i], ys[i], refs[i]);
      }
    }
    for (auto& s : stats) s.flush();
    std::lock_guard lock(mutex);
    for (size_t k = 0; k < n_impl; ++k) totals[k].merge(stats[k]);
    finished[slot] = 1;
    if (options.on_chunk) options.on_chunk(n);
    if (sink) deliver(chunk, std::move(records));
  });
  SweepResult result;
  result.stats = std::move(totals);
  for (uint64_t slot = 0; slot < finished.size();) {
    if (!finished[slot]) {
      ++slot;
      continue;
    }
    uint64_t run = slot;
    while (run < finished.size() && finished[run]) ++run;
    result.completed.add(begin + slot, begin + run);
    slot = run;
  }
  return result;
}

}  // namespace gelucheck
