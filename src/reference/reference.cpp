#include "reference/reference.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>                        // fmt::format
#include <boost/math/constants/constants.hpp>  // pi
#include <boost/multiprecision/mpfr.hpp>       // mpfr_float_backend, number

#include "reference/sleef_batch.hpp"

namespace gelucheck {
namespace {

// ---------------------------------------------------------------------------------------------
// Constants. Each is the double nearest the real number named (checked against mpmath in
// tests/test_reference.cpp); its rounding error, at most u = 2^-53 relative, is in the bounds.
constexpr double kInvSqrt2 = 0x1.6a09e667f3bcdp-1;     // 1/sqrt(2)
constexpr double kSqrt2OverPi = 0x1.9884533d43651p-1;  // sqrt(2/pi)
constexpr double kInvSqrt2Pi = 0x1.9884533d43651p-2;   // 1/sqrt(2*pi) = sqrt(2/pi)/2
constexpr double kLog2E = 0x1.71547652b82fep+0;        // log2(e)
constexpr double u = 0x1p-53;                          // unit roundoff of double
// Error budget of one SLEEF call, relative to its result. SLEEF documents its functions as
// within 1.0 ULP (the _u10 variants: erf, exp, tanh) and 1.5 ULP (erfc_u15) of a double, i.e.
// at most 3u relative, for the scalar and the vector variants alike (sleef_batch.hpp uses the
// vector ones); the budget is 8u.
constexpr double L = 8 * u;

// ---------------------------------------------------------------------------------------------
// Double-double values and the one decision procedure shared by both tiers.

struct DD {  // hi + lo with |lo| <= ulp(hi)/2; hi == 0 implies lo == 0
  double hi = 0, lo = 0;
};

DD two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  const double e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

int sign_of(double v) { return v > 0 ? 1 : v < 0 ? -1 : 0; }
int sign_of(DD v) { return v.hi != 0 ? sign_of(v.hi) : sign_of(v.lo); }

// floor(log2|v|) of a non-zero double-double.
int binade_of(DD v) {
  const uint64_t mag = std::bit_cast<uint64_t>(v.hi) & 0x7fffffffffffffff;
  if (mag < (uint64_t{1} << 52)) return std::ilogb(v.hi);  // double subnormal: not on hot paths
  int e = int(mag >> 52) - 1023;
  const bool power_of_two = (mag & ((uint64_t{1} << 52) - 1)) == 0;
  if (power_of_two && sign_of(v.lo) == -sign_of(v.hi)) e -= 1;
  return e;
}

// Decides the reference from an interval [a, b] known to contain r. Every fact the RefValue
// carries must come out the same at both ends, otherwise nothing is decided. Rounding is
// monotone, so a fact shared by both ends holds for every point between them, r included.
std::optional<RefValue> decide_with_ties(const Format& f, DD a, DD b) {
  RefValue out;
  const int sa = sign_of(a), sb = sign_of(b);
  if (sa == 0 && sb == 0) {  // r is exactly zero: a and b are the same signed zero
    if (std::signbit(a.hi) != std::signbit(b.hi)) return std::nullopt;
    out.correctly_rounded = std::signbit(a.hi) ? f.sign_mask() : 0;
    out.side = 0;
    out.ulp_log2 = int16_t(f.min_subnormal_log2());
    out.exact = a.hi;
    return out;
  }
  if (sa != sb || sa == 0) return std::nullopt;

  const int ea = std::max(binade_of(a), f.emin()), eb = std::max(binade_of(b), f.emin());
  if (ea != eb) return std::nullopt;
  out.ulp_log2 = int16_t(ea - f.precision() + 1);

  const uint32_t ca = round_to_format(f, a.hi, sign_of(a.lo));
  const uint32_t cb = round_to_format(f, b.hi, sign_of(b.lo));
  if (ca != cb) return std::nullopt;
  out.correctly_rounded = ca;

  const double c = to_double(f, ca);
  auto side = [c](DD v) { return v.hi != c ? sign_of(v.hi - c) : sign_of(v.lo); };
  if (side(a) != side(b)) return std::nullopt;
  out.side = int8_t(side(a));

  const int grid_precision = f.precision() + kUlpResolutionBits;
  const int grid_floor = f.min_subnormal_log2() - kUlpResolutionBits;
  const double qa = round_to_precision(a.hi, grid_precision, grid_floor, sign_of(a.lo));
  const double qb = round_to_precision(b.hi, grid_precision, grid_floor, sign_of(b.lo));
  if (qa != qb) return std::nullopt;
  out.exact = qa == 0 ? std::copysign(0.0, double(sa)) : qa;
  return out;
}

// The same decision without tie handling, on bit patterns: every rounding that lands exactly
// halfway (where the low part of the double-double would have to break the tie) hands the
// interval to decide_with_ties, which gives the same answer in the other cases.
std::optional<RefValue> decide(const Format& f, DD a, DD b) {
  const int sa = sign_of(a), sb = sign_of(b);
  if (sa != sb || sa == 0) return decide_with_ties(f, a, b);
  bool tie = false;
  const double ra = round_bits(a.hi, f.precision(), f.min_subnormal_log2(), &tie);
  const double rb = round_bits(b.hi, f.precision(), f.min_subnormal_log2(), &tie);
  const int grid_precision = f.precision() + kUlpResolutionBits;
  const int grid_floor = f.min_subnormal_log2() - kUlpResolutionBits;
  const double qa = round_bits(a.hi, grid_precision, grid_floor, &tie);
  const double qb = round_bits(b.hi, grid_precision, grid_floor, &tie);
  if (tie || std::fabs(ra) > to_double(f, f.max_finite_bits())) return decide_with_ties(f, a, b);
  if (ra != rb || qa != qb) return std::nullopt;
  const int ea = std::max(binade_of(a), f.emin()), eb = std::max(binade_of(b), f.emin());
  if (ea != eb) return std::nullopt;
  auto side = [ra](DD v) { return v.hi != ra ? sign_of(v.hi - ra) : sign_of(v.lo); };
  const int side_a = side(a);
  if (side_a != side(b)) return std::nullopt;
  RefValue out;
  out.correctly_rounded = round_to_format(f, ra);  // ra is a value of the format, or overflows
  out.side = int8_t(side_a);
  out.ulp_log2 = int16_t(ea - f.precision() + 1);
  out.exact = qa == 0 ? std::copysign(0.0, double(sa)) : qa;
  return out;
}

RefValue exact_result(const Format& f, double v) {
  RefValue out;
  out.correctly_rounded = round_to_format(f, v);
  out.side = 0;
  out.ulp_log2 = int16_t(ulp_log2(f, v));
  out.exact = v;
  return out;
}

// Near its asymptote in a tail, and near zero, each function is r = A + delta with the anchor
// A = scale * x + offset (scale 0, 1/2 or 1) and delta tiny, of a known sign.
struct Anchor {
  double scale, offset;
  int delta_sign;  // sign of r - A
  double at(double x) const { return scale * x + offset; }  // exact: scale is 0, 1/2 or 1
};

// The reference when A is a non-zero value of the format and delta is far below the grid step
// next to A: r rounds to A in the format and on the grid, lies on delta's side of it, and has
// A's binade or, at a power of two with delta towards zero, the one below.
[[gnu::always_inline]] inline RefValue anchored(const Format& f, double A, int delta_sign) {
  const uint64_t bits = std::bit_cast<uint64_t>(A);  // A is a normal double: a format value
  int e = int((bits >> 52) & 0x7ff) - 1023;
  if ((bits & ((uint64_t{1} << 52) - 1)) == 0 && sign_of(A) == -delta_sign) --e;
  RefValue out;
  out.correctly_rounded = round_to_format(f, A);
  out.side = int8_t(delta_sign);
  out.ulp_log2 = int16_t(std::max(e, f.emin()) - f.precision() + 1);
  out.exact = A;
  return out;
}

// ---------------------------------------------------------------------------------------------
// 1. Special inputs. At +-inf the value is the limit of f; it is a signed zero when f tends to 0
// from one side (gelu(-inf) = -0: gelu(x) < 0 for x < 0).

std::optional<RefValue> special(Function fn, const Format& f, double x) {
  if (std::isnan(x)) {
    RefValue out;
    out.correctly_rounded = f.nan_bits();
    out.exact = std::numeric_limits<double>::quiet_NaN();
    out.ulp_log2 = int16_t(f.min_subnormal_log2());
    return out;
  }
  if (std::isinf(x)) {
    const bool pos = x > 0;
    switch (fn) {
      case Function::gelu_erf:
      case Function::gelu_tanh:
        return exact_result(f, pos ? x : -0.0);
      case Function::gelu_erf_grad:
      case Function::gelu_tanh_grad:
        return exact_result(f, pos ? 1.0 : -0.0);
      case Function::tanh:
        return exact_result(f, pos ? 1.0 : -1.0);
      case Function::tanh_grad:
        return exact_result(f, 0.0);
    }
  }
  if (x == 0) {
    switch (fn) {
      case Function::gelu_erf:
      case Function::gelu_tanh:
      case Function::tanh:
        return exact_result(f, x);  // f(+-0) = +-0 exactly
      case Function::gelu_erf_grad:
      case Function::gelu_tanh_grad:
        return exact_result(f, 0.5);
      case Function::tanh_grad:
        return exact_result(f, 1.0);
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// 2. Tails. For |x| >= 1 each function is A + delta with A in {0, x, +-1} a value of the format,
// delta of known sign, and |delta| < 2^D with D from these bounds (Q = 1 - Phi, phi the normal
// density, z = 2*sqrt(2/pi)*(x + 0.044715 x^3), sigma the logistic function):
//   gelu_erf,  x >= 1:  r = x - x Q(x),          0 < x Q(x) < phi(x) < e^(-x^2/2)
//                       (Mills' ratio, Abramowitz & Stegun 26.2.12: Q(x) < phi(x)/x)
//   gelu_erf,  x <= -1: r = x Q(|x|),            |r| < phi(x) < e^(-x^2/2)
//   gelu_tanh, x >= 1:  r = x - x sigma(-z),     x sigma(-z) < x e^(-z)
//   gelu_tanh, x <= -1: r = x sigma(z),          |r| < |x| e^(z)
//   gelu_erf_grad, x >= 1:  r = 1 + (x phi - Q), 0 < x phi - Q < x e^(-x^2/2)  (Q < phi/x <= x phi)
//   gelu_erf_grad, x <= -1: r = Q(|x|) + x phi,  -|x| e^(-x^2/2) < r < 0
//   gelu_tanh_grad, x >= 1: r = 1 + sigma(-z) (x z' sigma(z) - 1), z' = 2 sqrt(2/pi)(1 + 3*0.044715
//   x^2);
//                       x z' sigma(z) increases with x and is 1.52 at x = 1, so delta > 0 and
//                       delta < x z' e^(-z)
//   gelu_tanh_grad, x <= -1: r = sigma(z) (1 + x z' sigma(-z)) < 0, |r| < |x| z' e^(z)
//   tanh, |x| >= 1:     r = sign(x) (1 - delta), 0 < delta < 2 e^(-2|x|)
//   tanh_grad, |x| >= 1: 0 < r = sech^2 x < 4 e^(-2|x|)
// When 2^D is below a quarter of the grid step ulp * 2^-10 next to A (a quarter of the finest
// step, on the side towards zero), r rounds to A in the format and on the grid, and its binade
// and side follow from the sign of delta. D is computed in double; one bit of margin covers
// its rounding.

struct TailBound {
  double asymptote;   // A
  int delta_sign;     // sign of r - A
  double log2_delta;  // D
};

// A and the sign of delta, for |x| >= 1 (the table above).
Anchor tail_shape(Function fn, double x) {
  switch (fn) {
    case Function::gelu_erf:
    case Function::gelu_tanh:
      return x > 0 ? Anchor{1, 0, -1} : Anchor{0, 0, -1};
    case Function::gelu_erf_grad:
    case Function::gelu_tanh_grad:
      return x > 0 ? Anchor{0, 1, 1} : Anchor{0, 0, -1};
    case Function::tanh:
      return x > 0 ? Anchor{0, 1, -1} : Anchor{0, -1, 1};
    case Function::tanh_grad:
      return Anchor{0, 0, 1};
  }
  return {0, 0, 0};
}

std::optional<TailBound> tail_bound(Function fn, double x) {
  const double ax = std::fabs(x);
  if (ax < 1) return std::nullopt;
  const Anchor shape = tail_shape(fn, x);
  const double gauss = -0.5 * x * x * kLog2E;  // log2 e^(-x^2/2)
  const double z = 2 * kSqrt2OverPi * (x + kTanhFormCubic * x * x * x);
  const double dz = 2 * kSqrt2OverPi * (1 + 3 * kTanhFormCubic * x * x);
  double log2_delta = 0;
  switch (fn) {
    case Function::gelu_erf:
      log2_delta = gauss;
      break;
    case Function::gelu_tanh:
      log2_delta = std::log2(ax) - std::fabs(z) * kLog2E;
      break;
    case Function::gelu_erf_grad:
      log2_delta = std::log2(ax) + gauss;
      break;
    case Function::gelu_tanh_grad:
      log2_delta = std::log2(ax * dz) - std::fabs(z) * kLog2E;
      break;
    case Function::tanh:
      log2_delta = 1 - 2 * ax * kLog2E;
      break;
    case Function::tanh_grad:
      log2_delta = 2 - 2 * ax * kLog2E;
      break;
  }
  return TailBound{shape.at(x), shape.delta_sign, log2_delta};
}

bool tail_holds(Function fn, const Format& f, double x) {
  const auto t = tail_bound(fn, x);
  if (!t) return false;
  const double A = t->asymptote;
  const int finest_step_log2 =
      (A == 0 ? f.min_subnormal_log2() : ulp_log2(f, A) - 1) - kUlpResolutionBits;
  return t->log2_delta + 1 < finest_step_log2 - 2;
}

// The reference where tail_holds: only the asymptote and the side of delta matter.
RefValue tail_value(Function fn, const Format& f, double x) {
  const Anchor t = tail_shape(fn, x);
  const double A = t.at(x);  // 0, x or +-1: a value of the format
  if (A != 0) return anchored(f, A, t.delta_sign);
  RefValue out;
  out.correctly_rounded = t.delta_sign < 0 ? f.sign_mask() : 0;
  out.exact = t.delta_sign < 0 ? -0.0 : 0.0;
  out.ulp_log2 = int16_t(f.min_subnormal_log2());
  out.side = int8_t(t.delta_sign);
  return out;
}

std::optional<RefValue> tail(Function fn, const Format& f, double x) {
  if (!tail_holds(fn, f, x)) return std::nullopt;
  return tail_value(fn, f, x);
}

// The inputs from which the tail holds all the way out, per function and format, so that the
// per-input test is a comparison. The bound D(x) decreases for |x| >= 1 (each D above is a
// Gaussian or exponential exponent plus at most a logarithm, and its derivative is negative
// there) while the tolerance is constant or grows with |x|: the exact predicate is monotone.
// Bisection over the format's values finds an input T where the computed predicate holds; since
// the computed D is within the predicate's one-bit margin of the true D, the true bound holds
// at T and so at every input beyond T. Inputs beyond T whose own computed test would have been
// inconclusive get the same result from the interval tiers.
struct TailThresholds {
  double positive = INFINITY;   // tail for x >= positive
  double negative = -INFINITY;  // tail for x <= negative
};

TailThresholds compute_tail_thresholds(Function fn, const Format& f) {
  TailThresholds t;
  auto first_holding = [&](int64_t lo, int64_t hi, bool upward) -> std::optional<double> {
    // Ordinals [lo, hi]; the predicate holds from some point towards the far end (hi when
    // upward, lo otherwise).
    const int64_t far = upward ? hi : lo;
    if (!tail_holds(fn, f, to_double(f, from_ordinal(f, far)))) return std::nullopt;
    int64_t fail = upward ? lo - 1 : hi + 1, hold = far;  // predicate(hold) true
    while (std::abs(hold - fail) > 1) {
      const int64_t mid = fail + (hold - fail) / 2;
      if (tail_holds(fn, f, to_double(f, from_ordinal(f, mid))))
        hold = mid;
      else
        fail = mid;
    }
    return to_double(f, from_ordinal(f, hold));
  };
  const int64_t one = ordinal(f, f.one_bits()), max = max_finite_ordinal(f);
  const int64_t minus_one = ordinal(f, f.sign_mask() | f.one_bits());
  const int64_t minus_max = ordinal(f, f.sign_mask() | f.max_finite_bits());
  if (auto p = first_holding(one, max, true)) t.positive = *p;
  if (auto n = first_holding(minus_max, minus_one, false)) t.negative = *n;
  return t;
}

// ---------------------------------------------------------------------------------------------
// 2b. Head: near zero each function is A + delta with A in {x/2, x, 1/2, 1} exact in double and
// delta of known sign, bounded by (for 0 < |x| <= 2^-8; t = x/sqrt 2, u = sqrt(2/pi)(x + 0.044715
// x^3), |erf t| <= 2|t|/sqrt(pi), |tanh u| <= |u| <= 0.8|x|, sigma(z) sigma(-z) <= 1/4):
//   gelu_erf:   r = x/2 + x erf(t)/2,             0 < delta <= x^2/sqrt(2 pi) < x^2/2
//   gelu_tanh:  r = x/2 + x tanh(u)/2,            0 < delta <= 0.4 x^2 < x^2/2
//   gelu_erf_grad:  r = 1/2 + erf(t)/2 + x phi,   sign(x) delta > 0, |delta| <= 0.8|x|
//   gelu_tanh_grad: r = 1/2 + tanh(u)/2 + x z' sigma(z) sigma(-z), sign(x) delta > 0, |delta| < |x|
//   tanh:       r = x + delta,                    -sign(x) delta > 0, |delta| < |x|^3/3
//   tanh_grad:  r = 1 - tanh^2 x,                 -x^2 <= delta < 0
// With log2|x| <= ilogb(x) + 1 the bound D is an exact non-decreasing staircase in |x|, while the
// tolerance (a quarter of the finest grid step at A) is constant or grows like |x|, more slowly
// than D - so the rule holds on an interval around zero, found once by bisection. A need not be
// a value of the format (x/2 for an odd subnormal x): the decision procedure rounds A with the
// sign of delta breaking the tie, which is what the exact value does.

// The bound D of the table above: |delta| < 2^D, for 0 < |x| <= 2^-8.
std::optional<int> head_log2_delta(Function fn, double x) {
  const double ax = std::fabs(x);
  if (!(ax > 0 && ax <= 0x1p-8)) return std::nullopt;
  const int lx = std::ilogb(ax) + 1;  // |x| < 2^lx
  switch (fn) {
    case Function::gelu_erf:
    case Function::gelu_tanh:
      return 2 * lx - 1;
    case Function::gelu_erf_grad:
    case Function::gelu_tanh_grad:
      return lx;
    case Function::tanh:
      return 3 * lx;
    case Function::tanh_grad:
      return 2 * lx;
  }
  return std::nullopt;
}

Anchor head_shape(Function fn, double x);

bool head_holds(Function fn, const Format& f, double x) {
  const auto d = head_log2_delta(fn, x);
  if (!d) return false;
  return *d < ulp_log2(f, head_shape(fn, x).at(x)) - 1 - kUlpResolutionBits - 2;
}

// A and the sign of delta near zero (the table above), without the bound.
Anchor head_shape(Function fn, double x) {
  const int sx = x > 0 ? 1 : -1;
  switch (fn) {
    case Function::gelu_erf:
    case Function::gelu_tanh:
      return {0.5, 0, 1};
    case Function::gelu_erf_grad:
    case Function::gelu_tanh_grad:
      return {0, 0.5, sx};
    case Function::tanh:
      return {1, 0, -sx};
    case Function::tanh_grad:
      return {0, 1, -1};
  }
  return {0, 0, 0};
}

// The reference where head_holds, from A = h.at(x).
RefValue head_value(const Format& f, const Anchor& h, double x) {
  const double A = h.at(x);
  if (round_bits(A, f.precision(), f.min_subnormal_log2(), nullptr) == A)
    return anchored(f, A, h.delta_sign);
  // A between two values of the format (x/2 for an odd subnormal): r = A + (tiny of delta's
  // sign), which a degenerate double-double interval carries exactly.
  const DD r{A, h.delta_sign * std::fabs(A) * 0x1p-80};
  return *decide(f, r, r);
}

// Largest |x| up to which the head rule holds, on each side (bisection over the format's
// values between the smallest subnormal and 2^-8).
struct HeadThresholds {
  double positive = 0, negative = 0;  // head for 0 < x <= positive and negative <= x < 0
};

HeadThresholds compute_head_thresholds(Function fn, const Format& f) {
  HeadThresholds h;
  const uint32_t top = round_to_format(f, 0x1p-8);
  for (int sign : {1, -1}) {
    const uint32_t s = sign > 0 ? 0 : f.sign_mask();
    int64_t hold = 0, fail = int64_t(top) + 1;  // magnitudes as bit patterns; 0: none holds
    if (!head_holds(fn, f, to_double(f, s | 1))) continue;
    hold = 1;
    if (head_holds(fn, f, to_double(f, s | top))) {
      hold = top;
    } else {
      fail = top;
      while (fail - hold > 1) {
        const int64_t mid = hold + (fail - hold) / 2;
        if (head_holds(fn, f, to_double(f, s | uint32_t(mid))))
          hold = mid;
        else
          fail = mid;
      }
    }
    (sign > 0 ? h.positive : h.negative) = to_double(f, s | uint32_t(hold));
  }
  return h;
}

// The reference on one side of a tail or of the head: the anchor there and, when the anchor is
// a constant (scale 0), the one value of the whole side.
struct SidePlan {
  Anchor anchor{0, 0, 0};
  RefValue constant;
  double exact_from = 0;  // A is a value of the format for |x| >= exact_from
  // The side's inputs are the bit patterns first..last (one sign, so an interval of bits too).
  uint32_t first = 1, last = 0;
  bool contains(uint32_t bits) const { return bits - first <= last - first && first <= last; }
};

// Everything the tiers need per function and format, computed once.
struct ReferencePlan {
  TailThresholds tails;
  HeadThresholds heads;
  SidePlan tail_positive, tail_negative, head_positive, head_negative;
};

ReferencePlan compute_plan(Function fn, const Format& f) {
  ReferencePlan p;
  p.tails = compute_tail_thresholds(fn, f);
  p.heads = compute_head_thresholds(fn, f);
  // Tails: from the threshold T out to the largest finite value of T's sign.
  auto tail_side = [&](double x) {
    if (!std::isfinite(x)) return SidePlan{};
    const uint32_t sign = x < 0 ? f.sign_mask() : 0;
    return SidePlan{tail_shape(fn, x), tail_value(fn, f, x), 0, round_to_format(f, x),
                    sign | f.max_finite_bits()};
  };
  // Heads: from the smallest subnormal of the threshold's sign out to the threshold.
  // x/2 is a value of the format where it is normal; x and the constants are everywhere.
  const double half_exact_from = std::ldexp(1.0, f.emin() + 1);
  auto head_side = [&](double x) {
    if (x == 0) return SidePlan{};
    const Anchor h = head_shape(fn, x);
    const uint32_t sign = x < 0 ? f.sign_mask() : 0;
    return SidePlan{h, head_value(f, h, x), h.scale == 0.5 ? half_exact_from : 0, sign | 1,
                    round_to_format(f, x)};
  };
  p.tail_positive = tail_side(p.tails.positive);
  p.tail_negative = tail_side(p.tails.negative);
  p.head_positive = head_side(p.heads.positive);
  p.head_negative = head_side(p.heads.negative);
  return p;
}

const ReferencePlan& reference_plan(Function fn, const Format& f) {
  constexpr size_t kFormats = std::size(BuiltinFormats::formats);
  static std::once_flag once[all_functions.size()][kFormats];
  static ReferencePlan cache[all_functions.size()][kFormats];
  for (size_t i = 0; i < kFormats; ++i) {
    if (BuiltinFormats::formats[i] != &f) continue;
    std::call_once(once[size_t(fn)][i], [&] { cache[size_t(fn)][i] = compute_plan(fn, f); });
    return cache[size_t(fn)][i];
  }
  thread_local ReferencePlan other;  // a format outside the built-in list: computed each time
  other = compute_plan(fn, f);
  return other;
}

// ---------------------------------------------------------------------------------------------
// 3a. Fast tier: r = a + d exactly, with a exact in double, d computed in double, |d - d*| <= b.
// The anchor a (0, x/2, x, 1/2 or +-1) keeps the part of r that double cannot resolve next to a
// small deviation, so that the side of x/2 or 1 that r lies on is decided in double too.
// Bounds are first-order sums of relative errors (u per rounding, L per SLEEF call, the
// argument's error times the function's condition number), doubled to cover second-order terms.
// Conditions used: erfc at t > 0 has |t erfc'(t)/erfc(t)| < t (t + sqrt(t^2 + 2)) <= 2t^2 + 1
// (A&S 7.1.13), erfc at t <= 0 and erf below 1; exp at z has |z|; tanh below 1.

struct FastValue {
  double a, d, b;
};

// The formulas below take their SLEEF values from `sleef`, called as sleef(SleefFunction, argument):
// which calls a formula makes, and in what order, depends on x alone. So a batch runs each
// formula twice: once with Record, which notes the calls, then, after every noted call was
// evaluated by the vector functions (sleef_batch), with Replay, which hands the values back in
// the same order.
struct SleefCalls {
  std::array<std::vector<double>, kSleefFunctions> args, values;
  std::array<size_t, kSleefFunctions> next{};
  size_t recorded = 0;
  void clear() {
    for (auto& a : args) a.clear();
    next = {};
    recorded = 0;
  }
  void evaluate() {
    for (size_t k = 0; k < kSleefFunctions; ++k) {
      values[k].resize(args[k].size());
      sleef_batch(SleefFunction(k), args[k].data(), values[k].data(), args[k].size());
    }
  }
};
struct Record {
  SleefCalls& calls;
  double operator()(SleefFunction fn, double arg) {
    calls.args[size_t(fn)].push_back(arg);
    ++calls.recorded;
    return 0.5;  // unused: the formula's result is discarded
  }
};
struct Replay {
  SleefCalls& calls;
  double operator()(SleefFunction fn, [[maybe_unused]] double arg) {
    const size_t i = calls.next[size_t(fn)]++;
    assert(calls.args[size_t(fn)][i] == arg);
    return calls.values[size_t(fn)][i];
  }
};

// erf and tanh near zero, where SLEEF's general path is costly and two series terms are exact
// to double precision: erf t = (2/sqrt pi)(t - t^3/3 + t^5/10 - ...), tanh y = y - y^3/3 +
// 2y^5/15 - ...; for |t| < 2^-14 the first omitted term is below 2^-59 relative, and the four
// roundings add at most 4u: within the budget L of a SLEEF call.
constexpr double kTwoOverSqrtPi = 0x1.20dd750429b6dp+0;  // 2/sqrt(pi)
template <class M>
double erf_fast(double t, M& sleef) {
  if (std::fabs(t) < 0x1p-14) return kTwoOverSqrtPi * (t - t * (t * t) * (1.0 / 3));
  return sleef(SleefFunction::erf, t);
}
template <class M>
double tanh_fast(double y, M& sleef) {
  if (std::fabs(y) < 0x1p-14) return y - y * (y * y) * (1.0 / 3);
  return sleef(SleefFunction::tanh, y);
}

template <class M>
FastValue fast_gelu_erf(double x, M& sleef) {
  const double t = x * kInvSqrt2;                   // relative error <= 2u
  const double erfc_err = L + 2 * u * (x * x + 1);  // 2u times condition <= x^2 + 1
  if (x >= 1) {
    const double d = -0.5 * x * sleef(SleefFunction::erfc, t);  // r = x - x Q(x)
    return {x, d, 2 * (erfc_err + u) * std::fabs(d)};
  }
  if (x > -1) {
    const double d = 0.5 * x * erf_fast(t, sleef);  // r = x/2 + x erf(x/sqrt 2)/2
    return {0.5 * x, d, 2 * (L + 3 * u) * std::fabs(d)};
  }
  const double d = 0.5 * x * sleef(SleefFunction::erfc, -t);  // r = x Q(|x|)
  return {0, d, 2 * (erfc_err + u) * std::fabs(d)};
}

template <class M>
FastValue fast_gelu_tanh(double x, M& sleef) {
  const double s = x + kTanhFormCubic * (x * x * x);  // same-sign sum: <= 5u
  const double z = 2 * kSqrt2OverPi * s;              // <= 7u
  const double exp_err = L + 7 * u * std::fabs(z);
  if (x >= 1) {
    const double d = -x / (1 + sleef(SleefFunction::exp, z));  // r = x - x sigma(-z)
    return {x, d, 2 * (exp_err + 2 * u) * std::fabs(d)};
  }
  if (x > -1) {
    const double d = 0.5 * x * tanh_fast(kSqrt2OverPi * s, sleef);  // x sigma(z) - x/2
    return {0.5 * x, d, 2 * (L + 8 * u) * std::fabs(d)};
  }
  const double d = x / (1 + sleef(SleefFunction::exp, -z));  // r = x sigma(z)
  return {0, d, 2 * (exp_err + 2 * u) * std::fabs(d)};
}

template <class M>
FastValue fast_tanh(double x, M& sleef) {
  const double ax = std::fabs(x);
  if (ax < 0x1p-8) {
    // tanh x = x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835 - 1382x^11/155925 + ...
    // Truncation: |1382x^11/155925| < 0.027 x^8 * (x^3/3) < 2^-69 |d| for |x| < 2^-8.
    const double x2 = x * x;
    const double d = -x * x2 * (1.0 / 3 - x2 * (2.0 / 15 - x2 * (17.0 / 315 - x2 * (62.0 / 2835))));
    return {x, d, (2 * 16 * u + 0x1p-69) * std::fabs(d)};
  }
  if (ax < 1) {
    const double d = sleef(SleefFunction::tanh, x);
    return {0, d, 2 * L * std::fabs(d)};
  }
  const double e = sleef(SleefFunction::exp, -2 * ax);  // argument exact
  const double d = -2 * e / (1 + e);        // 1 - tanh|x| = 2e/(1+e)
  return {x > 0 ? 1.0 : -1.0, x > 0 ? d : -d, 2 * (L + 3 * u) * std::fabs(d)};
}

template <class M>
FastValue fast_tanh_grad(double x, M& sleef) {
  const double ax = std::fabs(x);
  if (ax < 1) {
    const double t = tanh_fast(x, sleef);
    const double d = -t * t;  // 1 - tanh^2
    return {1, d, 2 * (2 * L + u) * std::fabs(d)};
  }
  const double e = sleef(SleefFunction::exp, -2 * ax);
  const double d = 4 * e / ((1 + e) * (1 + e));  // sech^2 = 4e/(1+e)^2
  return {0, d, 2 * (L + 4 * u) * std::fabs(d)};
}

template <class M>
FastValue fast_gelu_erf_grad(double x, M& sleef) {
  // x phi(x): x^2/2 carries 1u relative, i.e. x^2/2 u absolute, which exp turns into x^2/2 u
  // relative; the constant and two products add 3u.
  const double xphi = x * kInvSqrt2Pi * sleef(SleefFunction::exp, -0.5 * (x * x));
  const double xphi_err = L + (0.5 * x * x + 3) * u;
  const double t = x * kInvSqrt2;
  if (x >= 1) {
    const double q = 0.5 * sleef(SleefFunction::erfc, t);  // Q(x)
    const double d = xphi - q;                 // r = 1 + (x phi - Q), both > 0
    const double err = xphi_err * xphi + (L + 2 * u * (x * x + 1)) * q + u * std::fabs(d);
    return {1, d, 2 * err};
  }
  if (x > -1) {
    const double h = 0.5 * erf_fast(t, sleef);  // Phi(x) - 1/2, same sign as x phi
    const double d = h + xphi;
    const double err = (L + 2 * u) * std::fabs(h) + xphi_err * std::fabs(xphi) + u * std::fabs(d);
    return {0.5, d, 2 * err};
  }
  const double p = 0.5 * sleef(SleefFunction::erfc, -t);  // Phi(x)
  const double d = p + xphi;                  // r < 0 here: cancellation, bound absolute
  const double err = (L + 2 * u * (x * x + 1)) * p + xphi_err * std::fabs(xphi) + u * std::fabs(d);
  return {0, d, 2 * err};
}

template <class M>
FastValue fast_gelu_tanh_grad(double x, M& sleef) {
  const double s = x + kTanhFormCubic * (x * x * x);
  const double z = 2 * kSqrt2OverPi * s;                                      // <= 7u
  const double dz = 2 * kSqrt2OverPi * (1 + (3 * kTanhFormCubic) * (x * x));  // <= 8u
  const double sig_err = L + 7 * u * std::fabs(z) + 2 * u;
  const double sp = 1 / (1 + sleef(SleefFunction::exp, -z));  // sigma(z)
  const double sn = 1 / (1 + sleef(SleefFunction::exp, z));   // sigma(-z) = 1 - sigma(z): no cancelling
  if (x >= 1) {
    const double m = x * dz * sp;  // > 1.52 here
    const double g = m - 1;
    const double g_err = (10 * u + sig_err) * m + u * g;
    const double d = sn * g;  // r = 1 + sigma(-z) (x z' sigma(z) - 1)
    const double err = sn * g_err + sig_err * sn * g + u * d;
    return {1, d, 2 * err};
  }
  if (x > -1) {
    const double h = 0.5 * tanh_fast(kSqrt2OverPi * s, sleef);  // sigma(z) - 1/2
    const double k = x * dz * sp * sn;
    const double d = h + k;  // same signs
    const double err =
        (L + 8 * u) * std::fabs(h) + (2 * sig_err + 11 * u) * std::fabs(k) + u * std::fabs(d);
    return {0.5, d, 2 * err};
  }
  const double m = x * dz * sn;  // < -1.52 here
  const double g = 1 + m;
  const double g_err = (10 * u + sig_err) * std::fabs(m) + u * std::fabs(g);
  const double d = sp * g;  // r = sigma(z) (1 + x z' sigma(-z))
  const double err = sp * g_err + sig_err * sp * std::fabs(g) + u * std::fabs(d);
  return {0, d, 2 * err};
}

template <class M>
FastValue fast_value(Function fn, double x, M&& sleef) {
  switch (fn) {
    case Function::gelu_erf:
      return fast_gelu_erf(x, sleef);
    case Function::gelu_tanh:
      return fast_gelu_tanh(x, sleef);
    case Function::gelu_erf_grad:
      return fast_gelu_erf_grad(x, sleef);
    case Function::gelu_tanh_grad:
      return fast_gelu_tanh_grad(x, sleef);
    case Function::tanh:
      return fast_tanh(x, sleef);
    case Function::tanh_grad:
      return fast_tanh_grad(x, sleef);
  }
  return {0, 0, INFINITY};
}

// The fast tier's value at one input (for tests of its bound).
FastValue fast_value_at(Function fn, double x) {
  SleefCalls calls;
  (void)fast_value(fn, x, Record{calls});
  calls.evaluate();
  return fast_value(fn, x, Replay{calls});
}

// The common case of decide(), for r = a + d with |d - d*| <= b, in a few operations: q, the
// nearest point of the 2^-10 ULP grid to a + d, decides everything when the whole interval lies
// strictly inside q's grid cell (|a + d - q| + b below half the grid step at q) and q is neither
// a power of two nor a midpoint of the format nor zero. Then no rounding boundary of the format
// (its midpoints), of the grid (its cell edges) or of a binade (powers of two, grid points
// themselves) lies in the interval: every point of it rounds to q on the grid and to round(q)
// in the format, and has q's binade. Anything else goes to decide().
// Writes the decided value to `out` (in place: a RefValue returned by value is assembled on the
// stack from its narrow fields and read back whole, which stalls store forwarding).
[[gnu::always_inline]] inline bool decide_in_grid_cell(const Format& f, double a, double d,
                                                       double b, RefValue& out) {
  const DD s = two_sum(a, d);
  const int grid_precision = f.precision() + kUlpResolutionBits;
  const int grid_floor = f.min_subnormal_log2() - kUlpResolutionBits;
  const double q = round_bits(s.hi, grid_precision, grid_floor, nullptr);
  const uint64_t qbits = std::bit_cast<uint64_t>(q) & 0x7fffffffffffffff;
  if (qbits < (uint64_t{1} << 52) || (qbits & ((uint64_t{1} << 52) - 1)) == 0) return false;
  const int e = int(qbits >> 52) - 1023;
  const int ulp = std::max(e, f.emin()) - f.precision() + 1;
  const double half_step =
      std::bit_cast<double>(uint64_t(ulp - kUlpResolutionBits - 1 + 1023) << 52);
  // s.hi - q is exact (Sterbenz: both lie within one grid step); adding s.lo, then b, rounds by
  // at most 2u of the result, which the factor (1 - 2^-50) covers.
  const double dist = (s.hi - q) + s.lo;
  if (!(std::fabs(dist) + b < half_step * (1 - 0x1p-50))) return false;
  bool midpoint = false;
  const double c = round_bits(q, f.precision(), f.min_subnormal_log2(), &midpoint);
  if (midpoint || std::fabs(c) > to_double(f, f.max_finite_bits())) return false;
  int side;
  if (q != c) {
    side = q > c ? 1 : -1;
  } else {
    if (!(std::fabs(dist) > b * (1 + 0x1p-50))) return false;  // |dist| rounds by <= u
    side = dist > 0 ? 1 : -1;
  }
  out.correctly_rounded = round_to_format(f, c);
  out.side = int8_t(side);
  out.ulp_log2 = int16_t(ulp);
  out.exact = q;
  return true;
}

[[gnu::always_inline]] inline bool fast_decision(const Format& f, const FastValue& v,
                                               RefValue& out) {
  if (!std::isfinite(v.d) || !std::isfinite(v.b)) return false;
  // Widen b so that fl(d -+ b) still brackets d* (the subtraction rounds by <= u), and by the
  // smallest subnormal against underflow in the formulas.
  const double b = v.b + (std::fabs(v.d) + v.b) * 0x1p-51 + 0x1p-1070;
  if (decide_in_grid_cell(f, v.a, v.d, b, out)) return true;
  const auto r = decide(f, two_sum(v.a, v.d - b), two_sum(v.a, v.d + b));
  if (r) out = *r;
  return r.has_value();
}

// ---------------------------------------------------------------------------------------------
// 3b. MPFR tier at a fixed ladder of precisions (Boost.Multiprecision fixed-precision MPFR
// numbers: no global default precision is touched, so threads are independent). Each operation
// rounds to nearest at w bits, relative error <= U = 2^-w; bounds as in the fast tier, for the
// same formulas without anchors (precision, not anchoring, resolves r here).

namespace mp = boost::multiprecision;
template <unsigned Digits10>
using Real = mp::number<mp::mpfr_float_backend<Digits10, mp::allocate_stack>, mp::et_off>;

template <unsigned Digits10>
struct MpfrValue {
  Real<Digits10> v, b;  // r in [v - b, v + b]
};

template <unsigned D>
MpfrValue<D> mpfr_value(Function fn, double xd) {
  using R = Real<D>;
  const R x = xd;
  const R U = ldexp(R(1), -int(mp::detail::digits10_2_2(D)));
  const double x2 = xd * xd;  // for the bound coefficients only
  const R sqrt2 = sqrt(R(2));
  const R c2 = sqrt(R(2) / boost::math::constants::pi<R>());  // sqrt(2/pi): <= 3U
  const R k = R(kTanhFormCubicDecimal.data());                // 0.044715 exactly rounded
  MpfrValue<D> out;
  switch (fn) {
    case Function::gelu_erf: {
      // t = -x/sqrt2 <= 2U; erfc <= U + (x^2 + 1) 2U; x*e/2 <= U.
      out.v = x * erfc(-x / sqrt2) / 2;
      out.b = abs(out.v) * (10 + 6 * x2) * U;
      break;
    }
    case Function::gelu_tanh: {
      const R z = 2 * c2 * (x + k * x * x * x);  // <= 9U
      out.v = x / (1 + exp(-z));
      out.b = abs(out.v) * (6 + 18 * abs(z)) * U;
      break;
    }
    case Function::tanh: {
      out.v = tanh(x);
      out.b = abs(out.v) * 2 * U;
      break;
    }
    case Function::tanh_grad: {
      const R s = 1 / cosh(x);
      out.v = s * s;
      out.b = abs(out.v) * 8 * U;
      break;
    }
    case Function::gelu_erf_grad: {
      const R A = erfc(-x / sqrt2) / 2;
      const R B = x * exp(-x * x / 2) / sqrt(2 * boost::math::constants::pi<R>());
      out.v = A + B;
      out.b = (abs(A) * (3 * (x2 + 1) + 1) + abs(B) * (x2 / 2 + 6) + abs(out.v)) * 2 * U;
      break;
    }
    case Function::gelu_tanh_grad: {
      const R z = 2 * c2 * (x + k * x * x * x);
      const R P = 1 / (1 + exp(-z));
      const R N = 1 / (1 + exp(z));
      const R dz = 2 * c2 * (1 + 3 * k * x * x);
      const R A = P;
      const R B = x * dz * P * N;
      out.v = A + B;
      out.b = (abs(A) * (3 + 9 * abs(z)) + abs(B) * (18 + 18 * abs(z)) + abs(out.v)) * 2 * U;
      break;
    }
  }
  return out;
}

// Converts an MPFR number to a double-double below (dir < 0) or above (dir > 0) it.
DD to_dd(mpfr_srcptr v, int dir) {
  const double hi = mpfr_get_d(v, MPFR_RNDN);
  mpfr_t rem;
  mpfr_init2(rem, mpfr_get_prec(v) + 64);
  mpfr_sub_d(rem, v, hi, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
  const double lo = mpfr_get_d(rem, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
  mpfr_clear(rem);
  return two_sum(hi, lo);
}

template <unsigned D>
std::optional<RefValue> mpfr_tier_at(Function fn, const Format& f, double x) {
  const MpfrValue<D> m = mpfr_value<D>(fn, x);
  if (!mpfr_number_p(m.v.backend().data()) || !mpfr_number_p(m.b.backend().data()))
    return std::nullopt;
  mp::number<mp::mpfr_float_backend<D + 20, mp::allocate_stack>, mp::et_off> lo, hi;
  mpfr_sub(lo.backend().data(), m.v.backend().data(), m.b.backend().data(), MPFR_RNDD);
  mpfr_add(hi.backend().data(), m.v.backend().data(), m.b.backend().data(), MPFR_RNDU);
  return decide(f, to_dd(lo.backend().data(), -1), to_dd(hi.backend().data(), +1));
}

RefValue mpfr_tier(Function fn, const Format& f, double x) {
  auto& counters = reference_counters();
  ++counters.mpfr;
  // Precisions 68, 134, 267, 533, 1065, 2128 bits.
  if (auto r = mpfr_tier_at<20>(fn, f, x)) return *r;
  if (auto r = mpfr_tier_at<40>(fn, f, x)) return *r;
  if (auto r = mpfr_tier_at<80>(fn, f, x)) return *r;
  if (auto r = mpfr_tier_at<160>(fn, f, x)) return *r;
  ++counters.mpfr_max_bits;
  if (auto r = mpfr_tier_at<320>(fn, f, x)) return *r;
  if (auto r = mpfr_tier_at<640>(fn, f, x)) return *r;
  throw std::runtime_error(
      fmt::format("reference: {}({:a}) in {} is not decided at 2128 bits", name_of(fn), x, f.name));
}

}  // namespace

ReferenceCounters& reference_counters() {
  thread_local ReferenceCounters counters;
  return counters;
}

namespace {
// The value on a side of a tail or of the head.
[[gnu::always_inline]] inline RefValue side_value(const Format& f, const SidePlan& side,
                                                 double x) {
  if (side.anchor.scale == 0) return side.constant;
  if (std::fabs(x) >= side.exact_from)
    return anchored(f, side.anchor.scale * x, side.anchor.delta_sign);
  return head_value(f, side.anchor, x);
}

// Tiers 1 and 2: special inputs, tails and head; false when x is in none of them.
[[gnu::always_inline]] inline bool analytic_value(Function fn, const Format& f, double x, const ReferencePlan& plan,
                    ReferenceCounters& counters, RefValue& out) {
  if (!std::isfinite(x) || x == 0) {
    ++counters.special;
    out = *special(fn, f, x);
  } else if (x >= plan.tails.positive || x <= plan.tails.negative) {
    ++counters.tail;
    out = side_value(f, x > 0 ? plan.tail_positive : plan.tail_negative, x);
  } else if (x <= plan.heads.positive && x >= plan.heads.negative) {
    ++counters.head;
    out = side_value(f, x > 0 ? plan.head_positive : plan.head_negative, x);
  } else {
    return false;
  }
  return true;
}
}  // namespace

RefValue reference(Function fn, const Format& f, uint32_t x_bits, ReferenceMode mode) {
  RefValue out;
  reference_batch(fn, f, std::span(&x_bits, 1), std::span(&out, 1), mode);
  return out;
}

namespace {
[[gnu::always_inline]] inline void reference_batch_in(Function fn, const Format& f,
                                                      std::span<const uint32_t> x_bits,
                                                      std::span<RefValue> out,
                                                      ReferenceMode mode) {
  const ReferencePlan& plan = reference_plan(fn, f);
  // Local counts: the stores to out[] would otherwise pin the shared ones in memory. (The rare
  // MPFR tier counts itself, in mpfr_tier.)
  ReferenceCounters counters;
  thread_local std::vector<uint32_t> fast_at;  // inputs whose formula calls SLEEF
  thread_local SleefCalls calls;
  fast_at.clear();
  calls.clear();
  auto fast_or_mpfr = [&](double x, const FastValue& v, RefValue& value)
                          __attribute__((always_inline)) {
    if (fast_decision(f, v, value)) {
      ++counters.fast;
    } else {
      value = mpfr_tier(fn, f, x);
    }
  };
  // One input: tiers 1 and 2, else MPFR or the fast tier (decided now when its formula makes no
  // SLEEF call, a series near zero; otherwise after the batch of SLEEF calls).
  auto one_input = [&](size_t i) __attribute__((always_inline)) {
    const double x = to_double(f, x_bits[i]);
    if (analytic_value(fn, f, x, plan, counters, out[i])) return;
    if (mode == ReferenceMode::mpfr) {
      out[i] = mpfr_tier(fn, f, x);
      return;
    }
    const size_t recorded = calls.recorded;
    const FastValue v = fast_value(fn, x, Record{calls});
    if (calls.recorded == recorded) {
      fast_or_mpfr(x, v, out[i]);
    } else {
      fast_at.push_back(uint32_t(i));
    }
  };
  // Runs of inputs on one side of a tail or of the head (an exhaustive sweep's blocks are such
  // runs) take the side's values without classifying each input.
  constexpr size_t kRun = 64;
  const SidePlan* const sides[] = {&plan.tail_positive, &plan.tail_negative, &plan.head_positive,
                                   &plan.head_negative};
  for (size_t start = 0; start < x_bits.size(); start += kRun) {
    const size_t end = std::min(x_bits.size(), start + kRun);
    const SidePlan* run = nullptr;
    for (const SidePlan* side : sides)
      if (!run && side->contains(x_bits[start])) run = side;
    bool whole = run != nullptr;
    for (size_t i = start; whole && i < end; ++i) whole = run->contains(x_bits[i]);
    if (!whole) {
      for (size_t i = start; i < end; ++i) one_input(i);
      continue;
    }
    (run == sides[0] || run == sides[1] ? counters.tail : counters.head) += end - start;
    if (run->anchor.scale == 0) {
      std::fill(out.begin() + ptrdiff_t(start), out.begin() + ptrdiff_t(end), run->constant);
    } else {
      for (size_t i = start; i < end; ++i) out[i] = side_value(f, *run, to_double(f, x_bits[i]));
    }
  }
  if (fast_at.empty()) return counters.add_to(reference_counters());
  calls.evaluate();
  for (const uint32_t i : fast_at) {
    const double x = to_double(f, x_bits[i]);
    fast_or_mpfr(x, fast_value(fn, x, Replay{calls}), out[i]);
  }
  counters.add_to(reference_counters());
}
}  // namespace

void reference_batch(Function fn, const Format& f, std::span<const uint32_t> x_bits,
                     std::span<RefValue> out, ReferenceMode mode) {
  with_constant_format(f, [&](const Format& g) __attribute__((always_inline)) {
    reference_batch_in(fn, g, x_bits, out, mode);
  });
}

namespace {
// An upper bound on |r - (a + d)| / b: the computed difference plus MPFR's own error bound;
// nullopt when that error bound is not below b/256 at this precision.
template <unsigned D10>
std::optional<double> bound_ratio_at(Function fn, double x, const FastValue& v) {
  const MpfrValue<D10> m = mpfr_value<D10>(fn, x);
  using R = Real<D10>;
  if (!(m.b * 256 <= R(v.b))) return std::nullopt;
  const R err = abs(m.v - (R(v.a) + R(v.d))) + m.b;
  return static_cast<double>(err / R(v.b));
}
}  // namespace

std::optional<double> detail::fast_bound_ratio(Function fn, const Format& f, double x) {
  if (special(fn, f, x) || tail(fn, f, x) || head_holds(fn, f, x)) return std::nullopt;
  const FastValue v = fast_value_at(fn, x);
  if (!std::isfinite(v.d) || !std::isfinite(v.b)) return std::nullopt;
  // 134 bits resolve most bounds; small ones (d can be 2^-298 |a|, tanh_grad at the smallest
  // fp32 subnormal) need 533 bits.
  if (const auto r = bound_ratio_at<40>(fn, x, v)) return r;
  if (const auto r = bound_ratio_at<160>(fn, x, v)) return r;
  return INFINITY;  // unresolved: reported as a violation
}

std::string exact_decimal(Function fn, double x, int digits) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x) || x == 0) {
    const RefValue r = *special(fn, fp32, x);
    return fmt::format("{}", r.exact);
  }
  if (const auto t = tail_bound(fn, x); t && t->log2_delta < -1000) {
    if (t->asymptote == 0)
      return fmt::format("{}0 (|f(x)| < 2^{:.0f}, analytic tail bound)",
                         t->delta_sign < 0 ? "-" : "", t->log2_delta);
    return fmt::format("{} {} d, 0 < d < 2^{:.0f} (analytic tail bound)", t->asymptote,
                       t->delta_sign < 0 ? "-" : "+", t->log2_delta);
  }
  const MpfrValue<640> m = mpfr_value<640>(fn, x);
  return m.v.str(digits, std::ios_base::scientific);
}

}  // namespace gelucheck
