// Graded pairs (format.hpp: inputs of IN, scale * f(x) rounded once to OUT), exhaustive over every
// input of every cheap pair: all 8-bit and narrower inputs to every narrow output and to fp16 and
// bf16, and fp16 and bf16 inputs to every narrow output, with scales 1, 44.8 (Transformer
// Engine's 448/amax for amax = 10, as a float32) and 2^-3.
//
// ReLU^2 and its derivative are exact in double here: x has at most 11 significant bits, x^2 at
// most 22 and 2x 11, a float32 scale 24, so scale * x^2 (<= 46 bits) and scale * 2x are exact
// products, and the correctly rounded value is that product rounded once. The rounding is the
// format's (checked encoding by encoding against the specifications in test_format_tables.cpp);
// the overflow flag is derived here from the definition: the product lies above max + ulp(max)/2,
// or on that midpoint with max's last fraction bit odd (ties to even leave the range).
// The transcendental functions are checked for consistency of the two reference paths, the
// double-interval tier and MPFR alone, on the 8-bit inputs (mpmath_pairs.py checks their values).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "fp/format.hpp"
#include "reference/reference.hpp"
#include "registered_functions.hpp"

using namespace gelucheck;

namespace {

const Format* const kNarrow[] = {&e4m3, &e5m2, &e4m3fnuz, &e5m2fnuz, &e2m3, &e3m2, &e2m1};
const double kScales[] = {1.0, double(44.8f), 0.125};

std::vector<std::pair<const Format*, const Format*>> cheap_pairs() {
  std::vector<std::pair<const Format*, const Format*>> out;
  for (const Format* in : kNarrow) {
    for (const Format* o : kNarrow) out.push_back({in, o});
    out.push_back({in, &fp16});
    out.push_back({in, &bf16});
  }
  for (const Format* in : {&fp16, &bf16})
    for (const Format* o : kNarrow) out.push_back({in, o});
  return out;
}

bool overflows(const Format& out, double v) {
  const double max = to_double(out, out.max_finite_bits());
  const double midpoint = max + std::ldexp(1.0, out.emax() - out.precision());  // ulp(max)/2
  const bool max_is_odd = (out.max_finite_bits() & 1) != 0;
  return std::fabs(v) > midpoint || (std::fabs(v) == midpoint && max_is_odd);
}

}  // namespace

TEST_CASE(
    "graded pairs: relu2 and relu2' are scale * x^2 and scale * 2x rounded once, at every "
    "input of every cheap pair",
    "[reference][pairs]") {
  uint64_t checked = 0, mismatches = 0, overflowed = 0;
  for (const auto& [in, out] : cheap_pairs()) {
    for (const double scale : kScales) {
      const Format& g = format_pair(*in, *out, scale);
      for (uint32_t x = 0; x < in->pattern_count(); ++x) {
        if (!is_finite(*in, x)) continue;
        const double xv = to_double(*in, x);
        for (const bool grad : {false, true}) {
          const double exact = xv > 0 ? scale * (grad ? 2 * xv : xv * xv) : 0.0;
          const RefValue r = reference(grad ? fns::relu2_grad : fns::relu2, g, x);
          const bool overflow = overflows(*out, exact);
          const bool same =
              xv > 0 ? r.correctly_rounded == round_to_format(*out, exact) && r.overflow == overflow
                     : to_double(g, r.correctly_rounded) == 0 && !r.overflow;
          ++checked;
          overflowed += overflow;
          if (!same && ++mismatches <= 10)
            UNSCOPED_INFO(
                fmt::format("{} in {}: x = {} ({}), expected {} overflow {}, got {} "
                            "overflow {}",
                            grad ? "relu2_grad" : "relu2", g.name, to_shortest_decimal(*in, x),
                            to_hex_bits(*in, x), to_hex_bits(*out, round_to_format(*out, exact)),
                            overflow, to_hex_bits(g, r.correctly_rounded), r.overflow));
        }
      }
    }
  }
  INFO(fmt::format("{} inputs checked, {} overflow", checked, overflowed));
  CHECK(overflowed > 1000);  // the overflow boundary is crossed in many pairs
  CHECK(mismatches == 0);
}

TEST_CASE("graded pairs: the double tier and MPFR agree at every 8-bit input of every narrow pair",
          "[reference][pairs]") {
  uint64_t checked = 0, mismatches = 0;
  for (const Function fn : {fns::gelu_erf, fns::gelu_tanh, fns::silu, fns::tanh, fns::softplus}) {
    for (const auto& [in, out] : cheap_pairs()) {
      if (in->total_bits() > 8) continue;
      for (const double scale : kScales) {
        const Format& g = format_pair(*in, *out, scale);
        for (uint32_t x = 0; x < in->pattern_count(); ++x) {
          if (!is_finite(*in, x)) continue;
          const RefValue a = reference(fn, g, x, ReferenceMode::tiered);
          const RefValue b = reference(fn, g, x, ReferenceMode::mpfr);
          ++checked;
          const bool same = a.correctly_rounded == b.correctly_rounded && a.side == b.side &&
                            a.overflow == b.overflow && a.ulp_log2 == b.ulp_log2 &&
                            a.exact == b.exact;
          if (!same && ++mismatches <= 10)
            UNSCOPED_INFO(fmt::format("{} in {}: x = {}: tiered {} mpfr {}", name_of(fn), g.name,
                                      to_hex_bits(*in, x), to_hex_bits(g, a.correctly_rounded),
                                      to_hex_bits(g, b.correctly_rounded)));
        }
      }
    }
  }
  INFO(fmt::format("{} inputs checked", checked));
  CHECK(mismatches == 0);
}
