// The per-point comparison of an implementation's value with the reference: the one definition
// of every error metric this tool reports.
//
// ULP error. For an implementation's value y and the exact value r = f(x):
//
//     ulp_error = (y - r) / ulp(r),   ulp(r) = 2^(max(e, emin) - p + 1),   e = floor(log2 |r|)
//
// with p the format's precision and 2^emin its smallest normal number.
//  1. ulp is taken at r, the exact value, not at y: for r just below a power of two the ulp is
//     that of the binade below, so the predecessor of 2^k counts as -1 ULP, not -0.5.
//  2. Below 2^emin the spacing is constant: ulp(r) is the smallest subnormal, also for r = 0.
//  3. y correctly rounded implies |ulp_error| <= 0.5; faithful (either neighbour of r) implies
//     |ulp_error| < 1.
//  4. r is known on a grid of ulp(r) * 2^-10 (reference.hpp), so ulp errors are exact to within
//     2^-11 ULP; "correctly rounded" and "faithful" are decided exactly, from bits.
//  5. The ULP error is defined only when y and r are both finite. Infinite or NaN results, and
//     zeros of the wrong sign, are counted in categories of their own (Outcome, zero_sign), never
//     folded into means as huge numbers. A wrong-signed zero still has its (tiny) ULP error.
//  6. An r beyond the format's range (relu2 at x >= 256 in fp16: 65536 > 65504 + 16) rounds to
//     +-inf, and is treated as that infinity: y equal to it is the correct result (no error),
//     any other y is counted with the non-finite outcomes, as y = inf is where r is in range.
//     The reference states this convention, the non-saturating one (OFP8 r1.0 5.2.1): r rounds
//     to +-inf, or to NaN in a format without infinity (E4M3's S.1111.111, FNUZ's 0x80), and y
//     equal to that is correct. A format with neither (MX FP6, FP4) saturates: r rounds to +-max,
//     and y = +-max is correct there.
//  7. Overflow conventions. Where r overflows, y = +-max of r's sign is what the saturating
//     convention gives (__NV_SATFINITE, Transformer Engine's casts): it differs from the
//     reference by convention only, and is counted as Outcome::convention, in its own column,
//     neither correct nor an error (not a huge ULP error). Implementations declare the convention
//     they follow (Implementation::overflow).
//  8. Graded pairs (`-t bf16:e4m3`, `--scale S`; format.hpp): r is scale * f(x), computed exactly,
//     and everything above is in the units of the output format, whose layout f is.
//  9. A NaN r in a format without NaN (MX) is implementation-defined (MX v1.0): every y is
//     accepted (Outcome::special).
//
// Absolute error y - r and relative error (y - r)/|r| use the same r.
#pragma once

#include <cmath>
#include <cstdint>

#include "fp/format.hpp"
#include "reference/reference.hpp"

namespace gelucheck {

enum class Outcome : uint8_t {
  finite,      // y and r both finite: ulp_error is defined
  special,     // r is +-inf or NaN (special input) and y is the same: no error
  nonfinite,   // y is +-inf where r is finite, or r is +-inf and y is not that infinity
  nan,         // y is NaN where r is not, or r is NaN and y is not
  convention,  // r overflows and y is +-max: the saturating convention's result (remark 7)
};

struct PointRecord {
  uint32_t x = 0;
  uint32_t y = 0;
  RefValue ref;
  Outcome outcome = Outcome::finite;
  bool correctly_rounded = false;  // y has the bits of the correctly rounded r
  bool faithful = false;           // y is one of the two format values bracketing r
  bool zero_sign = false;          // y and the correctly rounded r are zeros of opposite sign
  double ulp_error = 0;            // signed; 0 unless outcome == finite
  double abs_error = 0;            // y - r
  double rel_error = 0;            // (y - r)/|r|; +-inf when r == 0 != y
};

PointRecord compare(const Format& f, uint32_t x, uint32_t y, const RefValue& ref);

// compare()'s outcome alone, for callers that need only it and the ULP error (ulp_error below).
Outcome outcome_of(const Format& f, uint32_t y, const RefValue& ref);

// y (finite, as a number) is one of the two format values bracketing r: the correctly rounded
// value or its neighbour on r's side.
bool is_faithful(const Format& f, double yv, const RefValue& ref);

// compare()'s outcome is finite: y, r and the correctly rounded r are all finite and r is within
// range (remarks 5 to 7; an MX overflow can be finite too, compare() decides it).
[[gnu::always_inline]] inline bool finite_outcome(const Format& f, uint32_t y,
                                                  const RefValue& ref) {
  return std::isfinite(to_double(f, y)) && std::isfinite(ref.exact) && !ref.overflow &&
         std::isfinite(to_double(f, ref.correctly_rounded));
}

// y is the correctly rounded value and that value is finite (remarks 5 and 6): the case the
// statistics count without compare().
[[gnu::always_inline]] inline bool finite_and_correctly_rounded(const Format& f, uint32_t y,
                                                                const RefValue& ref) {
  return y == ref.correctly_rounded && std::isfinite(ref.exact) && !ref.overflow &&
         std::isfinite(to_double(f, ref.correctly_rounded));
}

// ulp_error alone, for callers that have y and the reference as numbers.
inline double ulp_error(double y, const RefValue& ref) {
  return std::ldexp(y - ref.exact, -ref.ulp_log2);
}

}  // namespace gelucheck
