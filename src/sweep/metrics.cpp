#include "sweep/metrics.hpp"

#include <bit>
#include <cmath>

namespace gelucheck {

namespace {
// The format value next to v in direction dir (skipping the other zero).
double neighbour(const Format& f, uint32_t bits, int dir) {
  const double v = to_double(f, bits);
  uint32_t n = dir > 0 ? next_up(f, bits) : next_down(f, bits);
  if (to_double(f, n) == v) n = dir > 0 ? next_up(f, n) : next_down(f, n);
  return to_double(f, n);
}
}  // namespace

bool is_faithful(const Format& f, double yv, const RefValue& ref) {
  return yv == to_double(f, ref.correctly_rounded) ||
         (ref.side != 0 && yv == neighbour(f, ref.correctly_rounded, ref.side));
}

Outcome outcome_of(const Format& f, uint32_t y, const RefValue& ref) {
  const double yv = to_double(f, y);
  const double cr = to_double(f, ref.correctly_rounded);
  const bool r_nan = std::isnan(ref.exact);
  const bool r_inf = std::isinf(ref.exact) || std::isinf(cr);  // remark 6: overflow is +-inf
  // Remark 7: +-max of r's sign where r overflows to inf or NaN.
  // (An infinite r in a format with NaN but no infinity, E4M3 and FNUZ, is written as that NaN
  // or, saturating, as +-max: OFP8 r1.0 Table 3.)
  const bool beyond = ref.overflow || (std::isinf(ref.exact) && !f.has_infinity());
  const bool saturated = beyond && f.has_nan() &&
                         y == ((std::signbit(ref.exact) ? f.sign_mask() : 0) | f.max_finite_bits());
  if (r_nan && !f.has_nan()) return Outcome::special;  // remark 9
  if (saturated) return Outcome::convention;
  if (beyond && std::isnan(cr))  // remark 6: r overflows to NaN
    return std::isnan(yv) ? Outcome::special : Outcome::nonfinite;
  if (ref.overflow && !f.has_nan())  // MX: +-max is correct; another y has its error
    return y == ref.correctly_rounded ? Outcome::special : Outcome::finite;
  if (r_nan || std::isnan(yv)) return (r_nan && std::isnan(yv)) ? Outcome::special : Outcome::nan;
  if (r_inf || std::isinf(yv)) return (r_inf && yv == cr) ? Outcome::special : Outcome::nonfinite;
  return Outcome::finite;
}

PointRecord compare(const Format& f, uint32_t x, uint32_t y, const RefValue& ref) {
  PointRecord p;
  p.x = x;
  p.y = y;
  p.ref = ref;
  const double yv = to_double(f, y);
  const double cr = to_double(f, ref.correctly_rounded);
  p.outcome = outcome_of(f, y, ref);
  if (p.outcome == Outcome::special) {
    p.correctly_rounded = p.faithful = true;
    return p;
  }
  if (p.outcome != Outcome::finite) {
    p.ulp_error = p.abs_error = p.rel_error = std::numeric_limits<double>::quiet_NaN();
    return p;
  }
  p.correctly_rounded = y == ref.correctly_rounded;
  p.faithful = is_faithful(f, yv, ref);
  p.zero_sign = yv == 0 && cr == 0 && std::signbit(yv) != std::signbit(cr);
  p.abs_error = yv - ref.exact;
  // 2^-ulp_log2 built from its bits (ulp_log2 is within a double's normal exponents).
  p.ulp_error = p.abs_error * std::bit_cast<double>(uint64_t(1023 - ref.ulp_log2) << 52);
  if (ref.exact != 0) {
    p.rel_error = p.abs_error / std::fabs(ref.exact);
  } else {
    p.rel_error = yv == 0 ? 0.0 : std::copysign(INFINITY, yv);
  }
  return p;
}

}  // namespace gelucheck
