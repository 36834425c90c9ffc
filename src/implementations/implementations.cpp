#include "implementations/implementations.hpp"

#include <cmath>

#include "functions/function_spec.hpp"
#include "implementations/formula.hpp"
#include "reference/reference.hpp"

namespace gelucheck {
namespace {

// Formula set `set` of `fn`, when fn has that set (function_spec.hpp).
const CatalogueFormula* formula_of(Function fn, std::string_view set) {
  for (const CatalogueFormula& c : fn.spec().formulas)
    if (c.set == set) return &c;
  return nullptr;
}

// Where an entry takes its formula from: the function graded, or the other form of it that
// approximates it (the tanh form computed where the exact GELU is asked for).
enum class FormulaOf { function, approximating_form };

const CatalogueFormula* formula_for(Function fn, std::string_view set, FormulaOf of) {
  if (of == FormulaOf::function) return formula_of(fn, set);
  if (!has_other_form(fn) || approximates_other_form(fn)) return nullptr;
  return formula_of(other_form_of(fn), set);
}

Implementation formula_entry(std::string name, std::string summary, std::string used_in,
                             std::string_view set, Arithmetic arithmetic,
                             FormulaOf of = FormulaOf::function) {
  Implementation impl;
  impl.name = std::move(name);
  impl.summary = std::move(summary);
  impl.used_in = std::move(used_in);
  impl.kernel_for = [set, arithmetic, of](Function fn, const Format& f,
                                          const Domain*) -> BatchKernel {
    const CatalogueFormula* c = formula_for(fn, set, of);
    const KernelPtr kernel = c ? c->kernels.kernel_for(arithmetic, f) : nullptr;
    if (!kernel) return {};
    return kernel;
  };
  impl.trace_for = [set, arithmetic, of](Function fn,
                                         const Format& f) -> std::function<const char*(uint32_t)> {
    const CatalogueFormula* c = formula_for(fn, set, of);
    const TracePtr trace = c ? c->kernels.trace_for(arithmetic, f) : nullptr;
    if (!trace) return {};
    return trace;
  };
  impl.formula_set = std::string(set);
  impl.source_for = [set, of](Function fn) -> std::string_view {
    const CatalogueFormula* c = formula_for(fn, set, of);
    return c ? c->source : std::string_view();
  };
  return impl;
}

Implementation reference_entry() {
  Implementation impl;
  impl.name = "correctly_rounded";
  impl.summary = "The exact value rounded once to the format (the reference; the baseline).";
  impl.used_in = "What an ideal kernel returns; CORE-MATH-style correctly rounded libraries.";
  impl.is_reference = true;
  impl.kernel_for = [](Function fn, const Format& f, const Domain*) -> BatchKernel {
    return [fn, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      for (size_t i = 0; i < x.size(); ++i) y[i] = reference(fn, f, x[i]).correctly_rounded;
    };
  };
  return impl;
}

constexpr const char* kWiden =
    " For fp16/bf16 the input is widened to float, computed in float and rounded once.";

// The catalogue: each entry a formula set (written per function in the family files) in an
// arithmetic. An entry provides the functions that have its set.
std::vector<Implementation> make_catalogue() {
  std::vector<Implementation> c;
  c.push_back(reference_entry());
  c.push_back(formula_entry(
      "fp64", "The textbook formula in double with glibc libm, rounded once to the format.",
      "Computing in float64 and casting down (NumPy/SciPy pipelines, test oracles).", "textbook",
      Arithmetic::float64));
  c.push_back(formula_entry(
      "fp32",
      std::string("The textbook formula in float with libm float functions (erff, tanhf, "
                  "expf).") +
          kWiden,
      "PyTorch's CPU and CUDA GELU/tanh kernels (opmath float for Half and BFloat16), "
      "and most frameworks' 16-bit activations.",
      "textbook", Arithmetic::float32));
  c.push_back(formula_entry(
      "native",
      "The textbook formula with every operation and elementary function rounded to the "
      "format (constants too).",
      "Kernels computing natively in half/bfloat16 arithmetic (e.g. CUDA __hmul/__hadd "
      "intrinsics, hand-written fp16 shaders).",
      "textbook", Arithmetic::native));
  c.push_back(
      formula_entry("tanh_approx",
                    std::string("The tanh form 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))) and its "
                                "derivative, in float, graded against the exact (erf) GELU.") +
                        kWiden,
                    "gelu(approximate='tanh'), GPT-2/BERT 'gelu_new', used where exact GELU is "
                    "specified.",
                    "textbook", Arithmetic::float32, FormulaOf::approximating_form));
  c.push_back(
      formula_entry("as7126",
                    std::string("Exact GELU with erf from Abramowitz & Stegun 7.1.26 "
                                "(|erf error| <= 1.5e-7), in float.") +
                        kWiden,
                    "Hand-written CUDA/OpenCL/shader kernels and inference engines without an erf.",
                    "as7126", Arithmetic::float32));
  c.push_back(formula_entry(
      "sigmoid1702",
      std::string("x*sigmoid(1.702x) as either GELU, and its derivative, in float.") + kWiden,
      "'QuickGELU' in OpenAI CLIP and models fine-tuned from it.", "sigmoid1702",
      Arithmetic::float32));
  c.push_back(
      formula_entry("erfc_form",
                    std::string("Exact GELU as 0.5x*erfc(-x/sqrt2) (derivative 0.5erfc(-x/sqrt2) + "
                                "x*phi(x)), in float.") +
                        kWiden,
                    "The stable rewrite: no 1+erf cancellation in the negative tail.", "erfc_form",
                    Arithmetic::float32));
  c.push_back(
      formula_entry("sigmoid_form",
                    std::string("The tanh-form GELU as x*sigmoid(2u) = x/(1+exp(-2u)), and its "
                                "derivative, in float.") +
                        kWiden,
                    "The stable rewrite of the tanh form: no 1+tanh cancellation in the negative "
                    "tail.",
                    "sigmoid_form", Arithmetic::float32));
  c.push_back(formula_entry(
      "exp_tanh",
      std::string("tanh as (e^2x-1)/(e^2x+1), alone and inside the tanh-form GELU and "
                  "the derivatives, in float.") +
          kWiden,
      "Naive hand-written kernels; e^2x overflows to inf/inf = NaN.", "exp_tanh",
      Arithmetic::float32));
  c.push_back(formula_entry(
      "native_erfc_form", "erfc_form with every operation rounded to the format.",
      "The stable rewrite in a native half/bfloat16 kernel.", "erfc_form", Arithmetic::native));
  c.push_back(formula_entry(
      "native_sigmoid_form", "sigmoid_form with every operation rounded to the format.",
      "The stable rewrite in a native half/bfloat16 kernel.", "sigmoid_form", Arithmetic::native));
  c.push_back(formula_entry(
      "native_exp_tanh", "exp_tanh with every operation rounded to the format.",
      "A naive tanh written in half/bfloat16 arithmetic.", "exp_tanh", Arithmetic::native));
  // The activations after GELU (functions/silu.cpp, softplus.cpp, mish.cpp, relu2.cpp; their
  // textbook forms are the generic entries above). Each family file cites the source of each
  // formula set.
  c.push_back(formula_entry(
      "silu_mul_sigmoid",
      std::string("SiLU as x*sigmoid(x), sigmoid = 1/(1+exp(-x)); derivative s + x*(s*(1-s)) as "
                  "autodiff derives it, in float.") +
          kWiden,
      "jax.nn.silu (jax/_src/nn/functions.py; gradient by autodiff of lax.logistic), "
      "Liger-Kernel's and Unsloth's SwiGLU Triton kernels (forward).",
      "mul_sigmoid", Arithmetic::float32));
  c.push_back(formula_entry(
      "softplus_naive",
      std::string("Softplus as log(1+exp(x)), no threshold; derivative (1/(1+e))*e, e = exp(x), "
                  "as autodiff derives it, in float.") +
          kWiden,
      "The definition written directly; ggml's CUDA op_softplus and darknet's CPU softplus "
      "write logf(1+expf(x)) behind an x > 20 guard. exp overflows above 88.7 (fp32).",
      "naive", Arithmetic::float32));
  c.push_back(formula_entry(
      "softplus_stable",
      std::string("Softplus as max(x,0) + log1p(exp(-abs(x))); derivative exp(x - softplus(x)), "
                  "in float.") +
          kWiden,
      "jax.nn.softplus = logaddexp(x, 0) and its JVP (jax/_src/lax/other.py); ONNX Runtime's "
      "CPU Softplus and OpenCV's BNLL use the same split.",
      "stable", Arithmetic::float32));
  c.push_back(formula_entry(
      "mish_rewrite",
      std::string("Mish as x*n/(n+2), n = e*e + 2e, e = exp(x) (x - 2x/(n+2) for x > -0.6); "
                  "derivative as darknet's CUDA backward: sp = log1pf(expf(x)) (x if x > 20, "
                  "expf(x) if x < -20), x*((1-tanh(sp)^2)*(-expm1(-sp))) + tanh(sp); in float.") +
          kWiden,
      "darknet's CUDA mish_yashas2 and gradient_array_mish_kernel (src/activation_kernels.cu), "
      "OpenCV's CUDA MishFunctor (modules/dnn/src/cuda/functors.hpp); __expf and __fdividef "
      "there are exact expf and division here.",
      "n_rewrite", Arithmetic::float32));
  c.push_back(formula_entry(
      "mish_tfa",
      std::string("Mish with TensorFlow's softplus thresholds (log(eps)+2: x above -13.94, "
                  "exp(x) below 13.94 in float, log(exp(x)+1) between), x*tanh(sp); derivative "
                  "x*((1-tanh(sp)^2)*(1-exp(-sp))) + tanh(sp), in float.") +
          kWiden,
      "TensorFlow Addons' Mish and MishGrad kernels (tensorflow_addons/custom_ops/activations/"
      "cc/kernels/mish_op.h).",
      "tfa", Arithmetic::float32));
  c.push_back(formula_entry(
      "native_softplus_stable", "softplus_stable with every operation rounded to the format.",
      "The stable softplus in a native half/bfloat16 kernel.", "stable", Arithmetic::native));
  c.push_back(formula_entry(
      "native_mish_rewrite", "mish_rewrite with every operation rounded to the format.",
      "The fast Mish rewrite in a native half/bfloat16 kernel.", "n_rewrite", Arithmetic::native));
  c.push_back(formula_entry(
      "native_mish_tfa",
      "mish_tfa with every operation rounded to the format (thresholds from the format's "
      "epsilon: 4.93 in fp16, 2.84 in bf16).",
      "TensorFlow Addons' Mish with T = Eigen::half or bfloat16, whose arithmetic rounds every "
      "operation to T (registration for those types unverified).",
      "tfa", Arithmetic::native));
  // Kernels compiled with flush-to-zero (fp/arithmetic.hpp, FtzFloat), declared as such: graded
  // in their mode by default (sweep/metrics.hpp, remarks 7-9), in IEEE mode with
  // --subnormals ieee.
  Implementation ftz = formula_entry(
      "fp32_ftz",
      std::string("The textbook formula in float with flush-to-zero and denormals-are-zero: "
                  "subnormal float operands read as zero, subnormal float results of every "
                  "operation and libm function flushed to a zero of their sign. Declared "
                  "subnormal mode ftz+daz.") +
          kWiden,
      "GPU kernels compiled with -ftz=true (nvcc --use_fast_math, XLA's GPU default for f32, "
      "Triton's libdevice ftz variants); CPU threads with MXCSR FTZ|DAZ (-ffast-math).",
      "textbook", Arithmetic::float32_ftz);
  ftz.subnormals = SubnormalMode::ftz_daz;
  c.push_back(std::move(ftz));
  Implementation erfc_ftz = formula_entry(
      "erfc_form_ftz",
      std::string("erfc_form in float with flush-to-zero and denormals-are-zero, as fp32_ftz. "
                  "Declared subnormal mode ftz+daz.") +
          kWiden,
      "The stable rewrite in a kernel compiled with -ftz=true: erfc's subnormal intermediate "
      "in the left tail is flushed before the product that would have made it normal.",
      "erfc_form", Arithmetic::float32_ftz);
  erfc_ftz.subnormals = SubnormalMode::ftz_daz;
  c.push_back(std::move(erfc_ftz));
  return c;
}

}  // namespace

OverflowTrace& overflow_trace() {
  thread_local OverflowTrace trace;
  return trace;
}

const std::vector<Implementation>& builtin_implementations() {
  static const std::vector<Implementation> catalogue = make_catalogue();
  return catalogue;
}

const Implementation* find_implementation(std::string_view name) {
  for (const Implementation& i : builtin_implementations())
    if (i.name == name) return &i;
  return nullptr;
}

std::string implementation_names() {
  std::string out;
  for (const Implementation& i : builtin_implementations()) {
    if (!out.empty()) out += ", ";
    out += i.name;
  }
  return out;
}

}  // namespace gelucheck
