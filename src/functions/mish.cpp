// Mish, x tanh(softplus(x)), and its derivative: everything the program knows about them. With
// e = e^x and n = e (e + 2) = (1 + e)^2 - 1:
//   t = tanh(ln(1 + e)) = n/(n + 2),  1 - t = 2/(n + 2),  1 - t^2 = 4 (n + 1)/(n + 2)^2,
// so mish(x) = x n/(n + 2) = x - 2x/(n + 2), and with s = sigma(x) = e/(1 + e),
//   mish'(x) = t + x (1 - t^2) s.
// Every quantity is a ratio of positive sums: nothing cancels except where mish' crosses 0 and 1.
#include <cmath>

#include "functions/constants.hpp"
#include "functions/families.hpp"
#include "functions/kernel_formulas.hpp"
#include "functions/roots.hpp"

namespace gelucheck::families {
namespace {

using namespace constants;
using namespace error_units;
using std::exp, std::expm1, std::log, std::log1p, std::tanh;

// ---------------------------------------------------------------------------------------------
// Reference: tails, |x| >= 1, with n + 2 > e^2x and n < 2e (1 + e/2) <= 2.4 e for x <= -1:
//   mish,  x >= 1:  r = x - 2x/(n + 2),             0 < 2x/(n + 2) < 2x e^-2x
//   mish,  x <= -1: r = x n/(n + 2) < 0,            |r| < |x| n/2 < 1.2 |x| e^x < 2 |x| e^x
//   mish', x >= 1:  r = 1 + (1 - t)(x (1 + t) s - 1): x (1 + t) s increases and is 1.36 at 1,
//                   so 0 < delta < x (1 + t) s (1 - t) < 2x * 2/(n + 2) < 4x e^-2x
//   mish', x <= -2: r = t + x (1 - t^2) s < 0: t < n/2 < 1.07 e, (1 - t^2) s > 0.979 * 0.88 e,
//                   so r < e (1.07 - 2 * 0.86) < 0; |r| < t + |x| s < (|x| + 2) e^x
// Between -2 and -1 mish' changes sign (its zero is at -1.19): no rule there, bound +inf.
// mish(-3e38) is e^(-3e38)-small: only the rule decides it.
double log2_mish_tail(double x) {
  const double ax = std::fabs(x);
  return 1 + std::log2(ax) - (x > 0 ? 2 : 1) * ax * kLog2E;
}
double log2_grad_tail(double x) {
  if (x > 0) return 2 + std::log2(x) - 2 * x * kLog2E;
  return x > -2 ? INFINITY : std::log2(2 - x) + x * kLog2E;
}

// Head: mish(x) = 0.6x + 0.32x^2 + ... and mish'(0) = 3/5: neither 0.6x nor 3/5 is exact in
// binary, so no head rule; the fast tier decides those inputs (their values are normal doubles).

// ---------------------------------------------------------------------------------------------
// Reference: fast tier (reference/tiers.hpp). e = e^x carries L (argument exact). Sums of
// positive terms: e + 2 carries L + u, n = e (e + 2) 2L + 2u, n + 2 2L + 3u, n + 1 2L + 3u.

// Near zero mish(x) = 3x/5 + 0.32x^2 + ...: where 3x/5 is a value of the format (x's significand
// a multiple of 5), r lies 0.53|x| (relative) beside it, far inside the 2^-48 relative error of
// x t, so the formula above leaves every fifth input near 0 to MPFR. For |x| < 1/2 the anchor is
// a = fl(3x/5) and d = r - a is computed instead, in m = e^x - 1:
//   t - 3/5 = 2 (n - 3)/(5 (n + 2)),  n - 3 = m (m + 4),  n + 2 = (m + 2)^2 + 1,
//   d = (3x - 5a)/5 + x * 2 m (m + 4)/(5 ((m + 2)^2 + 1)).
// 3x is exact (a 24-bit significand times 3) and a multiple of ulp(a), as 5a is, and
// |3x - 5a| <= 5 ulp(a)/2: the fma gives 3x - 5a exactly; /5 errs by u. m = 2h/(1 - h),
// h = tanh(x/2) (L; |h| < 0.25, so 1 - h carries L + u): 2L + 2u. m + 4 and m + 2 (|m| < 1 <
// m + 2 when m < 0; positive sums otherwise): 2L + 3u; (m + 2)^2 + 1: 4L + 8u; m (m + 4): 4L + 6u;
// the quotient 8L + 16u, times x 8L + 17u: that term (positive: m has x's sign) carries
// (8L + 17u) of itself, the first u of itself, the sum u of d.
template <class M>
FastValue fast_mish_near_zero(double x, M& sleef) {
  const double a = 3 * x / 5;
  const double rest = std::fma(-5.0, a, 3 * x) / 5;  // 3 * x exact: checked by the caller
  const double h = sleef(SleefFunction::tanh, x / 2);
  const double m = 2 * h / (1 - h);
  const double k = x * (2 * m * (m + 4)) / (5 * ((m + 2) * (m + 2) + 1));
  const double d = rest + k;
  const double err = u * std::fabs(rest) + (8 * L + 17 * u) * std::fabs(k) + u * std::fabs(d);
  // Widened 2^10 times beyond the doubled first-order bound: r - a is tiny beside a here, and the
  // bound's test (fast_bound_ratio) measures it against double-double enclosures of r, whose low
  // parts round by 2^-52 of r - a. The decisions need far less: where 3x/5 is exact (rest = 0)
  // the bound stays below 2^-36 of r - a = k; elsewhere 3x/5 is at least 2^-37 |r| from every
  // point and edge of the 2^-10 ULP grid (both are multiples of a fifth of the grid step), and
  // the bound is about 2^-95 |r|.
  return {a, d, 0x1p10 * 2 * err};
}

template <class M>
FastValue fast_mish(double x, M& sleef) {
  if (std::fabs(x) < 0.5 && std::fma(3.0, x, -3 * x) == 0) return fast_mish_near_zero(x, sleef);
  const double e = sleef(SleefFunction::exp, x);
  const double n = e * (e + 2);
  if (x >= 1) {
    const double d = -2 * x / (n + 2);  // r = x - 2x/(n + 2)
    return {x, d, 2 * (2 * L + 4 * u) * std::fabs(d)};
  }
  const double d = x * (n / (n + 2));  // r = x t, t: 4L + 6u
  return {0, d, 2 * (4 * L + 7 * u) * std::fabs(d)};
}

template <class M>
FastValue fast_mish_grad(double x, M& sleef) {
  const double e = sleef(SleefFunction::exp, x);
  const double n = e * (e + 2);
  const double s = e / (1 + e);  // 2L + 2u
  const double s_err = 2 * L + 2 * u;
  if (x >= 1) {
    // r = 1 + q g, q = 1 - t = 2/(n + 2) (2L + 4u), g = x (1 + t) s - 1 >= 0.36: 1 + t = 2 - q
    // with q < 0.14 carries at most L + 2u.
    const double q = 2 / (n + 2);
    const double m = x * (2 - q) * s;  // 3L + 6u
    const double g = m - 1;
    const double g_err = (3 * L + 6 * u) * m + u * g;
    const double d = q * g;
    return {1, d, 2 * (q * g_err + (2 * L + 5 * u) * d)};
  }
  // r = t + x w s, t = n/(n + 2) (4L + 6u), w = 1 - t^2 = 4 (n + 1)/(n + 2)^2 (6L + 11u); the
  // sum cancels near mish's minimum: its error is absolute.
  const double p = n + 2;
  const double t = n / p;
  const double w = 4 * (n + 1) / (p * p);
  const double k = x * w * s;  // 8L + 15u + s_err - (2L + 2u) = 8L + 15u
  const double d = t + k;
  const double err =
      (4 * L + 6 * u) * t + (6 * L + 13 * u + s_err) * std::fabs(k) + u * std::fabs(d);
  return {0, d, 2 * err};
}

// ---------------------------------------------------------------------------------------------
// Reference: MPFR tier. Relative error per operation U; exp's argument is exact.

struct MishMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R e = exp(x);
    const R n = e * (e + 2);        // e + 2: 2U; n: 4U
    const R v = x * (n / (n + 2));  // n + 2: 5U; /: 10U; x*: 11U
    return {v, abs(v) * 24 * unit_roundoff<R>()};
  }
};

struct MishGradMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R U = unit_roundoff<R>();
    const R e = exp(x);
    const R n = e * (e + 2);
    const R p = n + 2;
    const R t = n / p;                  // 10U
    const R w = 4 * (n + 1) / (p * p);  // n + 1: 6U; p^2: 11U; /: 18U
    const R s = e / (1 + e);            // 4U
    const R k = x * w * s;              // 24U
    const R v = t + k;
    return {v, (abs(t) * 10 + abs(k) * 24 + abs(v)) * 2 * U};
  }
};

// ---------------------------------------------------------------------------------------------
// Derivative facts in double. With t' = (1 - t^2) s and s' = s (1 - s):
//   f'  = t + x (1 - t^2) s
//   f'' = 2 (1 - t^2) s + x (1 - t^2) s (1 - s - 2 t s) = (1 - t^2) s (2 + x (1 - s - 2 t s))
// Each piece as a ratio of positive sums: for x < 0 in e = e^x (P = e^2 + 2e + 2),
//   t = e (e + 2)/P,  1 - t^2 = 4 (1 + e)^2/P^2,  s = e/(1 + e),  t/s = (e + 2)(1 + e)/P;
// for x >= 0 in y = e^-x (Q = 1 + 2y + 2y^2),
//   t = (1 + 2y)/Q,  1 - t^2 = 4 y^2 (1 + y)^2/Q^2,  s = 1/(1 + y),  1 - s = y/(1 + y).
// kappa = |x f''/f'|; for x < 0 with s divided out of both (f' and f'' underflow together):
//   kappa = |x (1 - t^2) B / (t/s + x (1 - t^2))|,  B = 2 + x (1 - s - 2 t s).
// f'' = 0 where B = 0: at -2.2563763963607931 (f' minimum) and 1.4905711794854285 (maximum);
// f' = 0 at -1.1924312145154952 (mish's minimum).

struct Pieces {
  double t, w, s, one_minus_s, t_over_s;  // w = 1 - t^2
};
Pieces pieces(double x) {
  if (x < 0) {
    const double e = std::exp(x), p = e * e + 2 * e + 2;
    return {e * (e + 2) / p, 4 * (1 + e) * (1 + e) / (p * p), e / (1 + e), 1 / (1 + e),
            (e + 2) * (1 + e) / p};
  }
  const double y = std::exp(-x), q = 1 + 2 * y + 2 * y * y;
  const double t = (1 + 2 * y) / q, s = 1 / (1 + y);
  return {t, 4 * y * y * (1 + y) * (1 + y) / (q * q), s, y / (1 + y), t / s};
}
double bracket(double x, const Pieces& p) { return 2 + x * (p.one_minus_s - 2 * p.t * p.s); }
double grad_value(double x) {
  const Pieces p = pieces(x);
  return p.t + x * p.w * p.s;
}
double grad_condition(double x) {
  const Pieces p = pieces(x);
  return std::fabs(x * p.w * bracket(x, p) / (p.t_over_s + x * p.w));
}

DerivativeShape grad_shape() {
  // B is -0.84 at -3, 0.30 at -2, 1.00 at 1, -1.24 at 2; for x < -3 the factor 1 - s - 2ts
  // (increasing to 1) keeps B < 0, and for x > 2 it is below -1.6 (falling to -2): two roots.
  // f' is -0.108 at -2 and 0.059 at -1: one root (f' > 0 for x > -1, < 0 for x < -2).
  auto b = [](double x) { return bracket(x, pieces(x)); };
  DerivativeShape s;
  s.extrema = {root_between(b, -3.0, -2.0), root_between(b, 1.0, 2.0)};
  s.zeros = {root_between(grad_value, -2.0, -1.0)};
  return s;
}

// ---------------------------------------------------------------------------------------------
// Catalogue formulas (implementations.cpp names the sets).
//  "textbook": PyTorch's mish, x * tanh(log1p(exp(x))) (aten/src/ATen/native/cpu/Activation.cpp
//    mish_kernel, cuda/ActivationMishKernel.cu; Half and BFloat16 in float), and its backward
//    s = 1/(1 + exp(-x)), t = tanh(log1p(exp(x))), t + x * s * (1 - t * t).
//  "n_rewrite": the rewrite used by fast kernels, darknet's CUDA mish_yashas2
//    (src/activation_kernels.cu, AlexeyAB/darknet) and OpenCV's CUDA MishFunctor
//    (modules/dnn/src/cuda/functors.hpp): e = exp(x), n = e*e + 2*e, then x * (n/(n + 2)) for
//    x <= -0.6 and x - 2 * (x/(n + 2)) above (where n is inf for large x: x - 0). With expf and
//    an exact division where the CUDA code has __expf and __fdividef. Its backward is darknet's
//    CUDA gradient_array_mish_kernel: sp = softplus(x) (x if x > 20, expf(x) if x < -20, else
//    log1pf(expf(x))), grad_sp = -expm1f(-sp), tsp = tanh(sp), x * ((1 - tsp*tsp) * grad_sp) +
//    tsp.
//  "tfa": TensorFlow Addons' Mish and MishGrad (tensorflow_addons/custom_ops/activations/cc/
//    kernels/mish_op.h): TensorFlow's softplus thresholds, threshold = log(epsilon(T)) + 2:
//    sp = x if x > -threshold, exp(x) if x < threshold, else log(exp(x) + 1); x * tanh(sp);
//    backward grad_sp = 1 - exp(-sp), tsp = tanh(sp), x * ((1 - tsp*tsp) * grad_sp) + tsp. Its
//    1 - exp(-sp) cancels for x << 0 (it is sigma(x) there), which flips the sign of mish'.

struct TextbookMish {
  template <class T>
  static T eval(T x) {
    return x * tanh(log1p(exp(x)));
  }
};
struct TextbookMishGrad {
  template <class T>
  static T eval(T x) {
    const T s = T(1) / (T(1) + exp(-x));
    const T t = tanh(log1p(exp(x)));
    return t + x * s * (T(1) - t * t);
  }
};

struct RewriteMish {
  template <class T>
  static T eval(T x) {
    const T e = exp(x);
    const T n = e * e + T(2) * e;
    if (x <= T(-0.6)) return x * (n / (n + T(2)));
    return x - T(2) * (x / (n + T(2)));
  }
};
struct DarknetGpuMishGrad {
  template <class T>
  static T eval(T x) {
    const T sp = x > T(20) ? x : (x < T(-20) ? exp(x) : log1p(exp(x)));
    const T grad_sp = -expm1(-sp);
    const T tsp = tanh(sp);
    return x * ((T(1) - tsp * tsp) * grad_sp) + tsp;
  }
};

template <class T>
T tf_softplus(T x) {
  const T threshold = log(T(NumberTraits<T>::epsilon())) + T(2);
  const T e = exp(x);
  return x > -threshold ? x : (x < threshold ? e : log(e + T(1)));
}
struct TfaMish {
  template <class T>
  static T eval(T x) {
    return x * tanh(tf_softplus(x));
  }
};
struct TfaMishGrad {
  template <class T>
  static T eval(T x) {
    const T sp = tf_softplus(x);
    const T grad_sp = T(1) - exp(-sp);
    const T tsp = tanh(sp);
    return x * ((T(1) - tsp * tsp) * grad_sp) + tsp;
  }
};

constexpr CatalogueFormula kMishFormulas[] = {
    {"textbook", formula_kernels<TextbookMish>(),
     "x * tanh(log1p(exp(x))): PyTorch mish_kernel (aten/src/ATen/native/cpu/Activation.cpp, "
     "cuda/ActivationMishKernel.cu)"},
    {"n_rewrite", formula_kernels<RewriteMish>(),
     "x * n/(n + 2), n = e*e + 2e (x - 2x/(n + 2) above -0.6): darknet's CUDA mish_yashas2 "
     "(src/activation_kernels.cu), OpenCV's CUDA MishFunctor (modules/dnn/src/cuda/functors.hpp)"},
    {"tfa", formula_kernels<TfaMish>(),
     "x * tanh(sp), TensorFlow's softplus thresholds: TensorFlow Addons' Mish "
     "(tensorflow_addons/custom_ops/activations/cc/kernels/mish_op.h)"},
};
constexpr CatalogueFormula kMishGradFormulas[] = {
    {"textbook", formula_kernels<TextbookMishGrad>(),
     "t + x * s * (1 - t * t): PyTorch mish_backward (CPU, CUDA, double backward)"},
    {"n_rewrite", formula_kernels<DarknetGpuMishGrad>(),
     "x * ((1 - tanh(sp)^2) * -expm1(-sp)) + tanh(sp): darknet's CUDA "
     "gradient_array_mish_kernel"},
    {"tfa", formula_kernels<TfaMishGrad>(),
     "x * ((1 - tanh(sp)^2) * (1 - exp(-sp))) + tanh(sp): TensorFlow Addons' MishGrad"},
};

// ---------------------------------------------------------------------------------------------
// Plateaus: mish(x) - x -> 0 from below as x -> +inf, mish -> 0 from below as x -> -inf;
// mish' -> 1 from above and -> 0 from below. (mish'(0) = 3/5 is not a value of any format.)

constexpr Asymptote kMishPlateaus[] = {
    {"mish(x) = x", Approach::positive_tail, true, 0},
    {"mish(x) = -0", Approach::negative_tail, false, -0.0},
};
constexpr Asymptote kMishGradPlateaus[] = {
    {"mish'(x) = 1", Approach::positive_tail, false, 1.0},
    {"mish'(x) = -0", Approach::negative_tail, false, -0.0},
};

// Finite differences: the scales of SiLU (silu.cpp), whose shape mish has: l = max(1, x) for
// x >= 0 (f ~ x), 1 in the left tail (f ~ x e^x).
double mish_length(double x) { return x >= 0 ? std::max(1.0, x) : 1.0; }

}  // namespace

constinit const FunctionSpec kMish{
    .name = "mish",
    .definition = "x*tanh(softplus(x)) = x*tanh(ln(1 + exp(x)))",
    .parity = Parity::none,
    .derivative = &kMishGrad,
    .primitive = nullptr,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {INFINITY, -0.0, true, 0.0},
    .plateaus = kMishPlateaus,
    .tail = TailRule{{1, 0, -1}, {0, 0, -1}, log2_mish_tail},
    .head = std::nullopt,
    .fast = fast_formula<&fast_mish<Record>, &fast_mish<Replay>>(),
    .mpfr = mpfr_formula<MishMpfr>(),
    .formulas = kMishFormulas,
    .finite_difference_length = mish_length,
    .derivative_facts = std::nullopt,
};

constinit const FunctionSpec kMishGrad{
    .name = "mish_grad",
    .definition = "d/dx mish = t + x*(1 - t^2)*sigma(x), t = tanh(softplus(x))",
    .parity = Parity::none,
    .derivative = nullptr,
    .primitive = &kMish,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {1.0, -0.0, false, std::nullopt},  // mish'(0) = tanh(ln 2) = 3/5
    .plateaus = kMishGradPlateaus,
    .tail = TailRule{{0, 1, 1}, {0, 0, -1}, log2_grad_tail},
    .head = std::nullopt,
    .fast = fast_formula<&fast_mish_grad<Record>, &fast_mish_grad<Replay>>(),
    .mpfr = mpfr_formula<MishGradMpfr>(),
    .formulas = kMishGradFormulas,
    .finite_difference_length = nullptr,
    .derivative_facts = DerivativeFacts{grad_value, grad_condition, grad_shape},
};

}  // namespace gelucheck::families
