// The evaluation engine: input domain -> (implementation, reference) per point -> per-point
// record -> mergeable statistics, spread over threads. Every analysis evaluates through it
// (evaluate() below): sweeps and tables (sweep_chunks), gradients, gradient checks, saturation.
//
// The domain is cut into fixed chunks of kChunkSize inputs, independent of the thread count, and
// each chunk into slices of kSliceSize that stay in the core's cache while the reference, every
// kernel and the caller's per-point work run over them. Callers accumulate per chunk and merge
// exactly (stats.hpp); per-point records reach a sink in input order. So the output is identical
// whatever the thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "reference/reference.hpp"
#include "sweep/domain.hpp"
#include "sweep/metrics.hpp"
#include "sweep/stats.hpp"

namespace gelucheck {

inline constexpr uint64_t kChunkSize = 1 << 14;
inline constexpr size_t kSliceSize = 2048;  // a multiple of ErrorStats::add_batch's block

// A set of chunk indices as sorted, disjoint, non-adjacent intervals [begin, end).
class ChunkSet {
 public:
  using Interval = std::pair<uint64_t, uint64_t>;
  void add(uint64_t begin, uint64_t end);
  void add(const ChunkSet& other);
  bool contains(uint64_t chunk) const;
  bool overlaps(const ChunkSet& other) const;
  uint64_t count() const;
  const std::vector<Interval>& intervals() const { return intervals_; }

 private:
  std::vector<Interval> intervals_;
};

struct SweepOptions {
  unsigned threads = 0;  // 0: default_thread_count() (sweep/threads.hpp)
  ReferenceMode reference_mode = ReferenceMode::tiered;
  // Only chunks in [first_chunk, end_chunk) (a shard), and not in `done` (a resumed run).
  uint64_t first_chunk = 0, end_chunk = UINT64_MAX;
  const ChunkSet* done = nullptr;
  // Checked before each chunk: once set, no new chunk starts (Ctrl-C); finished ones count.
  const std::atomic<bool>* stop = nullptr;
  // Called after each finished chunk with the number of inputs it held (serialized).
  std::function<void(uint64_t inputs)> on_chunk;
  // Grading (sweep/metrics.hpp): the subnormal mode of every implementation (default: each
  // one's declared mode) and assert_close's tolerance (default: PyTorch's for the format).
  std::optional<SubnormalMode> subnormals;
  std::optional<Tolerance> tolerance;
};

// The mode an implementation is graded in, and the tolerance, under `options`.
inline SubnormalMode subnormals_of(const Implementation& impl, const SweepOptions& options) {
  return options.subnormals.value_or(impl.subnormals);
}
inline Tolerance tolerance_of(const Format& f, const SweepOptions& options) {
  return options.tolerance.value_or(torch_default_tolerance(f));
}

struct SweepResult {
  std::vector<ErrorStats> stats;  // one per implementation
  ChunkSet completed;             // the chunks whose inputs are in stats
};

// What to evaluate: a function over a domain, for some implementations, with or without the
// reference values.
struct Evaluation {
  Function function;
  const Domain* domain = nullptr;
  std::span<const Implementation* const> implementations;
  bool reference = true;
  // Whether the domain is the user's sweep, which the kernels are made for
  // (Implementation::kernel_for); false when the inputs are an analysis's own choice.
  bool kernels_see_domain = true;
  // Per implementation (empty: IEEE for all): kernels in a DAZ mode are handed their subnormal
  // inputs as zeros of the same sign (metrics.hpp, remark 10), except captured outputs.
  std::span<const SubnormalMode> subnormals;
};

// One slice of a chunk: its inputs, their reference values (empty unless asked for) and each
// implementation's outputs, in input order.
struct Slice {
  uint64_t chunk = 0;
  size_t offset = 0;  // of x[0] within the chunk
  std::span<const uint32_t> x;
  std::span<const RefValue> ref;
  std::span<const std::span<const uint32_t>> y;  // one per implementation
  const ReferenceBlocks* blocks = nullptr;       // of x and ref (stats.hpp), when ref is given
};

// What a caller does with one chunk: `slice` runs on the worker thread for each slice in order;
// `done`, when the chunk is complete, runs under the engine's lock (one at a time).
struct ChunkTask {
  std::function<void(const Slice&)> slice;
  std::function<void()> done;
};

// Evaluates the chunks in [options.first_chunk, options.end_chunk) that are not in
// options.done, stopping early when options.stop is set; start(chunk) makes the task of each
// chunk on the worker that takes it. Calls options.on_chunk after each `done`. Returns the
// chunks completed. Throws UsageError when an implementation does not provide the function in
// the domain's format.
ChunkSet evaluate(const Evaluation& evaluation, const SweepOptions& options,
                  const std::function<ChunkTask(uint64_t chunk)>& start);

uint64_t chunk_count(const Domain& domain);
// Chunks [begin, end) of shard k of n (0 <= k < n): contiguous, balanced, covering everything.
ChunkSet::Interval shard_chunks(uint64_t chunks, uint64_t k, uint64_t n);
// Positions [first, end) in the domain's order of the inputs of shard k of n: what
// `inputs --shard K/N` writes and `table --shard K/N` sweeps.
ChunkSet::Interval shard_positions(const Domain& domain, uint64_t k, uint64_t n);

// Receives the records of one chunk of one implementation, in input order, one call at a time.
using RecordSink = std::function<void(size_t implementation_index, std::span<const PointRecord>)>;

// Statistics for each implementation, in the order given, and which chunks were swept.
SweepResult sweep_chunks(Function fn, const Domain& domain,
                         std::span<const Implementation* const> implementations,
                         const SweepOptions& options, const RecordSink& sink = {});

// Statistics for each implementation over the whole domain (sweep_chunks without slicing).
std::vector<ErrorStats> run_sweep(Function fn, const Domain& domain,
                                  std::span<const Implementation* const> implementations,
                                  const SweepOptions& options, const RecordSink& sink = {});

// The reference of every bit pattern of a 16-bit (or smaller) input format (f.in()), computed
// once per process and shared; nullptr for wider inputs.
const RefValue* reference_table(Function fn, const Format& f, ReferenceMode mode, unsigned threads);

// Runs body(i) for i in [0, n) on `threads` threads (0: one per core).
void parallel_for(uint64_t n, unsigned threads, const std::function<void(uint64_t)>& body);
unsigned resolve_threads(unsigned threads);

}  // namespace gelucheck
