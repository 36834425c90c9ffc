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
//  4. r is known on a grid of ulp(r) * 2^-g, g = ulp_resolution_bits(format) = 10
//     (reference.hpp), so ulp errors are exact to within 2^-(g+1) = 2^-11 ULP (4.9e-4 ULP), and
//     so are their means and RMS. Every output (Markdown, CSV, JSON) prints only the digits that
//     bound leaves certain (render/text.hpp): glibc tanhf's worst fp32 error, 2.18855... ULP,
//     is 2.1884765625 on the grid and prints as 2.19. "Correctly rounded" and "faithful" are
//     decided exactly, from bits.
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
// Distance in representable values (integer ULP distance). With c the correctly rounded r:
//
//     distance = |ord(y) - ord(c)|,   bits of error = log2(1 + distance)
//
// where ord numbers the format's finite values consecutively in increasing order with +0 and -0
// the same number (so a faithful result is at distance 0 or 1, and the distance from c to the
// largest finite value is the count of values between them). It is the count Highway's and
// SLEEF's testers and many framework tests report, and Herbie's bits of error. Its rules are
// remark 5's: defined only when y and c are both finite (a non-finite y, or r rounding to
// +-inf as in remark 6, is counted with the non-finite outcomes instead); a zero of the wrong
// sign is at distance 0 (it is counted in zero_sign); unlike the ULP error it is exact, from
// bits, with no grid.
//
// Subnormal modes (SubnormalMode), declared by an implementation or chosen for grading
// (--subnormals): how a kernel that runs with flush-to-zero is graded fairly. The reference
// stays exact; the mode only widens what counts as the right result:
// 10. DAZ (denormals are zero): a subnormal input is read as the zero of its sign. At a nonzero
//     subnormal x whose result is not the correctly rounded f(x), the result is graded against
//     f(+-0), the value of the input the kernel saw (kernels the program runs are handed the
//     flushed input; captured outputs already are what their kernel computed).
// 11. FTZ (flush to zero): a result whose exact value is nonzero and below 2^emin in magnitude
//     may be returned as the zero of its sign (whether the hardware detects tininess before or
//     after rounding). Such a result is counted as correctly rounded and faithful, left out of
//     the ULP and distance statistics (Outcome::flushed) and counted in `flushed`; a zero of the
//     other sign is graded as in IEEE mode.
// 12. A point graded through 10 or 11 is counted in `flushed` ("flushed": inputs read as zero or
//     results returned as zero where that changed the grade).
//
// assert_close. torch.testing.assert_close(actual, expected) passes an element when
//
//     actual == expected, or |actual - expected| is finite and <= atol + |rtol * expected|
//
// evaluated in double (torch/testing/_comparison.py: _promote_for_comparison promotes both to
// float64; the formula is torch.isclose's, aten/src/ATen/native/TensorCompare.cpp, "Note
// [closeness]"). Defaults per dtype, _DTYPE_PRECISIONS in _comparison.py: float32 rtol 1.3e-6,
// atol 1e-5; float16 rtol 1e-3, atol 1e-5; bfloat16 rtol 1.6e-2, atol 1e-5; other dtypes 0 and
// 0 (exact equality). Here actual = y and expected = c, the correctly rounded r: assert_close
// requires both tensors to have the same dtype (check_dtype=True), so the best expected tensor
// a test can hold is c, and the verdict is decided exactly, with no grid. NaN where r is NaN
// passes (equal_nan=True: the default, False, would fail every NaN input whatever the kernel
// does); +-inf passes only where c is that infinity.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fp/format.hpp"
#include "reference/reference.hpp"

namespace gelucheck {

enum class Outcome : uint8_t {
  finite,      // y and r both finite: ulp_error is defined
  special,     // r is +-inf or NaN (special input) and y is the same: no error
  nonfinite,   // y is +-inf where r is finite, or r is +-inf and y is not that infinity
  nan,         // y is NaN where r is not, or r is NaN and y is not
  convention,  // r overflows and y is +-max: the saturating convention's result (remark 7)
  flushed,     // FTZ (remark 11): y is the zero of r's sign in place of a subnormal result
};

// Remarks 10-12. Names as --subnormals spells them: "ieee", "ftz", "daz", "ftz+daz".
enum class SubnormalMode : uint8_t { ieee, ftz, daz, ftz_daz };
constexpr bool flushes_results(SubnormalMode m) {
  return m == SubnormalMode::ftz || m == SubnormalMode::ftz_daz;
}
constexpr bool flushes_inputs(SubnormalMode m) {
  return m == SubnormalMode::daz || m == SubnormalMode::ftz_daz;
}
std::string_view subnormal_mode_name(SubnormalMode m);
bool parse_subnormal_mode(std::string_view name, SubnormalMode& out);

// assert_close's tolerances (see above).
struct Tolerance {
  double rtol = 0, atol = 0;
  bool operator==(const Tolerance&) const = default;
};
// PyTorch's defaults for the dtype of format f (0 and 0 for a format PyTorch has none for).
Tolerance torch_default_tolerance(const Format& f);

// How points are graded: the subnormal mode, assert_close's tolerances (PyTorch's defaults for
// the format unless given), and, for DAZ, the reference at +0 and -0 (grading_for fills it).
struct Grading {
  SubnormalMode subnormals = SubnormalMode::ieee;
  std::optional<Tolerance> tolerance;
  RefValue at_zero[2];  // f(+0), f(-0) (f(+0) twice without -0): a flushed input's reference
  Tolerance tolerance_for(const Format& f) const {
    return tolerance ? *tolerance : torch_default_tolerance(f);
  }
};
Grading grading_for(Function fn, const Format& f, SubnormalMode mode = SubnormalMode::ieee,
                    std::optional<Tolerance> tolerance = std::nullopt,
                    ReferenceMode reference_mode = ReferenceMode::tiered);

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
  uint64_t distance = 0;           // |ord(y) - ord(c)|; 0 unless outcome == finite
  bool flushed = false;            // graded through remark 10 or 11 (`ref` is f(+-0) for 10)
  bool assert_close = false;       // passes assert_close against c
  double tolerance_ratio = 0;      // |y - c| / (atol + |rtol c|) in double; 0 when y == c
};

// Remark 10: the zero that a subnormal input of format `in` and of the given sign is read as
// (+0 in a format without -0, FNUZ, whose pattern of -0 is its NaN).
inline uint32_t zero_read_for(const Format& in, bool negative) {
  return negative && in.has_negative_zero() ? in.sign_mask() : 0;
}
// Remark 10's reading of an input x of format `in`: a nonzero subnormal as zero_read_for its
// sign, any other x as itself.
inline uint32_t input_read_as_zero(const Format& in, uint32_t x) {
  if ((x & in.exponent_mask()) != 0 || is_zero(in, x) || is_nan(in, x)) return x;
  return zero_read_for(in, is_negative(in, x));
}
// Whether grading g reads input x as zero (remark 10), where y is not c: compare() then grades
// against g.at_zero[x negative].
inline bool reads_input_as_zero(const Format& f, uint32_t x, const Grading& g) {
  return flushes_inputs(g.subnormals) && input_read_as_zero(f.in(), x) != x;
}

// The point of input x with result y, graded against ref = f(x) (and, for DAZ, g.at_zero).
PointRecord compare(const Format& f, uint32_t x, uint32_t y, const RefValue& ref,
                    const Grading& g = {});

// ord of a finite value (distance above): consecutive integers, +0 and -0 both 0.
inline int64_t value_ordinal(const Format& f, uint32_t bits) {
  const int64_t magnitude = bits & ~f.sign_mask();
  return (bits & f.sign_mask()) ? -magnitude : magnitude;
}
// Bits of error of a distance, log2(1 + distance).
inline double bits_of_error(uint64_t distance) { return std::log2(1.0 + double(distance)); }

// Whether y passes assert_close against c (both bits of f) with tolerance t, and the ratio of
// |y - c| to the allowed error (0 when y == c, inf when nothing is allowed).
inline bool assert_close_passes(const Format& f, uint32_t y, uint32_t c, const Tolerance& t,
                                double* ratio = nullptr) {
  // torch.isclose in float64 (above): equal, or a finite difference within the allowed
  // error. Both values are exact doubles; the three operations round as PyTorch's do.
  const double a = to_double(f, y), e = to_double(f, c);
  if (a == e) {
    if (ratio) *ratio = 0;
    return true;
  }
  const double actual = std::fabs(a - e);
  const double allowed = t.atol + std::fabs(t.rtol * e);
  if (ratio)
    *ratio = std::isfinite(actual) ? (allowed > 0 ? actual / allowed : INFINITY) : INFINITY;
  return std::isfinite(actual) && actual <= allowed;
}

// Whether y (value yv) is faithful to r, from its distance to c (value cv) and r's side of c:
// y is c, or c's neighbour on r's side (the other zero is not a neighbour: +-0 share one value
// ordinal).
inline bool faithful_at(uint64_t distance, double yv, double cv, int side) {
  return distance == 0 || (distance == 1 && side != 0 && (yv > cv) == (side > 0));
}

// compare()'s outcome alone, for callers that need only it and the ULP error (ulp_error below).
inline Outcome outcome_of(const Format& f, uint32_t y, const RefValue& ref) {
  const double yv = to_double(f, y);
  const double cr = to_double(f, ref.correctly_rounded);
  const bool r_nan = std::isnan(ref.exact);
  const bool r_inf = std::isinf(ref.exact) || std::isinf(cr);  // remark 6: overflow is +-inf
  // Remark 7: +-max of r's sign where r overflows to inf or NaN.
  // (An infinite r in a format with NaN but no infinity, E4M3 and FNUZ, is written as that NaN
  // or, saturating, as +-max: OFP8 r1.0 Table 3.)
  const bool beyond = ref.overflow || (std::isinf(ref.exact) && !f.has_infinity());
  const bool saturated = beyond && f.has_nan() &&
                         y == ((std::signbit(ref.exact) ? f.sign_mask() : 0) | f.max_finite_bits());
  if (r_nan && !f.has_nan()) return Outcome::special;  // remark 9
  if (saturated) return Outcome::convention;
  if (beyond && std::isnan(cr))  // remark 6: r overflows to NaN
    return std::isnan(yv) ? Outcome::special : Outcome::nonfinite;
  if (ref.overflow && !f.has_nan())  // MX: +-max is correct; another y has its error
    return y == ref.correctly_rounded ? Outcome::special : Outcome::finite;
  if (r_nan || std::isnan(yv)) return (r_nan && std::isnan(yv)) ? Outcome::special : Outcome::nan;
  if (r_inf || std::isinf(yv)) return (r_inf && yv == cr) ? Outcome::special : Outcome::nonfinite;
  return Outcome::finite;
}

// y is the correctly rounded value and that value is finite (remarks 5 and 6): the case the
// statistics count without compare().
[[gnu::always_inline]] inline bool finite_and_correctly_rounded(const Format& f, uint32_t y,
                                                                const RefValue& ref) {
  return y == ref.correctly_rounded && std::isfinite(ref.exact) && !ref.overflow &&
         std::isfinite(to_double(f, ref.correctly_rounded));
}

// y - r in units of ulp(r): the ULP error of remark 1 (2^-ulp_log2 built from its bits; ulp_log2
// is within a double's normal exponents).
inline double in_ulps(double y_minus_r, const RefValue& ref) {
  return y_minus_r * std::bit_cast<double>(uint64_t(1023 - ref.ulp_log2) << 52);
}
// ulp_error alone, for callers that have y and the reference as numbers.
inline double ulp_error(double y, const RefValue& ref) { return in_ulps(y - ref.exact, ref); }

}  // namespace gelucheck
