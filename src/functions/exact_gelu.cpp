// The exact GELU, x Phi(x), and its derivative: everything the program knows about them.
// Phi is the standard normal CDF, phi its density, Q = 1 - Phi.
#include <cmath>
#include <limits>

#include <boost/math/constants/constants.hpp>  // pi

#include "functions/constants.hpp"
#include "functions/families.hpp"
#include "functions/gelu_shape.hpp"
#include "functions/kernel_formulas.hpp"
#include "functions/roots.hpp"

namespace gelucheck::families {
namespace {

using namespace constants;
using namespace error_units;
using kernel_formulas::erf_as7126;
using std::erf, std::erfc, std::exp;

// ---------------------------------------------------------------------------------------------
// Reference: tails. For |x| >= 1 (A&S 26.2.12, Mills' ratio: Q(x) < phi(x)/x for x > 0):
//   gelu_erf,  x >= 1:  r = x - x Q(x),          0 < x Q(x) < phi(x) < e^(-x^2/2)
//   gelu_erf,  x <= -1: r = x Q(|x|),            |r| < phi(x) < e^(-x^2/2)
//   gelu_erf_grad, x >= 1:  r = 1 + (x phi - Q), 0 < x phi - Q < x e^(-x^2/2)  (Q < phi/x <= x phi)
//   gelu_erf_grad, x <= -1: r = Q(|x|) + x phi,  -|x| e^(-x^2/2) < r < 0
double log2_gauss(double x) { return -0.5 * x * x * kLog2E; }  // log2 e^(-x^2/2)

// Head, 0 < |x| <= 2^-8, t = x/sqrt 2, |erf t| <= 2|t|/sqrt(pi):
//   gelu_erf:       r = x/2 + x erf(t)/2,             0 < delta <= x^2/sqrt(2 pi) < x^2/2
//   gelu_erf_grad:  r = 1/2 + erf(t)/2 + x phi,       sign(x) delta > 0, |delta| <= 0.8|x|

// ---------------------------------------------------------------------------------------------
// Reference: fast tier (reference/tiers.hpp). Conditions used: erfc at t > 0 has
// |t erfc'(t)/erfc(t)| < t (t + sqrt(t^2 + 2)) <= 2t^2 + 1 (A&S 7.1.13), erfc at t <= 0 and erf
// below 1; exp at z has |z|.

template <class M>
FastValue fast_gelu(double x, M& sleef) {
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
FastValue fast_gelu_grad(double x, M& sleef) {
  // x phi(x): x^2/2 carries 1u relative, i.e. x^2/2 u absolute, which exp turns into x^2/2 u
  // relative; the constant and two products add 3u.
  const double xphi = x * kInvSqrt2Pi * sleef(SleefFunction::exp, -0.5 * (x * x));
  const double xphi_err = L + (0.5 * x * x + 3) * u;
  const double t = x * kInvSqrt2;
  if (x >= 1) {
    const double q = 0.5 * sleef(SleefFunction::erfc, t);  // Q(x)
    const double d = xphi - q;                             // r = 1 + (x phi - Q), both > 0
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
  const double d = p + xphi;  // r < 0 here: cancellation, bound absolute
  const double err = (L + 2 * u * (x * x + 1)) * p + xphi_err * std::fabs(xphi) + u * std::fabs(d);
  return {0, d, 2 * err};
}

// ---------------------------------------------------------------------------------------------
// Reference: MPFR tier. Relative error per operation U; bounds from the same conditions.

struct GeluMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R U = unit_roundoff<R>();
    const double x2 = static_cast<double>(x) * static_cast<double>(x);  // bound coefficients only
    // t = -x/sqrt2 <= 2U; erfc <= U + (x^2 + 1) 2U; x*e/2 <= U.
    const R v = x * erfc(-x / sqrt(R(2))) / 2;
    return {v, abs(v) * (10 + 6 * x2) * U};
  }
};

struct GeluGradMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R U = unit_roundoff<R>();
    const double x2 = static_cast<double>(x) * static_cast<double>(x);
    const R A = erfc(-x / sqrt(R(2))) / 2;
    const R B = x * exp(-x * x / 2) / sqrt(2 * boost::math::constants::pi<R>());
    const R v = A + B;
    return {v, (abs(A) * (3 * (x2 + 1) + 1) + abs(B) * (x2 / 2 + 6) + abs(v)) * 2 * U};
  }
};

// ---------------------------------------------------------------------------------------------
// Derivative facts in double. With phi' = -x phi:
//   f'  = Phi + x phi
//   f'' = phi + phi + x phi' = phi (2 - x^2)
// kappa for x < 0, divided through by phi (so nothing underflows): with R = Phi(x)/phi(x), the
// Mills ratio of |x|,
//   kappa = |x (2 - x^2) / (R + x)|.
// R is computed from erfc and exp for x >= -30 (both far from double's underflow there), and from
// the asymptotic series R(t) = 1/t - 1/t^3 + 3/t^5 - 15/t^7 + 105/t^9 - ..., t = -x (Abramowitz &
// Stegun 26.2.12) beyond, where the first omitted term, 945/t^11, is below 2e-12 relative.

double grad_value(double x) {
  return 0.5 * std::erfc(-x * kInvSqrt2) + x * kInvSqrt2Pi * std::exp(-0.5 * x * x);
}
double second_value(double x) { return kInvSqrt2Pi * std::exp(-0.5 * x * x) * (2 - x * x); }

double grad_condition(double x) {
  if (x >= 0) return x * std::fabs(second_value(x)) / grad_value(x);
  double mills;
  if (x >= -30) {
    mills = 0.5 * std::erfc(-x * kInvSqrt2) / (kInvSqrt2Pi * std::exp(-0.5 * x * x));
  } else {
    const double t = -x, q = 1 / (t * t);
    mills = (1 - q * (1 - 3 * q * (1 - 5 * q * (1 - 7 * q)))) / t;
  }
  return std::fabs(x * (2 - x * x) / (mills + x));
}

DerivativeShape grad_shape() {
  DerivativeShape s;
  s.extrema = {-kSqrt2, kSqrt2};  // phi (2 - x^2) = 0
  // f'(-1) < 0 < f'(-0.5): the one zero, to the last bit of double.
  s.zeros = {root_between(grad_value, -1.0, -0.5)};
  return s;
}

// ---------------------------------------------------------------------------------------------
// Catalogue formulas. The textbook ones as PyTorch's GELU kernels
// (aten/src/ATen/native/cpu/Activation.cpp, cuda/ActivationGeluKernel.cu) spell them.

struct TextbookGelu {
  template <class T>
  static T eval(T x) {
    return x * T(0.5) * (T(1) + erf(x * T(kInvSqrt2)));
  }
};
struct TextbookGeluGrad {
  template <class T>
  static T eval(T x) {
    const T cdf = T(0.5) * (T(1) + erf(x * T(kInvSqrt2)));
    const T pdf = exp(T(-0.5) * x * x) * T(kInvSqrt2Pi);
    return cdf + x * pdf;
  }
};
struct As7126Gelu {
  template <class T>
  static T eval(T x) {
    return x * T(0.5) * (T(1) + erf_as7126(x * T(kInvSqrt2)));
  }
};
struct As7126GeluGrad {
  template <class T>
  static T eval(T x) {
    const T cdf = T(0.5) * (T(1) + erf_as7126(x * T(kInvSqrt2)));
    return cdf + x * exp(T(-0.5) * x * x) * T(kInvSqrt2Pi);
  }
};
// 0.5 x erfc(-x/sqrt 2): no 1 + erf cancellation for x << 0.
struct ErfcFormGelu {
  template <class T>
  static T eval(T x) {
    return x * T(0.5) * erfc(-x * T(kInvSqrt2));
  }
};
struct ErfcFormGeluGrad {
  template <class T>
  static T eval(T x) {
    return T(0.5) * erfc(-x * T(kInvSqrt2)) + x * exp(T(-0.5) * x * x) * T(kInvSqrt2Pi);
  }
};

constexpr CatalogueFormula kGeluFormulas[] = {
    {"textbook", formula_kernels<TextbookGelu>()},
    {"as7126", formula_kernels<As7126Gelu>()},
    {"sigmoid1702", formula_kernels<kernel_formulas::QuickGelu>()},
    {"erfc_form", formula_kernels<ErfcFormGelu>()},
};
constexpr CatalogueFormula kGeluGradFormulas[] = {
    {"textbook", formula_kernels<TextbookGeluGrad>()},
    {"as7126", formula_kernels<As7126GeluGrad>()},
    {"sigmoid1702", formula_kernels<kernel_formulas::QuickGeluGrad>()},
    {"erfc_form", formula_kernels<ErfcFormGeluGrad>()},
};

}  // namespace

constinit const FunctionSpec kExactGelu{
    .name = "gelu_erf",
    .definition = "x*Phi(x) = 0.5*x*(1 + erf(x/sqrt(2)))",
    .parity = Parity::none,
    .derivative = &kExactGeluGrad,
    .primitive = nullptr,
    .other_form = &kTanhFormGelu,
    .approximates_other_form = false,
    .specials = {INFINITY, -0.0, true, 0},
    .plateaus = gelu_shape::kPlateaus,
    .tail = TailRule{{1, 0, -1}, {0, 0, -1}, [](double x) { return log2_gauss(x); }},
    .head = HeadRule{{0.5, 0, 1}, {0.5, 0, 1}, 2, -1},
    .fast = fast_formula<&fast_gelu<Record>, &fast_gelu<Replay>>(),
    .mpfr = mpfr_formula<GeluMpfr>(),
    .formulas = kGeluFormulas,
    .finite_difference_length = gelu_shape::length,
    .derivative_facts = std::nullopt,
};

constinit const FunctionSpec kExactGeluGrad{
    .name = "gelu_erf_grad",
    .definition = "d/dx gelu_erf = Phi(x) + x*phi(x)",
    .parity = Parity::none,
    .derivative = nullptr,
    .primitive = &kExactGelu,
    .other_form = &kTanhFormGeluGrad,
    .approximates_other_form = false,
    .specials = {1.0, -0.0, false, 0.5},
    .plateaus = gelu_shape::kGradPlateaus,
    .tail = TailRule{{0, 1, 1},
                     {0, 0, -1},
                     [](double x) { return std::log2(std::fabs(x)) + log2_gauss(x); }},
    .head = HeadRule{{0, 0.5, 1}, {0, 0.5, -1}, 1, 0},
    .fast = fast_formula<&fast_gelu_grad<Record>, &fast_gelu_grad<Replay>>(),
    .mpfr = mpfr_formula<GeluGradMpfr>(),
    .formulas = kGeluGradFormulas,
    .finite_difference_length = nullptr,
    .derivative_facts = DerivativeFacts{grad_value, grad_condition, grad_shape},
};

}  // namespace gelucheck::families
