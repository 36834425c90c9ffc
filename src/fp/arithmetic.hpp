// Number types a formula can be evaluated in: double, float, and Native<F>, where every
// operation and elementary function is rounded to the format F, as in a kernel that computes in
// fp16 or bf16 arithmetic throughout.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "fp/format.hpp"

namespace gelucheck {

// Records the first operation of the current evaluation that overflowed (finite operands, infinite
// or NaN result), so reports can say which intermediate step broke. Thread-local.
struct OverflowTrace {
  const char* first = nullptr;
  void note(const char* op) {
    if (!first) first = op;
  }
};
OverflowTrace& overflow_trace();
// overflow_trace().note(op), out of line: the arithmetic types below call it after every operation
// that overflowed, and their operators are inlined into the kernels' loops.
[[gnu::noinline, gnu::cold]] void note_overflow(const char* op);

template <const Format& F>
struct Native {
  double v = 0;  // always a value of F (or +-inf, NaN)

  Native() = default;
  // Constants enter a kernel rounded to F, as (half)0.044715 does.
  Native(double c) : v(round_value(F, c)) {}  // NOLINT: implicit, so formulas can write T(0.5)
  static Native exact(double value_of_f) {
    Native n;
    n.v = value_of_f;
    return n;
  }
  explicit operator double() const { return v; }

  // +, -, *, / and sqrt of two p-bit numbers computed in double and rounded again to F are
  // correctly rounded to F when 53 >= 2p + 2 (Figueroa, "When is double rounding innocuous?",
  // 1995), which holds for every supported format (p <= 24).
  // The result of an operation on a and b (b = 0 for one operand), noted in the overflow trace
  // when it is infinite or NaN and the operands were not. The result is tested first: it is
  // finite almost always, so that one well-predicted branch is all a kernel pays.
  [[gnu::always_inline]] static Native op_result(double r, const char* op, double a, double b = 0) {
    Native n(r);
    if (!std::isfinite(n.v)) [[unlikely]]
      if (std::isfinite(a) && std::isfinite(b)) note_overflow(op);
    return n;
  }
  // A NaN operand is the result, the left one first (as x86's SSE/AVX arithmetic and most
  // hardware propagate NaNs), written out so that a NaN's sign does not depend on which operand
  // the compiler puts first in a commutative instruction.
  [[gnu::always_inline]] static bool nan_operand(Native a, Native b, Native& out) {
    if (std::isnan(a.v)) return out = a, true;
    if (std::isnan(b.v)) return out = b, true;
    return false;
  }
  [[gnu::always_inline]] friend Native operator+(Native a, Native b) {
    if (Native n; nan_operand(a, b, n)) return n;
    return op_result(a.v + b.v, "+", a.v, b.v);
  }
  [[gnu::always_inline]] friend Native operator-(Native a, Native b) {
    if (Native n; nan_operand(a, b, n)) return n;
    return op_result(a.v - b.v, "-", a.v, b.v);
  }
  [[gnu::always_inline]] friend Native operator*(Native a, Native b) {
    if (Native n; nan_operand(a, b, n)) return n;
    return op_result(a.v * b.v, "*", a.v, b.v);
  }
  [[gnu::always_inline]] friend Native operator/(Native a, Native b) {
    if (Native n; nan_operand(a, b, n)) return n;
    return op_result(a.v / b.v, "/", a.v, b.v);
  }
  friend Native operator-(Native a) { return exact(-a.v); }
  // Elementary functions: glibc's double function (within a few ulp of double) rounded to F.
  friend Native erf(Native a) { return op_result(std::erf(a.v), "erf", a.v); }
  friend Native erfc(Native a) { return op_result(std::erfc(a.v), "erfc", a.v); }
  friend Native exp(Native a) { return op_result(std::exp(a.v), "exp", a.v); }
  friend Native tanh(Native a) { return op_result(std::tanh(a.v), "tanh", a.v); }
  friend Native sqrt(Native a) { return op_result(std::sqrt(a.v), "sqrt", a.v); }
  friend Native log(Native a) { return op_result(std::log(a.v), "log", a.v); }
  friend Native log1p(Native a) { return op_result(std::log1p(a.v), "log1p", a.v); }
  friend Native expm1(Native a) { return op_result(std::expm1(a.v), "expm1", a.v); }
  friend Native fabs(Native a) { return exact(std::fabs(a.v)); }
  friend Native copysign(Native a, Native b) { return exact(std::copysign(a.v, b.v)); }
  // Comparisons are exact (false when either side is NaN), as the hardware's are.
  friend bool operator<(Native a, Native b) { return a.v < b.v; }
  friend bool operator>(Native a, Native b) { return a.v > b.v; }
  friend bool operator<=(Native a, Native b) { return a.v <= b.v; }
  friend bool operator>=(Native a, Native b) { return a.v >= b.v; }
};

// float or double arithmetic, operation for operation the same as T, that also records the first
// overflow in overflow_trace(). Used only to explain where an implementation overflowed.
template <class T>
struct Checked {
  T v = 0;
  Checked() = default;
  Checked(double c) : v(static_cast<T>(c)) {}  // NOLINT: implicit, like T's own conversions
  explicit operator double() const { return v; }
  static Checked op_result(T r, const char* op, T a = 0, T b = 0) {
    if (!std::isfinite(r) && std::isfinite(a) && std::isfinite(b)) overflow_trace().note(op);
    Checked c;
    c.v = r;
    return c;
  }
#define GELUCHECK_CHECKED_OP(sym, name)               \
  friend Checked operator sym(Checked a, Checked b) { \
    return op_result(a.v sym b.v, name, a.v, b.v);    \
  }
  GELUCHECK_CHECKED_OP(+, "+")
  GELUCHECK_CHECKED_OP(-, "-")
  GELUCHECK_CHECKED_OP(*, "*")
  GELUCHECK_CHECKED_OP(/, "/")
#undef GELUCHECK_CHECKED_OP
  friend Checked operator-(Checked a) { return op_result(-a.v, "neg"); }
  friend Checked erf(Checked a) { return op_result(std::erf(a.v), "erf", a.v); }
  friend Checked erfc(Checked a) { return op_result(std::erfc(a.v), "erfc", a.v); }
  friend Checked exp(Checked a) { return op_result(std::exp(a.v), "exp", a.v); }
  friend Checked tanh(Checked a) { return op_result(std::tanh(a.v), "tanh", a.v); }
  friend Checked sqrt(Checked a) { return op_result(std::sqrt(a.v), "sqrt", a.v); }
  friend Checked log(Checked a) { return op_result(std::log(a.v), "log", a.v); }
  friend Checked log1p(Checked a) { return op_result(std::log1p(a.v), "log1p", a.v); }
  friend Checked expm1(Checked a) { return op_result(std::expm1(a.v), "expm1", a.v); }
  friend Checked fabs(Checked a) { return op_result(std::fabs(a.v), "fabs"); }
  friend Checked copysign(Checked a, Checked b) {
    return op_result(std::copysign(a.v, b.v), "copysign");
  }
  friend bool operator<(Checked a, Checked b) { return a.v < b.v; }
  friend bool operator>(Checked a, Checked b) { return a.v > b.v; }
  friend bool operator<=(Checked a, Checked b) { return a.v <= b.v; }
  friend bool operator>=(Checked a, Checked b) { return a.v >= b.v; }
};

// float arithmetic with flush-to-zero and denormals-are-zero, as in a GPU kernel compiled with
// -ftz=true (nvcc --use_fast_math, XLA's GPU default for f32, Triton's libdevice *_ftz
// functions) or an x86 thread with MXCSR's FTZ and DAZ bits set: a subnormal float operand is
// read as the zero of its sign, and a subnormal float result of any operation or elementary
// function is replaced by the zero of its sign. Elementary functions are libm's float ones on
// the flushed argument, their result flushed (what happens inside them is not emulated). The
// value is never subnormal, so operands need no flushing of their own. Like Checked<T>, it
// records the first overflow (it is its own trace).
struct FtzFloat {
  float v = 0;
  FtzFloat() = default;
  FtzFloat(double c) : v(flush(static_cast<float>(c))) {}  // NOLINT: implicit, like float's
  explicit operator double() const { return v; }
  // Exponent field 0: a subnormal (or a zero, unchanged) becomes the zero of its sign. On the
  // bits, without fpclassify's branches: it runs after every operation.
  [[gnu::always_inline]] static float flush(float a) {
    const uint32_t bits = std::bit_cast<uint32_t>(a);
    return std::bit_cast<float>((bits & 0x7f800000u) ? bits : bits & 0x80000000u);
  }
  // As Native::op_result, then flushed.
  [[gnu::always_inline]] static FtzFloat op_result(float r, const char* op, float a = 0,
                                                   float b = 0) {
    if (!std::isfinite(r)) [[unlikely]]
      if (std::isfinite(a) && std::isfinite(b)) note_overflow(op);
    FtzFloat f;
    f.v = flush(r);
    return f;
  }
#define GELUCHECK_FTZ_OP(sym, name)                                             \
  [[gnu::always_inline]] friend FtzFloat operator sym(FtzFloat a, FtzFloat b) { \
    return op_result(a.v sym b.v, name, a.v, b.v);                              \
  }
  GELUCHECK_FTZ_OP(+, "+")
  GELUCHECK_FTZ_OP(-, "-")
  GELUCHECK_FTZ_OP(*, "*")
  GELUCHECK_FTZ_OP(/, "/")
#undef GELUCHECK_FTZ_OP
#define GELUCHECK_FTZ_FUNCTION(name) \
  friend FtzFloat name(FtzFloat a) { return op_result(std::name(a.v), #name, a.v); }
  GELUCHECK_FTZ_FUNCTION(erf)
  GELUCHECK_FTZ_FUNCTION(erfc)
  GELUCHECK_FTZ_FUNCTION(exp)
  GELUCHECK_FTZ_FUNCTION(tanh)
  GELUCHECK_FTZ_FUNCTION(sqrt)
  GELUCHECK_FTZ_FUNCTION(log)
  GELUCHECK_FTZ_FUNCTION(log1p)
  GELUCHECK_FTZ_FUNCTION(expm1)
#undef GELUCHECK_FTZ_FUNCTION
  friend FtzFloat operator-(FtzFloat a) { return op_result(-a.v, "neg"); }
  friend FtzFloat fabs(FtzFloat a) { return op_result(std::fabs(a.v), "fabs"); }
  friend FtzFloat copysign(FtzFloat a, FtzFloat b) {
    return op_result(std::copysign(a.v, b.v), "copysign");
  }
  friend bool operator<(FtzFloat a, FtzFloat b) { return a.v < b.v; }
  friend bool operator>(FtzFloat a, FtzFloat b) { return a.v > b.v; }
  friend bool operator<=(FtzFloat a, FtzFloat b) { return a.v <= b.v; }
  friend bool operator>=(FtzFloat a, FtzFloat b) { return a.v >= b.v; }
};

// The machine epsilon of a number type, 2^(1 - p) (Eigen::NumTraits<T>::epsilon(), which some
// kernels derive their thresholds from).
template <class T>
struct NumberTraits {
  static double epsilon() { return std::ldexp(1.0, 1 - std::numeric_limits<T>::digits); }
};
template <const Format& F>
struct NumberTraits<Native<F>> {
  static double epsilon() { return std::ldexp(1.0, 1 - F.precision()); }
};
template <class T>
struct NumberTraits<Checked<T>> : NumberTraits<T> {};
template <>
struct NumberTraits<FtzFloat> : NumberTraits<float> {};

// Reads an input of format F into number type T, and writes T's result back to F (one rounding).
template <class T, const Format& F>
T load(uint32_t bits) {
  const double x = to_double(F, bits);
  if constexpr (std::is_same_v<T, Native<F>>) {
    return Native<F>::exact(x);
  } else if constexpr (std::is_same_v<T, Checked<float>>) {
    return T(static_cast<float>(x));
  } else {
    return static_cast<T>(x);  // exact: float holds every fp16/bf16/fp32 value (FtzFloat: DAZ)
  }
}

template <const Format& F, class T>
uint32_t store(T value) {
  return round_to_format(F, static_cast<double>(value));
}

}  // namespace gelucheck
