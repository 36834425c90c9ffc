// Pieces of the catalogue's formulas that several families share, written once over a number
// type T (double, float, Native<F> or Checked<T>; implementations/formula.hpp). Constants are the
// double literals kernels use (functions/constants.hpp) and enter T the way a kernel's cast does.
#pragma once

#include <cmath>

#include "fp/arithmetic.hpp"

namespace gelucheck::kernel_formulas {

using std::copysign, std::exp, std::fabs;

template <class T>
T sigmoid(T y) {
  return T(1) / (T(1) + exp(-y));
}

// max(x, 0) as torch.relu computes it: NaN stays NaN (fmaxf(NaN, 0) would give 0), -0 gives +0.
template <class T>
T relu(T x) {
  return !(x <= T(0)) ? x : T(0);
}

// tanh from exp, (e^2x - 1)/(e^2x + 1): the naive hand-written kernel; e^2x overflows to
// inf/inf = NaN for large x.
template <class T>
T tanh_from_exp(T x) {
  const T e = exp(T(2) * x);
  return (e - T(1)) / (e + T(1));
}

// erf by Abramowitz & Stegun 7.1.26: erf(x) = 1 - (a1 t + ... + a5 t^5) e^(-x^2), t = 1/(1 + p x),
// x >= 0, |error| <= 1.5e-7; odd extension for x < 0.
template <class T>
T erf_as7126(T x) {
  const T p = T(0.3275911);
  const T a1 = T(0.254829592), a2 = T(-0.284496736), a3 = T(1.421413741), a4 = T(-1.453152027),
          a5 = T(1.061405429);
  const T ax = fabs(x);
  const T t = T(1) / (T(1) + p * ax);
  const T poly = ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t;
  return copysign(T(1) - poly * exp(-ax * ax), x);
}

// x sigmoid(1.702 x) (Hendrycks & Gimpel, section 2; "QuickGELU" in OpenAI's CLIP), used as
// either GELU; derivative s + 1.702 x s (1 - s), s = sigmoid(1.702 x).
struct QuickGelu {
  template <class T>
  static T eval(T x) {
    return x * sigmoid(T(1.702) * x);
  }
};
struct QuickGeluGrad {
  template <class T>
  static T eval(T x) {
    const T s = sigmoid(T(1.702) * x);
    return s + T(1.702) * x * s * (T(1) - s);
  }
};

}  // namespace gelucheck::kernel_formulas
