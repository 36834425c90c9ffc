// tanh and its derivative 1 - tanh^2 = sech^2: everything the program knows about them.
#include <cmath>

#include "functions/constants.hpp"
#include "functions/families.hpp"
#include "functions/kernel_formulas.hpp"

namespace gelucheck::families {
namespace {

using namespace constants;
using namespace error_units;
using kernel_formulas::tanh_from_exp;

// ---------------------------------------------------------------------------------------------
// Reference: tails, |x| >= 1:
//   tanh:       r = sign(x) (1 - delta), 0 < delta < 2 e^(-2|x|)
//   tanh_grad:  0 < r = sech^2 x < 4 e^(-2|x|)
// Head, 0 < |x| <= 2^-8:
//   tanh:       r = x + delta,     -sign(x) delta > 0, |delta| < |x|^3/3
//   tanh_grad:  r = 1 - tanh^2 x,  -x^2 <= delta < 0

// ---------------------------------------------------------------------------------------------
// Reference: fast tier (reference/tiers.hpp).

template <class M>
FastValue fast_tanh(double x, M& sleef) {
  const double ax = std::fabs(x);
  if (ax < 0x1p-8) {
    // tanh x = x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835 - 1382x^11/155925 + ...
    // Truncation: |1382x^11/155925| < 0.027 x^8 * (x^3/3) < 2^-69 |d| for |x| < 2^-8.
    const double x2 = x * x;
    const double d = -x * x2 * (1.0 / 3 - x2 * (2.0 / 15 - x2 * (17.0 / 315 - x2 * (62.0 / 2835))));
    return {x, d, (2 * 16 * u + 0x1p-69) * std::fabs(d)};
  }
  if (ax < 1) {
    const double d = sleef(SleefFunction::tanh, x);
    return {0, d, 2 * L * std::fabs(d)};
  }
  const double e = sleef(SleefFunction::exp, -2 * ax);  // argument exact
  const double d = -2 * e / (1 + e);                    // 1 - tanh|x| = 2e/(1+e)
  return {x > 0 ? 1.0 : -1.0, x > 0 ? d : -d, 2 * (L + 3 * u) * std::fabs(d)};
}

template <class M>
FastValue fast_tanh_grad(double x, M& sleef) {
  const double ax = std::fabs(x);
  if (ax < 1) {
    const double t = tanh_fast(x, sleef);
    const double d = -t * t;  // 1 - tanh^2
    return {1, d, 2 * (2 * L + u) * std::fabs(d)};
  }
  const double e = sleef(SleefFunction::exp, -2 * ax);
  const double d = 4 * e / ((1 + e) * (1 + e));  // sech^2 = 4e/(1+e)^2
  return {0, d, 2 * (L + 4 * u) * std::fabs(d)};
}

// ---------------------------------------------------------------------------------------------
// Reference: MPFR tier.

struct TanhMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R v = tanh(x);
    return {v, abs(v) * 2 * unit_roundoff<R>()};
  }
};

struct TanhGradMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R s = 1 / cosh(x);
    const R v = s * s;
    return {v, abs(v) * 8 * unit_roundoff<R>()};
  }
};

// ---------------------------------------------------------------------------------------------
// Derivative facts in double: f' = 1 - tanh^2 = sech^2, f'' = -2 tanh sech^2,
// kappa = |x f''/f'| = 2 |x tanh x|.

double sech_squared(double x) {
  const double c = std::cosh(x);  // inf for |x| > 710: sech^2 = 0, as it underflows anyway
  return 1 / (c * c);
}
double grad_condition(double x) { return 2 * std::fabs(x * std::tanh(x)); }
DerivativeShape grad_shape() { return {{0.0}, {}}; }  // the maximum at 0; never 0

// ---------------------------------------------------------------------------------------------
// Catalogue formulas.

struct TextbookTanh {
  template <class T>
  static T eval(T x) {
    using std::tanh;
    return tanh(x);
  }
};
struct TextbookTanhGrad {
  template <class T>
  static T eval(T x) {
    using std::tanh;
    const T t = tanh(x);
    return T(1) - t * t;
  }
};
struct ExpTanh {
  template <class T>
  static T eval(T x) {
    return tanh_from_exp(x);
  }
};
struct ExpTanhGrad {
  template <class T>
  static T eval(T x) {
    const T t = tanh_from_exp(x);
    return T(1) - t * t;
  }
};

constexpr CatalogueFormula kTanhFormulas[] = {
    {"textbook", formula_kernels<TextbookTanh>()},
    {"exp_tanh", formula_kernels<ExpTanh>()},
};
constexpr CatalogueFormula kTanhGradFormulas[] = {
    {"textbook", formula_kernels<TextbookTanhGrad>()},
    {"exp_tanh", formula_kernels<ExpTanhGrad>()},
};

// ---------------------------------------------------------------------------------------------
// Plateaus: tanh -> +-1, tanh' -> 0 from above; near zero tanh x = x - x^3/3 + ..., tanh'(0) = 1.

constexpr Asymptote kTanhPlateaus[] = {
    {"tanh(x) = 1", Approach::positive_tail, false, 1.0},
    {"tanh(x) = -1", Approach::negative_tail, false, -1.0},
    {"tanh(x) = x", Approach::zero_positive, true, 0},
    {"tanh(x) = x", Approach::zero_negative, true, 0},
};
constexpr Asymptote kTanhGradPlateaus[] = {
    {"tanh'(x) = 0", Approach::positive_tail, false, 0.0},
    {"tanh'(x) = 0", Approach::negative_tail, false, 0.0},
    {"tanh'(x) = 1", Approach::zero_positive, false, 1.0},
    {"tanh'(x) = 1", Approach::zero_negative, false, 1.0},
};

// Finite differences: near 0 tanh(x +- h) ~ +-h, so rounding stays u relative; beyond |x| ~ 3 no
// step resolves sech^2 under the u/h rounding floor, and D reads 0: l = 1.
double tanh_length(double) { return 1; }

}  // namespace

constinit const FunctionSpec kTanh{
    .name = "tanh",
    .definition = "tanh(x)",
    .parity = Parity::odd,
    .derivative = &kTanhGrad,
    .primitive = nullptr,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {1.0, -1.0, true, 0},
    .plateaus = kTanhPlateaus,
    .tail =
        TailRule{{0, 1, -1}, {0, -1, 1}, [](double x) { return 1 - 2 * std::fabs(x) * kLog2E; }},
    .head = HeadRule{{1, 0, -1}, {1, 0, 1}, 3, 0},
    .fast = fast_formula<&fast_tanh<Record>, &fast_tanh<Replay>>(),
    .mpfr = mpfr_formula<TanhMpfr>(),
    .formulas = kTanhFormulas,
    .finite_difference_length = tanh_length,
    .derivative_facts = std::nullopt,
};

constinit const FunctionSpec kTanhGrad{
    .name = "tanh_grad",
    .definition = "d/dx tanh = 1 - tanh(x)^2",
    .parity = Parity::even,
    .derivative = nullptr,
    .primitive = &kTanh,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {0.0, 0.0, false, 1.0},
    .plateaus = kTanhGradPlateaus,
    .tail = TailRule{{0, 0, 1}, {0, 0, 1}, [](double x) { return 2 - 2 * std::fabs(x) * kLog2E; }},
    .head = HeadRule{{0, 1, -1}, {0, 1, -1}, 2, 0},
    .fast = fast_formula<&fast_tanh_grad<Record>, &fast_tanh_grad<Replay>>(),
    .mpfr = mpfr_formula<TanhGradMpfr>(),
    .formulas = kTanhGradFormulas,
    .finite_difference_length = nullptr,
    .derivative_facts = DerivativeFacts{sech_squared, grad_condition, grad_shape},
};

}  // namespace gelucheck::families
