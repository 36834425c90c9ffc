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

// The conversion of a result y of format `from` to a graded format g (a pair's output), as a
// cast kernel does it: y * scale in float (no multiplication when scale is 1), rounded once to
// g's layout under the convention o.
[[gnu::always_inline]] inline uint32_t cast_result(const Format& from, uint32_t y, const Format& g,
                                                   Overflow o) {
  float v = static_cast<float>(to_double(from, y));  // exact: every format's values are floats
  if (g.scale != 1) v *= static_cast<float>(g.scale);
  return round_to_format(g, static_cast<double>(v), o);
}

// Input bits of format `in` as a double (exact).
void inputs_as_doubles(const Format& in, std::span<const uint32_t> x, std::span<double> v) {
  for (size_t i = 0; i < x.size(); ++i) v[i] = to_double(in, x[i]);
}

// fn's formula in `arithmetic` for the format f (plain), rounded once to f: the instantiated
// kernel for a built-in format, else the formula's value in float or double rounded to f (the
// same computation; native arithmetic exists only for the built-in formats).
BatchKernel plain_kernel(const FormulaKernels& k, Arithmetic arithmetic, const Format& f) {
  if (const KernelPtr kernel = k.kernel_for(arithmetic, f)) return kernel;
  if (arithmetic == Arithmetic::native || f.is_pair()) return {};
  if (arithmetic == Arithmetic::float32_ftz) {
    // Float with flush-to-zero has no double-valued form: fp32's kernel, on the input converted
    // exactly (every value of a format narrower than fp32 is a float), its result rounded to f,
    // as the float32 entries' values are.
    const KernelPtr in_fp32 = k.kernel_for(arithmetic, fp32);
    if (!in_fp32) return {};
    return [in_fp32, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      std::vector<uint32_t> x32(x.size());
      for (size_t i = 0; i < x.size(); ++i) x32[i] = round_to_format(fp32, to_double(f, x[i]));
      in_fp32(x32, y);
      for (uint32_t& v : y) v = round_to_format(f, to_double(fp32, v));
    };
  }
  const ValuePtr value = k.value[size_t(arithmetic)];
  return [value, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
    std::vector<double> v(x.size());
    inputs_as_doubles(f, x, v);
    value(v, v);
    for (size_t i = 0; i < x.size(); ++i) y[i] = round_to_format(f, v[i]);
  };
}

// A graded pair (format.hpp): the entry computes as it does for its input format, then the
// result is cast to the output (cast_result, non-saturating): the unfused pipeline of an
// activation kernel that writes its input format followed by a quantizing cast.
BatchKernel pair_kernel(BatchKernel in_kernel, const Format& g) {
  if (!in_kernel) return {};
  return
      [in_kernel = std::move(in_kernel), &g](std::span<const uint32_t> x, std::span<uint32_t> y) {
        in_kernel(x, y);
        for (uint32_t& v : y) v = cast_result(g.in(), v, g, Overflow::nonsaturating);
      };
}

BatchKernel formula_kernel(const FormulaKernels& k, Arithmetic arithmetic, const Format& f) {
  if (!f.is_pair()) return plain_kernel(k, arithmetic, f);
  return pair_kernel(plain_kernel(k, arithmetic, f.in()), f);
}

// The trace of one input; a format without instantiated kernels is traced in float or double
// through fp32's (the input converted exactly), where the same operations overflow.
std::function<const char*(uint32_t)> formula_trace(const FormulaKernels& k, Arithmetic arithmetic,
                                                   const Format& f) {
  const Format& in = f.in();
  if (const TracePtr trace = k.trace_for(arithmetic, in)) return trace;
  if (arithmetic == Arithmetic::native) return {};
  const TracePtr trace = k.trace_for(arithmetic, fp32);
  return [trace, &in](uint32_t x) { return trace(round_to_format(fp32, to_double(in, x))); };
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
    if (!c) return {};
    return formula_kernel(c->kernels, arithmetic, f);
  };
  impl.trace_for = [set, arithmetic, of](Function fn,
                                         const Format& f) -> std::function<const char*(uint32_t)> {
    const CatalogueFormula* c = formula_for(fn, set, of);
    if (!c || !formula_kernel(c->kernels, arithmetic, f)) return {};
    return formula_trace(c->kernels, arithmetic, f);
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
  // Fused activation + quantization (issue 14): for 8-bit and narrower results and graded
  // pairs only (`-t bf16:e4m3`, `--scale`), so that the wide formats' tables are unchanged.
  const auto fused = [](std::string name, std::string summary, std::string used_in,
                        Overflow overflow, const Format* via) {
    Implementation impl;
    impl.name = std::move(name);
    impl.summary = std::move(summary);
    impl.used_in = std::move(used_in);
    impl.overflow = overflow;
    impl.formula_set = "textbook";
    impl.kernel_for = [overflow, via](Function fn, const Format& f, const Domain*) -> BatchKernel {
      const CatalogueFormula* textbook = formula_of(fn, "textbook");
      if (!textbook || !(f.is_pair() || f.total_bits() <= 8)) return {};
      const ValuePtr value = textbook->kernels.value[size_t(Arithmetic::float32)];
      return [value, overflow, via, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
        std::vector<double> v(x.size());
        inputs_as_doubles(f.in(), x, v);
        value(v, v);  // float results, exact in double
        for (size_t i = 0; i < x.size(); ++i) {
          if (via) {  // the float result rounded to `via` first, then cast
            y[i] = cast_result(*via, round_to_format(*via, v[i]), f, overflow);
          } else {
            y[i] = cast_result(fp32, round_to_format(fp32, v[i]), f, overflow);
          }
        }
      };
    };
    impl.source_for = [](Function) { return std::string_view(); };
    return impl;
  };
  constexpr const char* kScale =
      " With --scale S the float result is multiplied by S in float before the cast.";
  c.push_back(fused("fused_fp32",
                    std::string("The textbook formula in float, its result rounded once to the "
                                "output format, non-saturating (overflow gives inf, or NaN in "
                                "E4M3 and FNUZ).") +
                        kScale,
                    "A fused activation + FP8 cast with PyTorch's c10 conversions "
                    "(fp8e4m3fn_from_fp32_value: NaN from 464 on) or __NV_NOSAT.",
                    Overflow::nonsaturating, nullptr));
  c.push_back(fused("fused_fp32_sat",
                    std::string("As fused_fp32, saturating: a result beyond the largest finite "
                                "value gives +-max.") +
                        kScale,
                    "Transformer Engine's fused activation + cast kernels (static_cast to "
                    "__nv_fp8_e4m3/e5m2, i.e. __NV_SATFINITE; cvt.rn.satfinite on Blackwell).",
                    Overflow::saturating, nullptr));
  c.push_back(fused("bf16_then_cast",
                    std::string("The textbook formula in float rounded to bf16, then cast to the "
                                "output format, non-saturating: two roundings.") +
                        kScale,
                    "An unfused pipeline: a bf16 activation kernel, then a separate quantize "
                    "kernel (torch: gelu(x).to(torch.float8_e4m3fn)).",
                    Overflow::nonsaturating, &bf16));
  c.push_back(fused("bf16_then_cast_sat",
                    std::string("As bf16_then_cast, the cast saturating.") + kScale,
                    "An unfused pipeline with a saturating quantize kernel (Transformer Engine's "
                    "cast of a bf16 tensor).",
                    Overflow::saturating, &bf16));
  // Kernels compiled with flush-to-zero (fp/arithmetic.hpp, FtzFloat), declared as such: graded
  // in their mode by default (sweep/metrics.hpp, remarks 10-12), in IEEE mode with
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
void note_overflow(const char* op) { overflow_trace().note(op); }

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
