// The exact reference: each function's true value at a format input, rounded once, correctly, to
// the format, together with what the ULP metric needs to know about the exact value.
//
// How a value is decided (reference.cpp has the derivations):
//  1. special inputs (NaN, +-inf, +-0) have exact or limiting values;
//  2. in the tails, where f is provably within a quarter of the finest grid below of its
//     asymptote (0, x or 1), and near zero, where it is that close to x/2, x, 1/2 or 1, the
//     value follows from an analytic bound;
//  3. otherwise an interval that provably holds f(x) is computed, first in double (a fast
//     formula with a stated error bound), then with MPFR at 68, 134, 267, ... 2128 bits, until
//     every fact below is the same at both ends of the interval. reference_batch evaluates the
//     fast formulas' SLEEF calls for the whole batch at once, with SLEEF's vector functions.
// A result is only ever read off an interval whose both ends agree, so the fast tier and pure
// MPFR (`ReferenceMode::mpfr`) give identical results by construction; tests check it.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "fp/format.hpp"
#include "functions/function.hpp"

namespace gelucheck {

// Exact values are kept on a grid of ulp(r) * 2^-kUlpResolutionBits: ULP errors are exact to
// within 2^-11 ULP (half the grid step).
inline constexpr int kUlpResolutionBits = 10;
constexpr int ulp_resolution_bits(const Format&) { return kUlpResolutionBits; }
// The bound on |ULP error as computed - exact ULP error|: half the grid step, 2^-(g+1) ULP.
inline double ulp_error_bound(const Format& f) {
  return std::ldexp(1.0, -ulp_resolution_bits(f) - 1);
}

struct RefValue {
  uint32_t correctly_rounded = 0;  // bits of r rounded to nearest-even in the format
  int8_t side = 0;                 // sign of (r - correctly_rounded value); 0 when r is exact
  // r is finite and rounds beyond the largest finite value: correctly_rounded is then the
  // non-saturating convention's value (inf, NaN in E4M3 and FNUZ, +-max in MX; format.hpp).
  bool overflow = false;
  int16_t ulp_log2 = 0;  // log2 ulp(r), ulp as metrics.hpp defines it
  double exact = 0;      // r rounded to the grid ulp(r) * 2^-10; signed zero kept
};

enum class ReferenceMode {
  tiered,  // fast double interval first, MPFR only where it cannot decide (the default)
  mpfr,    // skip the fast tier: MPFR for every input outside the analytic tails
};

RefValue reference(Function fn, const Format& f, uint32_t x_bits,
                   ReferenceMode mode = ReferenceMode::tiered);
void reference_batch(Function fn, const Format& f, std::span<const uint32_t> x_bits,
                     std::span<RefValue> out, ReferenceMode mode = ReferenceMode::tiered);

// The sign of f(x) - t, t = t_hi + t_lo a double-double: exact, from the special values, the
// tail rules and the MPFR ladder; 0 when f(x) == t (exact values, relu2's ties) or when not
// even 2128 bits separate them. For questions the grid cannot answer, such as which of two
// results is nearer f(x) when f(x) is within half a grid step of their midpoint.
int sign_of_difference(Function fn, const Format& f, uint32_t x_bits, double t_hi, double t_lo = 0);

// How each value was decided, counted per thread since the last reset (for benchmarks).
struct ReferenceCounters {
  uint64_t special = 0, tail = 0, head = 0, fast = 0, mpfr = 0, mpfr_max_bits = 0;
  void add_to(ReferenceCounters& total) const {
    total.special += special;
    total.tail += tail;
    total.head += head;
    total.fast += fast;
    total.mpfr += mpfr;
    total.mpfr_max_bits += mpfr_max_bits;
  }
};
ReferenceCounters& reference_counters();

namespace detail {
// For tests of the fast tier's stated bound: an upper bound on |r - (a + d)| / b, with r from
// MPFR at 134 or 533 bits and MPFR's error bound included, for an input outside the special values
// and tails (nullopt there, or if the fast tier gives no finite value). A result <= 1 means the
// bound holds.
std::optional<double> fast_bound_ratio(Function fn, const Format& f, double x);
}  // namespace detail

// f(x) to `digits` significant decimal digits, from MPFR at 2128 bits (for `gelucheck eval`).
// In the analytic tails, where the value may be beyond MPFR's range, it says so.
std::string exact_decimal(Function fn, double x, int digits);

}  // namespace gelucheck
