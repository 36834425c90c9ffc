// Squared ReLU, max(x, 0)^2 (So et al., "Primer: Searching for Efficient Transformers for
// Language Modeling", arXiv:2109.08668), and its derivative 2 max(x, 0): everything the program
// knows about them. Both are exact in double for every input of every format (x^2 of a p-bit x
// has at most 2p <= 48 bits, and no format input squares beyond double's range), so the
// reference is the exact value rounded once: ties to even really occur (an 11-bit x has a
// 21- or 22-bit square), and the decision procedure gets them from the exact value.
#include <cmath>

#include "functions/families.hpp"
#include "functions/kernel_formulas.hpp"

namespace gelucheck::families {
namespace {

// ---------------------------------------------------------------------------------------------
// Reference. No tail or head rules: there is no asymptote, and the fast tier's value is the
// exact one (FastValue::exact), decided in one step. The MPFR tier computes the same products
// exactly (68 bits and up hold 48), with bound 0.

template <class M>
FastValue fast_relu2(double x, M&) {
  return {0, x > 0 ? x * x : 0.0, 0, true};  // +0 for x <= 0
}

template <class M>
FastValue fast_relu2_grad(double x, M&) {
  return {0, x > 0 ? 2 * x : 0.0, 0, true};
}

struct Relu2Mpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    return {x > 0 ? R(x * x) : R(0), R(0)};
  }
};

struct Relu2GradMpfr {
  template <class R>
  static Enclosure<R> enclose(const R& x) {
    return {x > 0 ? R(2 * x) : R(0), R(0)};
  }
};

// ---------------------------------------------------------------------------------------------
// Derivative facts in double: f' = 2 max(x, 0) and f'' = 2 for x > 0, so kappa = |x f''/f'| = 1
// there; for x < 0, f' = 0 on a whole interval, where no perturbation of x moves it: kappa = 0.
// f' is monotone and never negative: no cuts (its zeros are the whole half-line x <= 0, which
// the landscape reports as inputs rounding to 0).

double grad_value(double x) { return x > 0 ? 2 * x : 0.0; }
double grad_condition(double x) { return x > 0 ? 1.0 : 0.0; }
DerivativeShape grad_shape() { return {}; }

// ---------------------------------------------------------------------------------------------
// Catalogue formulas.
//  "textbook": r = relu(x), r * r, as Megatron-LM (megatron/training/activations.py:
//    torch.pow(F.relu(x), 2)), Hugging Face transformers ("relu2": torch.square(relu(x))),
//    nanochat and modded-nanogpt (F.relu(x).square()) and ggml's CUDA op_relu_sqr (fmaxf, r * r)
//    write it. Backward 2 * relu(x), as modded-nanogpt's fused kernel and autograd give it.

using kernel_formulas::relu;

struct TextbookRelu2 {
  template <class T>
  static T eval(T x) {
    const T r = relu(x);
    return r * r;
  }
};
struct TextbookRelu2Grad {
  template <class T>
  static T eval(T x) {
    return T(2) * relu(x);
  }
};

constexpr CatalogueFormula kRelu2Formulas[] = {
    {"textbook", formula_kernels<TextbookRelu2>(),
     "relu(x)^2: Megatron-LM squared_relu (torch.pow(F.relu(x), 2)), Hugging Face 'relu2' "
     "(torch.square), nanochat and modded-nanogpt (F.relu(x).square()), ggml's CUDA op_relu_sqr"}};
constexpr CatalogueFormula kRelu2GradFormulas[] = {
    {"textbook", formula_kernels<TextbookRelu2Grad>(),
     "2 * relu(x): modded-nanogpt's fused kernel; autograd of relu(x)^2"}};

// ---------------------------------------------------------------------------------------------
// Plateaus: relu2 is +0 on the whole negative side and rounds to +0 near 0 (x^2 below half the
// smallest subnormal); it overflows to inf from sqrt(max + ulp/2) on (256 in fp16, 2^64 in bf16
// and fp32). Its derivative is +0 for x < 0 and overflows from (max + ulp/2)/2 on.

constexpr Asymptote kRelu2Plateaus[] = {
    {"relu2(x) = inf", Approach::positive_tail, false, INFINITY},
    {"relu2(x) = 0", Approach::negative_tail, false, 0.0},
    {"relu2(x) = 0", Approach::zero_positive, false, 0.0},
};
constexpr Asymptote kRelu2GradPlateaus[] = {
    {"relu2'(x) = inf", Approach::positive_tail, false, INFINITY},
    {"relu2'(x) = 0", Approach::negative_tail, false, 0.0},
};

// Finite differences: x^2 has f''' = 0, so truncation is nil and any step works; rounding grows
// with f ~ x^2 at x > 1: l = max(1, |x|) keeps h in proportion.
double relu2_length(double x) { return std::max(1.0, std::fabs(x)); }

}  // namespace

constinit const FunctionSpec kRelu2{
    .name = "relu2",
    .definition = "max(x, 0)^2",
    .parity = Parity::none,
    .derivative = &kRelu2Grad,
    .primitive = nullptr,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {INFINITY, 0.0, false, 0.0},
    .plateaus = kRelu2Plateaus,
    .tail = std::nullopt,
    .head = std::nullopt,
    .fast = fast_formula<&fast_relu2<Record>, &fast_relu2<Replay>>(),
    .mpfr = mpfr_formula<Relu2Mpfr>(),
    .formulas = kRelu2Formulas,
    .finite_difference_length = relu2_length,
    .derivative_facts = std::nullopt,
};

constinit const FunctionSpec kRelu2Grad{
    .name = "relu2_grad",
    .definition = "d/dx relu2 = 2*max(x, 0)",
    .parity = Parity::none,
    .derivative = nullptr,
    .primitive = &kRelu2,
    .other_form = nullptr,
    .approximates_other_form = false,
    .specials = {INFINITY, 0.0, false, 0.0},
    .plateaus = kRelu2GradPlateaus,
    .tail = std::nullopt,
    .head = std::nullopt,
    .fast = fast_formula<&fast_relu2_grad<Record>, &fast_relu2_grad<Replay>>(),
    .mpfr = mpfr_formula<Relu2GradMpfr>(),
    .formulas = kRelu2GradFormulas,
    .finite_difference_length = nullptr,
    .derivative_facts = DerivativeFacts{grad_value, grad_condition, grad_shape},
};

}  // namespace gelucheck::families
