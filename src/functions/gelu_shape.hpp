// What both forms of GELU share, because they have the same shape: their plateaus and the
// length over which they change character (exact_gelu.cpp, tanh_form_gelu.cpp).
#pragma once

#include <algorithm>

#include "functions/function_spec.hpp"

namespace gelucheck::families::gelu_shape {

// gelu(x) - x -> 0 as x -> +inf and gelu(x) -> 0 from below as x -> -inf; gelu' -> 1 from above
// and -> 0 from below; gelu'(0) = 1/2 (Phi(0) = 1/2, and 0.5 (1 + tanh 0) = 1/2).
inline constexpr Asymptote kPlateaus[] = {
    {"gelu(x) = x", Approach::positive_tail, true, 0},
    {"gelu(x) = -0", Approach::negative_tail, false, -0.0},
};
inline constexpr Asymptote kGradPlateaus[] = {
    {"gelu'(x) = 1", Approach::positive_tail, false, 1.0},
    {"gelu'(x) = -0", Approach::negative_tail, false, -0.0},
    {"gelu'(x) = 1/2", Approach::zero_positive, false, 0.5},
    {"gelu'(x) = 1/2", Approach::zero_negative, false, 0.5},
};

// Finite differences (implementations/finite_difference.hpp): for x >= 0, f is ~x beyond x ~ 3
// (f''' is Gaussian-small), so rounding dominates and grows with |f| ~ x: l = max(1, x). In the
// left tail f ~ phi(x)/x^2 varies on the scale 1/|x| (M0/M3 ~ |x|^-3): l = 1/max(1, |x|).
inline double length(double x) { return x >= 0 ? std::max(1.0, x) : 1 / std::max(1.0, -x); }

}  // namespace gelucheck::families::gelu_shape
