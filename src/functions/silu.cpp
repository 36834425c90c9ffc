// SiLU (Swish with beta = 1), x sigma(x), and its derivative: everything the program knows about
// them. sigma is the logistic function, sigma(x) = 1/(1 + e^-x); 1 - sigma(x) = sigma(-x) and
// sigma(x) - 1/2 = tanh(x/2)/2, so no formula below subtracts two values near each other except
// where the derivative itself crosses a value (its zero, and 1).
#include <cmath>

#include "functions/constants.hpp"
#include "functions/families.hpp"
#include "functions/kernel_formulas.hpp"
#include "functions/roots.hpp"

namespace gelucheck::families {
namespace {

using namespace constants;
using namespace error_units;
using kernel_formulas::sigmoid;
using std::exp;

// ---------------------------------------------------------------------------------------------
// Reference: tails. For |x| >= 1, with sigma(-|x|) < e^-|x|:
//   silu,  x >= 1:  r = x - x sigma(-x),          0 < x sigma(-x) < x e^-x
//   silu,  x <= -1: r = x sigma(x) < 0,           |r| < |x| e^x
// The derivative f' = sigma(x) (1 + x sigma(-x)):
//   silu', x >= 2:  r = 1 + sigma(-x) (x sigma(x) - 1); x sigma(x) increases and is 1.76 at 2,
//                   so 0 < delta < x sigma(-x) sigma(x) < x e^-x
//   silu', x <= -2: r = sigma(x) (1 + x sigma(-x)); 1 + x sigma(-x) <= 1 - 2 sigma(2) = -0.76,
//                   so r < 0 and |r| < sigma(x) |x| < |x| e^x
// Between 1 and 2 (and -2 and -1) delta changes sign (x sigma(x) = 1 at x = 1.2785, where
// silu' = 1; silu' = 0 at -1.2785): no rule there, the bound is +inf. The left-tail rules are
// required: silu(-3e38) is e^(-3e38)-small, far below MPFR's exponent range (2^(-2^30)), and
// only the rule decides it; they take over where |x| e^x is below a quarter of the format's
// finest step at 0 (x < -117 in fp32, -106 in bf16, -29 in fp16), long before the fast tier's
// exp(-x) overflows double (x < -709).
double log2_exp_tail(double x) { return std::log2(std::fabs(x)) - std::fabs(x) * kLog2E; }
double log2_grad_tail(double x) { return std::fabs(x) < 2 ? INFINITY : log2_exp_tail(x); }

// Head, 0 < |x| <= 2^-8, |tanh(x/2)| <= |x|/2:
//   silu:   r = x/2 + (x/2) tanh(x/2),  delta >= 0 on both sides, delta <= x^2/4 < 2^(2 lx - 2)
//   silu':  r = 1/2 + delta, sign(delta) = sign(x); |silu''| <= 1/2 (its maximum, at 0), so
//           |delta| <= |x|/2 < 2^(lx - 1)

// ---------------------------------------------------------------------------------------------
// Reference: fast tier (reference/tiers.hpp). exp's argument is exact (x or -x); 1 + e with
// e > 0 adds u plus at most L from e (e/(1 + e) < 1); sigma = 1/(1 + e) then carries L + 2u.

template <class M>
FastValue fast_silu(double x, M& sleef) {
  if (x >= 1) {
    const double d = -x / (1 + sleef(SleefFunction::exp, x));  // -x sigma(-x)
    return {x, d, 2 * (L + 2 * u) * std::fabs(d)};
  }
  if (x > -1) {
    const double d = 0.5 * x * tanh_fast(0.5 * x, sleef);  // x sigma(x) - x/2
    return {0.5 * x, d, 2 * (L + u) * std::fabs(d)};
  }
  const double d = x / (1 + sleef(SleefFunction::exp, -x));  // x sigma(x)
  return {0, d, 2 * (L + 2 * u) * std::fabs(d)};
}

template <class M>
FastValue fast_silu_grad(double x, M& sleef) {
  // One exp: e = e^-x, sigma(x) = 1/(1 + e) (L + 2u), sigma(-x) = e sigma(x) (2L + 3u).
  const double e = sleef(SleefFunction::exp, -x);
  const double sp = 1 / (1 + e), sn = e * sp;
  const double sp_err = L + 2 * u, sn_err = 2 * L + 3 * u;
  if (x >= 1) {
    // r = 1 + sigma(-x) (x sigma(x) - 1): g cancels near x = 1.2785, so its error is absolute.
    const double m = x * sp;
    const double g = m - 1;
    const double g_err = (sp_err + u) * m + u * std::fabs(g);
    const double d = sn * g;
    return {1, d, 2 * (sn * g_err + sn_err * std::fabs(d) + u * std::fabs(d))};
  }
  if (x > -1) {
    // r = 1/2 + tanh(x/2)/2 + x sigma(x) sigma(-x): both terms have the sign of x.
    const double h = 0.5 * tanh_fast(0.5 * x, sleef);
    const double k = x * sp * sn;
    const double d = h + k;
    return {0.5, d,
            2 * (L * std::fabs(h) + (sp_err + sn_err + 2 * u) * std::fabs(k) + u * std::fabs(d))};
  }
  // r = sigma(x) (1 + x sigma(-x)): 1 + m cancels near x = -1.2785 (silu' = 0 there).
  const double m = x * sn;
  const double g = 1 + m;
  const double g_err = (sn_err + u) * std::fabs(m) + u * std::fabs(g);
  const double d = sp * g;
  return {0, d, 2 * (sp * g_err + sp_err * std::fabs(d) + u * std::fabs(d))};
}

// ---------------------------------------------------------------------------------------------
// Reference: MPFR tier. Relative error per operation U; exp's argument is exact.

struct SiluMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R v = x / (1 + exp(-x));  // exp U, 1 + e U, / U
    return {v, abs(v) * 8 * unit_roundoff<R>()};
  }
};

struct SiluGradMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    const R U = unit_roundoff<R>();
    const R P = 1 / (1 + exp(-x));  // sigma(x): 3U
    const R N = 1 / (1 + exp(x));   // sigma(-x): 3U
    const R K = x * N;              // 4U
    const R v = P * (1 + K);        // 1 + K: 4U |K| + U |1 + K| absolute; then P: 3U + U
    return {v, (abs(P * K) * 4 + abs(v) * 5) * 2 * U};
  }
};

// ---------------------------------------------------------------------------------------------
// Derivative facts in double. With s = sigma(x), n = sigma(-x) = 1 - s and s' = s n:
//   f'  = s (1 + x n)
//   f'' = 2 s n + x s n (n - s) = s n (2 + x (n - s)) = s n (2 - x tanh(x/2))
//   kappa = |x f''/f'| = |x n (2 - x tanh(x/2)) / (1 + x n)|   (s cancels: nothing underflows
//           for x << 0, where f' and f'' both do; x^2 < 1.2e77 for fp32 inputs)
// f'' = 0 where x tanh(x/2) = 2: x = +-2.3993572805154677 (f' extremes, f'(x) + f'(-x) = 1);
// f' = 0 where 1 + x + e^x = 0: x* = -1 - W(1/e) = -1.2784645427610738 (SiLU's minimum).

double sig(double x) { return 1 / (1 + std::exp(-x)); }
double grad_value(double x) { return sig(x) * (1 + x * sig(-x)); }
double grad_condition(double x) {
  const double n = sig(-x);
  return std::fabs(x * n * (2 - x * std::tanh(0.5 * x)) / (1 + x * n));
}

DerivativeShape grad_shape() {
  // 2 - x tanh(x/2) is even, 2 at 0, decreasing in |x|: positive at 2, negative at 3.
  const double a = root_between([](double x) { return 2 - x * std::tanh(0.5 * x); }, 2.0, 3.0);
  DerivativeShape s;
  s.extrema = {-a, a};
  // 1 + x + e^x is increasing: one root, negative at -2, positive at -1.
  s.zeros = {root_between([](double x) { return 1 + x + std::exp(x); }, -2.0, -1.0)};
  return s;
}

// ---------------------------------------------------------------------------------------------
// Catalogue formulas (implementations.cpp names the sets).
//  "textbook": x / (1 + exp(-x)), as PyTorch writes it (aten/src/ATen/native/cpu/Activation.cpp
//    silu_kernel, cuda/ActivationSiluKernel.cu; Half and BFloat16 in float), and llama.cpp's
//    ggml_silu_f32 (ggml/src/ggml-cpu/vec.h) and vLLM's silu_kernel (csrc/activation_kernels.cu).
//    Backward as PyTorch's silu_backward_kernel: s = 1/(1 + exp(-x)), s (1 + x (1 - s)), also
//    ggml_silu_backward_f32 and TensorFlow's swish gradient (tensorflow/python/ops/nn_impl.py).
//  "mul_sigmoid": x * sigmoid(x) as jax.nn.silu writes it (jax/_src/nn/functions.py, sigmoid =
//    lax.logistic = 1/(1 + exp(-x))), Liger-Kernel's and Unsloth's SwiGLU (Triton). Backward as
//    JAX's autodiff derives it from logistic's JVP g*ans*(1 - ans): s + x (s (1 - s)).

struct TextbookSilu {
  template <class T>
  static T eval(T x) {
    return x / (T(1) + exp(-x));
  }
};
struct TextbookSiluGrad {
  template <class T>
  static T eval(T x) {
    const T s = T(1) / (T(1) + exp(-x));
    return s * (T(1) + x * (T(1) - s));
  }
};
struct MulSigmoidSilu {
  template <class T>
  static T eval(T x) {
    return x * sigmoid(x);
  }
};
struct MulSigmoidSiluGrad {
  template <class T>
  static T eval(T x) {
    const T s = sigmoid(x);
    return s + x * (s * (T(1) - s));
  }
};

constexpr CatalogueFormula kSiluFormulas[] = {
    {"textbook", formula_kernels<TextbookSilu>(),
     "x / (1 + exp(-x)): PyTorch silu_kernel (aten/src/ATen/native/cpu/Activation.cpp, "
     "cuda/ActivationSiluKernel.cu; Half/BFloat16 in float), llama.cpp ggml_silu_f32 "
     "(ggml/src/ggml-cpu/vec.h, ggml-cuda/unary.cuh), vLLM silu_kernel "
     "(csrc/activation_kernels.cu)"},
    {"mul_sigmoid", formula_kernels<MulSigmoidSilu>(),
     "x * sigmoid(x): jax.nn.silu (jax/_src/nn/functions.py), Liger-Kernel and Unsloth SwiGLU "
     "(Triton)"},
};
constexpr CatalogueFormula kSiluGradFormulas[] = {
    {"textbook", formula_kernels<TextbookSiluGrad>(),
     "s = 1/(1 + exp(-x)), s * (1 + x * (1 - s)): PyTorch silu_backward_kernel, llama.cpp "
     "ggml_silu_backward_f32, TensorFlow's swish gradient (tensorflow/python/ops/nn_impl.py)"},
    {"mul_sigmoid", formula_kernels<MulSigmoidSiluGrad>(),
     "s + x * (s * (1 - s)): JAX autodiff of x * logistic(x) (logistic's JVP g*ans*(1 - ans))"},
};

// ---------------------------------------------------------------------------------------------
// Plateaus: silu(x) - x -> 0 from below as x -> +inf, silu -> 0 from below as x -> -inf;
// silu' -> 1 from above and -> 0 from below; silu'(0) = 1/2.

constexpr Asymptote kSiluPlateaus[] = {
    {"silu(x) = x", Approach::positive_tail, true, 0},
    {"silu(x) = -0", Approach::negative_tail, false, -0.0},
};
constexpr Asymptote kSiluGradPlateaus[] = {
    {"silu'(x) = 1", Approach::positive_tail, false, 1.0},
    {"silu'(x) = -0", Approach::negative_tail, false, -0.0},
    {"silu'(x) = 1/2", Approach::zero_positive, false, 0.5},
    {"silu'(x) = 1/2", Approach::zero_negative, false, 0.5},
};

// Finite differences: GELU's shape and scales (exact_gelu.cpp). For x >= 0 silu ~ x beyond a few
// units, so rounding grows with |f| ~ x: l = max(1, x). In the left tail silu ~ x e^x, whose
// derivatives are of its own size (M0/M3 ~ 1): l = 1.
double silu_length(double x) { return x >= 0 ? std::max(1.0, x) : 1.0; }

}  // namespace

constinit const FunctionSpec kSilu{
    .name = "silu",
    .definition = "x*sigma(x) = x/(1 + exp(-x))",
    .parity = Parity::none,
    .derivative = &kSiluGrad,
    .primitive = nullptr,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {INFINITY, -0.0, true, 0.0},
    .plateaus = kSiluPlateaus,
    .tail = TailRule{{1, 0, -1}, {0, 0, -1}, log2_exp_tail},
    .head = HeadRule{{0.5, 0, 1}, {0.5, 0, 1}, 2, -2},
    .fast = fast_formula<&fast_silu<Record>, &fast_silu<Replay>>(),
    .mpfr = mpfr_formula<SiluMpfr>(),
    .formulas = kSiluFormulas,
    .finite_difference_length = silu_length,
    .derivative_facts = std::nullopt,
};

constinit const FunctionSpec kSiluGrad{
    .name = "silu_grad",
    .definition = "d/dx silu = sigma(x)*(1 + x*(1 - sigma(x)))",
    .parity = Parity::none,
    .derivative = nullptr,
    .primitive = &kSilu,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {1.0, -0.0, false, 0.5},
    .plateaus = kSiluGradPlateaus,
    .tail = TailRule{{0, 1, 1}, {0, 0, -1}, log2_grad_tail},
    .head = HeadRule{{0, 0.5, 1}, {0, 0.5, -1}, 1, -1},
    .fast = fast_formula<&fast_silu_grad<Record>, &fast_silu_grad<Replay>>(),
    .mpfr = mpfr_formula<SiluGradMpfr>(),
    .formulas = kSiluGradFormulas,
    .finite_difference_length = nullptr,
    .derivative_facts = DerivativeFacts{grad_value, grad_condition, grad_shape},
};

}  // namespace gelucheck::families
