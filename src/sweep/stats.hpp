// Mergeable statistics of per-point records.
//
// Merging is exact and order-free: counts are integers, sums are kept exactly (ExactSum), and
// extremes break ties by the input's order. So a result does not depend on the number of
// threads, on how a sweep was sharded, or on the order partial results are merged in.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "fp/format.hpp"
#include "sweep/metrics.hpp"

namespace gelucheck {

// The exact sum of doubles, as a non-overlapping expansion (Shewchuk, "Adaptive Precision
// Floating-Point Arithmetic", 1997: GROW-EXPANSION). value() rounds the exact sum once.
class ExactSum {
 public:
  void add(double x);
  void add(const ExactSum& other);
  double value() const;
  const std::vector<double>& parts() const { return parts_; }
  static ExactSum from_parts(std::vector<double> parts);

 private:
  std::vector<double> parts_;
};

// The largest value seen and the input where it occurs; ties go to the smaller input ordinal.
struct Extreme {
  double value = -INFINITY;
  uint32_t x = 0;
  int64_t x_ordinal = INT64_MAX;
  bool seen() const { return x_ordinal != INT64_MAX; }
  void offer(double v, uint32_t bits, int64_t ord) {
    if (v > value || (v == value && ord < x_ordinal)) {
      value = v;
      x = bits;
      x_ordinal = ord;
    }
  }
  void merge(const Extreme& o) {
    if (o.seen()) offer(o.value, o.x, o.x_ordinal);
  }
};

// The points of a sweep with the largest values of a key (K of them), with what a reader needs
// to see each: input, result, correctly rounded and exact values, ULP error, assert_close's
// tolerance ratio. Ties go to the smaller input ordinal, so merging is exact and order-free.
struct PointExample {
  double key = 0;
  uint32_t x = 0, y = 0, correctly_rounded = 0;
  int64_t x_ordinal = 0;
  double exact = 0;  // r on the grid (reference.hpp)
  int16_t ulp_log2 = 0;
  double ulp_error = 0, tolerance_ratio = 0;
  bool operator==(const PointExample&) const = default;
};
struct TopPoints {
  static constexpr size_t kCapacity = 5;
  std::vector<PointExample> items;  // key descending, then input ordinal ascending
  static bool before(const PointExample& a, const PointExample& b) {
    return a.key > b.key || (a.key == b.key && a.x_ordinal < b.x_ordinal);
  }
  void offer(const PointExample& e);
  void offer(const Format& f, const PointRecord& p, double key);
  void offer(const Format& f, uint32_t x, uint32_t y, const RefValue& ref, double ulp_error,
             double tolerance_ratio, double key);
  void merge(const TopPoints& o) {
    for (const PointExample& e : o.items) offer(e);
  }
};

// Histogram of |ULP error| over finite points: bin 0 holds exact zeros; bin k >= 1 holds
// [2^(k - 12), 2^(k - 11)), so bin 1 starts at 2^-11 (below the resolution, 2^-10) and the last
// bin is open above. 2^-11 * 2^(kBins - 2) covers every error of a 32-bit format.
struct UlpHistogram {
  static constexpr int kBins = 300;
  std::array<uint64_t, kBins> counts{};
  static int bin_of(double abs_ulp) {
    if (abs_ulp == 0) return 0;
    if (!(abs_ulp < INFINITY)) return kBins - 1;
    const int e = int((std::bit_cast<uint64_t>(abs_ulp) >> 52) & 0x7ff) - 1023;  // floor(log2)
    return e + 12 < 1 ? 1 : e + 12 > kBins - 1 ? kBins - 1 : e + 12;
  }
  // Bin b >= 1 holds |error| in [lower_edge(b), upper_edge(b)): one binade, the last one open
  // (upper edge inf). Bin 0 holds the errors recorded as 0, i.e. below the 2^-11 ULP resolution
  // of the reference (metrics.hpp): [0, 2^-11).
  static double lower_edge(int bin);
  static double upper_edge(int bin);
  void add(double abs_ulp) { ++counts[size_t(bin_of(abs_ulp))]; }
  void merge(const UlpHistogram& o) {
    for (int i = 0; i < kBins; ++i) counts[size_t(i)] += o.counts[size_t(i)];
  }
};

// Statistics of the inputs of one binade: inputs x with the same sign and exponent field
// (key = +-(exponent field + 1); the subnormals and zeros of each sign share key +-1).
struct BinadeStats {
  uint64_t points = 0;
  uint64_t correctly_rounded = 0;
  uint64_t finite = 0;
  Extreme max_abs_ulp;
  ExactSum sum_abs_ulp;
  double pending_abs = 0;                     // plain sum since the last flush
  void count_correctly_rounded(uint64_t n) {  // n more, finite, with their errors added apart
    points += n;
    correctly_rounded += n;
    finite += n;
  }
  void merge(const BinadeStats& o);
};
// (x is an input: of f.in() in a graded pair.)
inline int binade_key(const Format& f, uint32_t x) {
  const Format& g = f.in();
  const int field = int((x & g.exponent_mask()) >> g.fraction_bits);
  const int key = field == 0 ? 1 : field + 1;
  return is_negative(g, x) ? -key : key;
}
// The inputs' range of a binade key, e.g. "[1, 2)" or "(-2^-126, -0]" (of f.in()).
std::string binade_range(const Format& f, int key);

// What add_batch can decide from a slice's reference alone, decided once and shared by every
// implementation's add_batch over that slice: the correctly rounded bits, contiguous, and for
// each block of kBlock inputs what the block adds to the statistics at its points where a result
// is correctly rounded (CorrectlyRoundedBlock). An implementation whose results in a block are
// mostly those bits then costs a comparison per point, and the full count only where it differs.
// The summaries are computed when an implementation first needs one (add_batch, by the thread
// that owns the slice: the object is not shared between threads), since an exhaustive sweep's
// tails need none.
struct ReferenceBlocks {
  static constexpr size_t kBlock = 256;  // add_batch's block
  // The statistics of a block's points with y = c. `usable`: every input of the block has one
  // binade and every r there is finite and in range (finite_and_correctly_rounded at y = c); the
  // rest only then. Their ULP errors are multiples of 2^-10 (metrics.hpp, remark 4) of magnitude
  // <= 1/2 (remark 3), so the sums below, and any difference of them with a subset's sum, are
  // exact; and they fall in the histogram's first kBins bins.
  struct CorrectlyRoundedBlock {
    static constexpr int kBins = 12;  // UlpHistogram::bin_of(0.5) + 1
    bool usable = false;
    bool exact = false;       // usable, and every r is exactly c: every error is 0
    bool summarised = false;  // the members below are filled
    double sum_abs = 0, sum_sq = 0;
    std::array<uint16_t, kBins> histogram{};
    // Each extreme of the block: |ULP error|, ULP error > 0, -(ULP error < 0), |y - r|,
    // |y - r|/|r| (-inf when none), and the distance, 0 at every point; with the offset in the
    // block of the smallest input ordinal attaining it (-1 until it is needed).
    struct Best {
      double value = -INFINITY;
      int32_t at = -1;
    };
    Best abs_ulp, ulp, neg_ulp, abs_error, rel_error, distance;
  };
  size_t sharers = 2;  // how many implementations will read the slice: a summary pays from 2
  std::vector<uint32_t> correctly_rounded;
  mutable std::vector<double> abs_ulp;  // per input: |ULP error| of c, once its block is summarised
  mutable std::vector<CorrectlyRoundedBlock> blocks;
  void assign(const Format& f, std::span<const uint32_t> x, std::span<const RefValue> ref);
};

struct ErrorStats {
  uint64_t points = 0;
  uint64_t finite = 0;             // outcome finite: in the ULP statistics
  uint64_t correctly_rounded = 0;  // bit-exact with the correctly rounded reference
  uint64_t faithful = 0;
  uint64_t nonfinite = 0;
  uint64_t nan = 0;
  uint64_t zero_sign = 0;
  uint64_t convention = 0;  // +-max where r overflows: the saturating convention (metrics.hpp)
  uint64_t flushed = 0;     // graded through a subnormal mode's allowance (metrics.hpp, 10-12)
  // assert_close (metrics.hpp): inputs passing it; passing while not faithful (more than 1 ULP
  // off); failing while faithful. The two disagreements' worst inputs: by |ULP error|, and by
  // |y - c| / (atol + |rtol c|).
  uint64_t assert_close = 0, assert_close_unfaithful = 0, assert_close_faithful_fail = 0;
  TopPoints passes_unfaithful, fails_faithful;
  // Distance in representable values over finite results, and its bits of error.
  Extreme max_distance;
  ExactSum sum_distance, sum_bits;
  ExactSum sum_abs_ulp, sum_sq_ulp;
  Extreme max_abs_ulp;           // largest |ULP error|
  Extreme max_ulp, max_neg_ulp;  // largest positive error, and largest negative (as -value)
  Extreme max_abs_error, max_rel_error;
  UlpHistogram histogram;
  std::map<int, BinadeStats> binades;

  void add(const Format& f, const PointRecord& p);
  // add() without the extremes and the histogram, which add_batch takes per block: true when the
  // point is finite and they are still to be taken.
  bool count(const Format& f, const PointRecord& p);
  // The same as add(f, compare(f, x, y, ref, g)), faster when y is the correctly rounded value.
  void add(const Format& f, uint32_t x, uint32_t y, const RefValue& ref, const Grading& g = {});
  // The same for a batch, in passes over blocks that the compiler can vectorize. `blocks`, when
  // given, is ReferenceBlocks::assign(f, x, ref): the same numbers, sooner.
  void add_batch(const Format& f, std::span<const uint32_t> x, std::span<const uint32_t> y,
                 std::span<const RefValue> ref, const Grading& g = {},
                 const ReferenceBlocks* blocks = nullptr);
  void flush();  // moves pending plain-double sums into the exact sums
  void merge(const ErrorStats& other);

  double mean_abs_ulp() const;
  double rms_ulp() const;
  double mean_distance() const;
  double mean_bits() const;
  double max_bits() const;  // log2(1 + max distance)
  double share(uint64_t count) const { return points ? double(count) / double(points) : 0.0; }

 private:
  double pending_abs_ = 0, pending_sq_ = 0, pending_distance_ = 0;
  // Points at each small distance since the last flush: their bits of error join sum_bits as
  // one exact product per distance (flush()).
  static constexpr uint64_t kSmallDistances = 1024;
  std::array<uint64_t, kSmallDistances> pending_small_distances_{};
  // The bits of error of the larger distances since the last flush, in units of 2^-49: each is
  // a double log2(1 + d) >= 10, a multiple of 2^-49 (the spacing of doubles in [8, 16)), below
  // 2^6 (d < 2^64), so the integer sum, as a 128-bit number (high, low), is exact for any
  // number of points a sweep can have.
  uint64_t pending_large_bits_high_ = 0, pending_large_bits_low_ = 0;
  uint32_t pending_count_ = 0;
  // n more points correctly rounded and finite (faithful, passing assert_close), whose errors
  // are added apart.
  void count_correctly_rounded(size_t n) {
    points += n;
    correctly_rounded += n;
    faithful += n;
    finite += n;
    assert_close += n;
    pending_count_ += uint32_t(n);
  }
  BinadeStats& binade(const Format& f, uint32_t x) {
    const int key = binade_key(f, x);
    return binade_cache_.entry && key == binade_cache_.key ? *binade_cache_.entry : binade_at(key);
  }
  BinadeStats& binade_at(int key);  // binade(), past the cache
  // count()'s part for a finite point: its |ULP error|, distance and zero-sign mismatch.
  void count_finite(double abs_ulp_error, uint64_t distance, bool is_zero_sign);
  void add_batch_in(const Format& f, std::span<const uint32_t> x, std::span<const uint32_t> y,
                    std::span<const RefValue> ref, const Grading& g, const ReferenceBlocks* blocks);
  // count(f, compare(f, x, y, ref, g)) for a point whose outcome is finite, graded in a mode
  // that does not touch it; false (nothing counted) for any other point. The ULP error, y - r
  // and the distance in the out-parameters.
  bool count_plain_finite(const Format& f, uint32_t x, uint32_t y, const RefValue& ref,
                          const Grading& g, const Tolerance& t, double& ulp_error,
                          double& abs_error, uint64_t& distance);
  // count(f, compare(f, x, y, ref, g)) for a point whose outcome is not finite, graded in a mode
  // that reads no input as zero; false (nothing counted) for any other point.
  bool count_not_finite(const Format& f, uint32_t x, uint32_t y, const RefValue& ref,
                        const Grading& g);
  // add_batch's block [start, end) of x from its summary (ReferenceBlocks); the points where y
  // differs from c, differs[], taken by take_point unless only the sign of a zero differs.
  template <class TakePoint>
  void add_summarised_block(const Format& f, std::span<const uint32_t> x,
                            std::span<const uint32_t> y, std::span<const RefValue> ref,
                            const ReferenceBlocks& blocks,
                            ReferenceBlocks::CorrectlyRoundedBlock& summary, size_t start,
                            size_t end, std::span<const uint32_t> differs, const Grading& g,
                            TakePoint take_point);
  template <class BitsOf>
  void add_zero_run(const Format& f, int key, size_t n, BitsOf bits_of);
  // add_batch's points with error exactly 0: x[at[j]], of binade key[j].
  void add_zero_errors(const Format& f, std::span<const uint32_t> x, std::span<const uint32_t> at,
                       std::span<const int> key);
  // The last binade used (inputs come in runs of one binade); never copied with the object.
  struct BinadeCache {
    int key = 0;
    BinadeStats* entry = nullptr;
    BinadeCache() = default;
    BinadeCache(const BinadeCache&) {}
    BinadeCache& operator=(const BinadeCache&) {
      entry = nullptr;
      return *this;
    }
  } binade_cache_;
  friend struct StatsCodec;
};

}  // namespace gelucheck
