// The derivatives as functions in their own right: which function is whose derivative, the second
// derivative f'' and the condition number kappa = |x f''(x) / f'(x)| of each derivative, and the
// points where a derivative has an extremum or a zero (derivatives.cpp has the derivations).
//
// These are evaluated in double. They never decide a result digit by digit: kappa only scales an
// error envelope (max(1/2, kappa/2) ULP, so 1e-6 relative would do; the double formulas hold
// ~1e-13), and the critical points only cut the input range into pieces on which a derivative is
// monotone and of one sign. Every value a report prints comes from reference() (correctly rounded).
#pragma once

#include <optional>
#include <vector>

#include "functions/functions.hpp"

namespace gelucheck {

// gelu_erf_grad, gelu_tanh_grad, tanh_grad.
inline constexpr Function kDerivativeFunctions[] = {Function::gelu_erf_grad,
                                                    Function::gelu_tanh_grad, Function::tanh_grad};

bool is_derivative(Function fn);
// The function whose derivative `derivative` is (gelu_erf_grad -> gelu_erf).
Function primitive_of(Function derivative);
// `fn` if it is a derivative, else its derivative (gelu_erf -> gelu_erf_grad).
Function derivative_of(Function fn);

// f'(x) and f''(x) of the derivative's primitive f, in double (f' is `derivative` itself).
double derivative_value(Function derivative, double x);
double second_derivative(Function derivative, double x);

// kappa(x) = |x f''(x) / f'(x)|: a relative perturbation d of x moves f'(x) by kappa*d relative,
// so an input rounded to the format (d <= 2^-p) alone explains kappa/2 ULP of error. +inf at a
// zero of f'; finite everywhere else, including the tails where f' and f'' underflow.
double derivative_condition(Function derivative, double x);

// Where f' has an extremum (f'' = 0) and where f' = 0, in increasing order, to double accuracy.
struct DerivativeShape {
  std::vector<double> extrema;  // gelu_erf_grad: -sqrt 2 (minimum), +sqrt 2 (maximum)
  std::vector<double> zeros;    // gelu_erf_grad: -0.7517915246935645
};
const DerivativeShape& derivative_shape(Function derivative);

}  // namespace gelucheck
