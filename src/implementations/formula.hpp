// A formula of the catalogue, instantiated as kernels: the same formula evaluated in double
// (then rounded once to the format), in float (16-bit inputs widened, rounded once), in
// Native<F> arithmetic (every operation rounded to the format), or in float with flush-to-zero
// (FtzFloat: subnormal float operands and results flushed). A family file writes each formula
// once, as `struct S { template <class T> static T eval(T x); }`, and lists it under the name of
// its formula set ("textbook", "erfc_form", ...); the catalogue (implementations.cpp) names the
// set and the arithmetic of each entry.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "fp/arithmetic.hpp"
#include "fp/format.hpp"

namespace gelucheck {

// float32_ftz: float with flush-to-zero and denormals-are-zero (FtzFloat, fp/arithmetic.hpp).
enum class Arithmetic : uint8_t { float64, float32, native, float32_ftz };
inline constexpr size_t kArithmetics = 4;

using KernelPtr = void (*)(std::span<const uint32_t> x, std::span<uint32_t> y);
using TracePtr = const char* (*)(uint32_t x);
// The formula's results in double or float arithmetic before any rounding to a format (inputs
// and results as doubles; a float result is exact in double).
using ValuePtr = void (*)(std::span<const double> x, std::span<double> y);

// Kernels of one formula for every arithmetic x built-in format; traces evaluate one input in
// Checked<double>, Checked<float> or Native<F> and name the first operation that overflowed.
// The other formats (the narrow ones, graded pairs) are computed from `value`
// (implementations.cpp): in float or double, then rounded.
struct FormulaKernels {
  KernelPtr kernel[kArithmetics][std::size(BuiltinFormats::formats)];
  TracePtr trace[kArithmetics][std::size(BuiltinFormats::formats)];
  ValuePtr value[2];  // Arithmetic::float64, Arithmetic::float32
  // nullptr for a format outside the built-in list.
  KernelPtr kernel_for(Arithmetic a, const Format& f) const;
  TracePtr trace_for(Arithmetic a, const Format& f) const;
};

// One formula set of one function, and where kernels write it that way (a family that cites its
// sources here has them listed under the reports that grade it; empty for the first six
// functions, whose entries' own texts say it).
struct CatalogueFormula {
  std::string_view set;
  FormulaKernels kernels;
  std::string_view source = {};
};

namespace detail {
template <class T, const Format& F, class S>
void run_formula(std::span<const uint32_t> x, std::span<uint32_t> y) {
  for (size_t i = 0; i < x.size(); ++i) y[i] = store<F>(S::eval(load<T, F>(x[i])));
}

template <class T, class S>
void value_formula(std::span<const double> x, std::span<double> y) {
  for (size_t i = 0; i < x.size(); ++i) y[i] = static_cast<double>(S::eval(static_cast<T>(x[i])));
}

template <class T, const Format& F, class S>
const char* trace_formula(uint32_t x) {
  overflow_trace() = {};
  (void)S::eval(load<T, F>(x));
  return overflow_trace().first;
}

template <class S, const Format& F>
constexpr void fill_format(FormulaKernels& k, size_t fi) {
  k.kernel[size_t(Arithmetic::float64)][fi] = &run_formula<double, F, S>;
  k.kernel[size_t(Arithmetic::float32)][fi] = &run_formula<float, F, S>;
  k.kernel[size_t(Arithmetic::native)][fi] = &run_formula<Native<F>, F, S>;
  k.trace[size_t(Arithmetic::float64)][fi] = &trace_formula<Checked<double>, F, S>;
  k.trace[size_t(Arithmetic::float32)][fi] = &trace_formula<Checked<float>, F, S>;
  k.trace[size_t(Arithmetic::native)][fi] = &trace_formula<Native<F>, F, S>;
  k.kernel[size_t(Arithmetic::float32_ftz)][fi] = &run_formula<FtzFloat, F, S>;
  k.trace[size_t(Arithmetic::float32_ftz)][fi] = &trace_formula<FtzFloat, F, S>;
}

template <class S, const Format&... Fs>
constexpr FormulaKernels formula_kernels_for(FormatList<Fs...>) {
  FormulaKernels k{};
  size_t fi = 0;
  (fill_format<S, Fs>(k, fi++), ...);
  k.value[size_t(Arithmetic::float64)] = &value_formula<double, S>;
  k.value[size_t(Arithmetic::float32)] = &value_formula<float, S>;
  return k;
}
}  // namespace detail

template <class S>
constexpr FormulaKernels formula_kernels() {
  return detail::formula_kernels_for<S>(BuiltinFormats{});
}

inline KernelPtr FormulaKernels::kernel_for(Arithmetic a, const Format& f) const {
  for (size_t i = 0; i < std::size(BuiltinFormats::formats); ++i)
    if (BuiltinFormats::formats[i] == &f) return kernel[size_t(a)][i];
  return nullptr;
}
inline TracePtr FormulaKernels::trace_for(Arithmetic a, const Format& f) const {
  for (size_t i = 0; i < std::size(BuiltinFormats::formats); ++i)
    if (BuiltinFormats::formats[i] == &f) return trace[size_t(a)][i];
  return nullptr;
}

}  // namespace gelucheck
