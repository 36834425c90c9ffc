// The sweep engine: input domain -> (implementation, reference) per point -> per-point record ->
// mergeable statistics, spread over threads.
//
// The domain is cut into fixed chunks of kChunkSize inputs, independent of the thread count;
// statistics are accumulated per chunk and merged exactly (stats.hpp), and per-point records
// reach the sink in input order. So the output is identical whatever the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "domain.hpp"
#include "functions.hpp"
#include "implementations.hpp"
#include "metrics.hpp"
#include "reference.hpp"
#include "stats.hpp"

namespace gelucheck {

inline constexpr uint64_t kChunkSize = 1 << 14;

struct SweepOptions {
  unsigned threads = 0;  // 0: one per core
  ReferenceMode reference_mode = ReferenceMode::tiered;
};

// Receives the records of one chunk of one implementation, in input order, one call at a time.
using RecordSink = std::function<void(size_t implementation_index, std::span<const PointRecord>)>;

// Statistics for each implementation, in the order given.
std::vector<ErrorStats> run_sweep(Function fn, const Domain& domain,
                                  std::span<const Implementation* const> implementations,
                                  const SweepOptions& options, const RecordSink& sink = {});

// The reference of every bit pattern of a 16-bit (or smaller) format, computed once per process
// and shared; nullptr for wider formats.
const RefValue* reference_table(Function fn, const Format& f, ReferenceMode mode,
                                unsigned threads);

// Runs body(i) for i in [0, n) on `threads` threads (0: one per core).
void parallel_for(uint64_t n, unsigned threads, const std::function<void(uint64_t)>& body);
unsigned resolve_threads(unsigned threads);

}  // namespace gelucheck
