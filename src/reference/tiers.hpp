// What a function family states for the reference (reference.hpp), in the reference's own terms:
// the analytic rules of the tails and of the head near zero, the fast tier's formula in double
// with its error bound, and the MPFR tier's formula with its bound. A family file
// (functions/FAMILY.cpp) writes these for its functions; reference.cpp decides every input from
// them. Every bound here is an upper bound on an absolute error, proved beside the formula.
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/multiprecision/mpfr.hpp>  // mpfr_float_backend, number

#include "reference/sleef_batch.hpp"

namespace gelucheck {

// ---------------------------------------------------------------------------------------------
// Double-double values.

struct DD {  // hi + lo with |lo| <= ulp(hi)/2; hi == 0 implies lo == 0
  double hi = 0, lo = 0;
};

inline DD two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  const double e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

// An interval [lo, hi] of double-doubles known to hold the exact value.
struct DDInterval {
  DD lo, hi;
};

// ---------------------------------------------------------------------------------------------
// Analytic rules. Near an asymptote (in a tail) and near zero (the head) a function is
// r = A + delta with the anchor A = scale * x + offset, scale and offset doubles for which
// scale * x + offset is exact for every input x of every format (scale 0, 1/2 or 1 and offset 0,
// 1/2 or +-1 here), and delta tiny, of a known sign. Where |delta| is provably below a quarter of
// the finest grid step next to A, r's rounding, side and binade follow from A and the sign alone.
// A function whose plateau is not of this form (its constant is not a double, e.g. ln 2) states
// no rule there: the interval tiers decide those inputs, as they do everywhere else.

struct Anchor {
  double scale, offset;
  int delta_sign;                                           // sign of r - A
  double at(double x) const { return scale * x + offset; }  // exact: see above
};

// In the tails, |x| >= 1: r = A + delta, |delta| < 2^log2_bound(x), with log2_bound decreasing in
// |x| (reference.cpp finds where the rule starts by bisection and relies on that).
struct TailRule {
  Anchor positive, negative;       // for x >= 1 and for x <= -1
  double (*log2_bound)(double x);  // computed in double; one bit of margin covers its rounding
};

// Near zero, 0 < |x| <= 2^-8: r = A + delta, |delta| < 2^(lx_factor * lx + lx_offset) where
// |x| < 2^lx, lx = ilogb(x) + 1 (an exact staircase in |x|).
struct HeadRule {
  Anchor positive, negative;  // for x > 0 and for x < 0
  int lx_factor, lx_offset;
};

// ---------------------------------------------------------------------------------------------
// Fast tier: r = a + d exactly, with a exact in double, d computed in double, |d - d*| <= b.
// The anchor a (0, x/2, x, 1/2 or +-1) keeps the part of r that double cannot resolve next to a
// small deviation, so that the side of x/2 or 1 that r lies on is decided in double too.
// Bounds are first-order sums of relative errors (u per rounding, L per SLEEF call, the
// argument's error times the function's condition number), doubled to cover second-order terms.

// The units of the fast formulas' error bounds (a family writes `using namespace error_units;`).
namespace error_units {
inline constexpr double u = 0x1p-53;  // unit roundoff of double
// Error budget of one SLEEF call, relative to its result. SLEEF documents its functions as
// within 1.0 ULP (the _u10 variants: erf, exp, tanh) and 1.5 ULP (erfc_u15) of a double, i.e.
// at most 3u relative, for the scalar and the vector variants alike (sleef_batch.hpp uses the
// vector ones); the budget is 8u.
inline constexpr double L = 8 * u;
}  // namespace error_units

struct FastValue {
  double a, d, b;
  // a + d is the value itself, no error at all (relu2: x*x of a 24-bit x is exact in double).
  // The decision then takes the degenerate interval [a + d, a + d], so exact ties round to even
  // and the side is 0; without the flag b is widened against underflow (fast_decision), which an
  // exact value on a midpoint would never get past.
  bool exact = false;
};

// The fast formulas take their SLEEF values from `sleef`, called as sleef(SleefFunction,
// argument): which calls a formula makes, and in what order, depends on x alone. So a batch runs
// each formula twice: once with Record, which notes the calls, then, after every noted call was
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
  // The call fn(argument()), where the argument costs a call of its own (sleef_one): computed
  // only here, where it is recorded; Replay hands the value back without it.
  template <class Argument>
  double operator()(SleefFunction fn, Argument argument) {
    return (*this)(fn, argument());
  }
};
struct Replay {
  SleefCalls& calls;
  double operator()(SleefFunction fn, [[maybe_unused]] double arg) {
    const size_t i = calls.next[size_t(fn)]++;
    assert(calls.args[size_t(fn)][i] == arg);
    return calls.values[size_t(fn)][i];
  }
  template <class Argument>
  double operator()(SleefFunction fn, [[maybe_unused]] Argument argument) {
    const size_t i = calls.next[size_t(fn)]++;
    assert(calls.args[size_t(fn)][i] == argument());
    return calls.values[size_t(fn)][i];
  }
};

// A family's fast formula, `template <class M> FastValue formula(double x, M& sleef)`,
// instantiated for both passes. (A formula that is not finite, or whose interval is too wide,
// leaves the input to the MPFR tier.)
struct FastFormula {
  FastValue (*record)(double x, Record& sleef);
  FastValue (*replay)(double x, Replay& sleef);
};
template <FastValue (*R)(double, Record&), FastValue (*P)(double, Replay&)>
constexpr FastFormula fast_formula() {
  return {R, P};
}

// erf and tanh near zero, where SLEEF's general path is costly and two series terms are exact
// to double precision: erf t = (2/sqrt pi)(t - t^3/3 + t^5/10 - ...), tanh y = y - y^3/3 +
// 2y^5/15 - ...; below 2^-14 the first omitted term is below t^4/10 < 2^-59.3 relative (erf) and
// 2y^4/15 < 2^-58.9 relative (tanh), and the four roundings add at most 4u: within the budget L
// of a SLEEF call.
inline constexpr double kTwoOverSqrtPi = 0x1.20dd750429b6dp+0;  // 2/sqrt(pi)
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

// ---------------------------------------------------------------------------------------------
// MPFR tier at a fixed ladder of precisions (Boost.Multiprecision fixed-precision MPFR
// numbers: no global default precision is touched, so threads are independent). Each operation
// rounds to nearest at w bits, relative error <= U = 2^-w; bounds as in the fast tier, for the
// same formulas without anchors (precision, not anchoring, resolves r here).

namespace mp = boost::multiprecision;
template <unsigned Digits10>
using Real = mp::number<mp::mpfr_float_backend<Digits10, mp::allocate_stack>, mp::et_off>;

// Digits10 of the ladder: 68, 134, 267, 533, 1065, 2128 bits.
inline constexpr unsigned kMpfrLadder[] = {20, 40, 80, 160, 320, 640};
inline constexpr size_t kMpfrSteps = std::size(kMpfrLadder);

template <class R>
struct Enclosure {
  R value, bound;  // r in [value - bound, value + bound]
};

// 2^-w for the precision w of the numbers R.
template <class R>
R unit_roundoff() {
  return ldexp(R(1), -int(mpfr_get_prec(R(0).backend().data())));
}

// Converts an MPFR number to a double-double below (dir < 0) or above (dir > 0) it.
inline DD to_dd(mpfr_srcptr v, int dir) {
  const double hi = mpfr_get_d(v, MPFR_RNDN);
  mpfr_t rem;
  mpfr_init2(rem, mpfr_get_prec(v) + 64);
  mpfr_sub_d(rem, v, hi, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
  const double lo = mpfr_get_d(rem, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
  mpfr_clear(rem);
  return two_sum(hi, lo);
}

// A family's MPFR formula, `template <class R> Enclosure<R> S::enclose(const R& x)`, at every step
// of the ladder, and its value at 50 digits for callers that integrate (gradients.hpp).
struct MpfrFormula {
  // The enclosure at ladder step k as an interval of double-doubles; nullopt when not finite.
  std::array<std::optional<DDInterval> (*)(double x), kMpfrSteps> at;
  // f(x) at 50 digits (x and out: MPFR numbers of that precision, as Boost's
  // mpfr_float_backend<50> has them).
  void (*value_50_digits)(mpfr_ptr out, mpfr_srcptr x);
  // f(x) to `digits` significant decimal digits, from the last step of the ladder.
  std::string (*decimal)(double x, int digits);
};

namespace detail {
template <class S, unsigned D>
std::optional<DDInterval> enclose_at(double x) {
  const Enclosure<Real<D>> e = S::enclose(Real<D>(x));
  if (!mpfr_number_p(e.value.backend().data()) || !mpfr_number_p(e.bound.backend().data()))
    return std::nullopt;
  mp::number<mp::mpfr_float_backend<D + 20, mp::allocate_stack>, mp::et_off> lo, hi;
  if (mpfr_zero_p(e.bound.backend().data())) {  // exact (relu2): the point, a zero's sign kept
    mpfr_set(lo.backend().data(), e.value.backend().data(), MPFR_RNDN);
    mpfr_set(hi.backend().data(), e.value.backend().data(), MPFR_RNDN);
    return DDInterval{to_dd(lo.backend().data(), -1), to_dd(hi.backend().data(), +1)};
  }
  mpfr_sub(lo.backend().data(), e.value.backend().data(), e.bound.backend().data(), MPFR_RNDD);
  mpfr_add(hi.backend().data(), e.value.backend().data(), e.bound.backend().data(), MPFR_RNDU);
  return DDInterval{to_dd(lo.backend().data(), -1), to_dd(hi.backend().data(), +1)};
}
template <class S>
void value_50_digits(mpfr_ptr out, mpfr_srcptr x) {
  using R = mp::number<mp::mpfr_float_backend<50>, mp::et_off>;
  R xr = 0;  // a value, so that the number is allocated
  mpfr_set(xr.backend().data(), x, MPFR_RNDN);
  const Enclosure<R> e = S::enclose(xr);  // named: the number of an rvalue is moved from
  mpfr_set(out, e.value.backend().data(), MPFR_RNDN);
}
// v in scientific notation to `digits` significant digits (v at the ladder's last precision).
std::string last_step_decimal(mpfr_srcptr v, int digits);  // reference.cpp
template <class S>
std::string decimal(double x, int digits) {
  const Enclosure<Real<kMpfrLadder[kMpfrSteps - 1]>> e =
      S::enclose(Real<kMpfrLadder[kMpfrSteps - 1]>(x));
  return last_step_decimal(e.value.backend().data(), digits);
}
}  // namespace detail

template <class S>
constexpr MpfrFormula mpfr_formula() {
  return {{&detail::enclose_at<S, kMpfrLadder[0]>, &detail::enclose_at<S, kMpfrLadder[1]>,
           &detail::enclose_at<S, kMpfrLadder[2]>, &detail::enclose_at<S, kMpfrLadder[3]>,
           &detail::enclose_at<S, kMpfrLadder[4]>, &detail::enclose_at<S, kMpfrLadder[5]>},
          &detail::value_50_digits<S>,
          &detail::decimal<S>};
}

}  // namespace gelucheck
