// The tanh form of GELU, 0.5 x (1 + tanh(u)) with u = sqrt(2/pi) (x + 0.044715 x^3), and its
// derivative: everything the program knows about them. sigma is the logistic function and
// z = 2u, so 0.5 (1 + tanh u) = sigma(z).
#include <cmath>

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
using kernel_formulas::sigmoid, kernel_formulas::tanh_from_exp;
using std::tanh;

// ---------------------------------------------------------------------------------------------
// Reference: tails. For |x| >= 1, z = 2 sqrt(2/pi) (x + 0.044715 x^3),
// z' = 2 sqrt(2/pi) (1 + 3*0.044715 x^2):
//   gelu_tanh, x >= 1:  r = x - x sigma(-z),     x sigma(-z) < x e^(-z)
//   gelu_tanh, x <= -1: r = x sigma(z),          |r| < |x| e^(z)
//   gelu_tanh_grad, x >= 1: r = 1 + sigma(-z) (x z' sigma(z) - 1); x z' sigma(z) increases with x
//                       and is 1.52 at x = 1, so delta > 0 and delta < x z' e^(-z)
//   gelu_tanh_grad, x <= -1: r = sigma(z) (1 + x z' sigma(-z)) < 0, |r| < |x| z' e^(z)
double z_of(double x) { return 2 * kSqrt2OverPi * (x + kTanhFormCubic * x * x * x); }
double dz_of(double x) { return 2 * kSqrt2OverPi * (1 + 3 * kTanhFormCubic * x * x); }

// Head, 0 < |x| <= 2^-8, |tanh u| <= |u| <= 0.8|x|, sigma(z) sigma(-z) <= 1/4:
//   gelu_tanh:      r = x/2 + x tanh(u)/2,                0 < delta <= 0.4 x^2 < x^2/2
//   gelu_tanh_grad: r = 1/2 + tanh(u)/2 + x z' sigma(z) sigma(-z), sign(x) delta > 0, |delta| < |x|

// ---------------------------------------------------------------------------------------------
// Reference: fast tier (reference/tiers.hpp). exp at z has condition |z|; tanh below 1.

template <class M>
FastValue fast_gelu(double x, M& sleef) {
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
FastValue fast_gelu_grad(double x, M& sleef) {
  const double s = x + kTanhFormCubic * (x * x * x);
  const double z = 2 * kSqrt2OverPi * s;                                      // <= 7u
  const double dz = 2 * kSqrt2OverPi * (1 + (3 * kTanhFormCubic) * (x * x));  // <= 8u
  const double sig_err = L + 7 * u * std::fabs(z) + 2 * u;
  const double sp = 1 / (1 + sleef(SleefFunction::exp, -z));  // sigma(z)
  const double sn = 1 / (1 + sleef(SleefFunction::exp, z));   // sigma(-z) = 1 - sigma(z)
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

// ---------------------------------------------------------------------------------------------
// Reference: MPFR tier. sqrt(2/pi) <= 3U; 0.044715 is the decimal, rounded once.

struct GeluMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R U = unit_roundoff<R>();
    const R c2 = sqrt(R(2) / boost::math::constants::pi<R>());
    const R k = R(kTanhFormCubicDecimal.data());
    const R z = 2 * c2 * (x + k * x * x * x);  // <= 9U
    const R v = x / (1 + exp(-z));
    return {v, abs(v) * (6 + 18 * abs(z)) * U};
  }
};

struct GeluGradMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R U = unit_roundoff<R>();
    const R c2 = sqrt(R(2) / boost::math::constants::pi<R>());
    const R k = R(kTanhFormCubicDecimal.data());
    const R z = 2 * c2 * (x + k * x * x * x);
    const R P = 1 / (1 + exp(-z));
    const R N = 1 / (1 + exp(z));
    const R dz = 2 * c2 * (1 + 3 * k * x * x);
    const R A = P;
    const R B = x * dz * P * N;
    const R v = A + B;
    return {v, (abs(A) * (3 + 9 * abs(z)) + abs(B) * (18 + 18 * abs(z)) + abs(v)) * 2 * U};
  }
};

// ---------------------------------------------------------------------------------------------
// Derivative facts in double. With u' = c (1 + 3 k x^2), u'' = 6 c k x, c = sqrt(2/pi),
// k = 0.044715 and t = tanh u:
//   f'  = (1 + t)/2 + x (1 - t^2) u'/2
//   f'' = (1 - t^2) u'/2 + (1 - t^2) u'/2 + x ((1 - t^2) u'' - 2 t (1 - t^2) u'^2)/2
//       = (1 - t^2) (u' + x u''/2 - x t u'^2).
// Written with s = sigmoid(2u) = (1 + t)/2 and n = sigmoid(-2u) = 1 - s, each computed without
// cancellation (1 - t^2 = 4 s n, t = s - n):
//   f'  = s (1 + 2 x n u')
//   kappa = |4 x n (u' + x u''/2 - x (s - n) u'^2) / (1 + 2 x n u')|   (s cancels)
// No intermediate overflows for |x| up to fp32's largest value (x^6 < 1e232).

struct Parts {
  double s, n, du, d2u;
};
Parts parts(double x) {
  const double two_u = 2 * kSqrt2OverPi * (x + kTanhFormCubic * x * x * x);
  return {1 / (1 + std::exp(-two_u)), 1 / (1 + std::exp(two_u)),
          kSqrt2OverPi * (1 + 3 * kTanhFormCubic * x * x), 6 * kSqrt2OverPi * kTanhFormCubic * x};
}
double bracket(double x, const Parts& p) {  // u' + x u''/2 - x t u'^2
  return p.du + 0.5 * x * p.d2u - x * (p.s - p.n) * p.du * p.du;
}
double grad_value(double x) {
  const Parts p = parts(x);
  return p.s * (1 + 2 * x * p.n * p.du);
}
double grad_condition(double x) {
  const Parts p = parts(x);
  return std::fabs(4 * x * p.n * bracket(x, p) / (1 + 2 * x * p.n * p.du));
}

DerivativeShape grad_shape() {
  // u' + x u''/2 - x t u'^2 is even in x, positive at 1 and negative at 2 (and at 0 it is c > 0;
  // for x > 2 the negative x t u'^2 term grows fastest), so one root a > 0 and -a.
  const double a = root_between([](double x) { return bracket(x, parts(x)); }, 1.0, 2.0);
  DerivativeShape s;
  s.extrema = {-a, a};
  s.zeros = {root_between(grad_value, -1.0, -0.5)};  // f'(-1) < 0 < f'(-0.5)
  return s;
}

// ---------------------------------------------------------------------------------------------
// Catalogue formulas. The textbook ones as PyTorch's GELU kernels (approximate='tanh') spell them.

struct TextbookGelu {
  template <class T>
  static T eval(T x) {
    const T inner = T(kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x * x * x));
    return T(0.5) * x * (T(1) + tanh(inner));
  }
};
struct TextbookGeluGrad {
  template <class T>
  static T eval(T x) {
    const T x_sq = x * x;
    const T inner = T(kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x_sq * x));
    const T t = tanh(inner);
    const T left = T(0.5) * x;
    const T right = T(1) + t;
    const T left_derivative = T(0.5) * right;
    const T right_derivative =
        (T(1) - t * t) * T(kSqrt2OverPi) * (T(1) + T(3 * kTanhFormCubic) * x_sq);
    return left_derivative + left * right_derivative;
  }
};
// x sigmoid(2u) = x / (1 + exp(-2u)): 0.5 (1 + tanh u) = sigmoid(2u) without the 1 + tanh
// cancellation; derivative s + x s (1 - s) 2u', s = sigmoid(2u).
struct SigmoidFormGelu {
  template <class T>
  static T eval(T x) {
    const T two_u = T(2 * kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x * x * x));
    return x * sigmoid(two_u);
  }
};
struct SigmoidFormGeluGrad {
  template <class T>
  static T eval(T x) {
    const T x_sq = x * x;
    const T two_u = T(2 * kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x_sq * x));
    const T s = sigmoid(two_u);
    const T two_du = T(2 * kSqrt2OverPi) * (T(1) + T(3 * kTanhFormCubic) * x_sq);
    return s + x * s * (T(1) - s) * two_du;
  }
};
// tanh from exp inside the tanh form (kernel_formulas.hpp).
struct ExpTanhGelu {
  template <class T>
  static T eval(T x) {
    const T inner = T(kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x * x * x));
    return T(0.5) * x * (T(1) + tanh_from_exp(inner));
  }
};
struct ExpTanhGeluGrad {
  template <class T>
  static T eval(T x) {
    const T x_sq = x * x;
    const T inner = T(kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x_sq * x));
    const T t = tanh_from_exp(inner);
    return T(0.5) * (T(1) + t) +
           T(0.5) * x * (T(1) - t * t) * T(kSqrt2OverPi) * (T(1) + T(3 * kTanhFormCubic) * x_sq);
  }
};

constexpr CatalogueFormula kGeluFormulas[] = {
    {"textbook", formula_kernels<TextbookGelu>()},
    {"sigmoid1702", formula_kernels<kernel_formulas::QuickGelu>()},
    {"sigmoid_form", formula_kernels<SigmoidFormGelu>()},
    {"exp_tanh", formula_kernels<ExpTanhGelu>()},
};
constexpr CatalogueFormula kGeluGradFormulas[] = {
    {"textbook", formula_kernels<TextbookGeluGrad>()},
    {"sigmoid1702", formula_kernels<kernel_formulas::QuickGeluGrad>()},
    {"sigmoid_form", formula_kernels<SigmoidFormGeluGrad>()},
    {"exp_tanh", formula_kernels<ExpTanhGeluGrad>()},
};

}  // namespace

constinit const FunctionSpec kTanhFormGelu{
    .name = "gelu_tanh",
    .definition = "0.5*x*(1 + tanh(u)), u = sqrt(2/pi)*(x + 0.044715*x^3)",
    .parity = Parity::none,
    .derivative = &kTanhFormGeluGrad,
    .primitive = nullptr,
    .other_form = &kExactGelu,
    .approximates_other_form = true,
    .specials = {INFINITY, -0.0, true, 0},
    .plateaus = gelu_shape::kPlateaus,
    .tail =
        TailRule{{1, 0, -1},
                 {0, 0, -1},
                 [](double x) { return std::log2(std::fabs(x)) - std::fabs(z_of(x)) * kLog2E; }},
    .head = HeadRule{{0.5, 0, 1}, {0.5, 0, 1}, 2, -1},
    .fast = fast_formula<&fast_gelu<Record>, &fast_gelu<Replay>>(),
    .mpfr = mpfr_formula<GeluMpfr>(),
    .formulas = kGeluFormulas,
    .finite_difference_length = gelu_shape::length,
    .derivative_facts = std::nullopt,
};

constinit const FunctionSpec kTanhFormGeluGrad{
    .name = "gelu_tanh_grad",
    .definition =
        "d/dx gelu_tanh = 0.5*(1 + tanh(u)) + 0.5*x*(1 - tanh(u)^2)*sqrt(2/pi)*(1 + "
        "3*0.044715*x^2)",
    .parity = Parity::none,
    .derivative = nullptr,
    .primitive = &kTanhFormGelu,
    .other_form = &kExactGeluGrad,
    .approximates_other_form = true,
    .specials = {1.0, -0.0, false, 0.5},
    .plateaus = gelu_shape::kGradPlateaus,
    .tail = TailRule{{0, 1, 1},
                     {0, 0, -1},
                     [](double x) {
                       return std::log2(std::fabs(x) * dz_of(x)) - std::fabs(z_of(x)) * kLog2E;
                     }},
    .head = HeadRule{{0, 0.5, 1}, {0, 0.5, -1}, 1, 0},
    .fast = fast_formula<&fast_gelu_grad<Record>, &fast_gelu_grad<Replay>>(),
    .mpfr = mpfr_formula<GeluGradMpfr>(),
    .formulas = kGeluGradFormulas,
    .finite_difference_length = nullptr,
    .derivative_facts = DerivativeFacts{grad_value, grad_condition, grad_shape},
};

}  // namespace gelucheck::families
