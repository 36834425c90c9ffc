// What a function family states about each of its functions: one FunctionSpec per function,
// written in the family's file (functions/FAMILY.cpp) and listed in functions/registry.cpp. The
// stages of the program read these specs through the registry (functions/function.hpp); none of
// them knows a function by name. docs/architecture.md has the checklist for adding a function.
//
// A spec is constant data: pointers to other specs, to constant tables and to functions, so that
// every spec is initialized before any code runs (constinit).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "implementations/formula.hpp"  // CatalogueFormula
#include "reference/tiers.hpp"          // TailRule, HeadRule, FastFormula, MpfrFormula

namespace gelucheck {

enum class Parity : uint8_t {
  odd,   // f(-x) = -f(x)
  even,  // f(-x) = f(x)
  none,
};

// The values at +-inf (the limits) and at +-0. A zero's sign is part of the value: gelu(-inf) is
// -0 because gelu(x) < 0 for x < 0.
struct SpecialValues {
  double at_positive_infinity, at_negative_infinity;  // values of every format (0, +-1, +-inf)
  bool zero_is_signed;                                // f(+-0) = +-0; otherwise f(+-0) = at_zero
  // f(+-0) when it is exact in every format (0, 1/2, 1); nullopt when it is not a double
  // (softplus(0) = ln 2, mish'(0) = 3/5): the fast and MPFR tiers decide it like any input.
  std::optional<double> at_zero;
  constexpr bool zero_by_tiers() const { return !zero_is_signed && !at_zero; }
};

// Where a plateau is anchored and which way it extends (saturation analysis).
enum class Approach : uint8_t {
  positive_tail,  // x -> +inf: the plateau is [T, +max]
  negative_tail,  // x -> -inf: the plateau is [-max, T]
  zero_positive,  // x -> +0:   the plateau is [+0, T]
  zero_negative,  // x -> -0:   the plateau is [T, -0]
};

// A value the function holds on a plateau: a constant, or x itself (gelu(x) = x, tanh(x) = x).
struct Asymptote {
  std::string_view label;  // e.g. "tanh(x) = 1"
  Approach approach;
  bool identity = false;  // A(x) = x
  double value = 0;       // the constant otherwise (a zero's sign is the limit's sign)
  double at(double x) const { return identity ? x : value; }
};

// Where a derivative has an extremum (f'' = 0) and where it is zero, in increasing order, to
// double accuracy: the gradient analyses cut the input range there into pieces on which f' is
// monotone and of one sign.
struct DerivativeShape {
  std::vector<double> extrema;
  std::vector<double> zeros;
};

// Facts about a derivative f' in double. They never decide a result digit by digit: kappa only
// scales an error envelope (max(1/2, kappa/2) ULP, so 1e-6 relative would do; the double formulas
// hold ~1e-13), and the shape only cuts ranges. Every value a report prints comes from the
// reference (correctly rounded).
struct DerivativeFacts {
  double (*value)(double x);  // f'(x)
  // kappa(x) = |x f''(x) / f'(x)|: a relative perturbation d of x moves f'(x) by kappa*d
  // relative. +inf at a zero of f'; finite everywhere else, including the tails where f' and f''
  // underflow.
  double (*condition)(double x);
  DerivativeShape (*shape)();  // computed once, on first use
};

struct FunctionSpec {
  std::string_view name;        // as the command line spells it
  std::string_view definition;  // the exact mathematical definition
  Parity parity;

  // Relations (nullptr when there is none). A forward has its derivative; a derivative has its
  // primitive. Two specs that are forms of one function (the erf and tanh forms of GELU, and
  // their derivatives) name each other; the approximation grades against the other form.
  const FunctionSpec* derivative;
  const FunctionSpec* primitive;
  const FunctionSpec* other_form;
  bool approximates_other_form;

  SpecialValues specials;
  std::span<const Asymptote> plateaus;  // limits at +-inf, and values it holds near 0

  // The reference (reference.hpp): the analytic rules where they exist, the fast tier's formula
  // in double and the MPFR tier's formula, each with its proved error bound.
  std::optional<TailRule> tail;
  std::optional<HeadRule> head;
  FastFormula fast;
  MpfrFormula mpfr;

  // The catalogue's formula sets this function has (implementations.cpp names them).
  std::span<const CatalogueFormula> formulas;

  // Forwards: the length l(x) over which f changes character, for the finite-difference step
  // (implementations/finite_difference.hpp).
  double (*finite_difference_length)(double x);

  // Derivatives: f' and its condition number in double.
  std::optional<DerivativeFacts> derivative_facts;
};

}  // namespace gelucheck
