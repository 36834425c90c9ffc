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
// Notes op when its result r is infinite or NaN and its operands a and b (b = 0 for one operand)
// were not. The result is tested first: it is finite almost always, so that one well-predicted
// branch is all a kernel pays.
template <class T>
[[gnu::always_inline]] inline void trace_overflow(T r, const char* op, T a, T b) {
  if (!std::isfinite(r)) [[unlikely]]
    if (std::isfinite(a) && std::isfinite(b)) note_overflow(op);
}

// Members every arithmetic type X below shares, written once. X has `v` and
// `static X op_result(r, op, a, b = 0)`, which rounds (or flushes) r and traces it.
// The elementary functions a formula may call, each applied to the value and rounded by
// op_result.
#define GELUCHECK_ELEMENTARY_FUNCTION(X, name) \
  friend X name(X a) { return op_result(std::name(a.v), #name, a.v); }
#define GELUCHECK_ELEMENTARY_FUNCTIONS(X) \
  GELUCHECK_ELEMENTARY_FUNCTION(X, erf)   \
  GELUCHECK_ELEMENTARY_FUNCTION(X, erfc)  \
  GELUCHECK_ELEMENTARY_FUNCTION(X, exp)   \
  GELUCHECK_ELEMENTARY_FUNCTION(X, tanh)  \
  GELUCHECK_ELEMENTARY_FUNCTION(X, sqrt)  \
  GELUCHECK_ELEMENTARY_FUNCTION(X, log)   \
  GELUCHECK_ELEMENTARY_FUNCTION(X, log1p) \
  GELUCHECK_ELEMENTARY_FUNCTION(X, expm1)
// +, -, *, / in the value's own type, each rounded by op_result (Native<F> has its own: NaN
// operands first).
#define GELUCHECK_TRACED_OPERATOR(X, sym, name)            \
  [[gnu::always_inline]] friend X operator sym(X a, X b) { \
    return op_result(a.v sym b.v, name, a.v, b.v);         \
  }
#define GELUCHECK_TRACED_OPERATORS(X)  \
  GELUCHECK_TRACED_OPERATOR(X, +, "+") \
  GELUCHECK_TRACED_OPERATOR(X, -, "-") \
  GELUCHECK_TRACED_OPERATOR(X, *, "*") \
  GELUCHECK_TRACED_OPERATOR(X, /, "/")
// Comparisons are exact (false when either side is NaN), as the hardware's are.
#define GELUCHECK_COMPARISONS(X)                          \
  friend bool operator<(X a, X b) { return a.v < b.v; }   \
  friend bool operator>(X a, X b) { return a.v > b.v; }   \
  friend bool operator<=(X a, X b) { return a.v <= b.v; } \
  friend bool operator>=(X a, X b) { return a.v >= b.v; }

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
  [[gnu::always_inline]] static Native op_result(double r, const char* op, double a, double b = 0) {
    Native n(r);
    trace_overflow(n.v, op, a, b);
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
  GELUCHECK_ELEMENTARY_FUNCTIONS(Native)
  friend Native fabs(Native a) { return exact(std::fabs(a.v)); }
  friend Native copysign(Native a, Native b) { return exact(std::copysign(a.v, b.v)); }
  GELUCHECK_COMPARISONS(Native)
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
    trace_overflow(r, op, a, b);
    Checked c;
    c.v = r;
    return c;
  }
  GELUCHECK_TRACED_OPERATORS(Checked)
  friend Checked operator-(Checked a) { return op_result(-a.v, "neg"); }
  GELUCHECK_ELEMENTARY_FUNCTIONS(Checked)
  friend Checked fabs(Checked a) { return op_result(std::fabs(a.v), "fabs"); }
  friend Checked copysign(Checked a, Checked b) {
    return op_result(std::copysign(a.v, b.v), "copysign");
  }
  GELUCHECK_COMPARISONS(Checked)
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
  [[gnu::always_inline]] static FtzFloat op_result(float r, const char* op, float a = 0,
                                                   float b = 0) {
    trace_overflow(r, op, a, b);
    FtzFloat f;
    f.v = flush(r);
    return f;
  }
  GELUCHECK_TRACED_OPERATORS(FtzFloat)
  GELUCHECK_ELEMENTARY_FUNCTIONS(FtzFloat)
  friend FtzFloat operator-(FtzFloat a) { return op_result(-a.v, "neg"); }
  friend FtzFloat fabs(FtzFloat a) { return op_result(std::fabs(a.v), "fabs"); }
  friend FtzFloat copysign(FtzFloat a, FtzFloat b) {
    return op_result(std::copysign(a.v, b.v), "copysign");
  }
  GELUCHECK_COMPARISONS(FtzFloat)
};

#undef GELUCHECK_ELEMENTARY_FUNCTION
#undef GELUCHECK_ELEMENTARY_FUNCTIONS
#undef GELUCHECK_TRACED_OPERATOR
#undef GELUCHECK_TRACED_OPERATORS
#undef GELUCHECK_COMPARISONS

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
