// The constants the function families share, each defined once, as the double nearest the real
// number named (tests/test_functions.cpp checks each against MPFR at 256 bits). Where a constant
// is error-analysed (reference tiers), its rounding error, at most 2^-53 relative, is in the
// bounds; where kernels use it (the catalogue's formulas), it is the value of the C literal they
// write (M_SQRT1_2 and friends), as the static_asserts show.
#pragma once

#include <string_view>

namespace gelucheck::constants {

inline constexpr double kInvSqrt2 = 0x1.6a09e667f3bcdp-1;     // 1/sqrt(2)
inline constexpr double kSqrt2 = 0x1.6a09e667f3bcdp+0;        // sqrt(2)
inline constexpr double kSqrt2OverPi = 0x1.9884533d43651p-1;  // sqrt(2/pi)
inline constexpr double kInvSqrt2Pi = 0x1.9884533d43651p-2;   // 1/sqrt(2 pi) = sqrt(2/pi)/2
inline constexpr double kLog2E = 0x1.71547652b82fep+0;        // log2(e)

// The literals of libm's <math.h> and of the kernels that use them (PyTorch's GELU kernels write
// M_SQRT1_2 and M_2_SQRTPI * M_SQRT1_2 * 0.5): the same doubles.
static_assert(kInvSqrt2 == 0.70710678118654752440);     // M_SQRT1_2
static_assert(kSqrt2OverPi == 0.79788456080286535588);  // M_2_SQRTPI * M_SQRT1_2
static_assert(kInvSqrt2Pi == 0.39894228040143267794);   // M_2_SQRTPI * M_SQRT1_2 * 0.5

// The coefficient of the tanh form, and where it comes from: Hendrycks & Gimpel, "Gaussian Error
// Linear Units (GELUs)", arXiv:1606.08415, section 2. The function is defined with the decimal
// (the MPFR tier reads the decimal string); kernels and the double tiers use its double.
inline constexpr std::string_view kTanhFormCubicDecimal = "0.044715";
inline constexpr double kTanhFormCubic = 0.044715;

}  // namespace gelucheck::constants
