#include "functions/derivatives.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/tools/roots.hpp>  // bisect, eps_tolerance

namespace gelucheck {
namespace {

constexpr double kInvSqrt2 = 0x1.6a09e667f3bcdp-1;     // 1/sqrt(2), the double nearest
constexpr double kSqrt2OverPi = 0x1.9884533d43651p-1;  // sqrt(2/pi)
constexpr double kInvSqrt2Pi = 0x1.9884533d43651p-2;   // 1/sqrt(2 pi) = sqrt(2/pi)/2
constexpr double kSqrt2 = 0x1.6a09e667f3bcdp+0;        // sqrt(2)

// ---------------------------------------------------------------------------------------------
// gelu_erf = x Phi(x). With phi' = -x phi:
//   f'  = Phi + x phi
//   f'' = phi + phi + x phi' = phi (2 - x^2)
// kappa for x < 0, divided through by phi (so nothing underflows): with R = Phi(x)/phi(x), the
// Mills ratio of |x|,
//   kappa = |x (2 - x^2) / (R + x)|.
// R is computed from erfc and exp for x >= -30 (both far from double's underflow there), and from
// the asymptotic series R(t) = 1/t - 1/t^3 + 3/t^5 - 15/t^7 + 105/t^9 - ..., t = -x (Abramowitz &
// Stegun 26.2.12) beyond, where the first omitted term, 945/t^11, is below 2e-12 relative.

double gelu_erf_d1(double x) {
  return 0.5 * std::erfc(-x * kInvSqrt2) + x * kInvSqrt2Pi * std::exp(-0.5 * x * x);
}
double gelu_erf_d2(double x) { return kInvSqrt2Pi * std::exp(-0.5 * x * x) * (2 - x * x); }

double gelu_erf_kappa(double x) {
  if (x >= 0) return x * std::fabs(gelu_erf_d2(x)) / gelu_erf_d1(x);
  double mills;
  if (x >= -30) {
    mills = 0.5 * std::erfc(-x * kInvSqrt2) / (kInvSqrt2Pi * std::exp(-0.5 * x * x));
  } else {
    const double t = -x, q = 1 / (t * t);
    mills = (1 - q * (1 - 3 * q * (1 - 5 * q * (1 - 7 * q)))) / t;
  }
  return std::fabs(x * (2 - x * x) / (mills + x));
}

// ---------------------------------------------------------------------------------------------
// gelu_tanh = x (1 + tanh u)/2, u = c (x + k x^3), c = sqrt(2/pi), k = 0.044715, so
// u' = c (1 + 3 k x^2) and u'' = 6 c k x. With t = tanh u:
//   f'  = (1 + t)/2 + x (1 - t^2) u'/2
//   f'' = (1 - t^2) u'/2 + (1 - t^2) u'/2 + x ((1 - t^2) u'' - 2 t (1 - t^2) u'^2)/2
//       = (1 - t^2) (u' + x u''/2 - x t u'^2).
// Written with s = sigmoid(2u) = (1 + t)/2 and n = sigmoid(-2u) = 1 - s, each computed without
// cancellation (1 - t^2 = 4 s n, t = s - n):
//   f'  = s (1 + 2 x n u')
//   f'' = 4 s n (u' + x u''/2 - x (s - n) u'^2)
//   kappa = |4 x n (u' + x u''/2 - x (s - n) u'^2) / (1 + 2 x n u')|   (s cancels)
// No intermediate overflows for |x| up to fp32's largest value (x^6 < 1e232).

struct TanhFormParts {
  double s, n, du, d2u;
};
TanhFormParts tanh_form_parts(double x) {
  const double two_u = 2 * kSqrt2OverPi * (x + kTanhFormCubic * x * x * x);
  return {1 / (1 + std::exp(-two_u)), 1 / (1 + std::exp(two_u)),
          kSqrt2OverPi * (1 + 3 * kTanhFormCubic * x * x), 6 * kSqrt2OverPi * kTanhFormCubic * x};
}
double tanh_form_bracket(double x, const TanhFormParts& p) {  // u' + x u''/2 - x t u'^2
  return p.du + 0.5 * x * p.d2u - x * (p.s - p.n) * p.du * p.du;
}
double gelu_tanh_d1(double x) {
  const TanhFormParts p = tanh_form_parts(x);
  return p.s * (1 + 2 * x * p.n * p.du);
}
double gelu_tanh_d2(double x) {
  const TanhFormParts p = tanh_form_parts(x);
  return 4 * p.s * p.n * tanh_form_bracket(x, p);
}
double gelu_tanh_kappa(double x) {
  const TanhFormParts p = tanh_form_parts(x);
  return std::fabs(4 * x * p.n * tanh_form_bracket(x, p) / (1 + 2 * x * p.n * p.du));
}

// ---------------------------------------------------------------------------------------------
// tanh: f' = 1 - tanh^2 = sech^2, f'' = -2 tanh sech^2, kappa = |x f''/f'| = 2 |x tanh x|.

double sech_squared(double x) {
  const double c = std::cosh(x);  // inf for |x| > 710: sech^2 = 0, as it underflows anyway
  return 1 / (c * c);
}

// The root of `g` in [a, b] (g(a), g(b) of opposite signs), to the last bit of double.
template <class G>
double root_between(G g, double a, double b) {
  const auto bracket =
      boost::math::tools::bisect(g, a, b, boost::math::tools::eps_tolerance<double>());
  return 0.5 * (bracket.first + bracket.second);
}

DerivativeShape make_shape(Function derivative) {
  DerivativeShape s;
  switch (derivative) {
    case Function::gelu_erf_grad:
      s.extrema = {-kSqrt2, kSqrt2};                      // phi (2 - x^2) = 0
      s.zeros = {root_between(gelu_erf_d1, -1.0, -0.5)};  // f'(-1) < 0 < f'(-0.5)
      break;
    case Function::gelu_tanh_grad: {
      // u' + x u''/2 - x t u'^2 is even in x, positive at 1 and negative at 2 (and at 0 it is
      // c > 0; for x > 2 the negative x t u'^2 term grows fastest), so one root a > 0 and -a.
      const double a =
          root_between([](double x) { return tanh_form_bracket(x, tanh_form_parts(x)); }, 1.0, 2.0);
      s.extrema = {-a, a};
      s.zeros = {root_between(gelu_tanh_d1, -1.0, -0.5)};
      break;
    }
    case Function::tanh_grad:
      s.extrema = {0.0};
      break;
    default:
      throw std::logic_error("derivative_shape: not a derivative");
  }
  return s;
}

}  // namespace

bool is_derivative(Function fn) {
  return fn == Function::gelu_erf_grad || fn == Function::gelu_tanh_grad ||
         fn == Function::tanh_grad;
}

Function primitive_of(Function derivative) {
  switch (derivative) {
    case Function::gelu_erf_grad:
      return Function::gelu_erf;
    case Function::gelu_tanh_grad:
      return Function::gelu_tanh;
    case Function::tanh_grad:
      return Function::tanh;
    default:
      throw std::logic_error("primitive_of: not a derivative");
  }
}

Function derivative_of(Function fn) {
  switch (fn) {
    case Function::gelu_erf:
      return Function::gelu_erf_grad;
    case Function::gelu_tanh:
      return Function::gelu_tanh_grad;
    case Function::tanh:
      return Function::tanh_grad;
    default:
      return fn;
  }
}

double derivative_value(Function derivative, double x) {
  switch (derivative) {
    case Function::gelu_erf_grad:
      return gelu_erf_d1(x);
    case Function::gelu_tanh_grad:
      return gelu_tanh_d1(x);
    case Function::tanh_grad:
      return sech_squared(x);
    default:
      throw std::logic_error("derivative_value: not a derivative");
  }
}

double second_derivative(Function derivative, double x) {
  switch (derivative) {
    case Function::gelu_erf_grad:
      return gelu_erf_d2(x);
    case Function::gelu_tanh_grad:
      return gelu_tanh_d2(x);
    case Function::tanh_grad:
      return -2 * std::tanh(x) * sech_squared(x);
    default:
      throw std::logic_error("second_derivative: not a derivative");
  }
}

double derivative_condition(Function derivative, double x) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return 0;  // the derivatives are constant (0 or 1) at infinity
  double k = 0;
  switch (derivative) {
    case Function::gelu_erf_grad:
      k = gelu_erf_kappa(x);
      break;
    case Function::gelu_tanh_grad:
      k = gelu_tanh_kappa(x);
      break;
    case Function::tanh_grad:
      k = 2 * std::fabs(x * std::tanh(x));
      break;
    default:
      throw std::logic_error("derivative_condition: not a derivative");
  }
  return std::isnan(k) ? std::numeric_limits<double>::infinity() : k;  // 0/0 only at a zero of f'
}

const DerivativeShape& derivative_shape(Function derivative) {
  static const DerivativeShape shapes[] = {make_shape(Function::gelu_erf_grad),
                                           make_shape(Function::gelu_tanh_grad),
                                           make_shape(Function::tanh_grad)};
  switch (derivative) {
    case Function::gelu_erf_grad:
      return shapes[0];
    case Function::gelu_tanh_grad:
      return shapes[1];
    case Function::tanh_grad:
      return shapes[2];
    default:
      throw std::logic_error("derivative_shape: not a derivative");
  }
}

}  // namespace gelucheck
