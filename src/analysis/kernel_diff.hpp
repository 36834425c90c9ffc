// Two implementations of one function compared with each other, input by input: where their
// results differ bitwise, how far apart they are in values of the format, and at each such input
// which one is closer to the exact value. The question an engineer asks of a compiled or GPU
// kernel against the eager one ("where do they differ, by how much, and who is right?");
// `gelucheck diff` and the gate's max_differing limits read it.
//
// Definitions (sweep/metrics.hpp for the metrics used):
//  - differing: the result bits differ. NaN results are compared as the canonical NaN (the
//    engine canonicalizes them), so two NaNs never differ; +0 and -0 do.
//  - distance: |ord(a) - ord(b)| in values of the format (the integer ULP distance, +0 and -0
//    the same value) where both results are finite; a differing input where either is +-inf or
//    NaN is counted apart ("not both finite").
//  - closer: the result nearer the exact value r = f(x). Where both are finite and r is finite,
//    by |a - r| against |b - r|, decided exactly (the reference's grid decides unless r lies
//    within half a grid step of the midpoint of a and b; then the sign of r - (a + b)/2 from the
//    MPFR ladder, reference.hpp). "tie" when the distances are equal: +0 against -0, or r exactly
//    at the midpoint. Otherwise by outcome: the correct special value (NaN where r is NaN, the
//    infinity r rounds to) beats a wrong one, a finite result beats inf or NaN where r is finite,
//    and two wrong non-finite results tie.
// Statistics merge exactly (counts, and the K worst disagreements with input-order tie-breaks),
// so a diff is the same whatever the thread count.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"
#include "sweep/metrics.hpp"

namespace gelucheck {

enum class Closer : uint8_t { a, b, tie };

// One input where the two differ, with both results graded against the exact value.
struct DiffPoint {
  PointRecord a, b;  // the same x and reference; a.y and b.y differ
  int64_t x_ordinal = 0;
  bool both_finite = false;
  uint64_t distance = 0;  // when both_finite
  Closer closer = Closer::tie;
};

struct DiffStats {
  // Bin 0: distance 0 (+0 against -0); bin k = 1..33: distance in [2^(k-1), 2^k); the last: not
  // both finite.
  static constexpr int kBins = 35;
  uint64_t points = 0;
  uint64_t differing = 0;
  uint64_t a_closer = 0, b_closer = 0, ties = 0;
  std::array<uint64_t, kBins> histogram{};  // bin kBins - 1: not both finite
  uint64_t max_distance = 0;
  size_t capacity = 10;          // how many worst disagreements are kept
  std::vector<DiffPoint> worst;  // largest distance first (not both finite above all), ties
                                 // to the earlier input
  uint64_t not_both_finite() const { return histogram[kBins - 1]; }
  // Differing inputs where `a` is not strictly closer than `b` (b closer, or a tie).
  uint64_t differing_not_a_closer() const { return b_closer + ties; }
  void add(const DiffPoint& p);
  void merge(const DiffStats& o);
  static int bin_of(const DiffPoint& p);
  static std::pair<uint64_t, uint64_t> bin_range(int bin);  // [lo, hi] distances of a bin
};

// The differing point at input x with results ya != yb, graded against ref.
DiffPoint diff_point(Function fn, const Format& f, uint32_t x, uint32_t ya, uint32_t yb,
                     const RefValue& ref);

// Runs both implementations over the domain (one engine pass, shared reference).
DiffStats diff_implementations(Function fn, const Domain& domain, const Implementation& a,
                               const Implementation& b, const SweepOptions& options,
                               size_t worst = 10);

const char* closer_name(Closer c);  // "a", "b", "tie"

}  // namespace gelucheck
