// Central finite differences of a forward implementation: the numerical derivative a gradient
// check compares a backward with, and the `fd:IMPLEMENTATION` implementation scheme.
//
// For an input x of format F (precision p, unit roundoff u = 2^-p) and a forward implementation
// Fwd of f, the difference quotient is
//
//     D(x) = (Fwd(x+) - Fwd(x-)) / (x+ - x-),   x+- = x +- h rounded to F,
//
// with the subtraction and division in double and, for the implementation scheme, one final
// rounding to F. Fwd's values are values of F, so double makes the difference itself exact (or
// within 2^-53 relative): all the error of D is the forward's, none is added by the arithmetic.
//
// Step (Numerical Recipes 3rd ed., section 5.7). D - f'(x) = T + R with
//     truncation  T = h^2 f'''(xi)/6,      rounding  |R| <= (|e+| + |e-|)/(2h) <= u M0 / h,
// where e+- are the forward's errors, at most u |f| = u M0 each for a correctly rounded forward.
// u M0 / h + h^2 M3 / 6 is least at h = cbrt(3 u M0 / M3). With l(x) a length over which f
// changes character (M0/M3 ~ l^3), the step is
//
//     h = 2^round(log2(cbrt(3u) l(x))):  fp16 2^-3 l, bf16 2^-2 l, fp32 2^-7 l,
//
// and the error of D is then of order (3u)^(2/3) relative: ~2^-7 in fp16 (about 4 ULP of a
// derivative near 1), ~2^-5 in bf16 (~2 ULP), ~2^-15 in fp32 (~300 ULP). Each family states
// l(x) for its forwards, with the reasoning (FunctionSpec::finite_difference_length): for GELU
// it grows with x >= 0 (f ~ x, rounding grows with |f|) and shrinks as 1/|x| in the left tail
// (f ~ phi(x)/x^2 varies on that scale); for tanh it is 1; for SiLU, Softplus and Mish max(1, x)
// for x >= 0 and 1 in the left tail (e^x varies on a scale of 1); for ReLU^2 max(1, |x|).
// x+- are rounded to F; when the step is below x's spacing they are x's neighbours. At the
// largest finite value the difference is one-sided. D is NaN at +-inf (undefined there).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "fp/format.hpp"
#include "functions/function.hpp"
#include "implementations/implementations.hpp"

namespace gelucheck {

// h before rounding x +- h to the format (a power of two), as derived above.
double finite_difference_step(Function derivative, const Format& f, double x);

struct Stencil {
  uint32_t minus = 0, plus = 0;  // x- < x+, values of the format
};
// The stencil at `multiple` * h (1 or 2; 2 is for the truncation estimate).
Stencil finite_difference_stencil(Function derivative, const Format& f, uint32_t x,
                                  int multiple = 1);

struct FiniteDifference {
  double value = 0;  // D(x) in double (not rounded to the format)
  // Bound on the rounding part |R|, for a forward within `forward_ulps` ULP at both points:
  // forward_ulps * (ulp(Fwd(x+)) + ulp(Fwd(x-))) / (x+ - x-).
  double rounding_bound = 0;
  // Estimate of the truncation part |T| from the same forward (Richardson): D at 2h differs from
  // D at h by about (4 - 1) T, so |T| ~ |D(2h) - D(h)| / ((w2/w1)^2 - 1), w the realized half
  // widths. Noise in the forward enters it too, which is what a check against D should allow.
  double truncation_estimate = 0;
  // Estimate of noise in the forward beyond `forward_ulps` (a step-like forward, e.g. 1 + erf
  // in 16-bit arithmetic): the 4th difference over x-2h, x-h, x, x+h, x+2h (as the divided
  // difference, 4! w^4 F[...], w the half width at h) less the most that errors within
  // forward_ulps can make it (forward_ulps (1 + 4 + 6 + 4 + 1) ulp), divided by 2w. It vanishes
  // for any cubic, so a smooth forward within its ULP budget adds 0 (or O(h^3)); one step s
  // inside the stencil moves the 4th difference by s or 3s, and D by at most s/(2w).
  double noise_estimate = 0;
  double error_bound() const { return rounding_bound + truncation_estimate + noise_estimate; }
  Stencil stencil;
};

// D for each x, evaluating `forward` (the primitive's kernel) in one batch. With
// `estimate_error` the 2h stencil and x itself are evaluated too (5 forward calls per input
// instead of 2).
void finite_differences(Function derivative, const Format& f, const BatchKernel& forward,
                        std::span<const uint32_t> x, std::span<FiniteDifference> out,
                        bool estimate_error, double forward_ulps = 1);

// The `fd:IMPLEMENTATION` scheme: D rounded once to the format, for each derivative function
// whose primitive IMPLEMENTATION provides. Throws UsageError for an unknown IMPLEMENTATION.
Implementation make_finite_difference(std::string_view forward_name);

}  // namespace gelucheck
