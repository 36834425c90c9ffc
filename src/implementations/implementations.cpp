#include "implementations/implementations.hpp"

#include <cmath>

#include "fp/arithmetic.hpp"
#include "reference/reference.hpp"

namespace gelucheck {
namespace {

// ---------------------------------------------------------------------------------------------
// Formula sets. Each is written once over a number type T (double, float or Native<F>) and
// provides the functions it implements. Constants are written as the double literals kernels
// use (M_SQRT1_2 and friends) and enter T the way a kernel's cast does.

using std::erf, std::erfc, std::exp, std::tanh, std::fabs, std::copysign;

constexpr double kSqrt1_2 = 0.70710678118654752440;     // M_SQRT1_2
constexpr double kSqrt2OverPi = 0.79788456080286535588;  // M_2_SQRTPI * M_SQRT1_2
constexpr double kInvSqrt2Pi = 0.39894228040143267794;   // M_2_SQRTPI * M_SQRT1_2 * 0.5

template <class T>
T sigmoid(T y) {
  return T(1) / (T(1) + exp(-y));
}

// The formulas as written in the definitions (functions.hpp), the way PyTorch's GELU kernels
// (aten/src/ATen/native/cpu/Activation.cpp, cuda/ActivationGeluKernel.cu) spell them.
struct Textbook {
  template <class T>
  static T gelu_erf(T x) {
    return x * T(0.5) * (T(1) + erf(x * T(kSqrt1_2)));
  }
  template <class T>
  static T gelu_tanh(T x) {
    const T inner = T(kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x * x * x));
    return T(0.5) * x * (T(1) + tanh(inner));
  }
  template <class T>
  static T gelu_erf_grad(T x) {
    const T cdf = T(0.5) * (T(1) + erf(x * T(kSqrt1_2)));
    const T pdf = exp(T(-0.5) * x * x) * T(kInvSqrt2Pi);
    return cdf + x * pdf;
  }
  template <class T>
  static T gelu_tanh_grad(T x) {
    const T x_sq = x * x;
    const T inner = T(kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x_sq * x));
    const T t = tanh(inner);
    const T left = T(0.5) * x;
    const T right = T(1) + t;
    const T left_derivative = T(0.5) * right;
    const T right_derivative =
        (T(1) - t * t) * T(kSqrt2OverPi) * (T(1) + T(3 * kTanhFormCubic) * x_sq);
    return left_derivative + left * right_derivative;
  }
  template <class T>
  static T tanh(T x) {
    using std::tanh;
    return tanh(x);
  }
  template <class T>
  static T tanh_grad(T x) {
    using std::tanh;
    const T t = tanh(x);
    return T(1) - t * t;
  }
};

// The tanh form computed where the exact GELU is asked for: the approximation gap in ULPs.
struct TanhFormForExact {
  template <class T>
  static T gelu_erf(T x) {
    return Textbook::gelu_tanh(x);
  }
  template <class T>
  static T gelu_erf_grad(T x) {
    return Textbook::gelu_tanh_grad(x);
  }
};

// erf by Abramowitz & Stegun 7.1.26: erf(x) = 1 - (a1 t + ... + a5 t^5) e^(-x^2), t = 1/(1 + p x),
// x >= 0, |error| <= 1.5e-7; odd extension for x < 0.
template <class T>
T erf_as7126(T x) {
  const T p = T(0.3275911);
  const T a1 = T(0.254829592), a2 = T(-0.284496736), a3 = T(1.421413741), a4 = T(-1.453152027),
          a5 = T(1.061405429);
  const T ax = fabs(x);
  const T t = T(1) / (T(1) + p * ax);
  const T poly = ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t;
  return copysign(T(1) - poly * exp(-ax * ax), x);
}

struct AbramowitzStegun {
  template <class T>
  static T gelu_erf(T x) {
    return x * T(0.5) * (T(1) + erf_as7126(x * T(kSqrt1_2)));
  }
  template <class T>
  static T gelu_erf_grad(T x) {
    const T cdf = T(0.5) * (T(1) + erf_as7126(x * T(kSqrt1_2)));
    return cdf + x * exp(T(-0.5) * x * x) * T(kInvSqrt2Pi);
  }
};

// x * sigmoid(1.702 x) (Hendrycks & Gimpel, section 2; "QuickGELU" in OpenAI's CLIP), used as
// either GELU; derivative s + 1.702 x s (1 - s), s = sigmoid(1.702 x).
struct Sigmoid1702 {
  template <class T>
  static T gelu(T x) {
    return x * sigmoid(T(1.702) * x);
  }
  template <class T>
  static T grad(T x) {
    const T s = sigmoid(T(1.702) * x);
    return s + T(1.702) * x * s * (T(1) - s);
  }
  template <class T>
  static T gelu_erf(T x) {
    return gelu(x);
  }
  template <class T>
  static T gelu_tanh(T x) {
    return gelu(x);
  }
  template <class T>
  static T gelu_erf_grad(T x) {
    return grad(x);
  }
  template <class T>
  static T gelu_tanh_grad(T x) {
    return grad(x);
  }
};

// Exact GELU as 0.5 x erfc(-x/sqrt 2): no 1 + erf cancellation for x << 0.
struct ErfcForm {
  template <class T>
  static T gelu_erf(T x) {
    return x * T(0.5) * erfc(-x * T(kSqrt1_2));
  }
  template <class T>
  static T gelu_erf_grad(T x) {
    return T(0.5) * erfc(-x * T(kSqrt1_2)) + x * exp(T(-0.5) * x * x) * T(kInvSqrt2Pi);
  }
};

// The tanh form as x sigmoid(2u) = x / (1 + exp(-2u)): 0.5 (1 + tanh u) = sigmoid(2u) without
// the 1 + tanh cancellation; derivative s + x s (1 - s) 2u', s = sigmoid(2u).
struct SigmoidForm {
  template <class T>
  static T gelu_tanh(T x) {
    const T two_u = T(2 * kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x * x * x));
    return x * sigmoid(two_u);
  }
  template <class T>
  static T gelu_tanh_grad(T x) {
    const T x_sq = x * x;
    const T two_u = T(2 * kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x_sq * x));
    const T s = sigmoid(two_u);
    const T two_du = T(2 * kSqrt2OverPi) * (T(1) + T(3 * kTanhFormCubic) * x_sq);
    return s + x * s * (T(1) - s) * two_du;
  }
};

// tanh from exp, (e^2x - 1)/(e^2x + 1): the naive hand-written kernel; e^2x overflows to
// inf/inf = NaN for large x. Also inside the tanh-form GELU and its derivative.
template <class T>
T tanh_from_exp(T x) {
  const T e = exp(T(2) * x);
  return (e - T(1)) / (e + T(1));
}

struct ExpTanh {
  template <class T>
  static T tanh(T x) {
    return tanh_from_exp(x);
  }
  template <class T>
  static T tanh_grad(T x) {
    const T t = tanh_from_exp(x);
    return T(1) - t * t;
  }
  template <class T>
  static T gelu_tanh(T x) {
    const T inner = T(kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x * x * x));
    return T(0.5) * x * (T(1) + tanh_from_exp(inner));
  }
  template <class T>
  static T gelu_tanh_grad(T x) {
    const T x_sq = x * x;
    const T inner = T(kSqrt2OverPi) * (x + T(kTanhFormCubic) * (x_sq * x));
    const T t = tanh_from_exp(inner);
    return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * T(kSqrt2OverPi) *
                                     (T(1) + T(3 * kTanhFormCubic) * x_sq);
  }
};

// ---------------------------------------------------------------------------------------------
// Kernels: a formula set evaluated in an arithmetic, for one function and one format.

enum class Arithmetic { fp64, fp32, native };

template <class T, const Format& F, T (*formula)(T)>
void run_formula(std::span<const uint32_t> x, std::span<uint32_t> y) {
  for (size_t i = 0; i < x.size(); ++i) y[i] = store<F>(formula(load<T, F>(x[i])));
}

template <class T, const Format& F, T (*formula)(T)>
const char* trace_formula(uint32_t x) {
  overflow_trace() = {};
  (void)formula(load<T, F>(x));
  return overflow_trace().first;
}

using KernelPtr = void (*)(std::span<const uint32_t>, std::span<uint32_t>);
using TracePtr = const char* (*)(uint32_t);

// The formula of `Set` for `fn`, instantiated by Use<T, F, formula> (nullptr if Set lacks it).
#define GELUCHECK_PICK(fn_name)                                     \
  case Function::fn_name:                                           \
    if constexpr (requires(T v) { Set::template fn_name<T>(v); }) { \
      return Use::template get<&Set::template fn_name<T>>();       \
    } else {                                                        \
      return nullptr;                                               \
    }

template <class Set, class T, class Use, class R>
R pick_formula(Function fn) {
  switch (fn) {
    GELUCHECK_PICK(gelu_erf)
    GELUCHECK_PICK(gelu_tanh)
    GELUCHECK_PICK(gelu_erf_grad)
    GELUCHECK_PICK(gelu_tanh_grad)
    GELUCHECK_PICK(tanh)
    GELUCHECK_PICK(tanh_grad)
  }
  return nullptr;
}
#undef GELUCHECK_PICK

template <class T, const Format& F>
struct UseKernel {
  template <T (*formula)(T)>
  static KernelPtr get() { return &run_formula<T, F, formula>; }
};
template <class T, const Format& F>
struct UseTrace {
  template <T (*formula)(T)>
  static TracePtr get() { return &trace_formula<T, F, formula>; }
};

// Calls visit.template operator()<T, F>() with T the number type of `arithmetic` (Checked for
// traces) and F the format `f`.
template <bool kTrace, class R, class Visit>
R with_arithmetic(Arithmetic arithmetic, const Format& f, Visit visit) {
  auto by_format = [&]<const Format& F>() -> R {
    switch (arithmetic) {
      case Arithmetic::fp64:
        return visit.template operator()<std::conditional_t<kTrace, Checked<double>, double>, F>();
      case Arithmetic::fp32:
        return visit.template operator()<std::conditional_t<kTrace, Checked<float>, float>, F>();
      case Arithmetic::native: return visit.template operator()<Native<F>, F>();
    }
    return nullptr;
  };
  return BuiltinFormats::visit(f, by_format, R{nullptr});
}

template <class Set>
std::function<BatchKernel(Function, const Format&)> formula_kernels(Arithmetic arithmetic) {
  return [arithmetic](Function fn, const Format& f) -> BatchKernel {
    const KernelPtr k = with_arithmetic<false, KernelPtr>(
        arithmetic, f, [fn]<class T, const Format& F>() {
          return pick_formula<Set, T, UseKernel<T, F>, KernelPtr>(fn);
        });
    if (!k) return {};
    return k;
  };
}

template <class Set>
std::function<std::function<const char*(uint32_t)>(Function, const Format&)> formula_traces(
    Arithmetic arithmetic) {
  return [arithmetic](Function fn, const Format& f) -> std::function<const char*(uint32_t)> {
    const TracePtr t = with_arithmetic<true, TracePtr>(
        arithmetic, f, [fn]<class T, const Format& F>() {
          return pick_formula<Set, T, UseTrace<T, F>, TracePtr>(fn);
        });
    if (!t) return {};
    return t;
  };
}

BatchKernel reference_kernel(Function fn, const Format& f) {
  return [fn, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
    for (size_t i = 0; i < x.size(); ++i) y[i] = reference(fn, f, x[i]).correctly_rounded;
  };
}

constexpr const char* kWiden =
    " For fp16/bf16 the input is widened to float, computed in float and rounded once.";

std::vector<Implementation> make_catalogue() {
  std::vector<Implementation> c;
  c.push_back({"correctly_rounded",
               "The exact value rounded once to the format (the reference; the baseline).",
               "What an ideal kernel returns; CORE-MATH-style correctly rounded libraries.", true,
               [](Function fn, const Format& f) -> BatchKernel { return reference_kernel(fn, f); }});
  c.push_back({"fp64", "The textbook formula in double with glibc libm, rounded once to the format.",
               "Computing in float64 and casting down (NumPy/SciPy pipelines, test oracles).",
               false, formula_kernels<Textbook>(Arithmetic::fp64),
               formula_traces<Textbook>(Arithmetic::fp64)});
  c.push_back({"fp32",
               std::string("The textbook formula in float with libm float functions (erff, tanhf, "
                           "expf).") + kWiden,
               "PyTorch's CPU and CUDA GELU/tanh kernels (opmath float for Half and BFloat16), "
               "and most frameworks' 16-bit activations.",
               false, formula_kernels<Textbook>(Arithmetic::fp32),
               formula_traces<Textbook>(Arithmetic::fp32)});
  c.push_back({"native",
               "The textbook formula with every operation and elementary function rounded to the "
               "format (constants too).",
               "Kernels computing natively in half/bfloat16 arithmetic (e.g. CUDA __hmul/__hadd "
               "intrinsics, hand-written fp16 shaders).",
               false, formula_kernels<Textbook>(Arithmetic::native),
               formula_traces<Textbook>(Arithmetic::native)});
  c.push_back({"tanh_approx",
               std::string("The tanh form 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))) and its "
                           "derivative, in float, graded against the exact (erf) GELU.") + kWiden,
               "gelu(approximate='tanh'), GPT-2/BERT 'gelu_new', used where exact GELU is "
               "specified.",
               false, formula_kernels<TanhFormForExact>(Arithmetic::fp32),
               formula_traces<TanhFormForExact>(Arithmetic::fp32)});
  c.push_back({"as7126",
               std::string("Exact GELU with erf from Abramowitz & Stegun 7.1.26 "
                           "(|erf error| <= 1.5e-7), in float.") + kWiden,
               "Hand-written CUDA/OpenCL/shader kernels and inference engines without an erf.",
               false, formula_kernels<AbramowitzStegun>(Arithmetic::fp32),
               formula_traces<AbramowitzStegun>(Arithmetic::fp32)});
  c.push_back({"sigmoid1702",
               std::string("x*sigmoid(1.702x) as either GELU, and its derivative, in float.") + kWiden,
               "'QuickGELU' in OpenAI CLIP and models fine-tuned from it.", false,
               formula_kernels<Sigmoid1702>(Arithmetic::fp32),
               formula_traces<Sigmoid1702>(Arithmetic::fp32)});
  c.push_back({"erfc_form",
               std::string("Exact GELU as 0.5x*erfc(-x/sqrt2) (derivative 0.5erfc(-x/sqrt2) + "
                           "x*phi(x)), in float.") + kWiden,
               "The stable rewrite: no 1+erf cancellation in the negative tail.", false,
               formula_kernels<ErfcForm>(Arithmetic::fp32),
               formula_traces<ErfcForm>(Arithmetic::fp32)});
  c.push_back({"sigmoid_form",
               std::string("The tanh-form GELU as x*sigmoid(2u) = x/(1+exp(-2u)), and its "
                           "derivative, in float.") + kWiden,
               "The stable rewrite of the tanh form: no 1+tanh cancellation in the negative "
               "tail.",
               false, formula_kernels<SigmoidForm>(Arithmetic::fp32),
               formula_traces<SigmoidForm>(Arithmetic::fp32)});
  c.push_back({"exp_tanh",
               std::string("tanh as (e^2x-1)/(e^2x+1), alone and inside the tanh-form GELU and "
                           "the derivatives, in float.") + kWiden,
               "Naive hand-written kernels; e^2x overflows to inf/inf = NaN.", false,
               formula_kernels<ExpTanh>(Arithmetic::fp32),
               formula_traces<ExpTanh>(Arithmetic::fp32)});
  c.push_back({"native_erfc_form", "erfc_form with every operation rounded to the format.",
               "The stable rewrite in a native half/bfloat16 kernel.", false,
               formula_kernels<ErfcForm>(Arithmetic::native),
               formula_traces<ErfcForm>(Arithmetic::native)});
  c.push_back({"native_sigmoid_form", "sigmoid_form with every operation rounded to the format.",
               "The stable rewrite in a native half/bfloat16 kernel.", false,
               formula_kernels<SigmoidForm>(Arithmetic::native),
               formula_traces<SigmoidForm>(Arithmetic::native)});
  c.push_back({"native_exp_tanh", "exp_tanh with every operation rounded to the format.",
               "A naive tanh written in half/bfloat16 arithmetic.", false,
               formula_kernels<ExpTanh>(Arithmetic::native),
               formula_traces<ExpTanh>(Arithmetic::native)});
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
