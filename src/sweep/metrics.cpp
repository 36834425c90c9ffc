#include "sweep/metrics.hpp"

#include <bit>
#include <cmath>

namespace gelucheck {

std::string_view subnormal_mode_name(SubnormalMode m) {
  switch (m) {
    case SubnormalMode::ieee:
      return "ieee";
    case SubnormalMode::ftz:
      return "ftz";
    case SubnormalMode::daz:
      return "daz";
    case SubnormalMode::ftz_daz:
      return "ftz+daz";
  }
  return "?";
}

bool parse_subnormal_mode(std::string_view name, SubnormalMode& out) {
  for (SubnormalMode m :
       {SubnormalMode::ieee, SubnormalMode::ftz, SubnormalMode::daz, SubnormalMode::ftz_daz}) {
    if (name == subnormal_mode_name(m)) {
      out = m;
      return true;
    }
  }
  if (name == "daz+ftz") {
    out = SubnormalMode::ftz_daz;
    return true;
  }
  return false;
}

Tolerance torch_default_tolerance(const Format& f) {
  // torch/testing/_comparison.py, _DTYPE_PRECISIONS ({dtype: (rtol, atol)}); a dtype missing
  // there gets (0.0, 0.0) from default_tolerances.
  if (&f == &fp32) return {1.3e-6, 1e-5};
  if (&f == &fp16) return {1e-3, 1e-5};
  if (&f == &bf16) return {1.6e-2, 1e-5};
  return {0, 0};
}

Grading grading_for(Function fn, const Format& f, SubnormalMode mode,
                    std::optional<Tolerance> tolerance, ReferenceMode reference_mode) {
  Grading g;
  g.subnormals = mode;
  g.tolerance = tolerance;
  if (flushes_inputs(mode)) {
    for (int negative = 0; negative < 2; ++negative)
      g.at_zero[negative] = reference(fn, f, zero_read_for(f.in(), negative), reference_mode);
  }
  return g;
}

PointRecord compare(const Format& f, uint32_t x, uint32_t y, const RefValue& ref_at_x,
                    const Grading& g) {
  PointRecord p;
  p.x = x;
  p.y = y;
  p.ref = ref_at_x;
  // Remark 10: a subnormal input read as the zero of its sign.
  if (y != ref_at_x.correctly_rounded && reads_input_as_zero(f, x, g)) {
    p.ref = g.at_zero[is_negative(f.in(), x) ? 1 : 0];
    p.flushed = true;
  }
  const RefValue& ref = p.ref;
  const double yv = to_double(f, y);
  const double cr = to_double(f, ref.correctly_rounded);
  p.outcome = outcome_of(f, y, ref);
  if (p.outcome == Outcome::special) {
    p.correctly_rounded = p.faithful = p.assert_close = true;
    return p;
  }
  if (p.outcome != Outcome::finite) {
    p.ulp_error = p.abs_error = p.rel_error = std::numeric_limits<double>::quiet_NaN();
    p.tolerance_ratio = INFINITY;
    return p;
  }
  p.correctly_rounded = y == ref.correctly_rounded;
  p.distance = uint64_t(std::abs(value_ordinal(f, y) - value_ordinal(f, ref.correctly_rounded)));
  p.faithful = faithful_at(p.distance, yv, cr, ref.side);
  p.zero_sign = yv == 0 && cr == 0 && std::signbit(yv) != std::signbit(cr);
  p.abs_error = yv - ref.exact;
  p.ulp_error = in_ulps(p.abs_error, ref);
  if (ref.exact != 0) {
    p.rel_error = p.abs_error / std::fabs(ref.exact);
  } else {
    p.rel_error = yv == 0 ? 0.0 : std::copysign(INFINITY, yv);
  }
  p.assert_close =
      assert_close_passes(f, y, ref.correctly_rounded, g.tolerance_for(f), &p.tolerance_ratio);
  // Remark 11: the zero of r's sign in place of a result whose exact value is below 2^emin. On
  // the grid r may read as 2^emin itself; the side of r from its rounding, 2^emin, decides.
  if (!flushes_results(g.subnormals) || p.correctly_rounded || yv != 0 || ref.exact == 0 ||
      std::signbit(yv) != std::signbit(ref.exact))
    return p;
  const double smallest_normal = std::ldexp(1.0, f.emin());
  const bool below_normal =
      std::fabs(ref.exact) < smallest_normal ||
      (std::fabs(ref.exact) == smallest_normal && ref.side == (ref.exact > 0 ? -1 : 1));
  if (below_normal) {
    p.outcome = Outcome::flushed;
    p.flushed = p.correctly_rounded = p.faithful = true;
    p.distance = 0;
  }
  return p;
}

}  // namespace gelucheck
