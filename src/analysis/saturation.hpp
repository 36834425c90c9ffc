// Saturation and special values: where each function's correctly rounded value reaches its
// asymptotes (and stays there), and where each implementation departs from that: premature
// zeros, cancellation, overflow, late saturation, wrong special values.
//
// Data in (function, format, implementations) -> SaturationReport out; rendering is in
// saturation_render.hpp. Every threshold is an exact input of the format.
//
// Inputs visited:
//  - formats of 16 bits or fewer: every finite value (exhaustive);
//  - wider formats (fp32): a grid in bit space, 2^sparse_bits inputs per binade (the subnormals
//    count as one binade) and 2^dense_bits per binade where |x| is in [dense_lo, dense_hi), plus
//    +-0, +-max and the first and last input of every binade; then every gap of the grid next to
//    a plateau boundary (the reference's and each implementation's) and just outside the first
//    and last input of every zone is evaluated in full. So every threshold and every zone end is
//    an exact input, provided the grid saw the transition: a plateau that is broken, or a zone
//    that opens and closes, between two neighbouring grid points is missed. Counts inside a zone
//    are estimates (Zone::estimated): a gap between two grid points in the zone counts whole, a
//    gap between one in the zone and one outside counts half. Flickering classes (an
//    implementation that is 1 ULP off at scattered inputs) are why the interior is not refined:
//    filling every gap whose ends differ costs tens of millions of evaluations.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fp/format.hpp"
#include "functions/function.hpp"
#include "functions/function_spec.hpp"  // Approach, Asymptote
#include "implementations/implementations.hpp"
#include "reference/reference.hpp"

namespace gelucheck {

// Plateaus (Approach, Asymptote) are stated by each function family (function_spec.hpp).
const char* approach_name(Approach a);  // "x -> +inf", ...
bool is_tail(Approach a);
bool is_negative_side(Approach a);

// The plateaus of each function: its limits at +-inf, and for tanh and the derivatives the value
// at 0 (tanh(x) = x, f'(x) = 1/2, tanh'(x) = 1), each side of zero separately (FunctionSpec).
std::vector<Asymptote> asymptotes_of(Function fn);

// The plateau of one asymptote: the maximal run of inputs, starting at its anchor (+-max for
// tails, +-0 near zero), whose value equals A(x) (as numbers: -0 == +0; zero signs are checked
// separately). For a tail, `x` is the first input from which the value stays put.
struct Plateau {
  bool exists = false;        // false: the value at the anchor is not A(anchor)
  uint32_t x = 0;             // the plateau's boundary away from the anchor
  uint64_t inputs = 0;        // inputs on the plateau, anchor and boundary included
  uint32_t anchor_value = 0;  // the value at the anchor (what it ends at, when !exists)
};

// Signed distance between an implementation's plateau boundary and the reference's, in inputs of
// the format, measured away from zero: positive when the implementation's boundary is farther
// from zero (a tail reached late; a near-zero plateau that extends too far).
int64_t outward_distance(const Format& f, Approach a, uint32_t reference_x, uint32_t x);

enum class ZoneKind : uint8_t {
  premature_zero,         // y = +-0 where the correctly rounded value is a normal number
  underflow_zero,         // y = +-0 where it is subnormal (as flush-to-zero would give)
  cancellation,           // |relative error| > limit, y finite non-zero, reference normal
  overflow_nan,           // y is NaN for a finite input (reference finite)
  overflow_inf,           // y is +-inf where the correctly rounded reference is finite
  intermediate_overflow,  // an operation overflowed (finite operands, inf/NaN result) but y is
                          // finite
  late_saturation,        // inside the reference's tail plateau, y finite and not A(x)
  zero_sign,              // y and the correctly rounded value are zeros of opposite sign
  forms_differ,           // (form comparison) the two functions round to different values
};
const char* zone_name(ZoneKind k);

// The inputs of one kind on one side of zero (and, for overflows, one first-overflowing
// operation).
struct Zone {
  ZoneKind kind;
  bool negative = false;         // x < 0 (-0 included); zones never straddle zero
  std::string operation;         // the first operation that overflowed, when traced
  uint32_t first = 0, last = 0;  // lowest and highest input in the zone
  uint64_t inputs = 0;           // inputs of this kind between first and last
  uint64_t span = 0;             // all inputs between first and last
  uint64_t runs = 0;             // maximal runs of consecutive inputs of this kind
  bool estimated = false;        // inputs and runs estimated from a grid (see the top)
  // cancellation: largest |relative error|; premature_zero, underflow_zero: largest |exact
  // value| lost;
  // late_saturation: largest |ULP error|; other kinds: 0.
  double worst = 0;
  uint32_t worst_x = 0;
  // Failure zones (is_failure): the other implementations, not the reference, with no failure
  // zone meeting this one, and their largest |ULP error| over the inputs visited in it.
  struct Alternative {
    const Implementation* implementation;
    double max_abs_ulp;
  };
  std::vector<Alternative> alternatives;
};
// Premature zero, cancellation, NaN and infinity: the zones a summary offers alternatives for.
bool is_failure(ZoneKind k);

struct SpecialInput {
  std::string_view name;  // "+0", "-inf", "NaN", "+min subnormal", ...
  uint32_t x;
};
std::vector<SpecialInput> special_inputs(const Format& f);

struct SpecialResult {
  uint32_t actual = 0;
  bool ok = false;      // bit-identical to the expected value (any NaN for NaN)
  std::string verdict;  // "ok", "NaN", "wrong sign of zero", "+3 ULP", ...
};

struct ImplementationSaturation {
  const Implementation* implementation = nullptr;
  std::vector<Plateau> plateaus;  // one per asymptote, in SaturationReport::asymptotes order
  std::vector<std::optional<int64_t>> distances;  // outward_distance, when both plateaus exist
  std::vector<Zone> zones;                        // in input order within each kind
  std::vector<SpecialResult> specials;            // in SaturationReport::specials order
  uint64_t count(ZoneKind k) const;
};

// Where a function and its other form (the erf and tanh forms of GELU, or their derivatives)
// round to different values.
struct FormComparison {
  Function other;
  std::vector<Zone> zones;  // kind forms_differ, one per side of zero at most
};

struct SaturationOptions {
  unsigned threads = 0;  // 0: one per core
  ReferenceMode reference_mode = ReferenceMode::tiered;
  double relative_error_limit = 0.01;  // the cancellation zone's threshold
  // Grid for formats wider than 16 bits (see the top of this file).
  int sparse_bits = 9;
  int dense_bits = 14;
  double dense_lo = 0.25, dense_hi = 128;
};

struct SaturationReport {
  Function function;
  const Format* format;
  bool exhaustive = true;
  double relative_error_limit = 0.01;  // the cancellation threshold used
  std::string method;                  // how the inputs were visited, in one sentence
  uint64_t grid_points = 0;            // inputs on the initial grid
  uint64_t evaluated = 0;              // inputs evaluated (grid + refinement)
  std::vector<Asymptote> asymptotes;
  std::vector<Plateau> reference;  // the correctly rounded plateaus, per asymptote
  std::vector<SpecialInput> specials;
  std::vector<uint32_t> special_expected;  // correctly rounded value at each special input
  std::vector<ImplementationSaturation> implementations;
  std::optional<FormComparison> forms;  // for functions that have another form
};

// Implementations that lack the function for the format are left out of the report.
SaturationReport analyze_saturation(Function fn, const Format& f,
                                    std::span<const Implementation* const> implementations,
                                    const SaturationOptions& options);

}  // namespace gelucheck
