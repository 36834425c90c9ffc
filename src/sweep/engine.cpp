#include "sweep/engine.hpp"

#include <mpfr.h>  // mpfr_free_cache2

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"
#include "sweep/threads.hpp"

namespace gelucheck {

unsigned resolve_threads(unsigned threads) {
  if (threads) return threads;
  return default_thread_count();
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
  // Threads end with MPFR's per-thread caches (constants such as pi, log 2) freed: they are
  // allocated per thread and would otherwise be lost when the thread ends.
  auto thread_main = [&] {
    worker();
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
  };
  std::vector<std::thread> pool;
  std::string refused;
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(thread_main);
    } catch (const std::system_error& e) {
      refused = fmt::format("cannot start thread {} of {}: {}; give fewer --threads", t + 1,
                            threads, e.what());
      next = n;  // the threads started stop at once
      break;
    }
  }
  if (refused.empty()) worker();
  for (auto& t : pool) t.join();
  if (!refused.empty()) throw UsageError(refused);
  if (error) std::rethrow_exception(error);
}

const RefValue* reference_table(Function fn, const Format& f, ReferenceMode mode,
                                unsigned threads) {
  if (f.in().total_bits() > 16) return nullptr;
  static std::mutex mutex;
  static std::map<std::tuple<Function, const Format*, ReferenceMode>,
                  std::unique_ptr<std::vector<RefValue>>>
      tables;
  std::lock_guard lock(mutex);
  auto& slot = tables[{fn, &f, mode}];
  if (!slot) {
    const uint64_t patterns = f.in().pattern_count();
    auto table = std::make_unique<std::vector<RefValue>>(patterns);
    const uint64_t chunks = (patterns + 1023) / 1024;
    parallel_for(chunks, threads, [&](uint64_t c) {
      const uint64_t end = std::min<uint64_t>((c + 1) * 1024, patterns);
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
  // floor(chunks * k / n) in 128 bits: exact for every chunks, k < n < 2^64.
  __extension__ typedef unsigned __int128 u128;
  return {uint64_t(u128(chunks) * k / n), uint64_t(u128(chunks) * (k + 1) / n)};
}

ChunkSet::Interval shard_positions(const Domain& domain, uint64_t k, uint64_t n) {
  const ChunkSet::Interval chunks = shard_chunks(chunk_count(domain), k, n);
  return {std::min(chunks.first * kChunkSize, domain.size()),
          std::min(chunks.second * kChunkSize, domain.size())};
}

ChunkSet evaluate(const Evaluation& e, const SweepOptions& options,
                  const std::function<ChunkTask(uint64_t chunk)>& start) {
  const Domain& domain = *e.domain;
  const Format& f = domain.format();
  const size_t n_impl = e.implementations.size();
  // The reference implementation's values are the reference's, computed once for all: it needs
  // no kernel of its own where the reference is evaluated anyway.
  std::vector<uint8_t> from_reference(n_impl);
  std::vector<BatchKernel> kernels(n_impl);
  for (size_t i = 0; i < n_impl; ++i) {
    from_reference[i] = e.reference && e.implementations[i]->is_reference;
    if (from_reference[i]) continue;
    kernels[i] =
        e.implementations[i]->kernel_for(e.function, f, e.kernels_see_domain ? &domain : nullptr);
    if (!kernels[i])
      throw UsageError(fmt::format("implementation '{}' does not provide {} in {}",
                                   e.implementations[i]->name, name_of(e.function), f.name));
  }
  const RefValue* table =
      e.reference ? reference_table(e.function, f, options.reference_mode, options.threads)
                  : nullptr;
  // Kernels that see their subnormal inputs flushed (DAZ).
  std::vector<uint8_t> flush_inputs(n_impl, 0);
  for (size_t i = 0; i < e.subnormals.size() && i < n_impl; ++i)
    flush_inputs[i] = flushes_inputs(e.subnormals[i]) && !e.implementations[i]->captured;
  const bool any_flush =
      std::any_of(flush_inputs.begin(), flush_inputs.end(), [](uint8_t b) { return b != 0; });
  // The reference implementation's values at the zeros that positive and negative subnormal
  // inputs are read as.
  const Format& in = f.in();
  uint32_t at_zero[2] = {0, 0};
  if (any_flush && e.reference)
    for (int negative = 0; negative < 2; ++negative)
      at_zero[negative] =
          reference(e.function, f, zero_read_for(in, negative), options.reference_mode)
              .correctly_rounded;

  const uint64_t all_chunks = chunk_count(domain);
  const uint64_t begin = std::min(options.first_chunk, all_chunks);
  const uint64_t end = std::min(options.end_chunk, all_chunks);
  std::mutex mutex;
  std::vector<uint8_t> finished(end - begin, 0);
  parallel_for(end - begin, options.threads, [&](uint64_t slot) {
    const uint64_t chunk = begin + slot;
    if (options.done && options.done->contains(chunk)) return;
    if (options.stop && options.stop->load(std::memory_order_relaxed)) return;
    const uint64_t first = chunk * kChunkSize;
    const size_t n = static_cast<size_t>(std::min(kChunkSize, domain.size() - first));
    // Per-thread buffers, reused: fresh allocations per chunk cost page faults.
    thread_local std::vector<uint32_t> x_buffer, y_buffer, flushed_x;
    thread_local std::vector<RefValue> ref_buffer;
    thread_local std::vector<std::span<const uint32_t>> y_spans;
    thread_local ReferenceBlocks blocks;
    x_buffer.resize(kChunkSize);
    y_buffer.resize(kSliceSize * n_impl);
    ref_buffer.resize(e.reference ? kSliceSize : 0);
    y_spans.resize(n_impl);
    domain.fill(first, n, x_buffer.data());
    const ChunkTask task = start(chunk);
    for (size_t offset = 0; offset < n; offset += kSliceSize) {
      const size_t len = std::min(kSliceSize, n - offset);
      const std::span<const uint32_t> xs(x_buffer.data() + offset, len);
      const std::span<RefValue> refs(ref_buffer.data(), e.reference ? len : 0);
      if (table) {
        for (size_t i = 0; i < len; ++i) refs[i] = table[xs[i]];
      } else if (e.reference) {
        reference_batch(e.function, f, xs, refs, options.reference_mode);
      }
      if (e.reference) {  // decided once for every implementation
        blocks.sharers = n_impl;
        blocks.assign(f, xs, refs);
      }
      if (any_flush) {  // the inputs, of f.in(), as DAZ reads them (subnormal -> zero)
        flushed_x.assign(xs.begin(), xs.end());
        for (uint32_t& v : flushed_x) v = input_read_as_zero(in, v);
      }
      for (size_t k = 0; k < n_impl; ++k) {
        const std::span<uint32_t> ys(y_buffer.data() + k * kSliceSize, len);
        if (from_reference[k]) {  // the correctly rounded f(x), or f(+-0) where x is flushed
          for (size_t i = 0; i < len; ++i) ys[i] = refs[i].correctly_rounded;
          if (flush_inputs[k])
            for (size_t i = 0; i < len; ++i)
              if (flushed_x[i] != xs[i]) ys[i] = at_zero[is_negative(in, xs[i]) ? 1 : 0];
        } else {
          kernels[k](flush_inputs[k] ? std::span<const uint32_t>(flushed_x) : xs, ys);
        }
        canonicalize_nans(f, ys);  // format.hpp: NaN outputs print alike in every build
        y_spans[k] = ys;
      }
      task.slice(Slice{chunk, offset, xs, refs, y_spans, e.reference ? &blocks : nullptr});
    }
    std::lock_guard lock(mutex);
    if (task.done) task.done();
    finished[slot] = 1;
    if (options.on_chunk) options.on_chunk(n);
  });
  ChunkSet completed;
  for (uint64_t slot = 0; slot < finished.size();) {
    if (!finished[slot]) {
      ++slot;
      continue;
    }
    uint64_t run = slot;
    while (run < finished.size() && finished[run]) ++run;
    completed.add(begin + slot, begin + run);
    slot = run;
  }
  return completed;
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
  std::vector<ErrorStats> totals(n_impl);
  // In-order delivery to the sink: finished chunks wait here until their turn; chunks done in an
  // earlier run (options.done) are passed over.
  std::map<uint64_t, std::vector<std::vector<PointRecord>>> waiting;
  uint64_t next_to_emit = std::min(options.first_chunk, chunk_count(domain));
  auto deliver = [&](uint64_t chunk, std::vector<std::vector<PointRecord>> records) {
    waiting.emplace(chunk, std::move(records));
    for (;;) {
      if (options.done && options.done->contains(next_to_emit)) {
        ++next_to_emit;
        continue;
      }
      const auto it = waiting.find(next_to_emit);
      if (it == waiting.end()) break;
      for (size_t k = 0; k < n_impl; ++k) sink(k, it->second[k]);
      waiting.erase(it);
      ++next_to_emit;
    }
  };
  std::vector<SubnormalMode> modes(n_impl);
  std::vector<Grading> gradings(n_impl);
  for (size_t k = 0; k < n_impl; ++k) {
    modes[k] = subnormals_of(*implementations[k], options);
    gradings[k] = grading_for(fn, f, modes[k], options.tolerance, options.reference_mode);
  }
  const Evaluation e{fn, &domain, implementations, true, true, modes};
  const auto start = [&](uint64_t chunk) {
    struct PerChunk {
      std::vector<ErrorStats> stats;
      std::vector<std::vector<PointRecord>> records;
    };
    auto state = std::make_shared<PerChunk>();
    state->stats.resize(n_impl);
    if (sink) state->records.resize(n_impl);
    ChunkTask task;
    task.slice = [state, sink, &f, &gradings, n_impl](const Slice& s) {
      for (size_t k = 0; k < n_impl; ++k) {
        state->stats[k].add_batch(f, s.x, s.y[k], s.ref, gradings[k], s.blocks);
        if (!sink) continue;
        std::vector<PointRecord>& r = state->records[k];
        for (size_t i = 0; i < s.x.size(); ++i)
          r.push_back(compare(f, s.x[i], s.y[k][i], s.ref[i], gradings[k]));
      }
    };
    task.done = [state, chunk, &totals, &sink, &deliver, n_impl] {
      for (size_t k = 0; k < n_impl; ++k) {
        state->stats[k].flush();
        totals[k].merge(state->stats[k]);
      }
      if (sink) deliver(chunk, std::move(state->records));
    };
    return task;
  };
  SweepResult result;
  if (!sink) {
    result.completed = evaluate(e, options, start);
  } else {
    // Records wait for their turn in memory: a window of chunks at a time bounds them (a slow
    // chunk would otherwise let the other threads run ahead by thousands of chunks).
    const uint64_t window = 16 * uint64_t(resolve_threads(options.threads));
    const uint64_t end = std::min(options.end_chunk, chunk_count(domain));
    for (uint64_t first = std::min(options.first_chunk, end); first < end; first += window) {
      SweepOptions part = options;
      part.first_chunk = first;
      part.end_chunk = std::min(end, first + window);
      result.completed.add(evaluate(e, part, start));
      if (options.stop && options.stop->load()) break;
    }
  }
  result.stats = std::move(totals);
  return result;
}

}  // namespace gelucheck
