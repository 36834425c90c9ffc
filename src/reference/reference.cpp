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

#include <mpfr.h>  // mpfr_sum: scaled enclosures of graded pairs

#include <fmt/format.h>  // fmt::format

#include "functions/function_spec.hpp"
#include "reference/tiers.hpp"

namespace gelucheck {
namespace {

// ---------------------------------------------------------------------------------------------
// The one decision procedure shared by every tier.

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
    out.correctly_rounded = round_to_format(f, a.hi);  // -0, or +0 in a format without -0
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
  // Overflow is a fact too: in MX both a value that rounds to max and one beyond it give max.
  const double max = to_double(f, f.max_finite_bits());
  auto overflows = [&](DD v) {
    return std::fabs(round_to_precision(v.hi, f.precision(), f.min_subnormal_log2(),
                                        sign_of(v.lo))) > max;
  };
  out.overflow = overflows(a);
  if (overflows(b) != out.overflow) return std::nullopt;

  const double c = to_double(f, ca);  // +-inf or NaN after an overflow: the side is -1 or 0
  auto side = [c](DD v) { return v.hi != c ? sign_of(v.hi - c) : sign_of(v.lo); };
  if (side(a) != side(b)) return std::nullopt;
  out.side = int8_t(side(a));

  const int grid_precision = f.precision() + ulp_resolution_bits(f);
  const int grid_floor = f.min_subnormal_log2() - ulp_resolution_bits(f);
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
  const int grid_precision = f.precision() + ulp_resolution_bits(f);
  const int grid_floor = f.min_subnormal_log2() - ulp_resolution_bits(f);
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
// 1. Special inputs: the spec's limits at +-inf and values at +-0 (function_spec.hpp).

std::optional<RefValue> special(const FunctionSpec& s, const Format& f, double x) {
  if (std::isnan(x)) {
    RefValue out;
    out.correctly_rounded = f.nan_bits();
    out.exact = std::numeric_limits<double>::quiet_NaN();
    out.ulp_log2 = int16_t(f.min_subnormal_log2());
    return out;
  }
  if (std::isinf(x))
    return exact_result(f,
                        x > 0 ? s.specials.at_positive_infinity : s.specials.at_negative_infinity);
  if (x == 0) {
    if (s.specials.zero_is_signed) return exact_result(f, x);
    if (s.specials.at_zero) return exact_result(f, *s.specials.at_zero);
  }
  return std::nullopt;  // f(0) is not a double (softplus(0) = ln 2): the tiers decide it
}

// ---------------------------------------------------------------------------------------------
// 2. Tails (TailRule, reference/tiers.hpp; each family derives its bounds). When 2^D is below a
// quarter of the grid step ulp * 2^-10 next to A (a quarter of the finest step, on the side
// towards zero), r rounds to A in the format and on the grid, and its binade and side follow
// from the sign of delta. D is computed in double; one bit of margin covers its rounding.

struct TailBound {
  double asymptote;   // A
  int delta_sign;     // sign of r - A
  double log2_delta;  // D
};

const Anchor& tail_anchor(const TailRule& t, double x) { return x > 0 ? t.positive : t.negative; }

std::optional<TailBound> tail_bound(const FunctionSpec& s, double x) {
  if (!s.tail || std::fabs(x) < 1) return std::nullopt;
  const Anchor& a = tail_anchor(*s.tail, x);
  return TailBound{a.at(x), a.delta_sign, s.tail->log2_bound(x)};
}

bool tail_holds(const FunctionSpec& s, const Format& f, double x) {
  const auto t = tail_bound(s, x);
  if (!t) return false;
  const double A = t->asymptote;
  const int finest_step_log2 =
      (A == 0 ? f.min_subnormal_log2() : ulp_log2(f, A) - 1) - ulp_resolution_bits(f);
  return t->log2_delta + 1 < finest_step_log2 - 2;
}

// The reference where tail_holds: only the asymptote and the side of delta matter.
RefValue tail_value(const FunctionSpec& s, const Format& f, double x) {
  const Anchor& t = tail_anchor(*s.tail, x);
  const double A = t.at(x);  // 0, x or +-1: a value of the format
  if (A != 0) return anchored(f, A, t.delta_sign);
  RefValue out;
  out.exact = t.delta_sign < 0 ? -0.0 : 0.0;
  out.correctly_rounded = round_to_format(f, out.exact);
  out.ulp_log2 = int16_t(f.min_subnormal_log2());
  out.side = int8_t(t.delta_sign);
  return out;
}

std::optional<RefValue> tail(const FunctionSpec& s, const Format& f, double x) {
  if (!tail_holds(s, f, x)) return std::nullopt;
  return tail_value(s, f, x);
}

// The inputs from which the tail holds all the way out, per function and format, so that the
// per-input test is a comparison. The bound D(x) decreases for |x| >= 1 (each family's D is a
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

TailThresholds compute_tail_thresholds(const FunctionSpec& s, const Format& f) {
  TailThresholds t;
  if (!s.tail) return t;
  auto first_holding = [&](int64_t lo, int64_t hi, bool upward) -> std::optional<double> {
    // Ordinals [lo, hi]; the predicate holds from some point towards the far end (hi when
    // upward, lo otherwise).
    const int64_t far = upward ? hi : lo;
    if (!tail_holds(s, f, to_double(f, from_ordinal(f, far)))) return std::nullopt;
    int64_t fail = upward ? lo - 1 : hi + 1, hold = far;  // predicate(hold) true
    while (std::abs(hold - fail) > 1) {
      const int64_t mid = fail + (hold - fail) / 2;
      if (tail_holds(s, f, to_double(f, from_ordinal(f, mid))))
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
// 2b. Head (HeadRule, reference/tiers.hpp): near zero, 0 < |x| <= 2^-8, r = A + delta with
// |delta| < 2^D, D = lx_factor * lx + lx_offset and |x| < 2^lx, lx = ilogb(x) + 1. D is an exact
// non-decreasing staircase in |x|, while the tolerance (a quarter of the finest grid step at A) is
// constant or grows like |x|, more slowly than D - so the rule holds on an interval around zero,
// found once by bisection. A need not be a value of the format (x/2 for an odd subnormal x): the
// decision procedure rounds A with the sign of delta breaking the tie, which is what the exact
// value does.

const Anchor& head_anchor(const HeadRule& h, double x) { return x > 0 ? h.positive : h.negative; }

bool head_holds(const FunctionSpec& s, const Format& f, double x) {
  const double ax = std::fabs(x);
  if (!s.head || !(ax > 0 && ax <= 0x1p-8)) return false;
  const int lx = std::ilogb(ax) + 1;  // |x| < 2^lx
  const int d = s.head->lx_factor * lx + s.head->lx_offset;
  return d < ulp_log2(f, head_anchor(*s.head, x).at(x)) - 1 - ulp_resolution_bits(f) - 2;
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

HeadThresholds compute_head_thresholds(const FunctionSpec& s, const Format& f) {
  HeadThresholds h;
  if (!s.head) return h;
  const uint32_t top = round_to_format(f, 0x1p-8);
  for (int sign : {1, -1}) {
    const uint32_t sb = sign > 0 ? 0 : f.sign_mask();
    int64_t hold = 0, fail = int64_t(top) + 1;  // magnitudes as bit patterns; 0: none holds
    if (!head_holds(s, f, to_double(f, sb | 1))) continue;
    hold = 1;
    if (head_holds(s, f, to_double(f, sb | top))) {
      hold = top;
    } else {
      fail = top;
      while (fail - hold > 1) {
        const int64_t mid = hold + (fail - hold) / 2;
        if (head_holds(s, f, to_double(f, sb | uint32_t(mid))))
          hold = mid;
        else
          fail = mid;
      }
    }
    (sign > 0 ? h.positive : h.negative) = to_double(f, sb | uint32_t(hold));
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

ReferencePlan compute_plan(const FunctionSpec& s, const Format& f) {
  ReferencePlan p;
  p.tails = compute_tail_thresholds(s, f);
  p.heads = compute_head_thresholds(s, f);
  // Tails: from the threshold T out to the largest finite value of T's sign.
  auto tail_side = [&](double x) {
    if (!std::isfinite(x)) return SidePlan{};
    const uint32_t sign = x < 0 ? f.sign_mask() : 0;
    return SidePlan{tail_anchor(*s.tail, x), tail_value(s, f, x), 0, round_to_format(f, x),
                    sign | f.max_finite_bits()};
  };
  // Heads: from the smallest subnormal of the threshold's sign out to the threshold.
  // x/2 is a value of the format where it is normal; x and the constants are everywhere.
  const double half_exact_from = std::ldexp(1.0, f.emin() + 1);
  auto head_side = [&](double x) {
    if (x == 0) return SidePlan{};
    const Anchor& h = head_anchor(*s.head, x);
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
  constexpr size_t kFormats = std::size(all_formats);
  constexpr size_t kFunctions = 64;  // at least the registry's size (checked below)
  static std::once_flag once[kFunctions][kFormats];
  static ReferencePlan cache[kFunctions][kFormats];
  const size_t fi = fn.index();
  if (fi >= kFunctions) throw std::logic_error("reference_plan: raise kFunctions");
  for (size_t i = 0; i < kFormats; ++i) {
    if (all_formats[i] != &f) continue;
    std::call_once(once[fi][i], [&] { cache[fi][i] = compute_plan(fn.spec(), f); });
    return cache[fi][i];
  }
  thread_local ReferencePlan other;  // a format outside the list: computed each time
  other = compute_plan(fn.spec(), f);
  return other;
}

// ---------------------------------------------------------------------------------------------
// 3a. Fast tier: each family's formula in double (reference/tiers.hpp), r = a + d exactly with
// |d - d*| <= b.

// The fast tier's value at one input (for tests of its bound).
FastValue fast_value_at(const FunctionSpec& s, double x) {
  SleefCalls calls;
  Record record{calls};
  (void)s.fast.record(x, record);
  calls.evaluate();
  Replay replay{calls};
  return s.fast.replay(x, replay);
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
  const int grid_precision = f.precision() + ulp_resolution_bits(f);
  const int grid_floor = f.min_subnormal_log2() - ulp_resolution_bits(f);
  const double q = round_bits(s.hi, grid_precision, grid_floor, nullptr);
  const uint64_t qbits = std::bit_cast<uint64_t>(q) & 0x7fffffffffffffff;
  if (qbits < (uint64_t{1} << 52) || (qbits & ((uint64_t{1} << 52) - 1)) == 0) return false;
  const int e = int(qbits >> 52) - 1023;
  const int ulp = std::max(e, f.emin()) - f.precision() + 1;
  const double half_step =
      std::bit_cast<double>(uint64_t(ulp - ulp_resolution_bits(f) - 1 + 1023) << 52);
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
  if (v.exact) {
    const DD r = two_sum(v.a, v.d);  // a + d exactly
    const auto e = decide(f, r, r);
    if (e) out = *e;
    return e.has_value();
  }
  // Widen b so that fl(d -+ b) still brackets d* (the subtraction rounds by <= u), and by 2^-1070
  // (16 of double's smallest subnormals) against underflow in the formulas, whose roundings in
  // the subnormal range each err by at most half of one.
  const double b = v.b + (std::fabs(v.d) + v.b) * 0x1p-51 + 0x1p-1070;
  if (decide_in_grid_cell(f, v.a, v.d, b, out)) return true;
  const auto r = decide(f, two_sum(v.a, v.d - b), two_sum(v.a, v.d + b));
  if (r) out = *r;
  return r.has_value();
}

// ---------------------------------------------------------------------------------------------
// 3b. MPFR tier: each family's formula at a ladder of precisions (reference/tiers.hpp).

RefValue mpfr_tier(const FunctionSpec& s, const Format& f, double x) {
  auto& counters = reference_counters();
  ++counters.mpfr;
  for (size_t k = 0; k < kMpfrSteps; ++k) {
    if (kMpfrLadder[k] == 320) ++counters.mpfr_max_bits;  // 1065 bits and beyond
    if (const auto r = s.mpfr.at[k](x))
      if (const auto v = decide(f, r->lo, r->hi)) return *v;
  }
  throw std::runtime_error(
      fmt::format("reference: {}({:a}) in {} is not decided at 2128 bits", s.name, x, f.name));
}

}  // namespace

ReferenceCounters& reference_counters() {
  thread_local ReferenceCounters counters;
  return counters;
}

namespace {
// The value on a side of a tail or of the head.
[[gnu::always_inline]] inline RefValue side_value(const Format& f, const SidePlan& side, double x) {
  if (side.anchor.scale == 0) return side.constant;
  if (std::fabs(x) >= side.exact_from)
    return anchored(f, side.anchor.scale * x, side.anchor.delta_sign);
  return head_value(f, side.anchor, x);
}

// Tiers 1 and 2: special inputs, tails and head; false when x is in none of them.
[[gnu::always_inline]] inline bool analytic_value(const FunctionSpec& s, const Format& f, double x,
                                                  const ReferencePlan& plan,
                                                  ReferenceCounters& counters, RefValue& out) {
  if (!std::isfinite(x) || x == 0) {
    if (x == 0 && s.specials.zero_by_tiers()) return false;  // f(0) is not a double
    ++counters.special;
    out = *special(s, f, x);
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
                                                      std::span<RefValue> out, ReferenceMode mode) {
  const ReferencePlan& plan = reference_plan(fn, f);
  const FunctionSpec& s = fn.spec();
  // Local counts: the stores to out[] would otherwise pin the shared ones in memory. (The rare
  // MPFR tier counts itself, in mpfr_tier.)
  ReferenceCounters counters;
  thread_local std::vector<uint32_t> fast_at;  // inputs whose formula calls SLEEF
  thread_local SleefCalls calls;
  fast_at.clear();
  calls.clear();
  Record record{calls};
  auto fast_or_mpfr = [&](double x, const FastValue& v, RefValue& value)
      __attribute__((always_inline)) {
    if (fast_decision(f, v, value)) {
      ++counters.fast;
    } else {
      value = mpfr_tier(s, f, x);
    }
  };
  // One input: tiers 1 and 2, else MPFR or the fast tier (decided now when its formula makes no
  // SLEEF call, a series near zero; otherwise after the batch of SLEEF calls).
  auto one_input = [&](size_t i) __attribute__((always_inline)) {
    const double x = to_double(f, x_bits[i]);
    if (analytic_value(s, f, x, plan, counters, out[i])) return;
    if (mode == ReferenceMode::mpfr) {
      out[i] = mpfr_tier(s, f, x);
      return;
    }
    const size_t recorded = calls.recorded;
    const FastValue v = s.fast.record(x, record);
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
  Replay replay{calls};
  for (const uint32_t i : fast_at) {
    const double x = to_double(f, x_bits[i]);
    fast_or_mpfr(x, s.fast.replay(x, replay), out[i]);
  }
  counters.add_to(reference_counters());
}
// ---------------------------------------------------------------------------------------------
// 4. Graded pairs (format.hpp): inputs of f.in(), the value graded is g = scale * r rounded to
// f's layout. The same tiers in the same order, each ending in the same decision procedure, on
// enclosures of g: every interval [lo, hi] of r becomes [scale * lo, scale * hi] (scale > 0 keeps
// the order), computed exactly or rounded outwards (`scaled`). So g is never rounded twice on its
// way to the reference. The plans of section 2 (thresholds found once by bisection) assume that
// the anchor is a value of the format, which scale * A need not be: a rule is tried per input
// instead, as the interval (A, A + 2^D) (or (A - 2^D, A)) that it states, and decides wherever
// that interval does.

// Magnitudes below this round alike in every supported format, on its grid and in its binade
// (format_is_supported: min_subnormal_log2 - 12 > -1022): an enclosure end below it is moved to
// it, keeping its sign, so that no end underflows double.
double tiny_for(const Format& f) {
  return std::bit_cast<double>(uint64_t(f.min_subnormal_log2() - 12 + 1023) << 52);
}

// scale * v as a double-double below (dir < 0) or above (dir > 0) it: exact when it fits one.
// scale * hi and scale * lo are each exact as a pair of doubles (fma), unless scale * lo
// underflows double, when the end is moved outwards by 2^-1070; the correctly rounded sum of the
// four (mpfr_sum) is the high part, and the remainder rounded in direction dir the low part.
DD scaled(const Format& f, DD v, int dir) {
  const double scale = f.scale;
  if (v.hi == 0) return v;  // a signed zero stays one (scale > 0)
  const double tiny = tiny_for(f);
  if (std::fabs(v.hi) * scale <= 2 * tiny) return {std::copysign(tiny, v.hi), 0};
  const double p1 = scale * v.hi, e1 = std::fma(scale, v.hi, -p1);
  if (v.lo == 0) return two_sum(p1, e1);
  const double p2 = scale * v.lo, e2 = std::fma(scale, v.lo, -p2);
  const double widen = std::fabs(p2) < 0x1p-950 ? dir * 0x1p-1070 : 0.0;
  mpfr_t terms[6];
  for (mpfr_t& t : terms) mpfr_init2(t, 53);
  mpfr_set_d(terms[0], p1, MPFR_RNDN);
  mpfr_set_d(terms[1], e1, MPFR_RNDN);
  mpfr_set_d(terms[2], p2, MPFR_RNDN);
  mpfr_set_d(terms[3], e2, MPFR_RNDN);
  mpfr_set_d(terms[4], widen, MPFR_RNDN);
  mpfr_ptr ptrs[] = {terms[0], terms[1], terms[2], terms[3], terms[4], terms[5]};
  mpfr_t sum;
  mpfr_init2(sum, 53);
  mpfr_sum(sum, ptrs, 5, MPFR_RNDN);
  const double hi = mpfr_get_d(sum, MPFR_RNDN);
  mpfr_set_d(terms[5], -hi, MPFR_RNDN);
  mpfr_sum(sum, ptrs, 6, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
  const double lo = mpfr_get_d(sum, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
  mpfr_clear(sum);
  for (mpfr_t& t : terms) mpfr_clear(t);
  return two_sum(hi, lo);
}

std::optional<RefValue> decide_scaled(const Format& f, DD lo, DD hi) {
  return decide(f, scaled(f, lo, -1), scaled(f, hi, +1));
}

// g where r = v exactly (a double, or +-inf).
RefValue scaled_exact(const Format& f, double v) {
  if (!std::isfinite(v) || v == 0) return exact_result(f, v);
  return *decide_scaled(f, DD{v, 0}, DD{v, 0});  // a point: decided
}

// g where r = A + delta, delta of sign `sign` and |delta| < 2^log2_delta, when the interval
// decides it. The near end is scale * A moved by a tiny amount of delta's sign when it is exact
// (r is strictly beyond it); the far end A + sign * 2^D is widened to at least 2^-100 |A| so
// that it is a double-double.
std::optional<RefValue> scaled_rule(const Format& f, double A, int sign, double log2_delta) {
  if (sign == 0) return std::nullopt;
  DD near = scaled(f, DD{A, 0}, -sign);
  if (near.hi == 0) {
    near = DD{sign * tiny_for(f), 0};
  } else if (near.lo == 0) {
    near.lo = sign * std::fabs(near.hi) * 0x1p-100;
  }
  const double floor_log2 = A == 0 ? -1000.0 : std::ilogb(A) - 100.0;
  const double width = std::exp2(std::max(log2_delta + 1, floor_log2));
  const DD far = scaled(f, two_sum(A, sign * width), sign);
  return sign > 0 ? decide(f, near, far) : decide(f, far, near);
}

[[gnu::always_inline]] inline std::optional<RefValue> pair_analytic(const FunctionSpec& s,
                                                                    const Format& f, double x) {
  if (!std::isfinite(x) || x == 0) {
    if (x == 0 && s.specials.zero_by_tiers()) return std::nullopt;
    const RefValue r = *special(s, f.in(), x);
    if (std::isnan(x)) {
      RefValue out;
      out.correctly_rounded = f.nan_bits();
      out.exact = r.exact;
      out.ulp_log2 = int16_t(f.min_subnormal_log2());
      return out;
    }
    return scaled_exact(f, r.exact);
  }
  if (const auto t = tail_bound(s, x)) {
    if (auto r = scaled_rule(f, t->asymptote, t->delta_sign, t->log2_delta)) return r;
  }
  const double ax = std::fabs(x);
  if (s.head && ax <= 0x1p-8) {
    const Anchor& h = head_anchor(*s.head, x);
    const int lx = std::ilogb(ax) + 1;
    const double d = s.head->lx_factor * lx + s.head->lx_offset;
    if (auto r = scaled_rule(f, h.at(x), h.delta_sign, d)) return r;
  }
  return std::nullopt;
}

// The fast tier's r = a + d, |d - d*| <= b, as g = a' + d' with the same kind of bound: a' + e =
// scale * a exactly (fma), d' = e + scale * d with two roundings, each within u of its result,
// which 2^-51 (|scale * d| + |d'|) covers; the bound scales with 2^-50 for its own rounding. An
// exact value (relu2) is a point, scaled exactly.
bool pair_fast_decision(const Format& f, const FastValue& v, RefValue& out) {
  if (!std::isfinite(v.d) || !std::isfinite(v.b)) return false;
  if (v.exact) {
    const DD r = two_sum(v.a, v.d);
    const auto e = decide_scaled(f, r, r);
    if (e) out = *e;
    return e.has_value();
  }
  const double scale = f.scale;
  const double a = scale * v.a, e = std::fma(scale, v.a, -a);
  const double sd = scale * v.d;
  const double d = e + sd;
  const double b = scale * v.b * (1 + 0x1p-50) + (std::fabs(sd) + std::fabs(d)) * 0x1p-51;
  return fast_decision(f, FastValue{a, d, b, false}, out);
}

RefValue pair_mpfr_tier(const FunctionSpec& s, const Format& f, double x) {
  auto& counters = reference_counters();
  ++counters.mpfr;
  for (size_t k = 0; k < kMpfrSteps; ++k) {
    if (kMpfrLadder[k] == 320) ++counters.mpfr_max_bits;
    if (const auto r = s.mpfr.at[k](x))
      if (const auto v = decide_scaled(f, r->lo, r->hi)) return *v;
  }
  throw std::runtime_error(fmt::format("reference: {} * {}({:a}) in {} is not decided at 2128 bits",
                                       f.scale, s.name, x, f.name));
}

void pair_reference_batch(Function fn, const Format& f, std::span<const uint32_t> x_bits,
                          std::span<RefValue> out, ReferenceMode mode) {
  const FunctionSpec& s = fn.spec();
  ReferenceCounters counters;
  thread_local std::vector<uint32_t> fast_at;
  thread_local SleefCalls calls;
  fast_at.clear();
  calls.clear();
  Record record{calls};
  auto fast_or_mpfr = [&](double x, const FastValue& v, RefValue& value) {
    if (pair_fast_decision(f, v, value)) {
      ++counters.fast;
    } else {
      value = pair_mpfr_tier(s, f, x);
    }
  };
  for (size_t i = 0; i < x_bits.size(); ++i) {
    const double x = to_double(f.in(), x_bits[i]);
    if (const auto r = pair_analytic(s, f, x)) {
      ++(std::isfinite(x) && x != 0 ? counters.tail : counters.special);
      out[i] = *r;
      continue;
    }
    if (mode == ReferenceMode::mpfr) {
      out[i] = pair_mpfr_tier(s, f, x);
      continue;
    }
    const size_t recorded = calls.recorded;
    const FastValue v = s.fast.record(x, record);
    if (calls.recorded == recorded) {
      fast_or_mpfr(x, v, out[i]);
    } else {
      fast_at.push_back(uint32_t(i));
    }
  }
  if (!fast_at.empty()) {
    calls.evaluate();
    Replay replay{calls};
    for (const uint32_t i : fast_at) {
      const double x = to_double(f.in(), x_bits[i]);
      fast_or_mpfr(x, s.fast.replay(x, replay), out[i]);
    }
  }
  counters.add_to(reference_counters());
}
}  // namespace

void reference_batch(Function fn, const Format& f, std::span<const uint32_t> x_bits,
                     std::span<RefValue> out, ReferenceMode mode) {
  if (f.is_pair()) return pair_reference_batch(fn, f, x_bits, out, mode);
  with_constant_format(
      f, [&](const Format& g)
             __attribute__((always_inline)) { reference_batch_in(fn, g, x_bits, out, mode); });
}

int sign_of_difference(Function fn, const Format& f, uint32_t x_bits, double t_hi, double t_lo) {
  const FunctionSpec& s = fn.spec();
  const double x = to_double(f, x_bits);
  const DD t = two_sum(t_hi, t_lo);
  auto less = [](DD a, DD b) { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); };
  auto against_point = [&](double r) {  // sign(r - t) for a double r, exactly
    const DD d = two_sum(r, -t.hi);
    return sign_of(two_sum(d.hi, d.lo - t.lo));
  };
  if (std::isnan(x)) return 0;
  if (const auto sp = special(s, f, x)) return against_point(sp->exact);
  if (const auto tb = tail_bound(s, x); tb && tail_holds(s, f, x)) {
    // r = A + delta, delta of a known sign, |delta| < 2^D.
    if (t.hi == tb->asymptote && t.lo == 0) return tb->delta_sign;
    const DD gap = two_sum(tb->asymptote, -t.hi);
    const DD g = two_sum(gap.hi, gap.lo - t.lo);
    if (std::fabs(g.hi) > std::ldexp(1.0, int(std::ceil(tb->log2_delta)) + 2)) return sign_of(g);
  }
  for (size_t k = 0; k < kMpfrSteps; ++k) {
    const auto e = s.mpfr.at[k](x);
    if (!e) continue;
    if (less(t, e->lo)) return 1;
    if (less(e->hi, t)) return -1;
    const bool point = e->lo.hi == e->hi.hi && e->lo.lo == e->hi.lo;
    if (point) return 0;  // the exact value is t itself
  }
  return 0;
}

std::optional<double> detail::fast_bound_ratio(Function fn, const Format& f, double x) {
  const FunctionSpec& s = fn.spec();
  if (special(s, f, x) || tail(s, f, x) || head_holds(s, f, x)) return std::nullopt;
  const FastValue v = fast_value_at(s, x);
  if (!std::isfinite(v.d) || !std::isfinite(v.b)) return std::nullopt;
  if (v.exact) {  // the enclosure must be the point a + d itself: ratio 0, else a violation
    const auto e = s.mpfr.at[1](x);
    const DD c = two_sum(v.a, v.d);
    const bool same =
        e && e->lo.hi == c.hi && e->lo.lo == c.lo && e->hi.hi == c.hi && e->hi.lo == c.lo;
    return same ? 0.0 : INFINITY;
  }
  // An upper bound on |r - (a + d)| / b from an MPFR enclosure [lo, hi] of r, computed exactly
  // from the double-double ends: max(hi - c, c - lo) / b, c = a + d; used once the enclosure is
  // narrower than b/128. 134 bits resolve most bounds; small ones (d can be 2^-298 |a|, tanh_grad
  // at the smallest fp32 subnormal) need 533 bits.
  using R = Real<160>;
  for (size_t k : {size_t(1), size_t(3)}) {
    const auto e = s.mpfr.at[k](x);
    if (!e) continue;
    const R lo = R(e->lo.hi) + R(e->lo.lo), hi = R(e->hi.hi) + R(e->hi.lo);
    const R c = R(v.a) + R(v.d);
    if (!((hi - lo) * 128 <= R(v.b))) continue;
    const R above = hi - c, below = c - lo;
    return static_cast<double>((above > below ? above : below) / R(v.b));
  }
  return INFINITY;  // unresolved: reported as a violation
}

std::string detail::last_step_decimal(mpfr_srcptr v, int digits) {
  // What Boost's str(digits, scientific) writes (1 + digits significant digits, "e-01"), without
  // its string code, which g++ 12 warns about (-Wrestrict, a false positive).
  char* text = nullptr;
  if (mpfr_asprintf(&text, "%.*Re", digits, v) < 0) throw std::bad_alloc();
  std::string out(text);
  mpfr_free_str(text);
  return out;
}

std::string exact_decimal(Function fn, double x, int digits) {
  const FunctionSpec& s = fn.spec();
  if (std::isnan(x)) return "nan";
  if (const auto r = special(s, fp32, x)) return fmt::format("{}", r->exact);
  if (const auto t = tail_bound(s, x); t && t->log2_delta < -1000) {
    if (t->asymptote == 0)
      return fmt::format("{}0 (|f(x)| < 2^{:.0f}, analytic tail bound)",
                         t->delta_sign < 0 ? "-" : "", t->log2_delta);
    return fmt::format("{} {} d, 0 < d < 2^{:.0f} (analytic tail bound)", t->asymptote,
                       t->delta_sign < 0 ? "-" : "+", t->log2_delta);
  }
  return s.mpfr.decimal(x, digits);
}

}  // namespace gelucheck
