// Softplus, ln(1 + e^x), and its derivative sigma(x) = 1/(1 + e^-x): everything the program knows
// about them. For x > 0, ln(1 + e^x) = x + ln(1 + e^-x): the small part is computed on its own
// (log1p), never as a difference from x.
#include <cmath>

#include "functions/constants.hpp"
#include "functions/families.hpp"
#include "functions/kernel_formulas.hpp"

namespace gelucheck::families {
namespace {

using namespace constants;
using namespace error_units;
using kernel_formulas::relu;
using std::exp, std::fabs, std::log, std::log1p;

// ---------------------------------------------------------------------------------------------
// Reference: tails, |x| >= 1, from 0 < ln(1 + t) < t (t > 0) and sigma(-|x|) < e^-|x|:
//   softplus,  x >= 1:  r = x + ln(1 + e^-x),   0 < delta < e^-x
//   softplus,  x <= -1: r = ln(1 + e^x),        0 < r < e^x
//   softplus', x >= 1:  r = 1 - sigma(-x),      0 < -delta < e^-x
//   softplus', x <= -1: r = sigma(x),           0 < r < e^x
// One bound for all four, 2^(-|x| log2 e). The left tails are why the rules are needed, not a
// shortcut: softplus(-3e38) is e^(-3e38), below MPFR's exponent range.
double log2_tail(double x) { return -std::fabs(x) * kLog2E; }

// Head: softplus(x) = ln 2 + x/2 + x^2/8 + ...: ln 2 is not a double, so no head rule (the value
// is far from underflow; the fast tier decides it). softplus'(x) = 1/2 + tanh(x/2)/2 with
// sign(delta) = sign(x) and |delta| <= |x|/4 < 2^(lx - 2).

// ---------------------------------------------------------------------------------------------
// Reference: fast tier (reference/tiers.hpp). e = e^-|x| <= 1 carries L (argument exact); log1p
// at t > 0 has condition t/((1 + t) ln(1 + t)) <= 1, so log1p(e) carries L + L.

// (e^-|x| is the argument of the batched log1p, so it is computed at once, by sleef_one, and
// only while the calls are recorded.)
template <class M>
FastValue fast_softplus(double x, M& sleef) {
  const double d =
      sleef(SleefFunction::log1p, [x] { return sleef_one(SleefFunction::exp, -std::fabs(x)); });
  return {x > 0 ? x : 0.0, d, 2 * (2 * L) * d};  // x + ln(1 + e^-x), or ln(1 + e^x)
}

template <class M>
FastValue fast_softplus_grad(double x, M& sleef) {
  if (x >= 1) {
    const double d = -1 / (1 + sleef(SleefFunction::exp, x));  // -sigma(-x): L + 2u
    return {1, d, 2 * (L + 2 * u) * std::fabs(d)};
  }
  if (x > -1) {
    const double d = 0.5 * tanh_fast(0.5 * x, sleef);  // sigma(x) - 1/2
    return {0.5, d, 2 * L * std::fabs(d)};
  }
  const double d = 1 / (1 + sleef(SleefFunction::exp, -x));  // sigma(x)
  return {0, d, 2 * (L + 2 * u) * d};
}

// ---------------------------------------------------------------------------------------------
// Reference: MPFR tier. exp U, log1p U plus the argument's U (condition <= 1), + U.

struct SoftplusMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R v = x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
    return {v, abs(v) * 8 * unit_roundoff<R>()};
  }
};

struct SoftplusGradMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R v = 1 / (1 + exp(-x));
    return {v, abs(v) * 6 * unit_roundoff<R>()};
  }
};

// ---------------------------------------------------------------------------------------------
// Derivative facts in double: f' = sigma(x), f'' = sigma(x) sigma(-x),
// kappa = |x sigma(-x)| (sigma(x) cancels). f' is increasing and never 0: no cuts.

double sig(double x) { return 1 / (1 + std::exp(-x)); }
double grad_condition(double x) { return std::fabs(x * sig(-x)); }
DerivativeShape grad_shape() { return {}; }

// ---------------------------------------------------------------------------------------------
// Catalogue formulas (implementations.cpp names the sets).
//  "textbook": PyTorch's softplus (beta = 1, threshold = 20): x > 20 ? x : log1p(exp(x))
//    (aten/src/ATen/native/cpu/Activation.cpp softplus_kernel, cuda/ActivationSoftplusKernel.cu;
//    Half and BFloat16 in float). Backward as its softplus_backward: z = exp(x),
//    x > 20 ? 1 : z / (z + 1).
//  "naive": log(1 + exp(x)), the definition as written (ggml's CUDA op_softplus and darknet's
//    CPU softplus_activate write logf(1 + expf(x)), but behind an x > 20 guard). Backward as
//    autodiff derives it (PyTorch autograd, JAX): (1 / (1 + e)) * e, e = exp(x), NaN once e is
//    inf.
//  "stable": max(x, 0) + log1p(exp(-|x|)), jax.nn.softplus = logaddexp(x, 0)
//    (jax/_src/nn/functions.py, lax/other.py; also ONNX Runtime's CPU Softplus and OpenCV's BNLL
//    with log instead of log1p). Backward as logaddexp's JVP: exp(x - softplus(x)), with +inf
//    replaced by 0 in both (_replace_inf), so 1 at x = +inf.

struct TextbookSoftplus {
  template <class T>
  static T eval(T x) {
    return x > T(20) ? x : log1p(exp(x));
  }
};
struct TextbookSoftplusGrad {
  template <class T>
  static T eval(T x) {
    const T z = exp(x);
    return x > T(20) ? T(1) : z / (z + T(1));
  }
};
struct NaiveSoftplus {
  template <class T>
  static T eval(T x) {
    return log(T(1) + exp(x));
  }
};
struct NaiveSoftplusGrad {
  template <class T>
  static T eval(T x) {
    const T e = exp(x);
    return T(1) / (T(1) + e) * e;
  }
};
struct StableSoftplus {
  template <class T>
  static T eval(T x) {
    return relu(x) + log1p(exp(-fabs(x)));
  }
};
struct StableSoftplusGrad {
  template <class T>
  static T eval(T x) {
    if (static_cast<double>(x) == INFINITY) return T(1);  // exp(0 - 0): _replace_inf
    return exp(x - StableSoftplus::eval(x));
  }
};

constexpr CatalogueFormula kSoftplusFormulas[] = {
    {"textbook", formula_kernels<TextbookSoftplus>(),
     "x > 20 ? x : log1p(exp(x)): PyTorch softplus_kernel, beta 1, threshold 20 "
     "(aten/src/ATen/native/cpu/Activation.cpp, cuda/ActivationSoftplusKernel.cu)"},
    {"naive", formula_kernels<NaiveSoftplus>(),
     "log(1 + exp(x)) unguarded; ggml's CUDA op_softplus and darknet's softplus_activate write "
     "it behind x > 20"},
    {"stable", formula_kernels<StableSoftplus>(),
     "max(x, 0) + log1p(exp(-abs(x))): jax.nn.softplus = logaddexp(x, 0) (jax/_src/lax/other.py); "
     "ONNX Runtime's CPU Softplus, OpenCV's BNLL"},
};
constexpr CatalogueFormula kSoftplusGradFormulas[] = {
    {"textbook", formula_kernels<TextbookSoftplusGrad>(),
     "z = exp(x), x > 20 ? 1 : z / (z + 1): PyTorch softplus_backward"},
    {"naive", formula_kernels<NaiveSoftplusGrad>(),
     "(1 / (1 + e)) * e, e = exp(x): autodiff (PyTorch autograd, JAX) of log(1 + exp(x))"},
    {"stable", formula_kernels<StableSoftplusGrad>(),
     "exp(x - softplus(x)): logaddexp's JVP in JAX"},
};

// ---------------------------------------------------------------------------------------------
// Plateaus: softplus(x) - x -> 0 from above as x -> +inf and softplus -> +0 as x -> -inf;
// softplus' -> 1 from below and -> +0; softplus'(0) = 1/2. (Near 0 softplus holds ln 2 rounded
// to the format, which is not a value every format shares: no plateau is stated there.)

constexpr Asymptote kSoftplusPlateaus[] = {
    {"softplus(x) = x", Approach::positive_tail, true, 0},
    {"softplus(x) = 0", Approach::negative_tail, false, 0.0},
};
constexpr Asymptote kSoftplusGradPlateaus[] = {
    {"softplus'(x) = 1", Approach::positive_tail, false, 1.0},
    {"softplus'(x) = 0", Approach::negative_tail, false, 0.0},
    {"softplus'(x) = 1/2", Approach::zero_positive, false, 0.5},
    {"softplus'(x) = 1/2", Approach::zero_negative, false, 0.5},
};

// Finite differences: for x >= 0 softplus ~ x, rounding grows with |f|: l = max(1, x); in the
// left tail softplus ~ e^x, whose derivatives are its own size: l = 1.
double softplus_length(double x) { return x >= 0 ? std::max(1.0, x) : 1.0; }

}  // namespace

constinit const FunctionSpec kSoftplus{
    .name = "softplus",
    .definition = "ln(1 + exp(x))",
    .parity = Parity::none,
    .derivative = &kSoftplusGrad,
    .primitive = nullptr,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {INFINITY, 0.0, false, std::nullopt},  // softplus(0) = ln 2
    .plateaus = kSoftplusPlateaus,
    .tail = TailRule{{1, 0, 1}, {0, 0, 1}, log2_tail},
    .head = std::nullopt,
    .fast = fast_formula<&fast_softplus<Record>, &fast_softplus<Replay>>(),
    .mpfr = mpfr_formula<SoftplusMpfr>(),
    .formulas = kSoftplusFormulas,
    .finite_difference_length = softplus_length,
    .derivative_facts = std::nullopt,
};

constinit const FunctionSpec kSoftplusGrad{
    .name = "softplus_grad",
    .definition = "d/dx softplus = sigma(x) = 1/(1 + exp(-x))",
    .parity = Parity::none,
    .derivative = nullptr,
    .primitive = &kSoftplus,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {1.0, 0.0, false, 0.5},
    .plateaus = kSoftplusGradPlateaus,
    .tail = TailRule{{0, 1, -1}, {0, 0, 1}, log2_tail},
    .head = HeadRule{{0, 0.5, 1}, {0, 0.5, -1}, 1, -2},
    .fast = fast_formula<&fast_softplus_grad<Record>, &fast_softplus_grad<Replay>>(),
    .mpfr = mpfr_formula<SoftplusGradMpfr>(),
    .formulas = kSoftplusGradFormulas,
    .finite_difference_length = nullptr,
    .derivative_facts = DerivativeFacts{sig, grad_condition, grad_shape},
};

}  // namespace gelucheck::families
