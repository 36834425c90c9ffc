#include "implementations/finite_difference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>  // fmt::format

#include "functions/function.hpp"
#include "functions/function_spec.hpp"
#include "io/errors.hpp"

namespace gelucheck {
namespace {

// l(x) of the derivative's primitive, as its family states it (FunctionSpec).
double length_scale(Function derivative, double x) {
  return primitive_of(derivative).spec().finite_difference_length(x);
}

// The format value just above (dir > 0) or below x's value, skipping the other zero.
uint32_t neighbour(const Format& f, uint32_t x, int dir) {
  const double v = to_double(f, x);
  uint32_t n = dir > 0 ? next_up(f, x) : next_down(f, x);
  if (to_double(f, n) == v) n = dir > 0 ? next_up(f, n) : next_down(f, n);
  return n;
}

// x + offset rounded to the format, on the side of x that `offset` points to, finite.
uint32_t offset_point(const Format& f, uint32_t x, double offset) {
  const double xv = to_double(f, x);
  const double max_finite = to_double(f, f.max_finite_bits());
  const double target = std::clamp(xv + offset, -max_finite, max_finite);
  uint32_t p = round_to_format(f, target);
  const double pv = to_double(f, p);
  if (offset > 0 && pv <= xv) p = xv < max_finite ? neighbour(f, x, +1) : x;
  if (offset < 0 && pv >= xv) p = xv > -max_finite ? neighbour(f, x, -1) : x;
  return p;
}

double ulp_of_value(const Format& f, double v) { return std::ldexp(1.0, ulp_log2(f, v)); }

}  // namespace

double finite_difference_step(Function derivative, const Format& f, double x) {
  const double cbrt_3u = std::cbrt(3 * std::ldexp(1.0, -f.precision()));
  return std::exp2(std::round(std::log2(cbrt_3u * length_scale(derivative, x))));
}

Stencil finite_difference_stencil(Function derivative, const Format& f, uint32_t x, int multiple) {
  const double h = multiple * finite_difference_step(derivative, f, to_double(f, x));
  return {offset_point(f, x, -h), offset_point(f, x, +h)};
}

// (|4! w^4 F[t0, ..., t4]| - budget) / (2w), at least 0, for strictly increasing nodes t (the
// divided-difference table in double); 0 when two nodes coincide (steps widened to the same
// neighbours).
double noise_from_fourth_difference(const double (&t)[5], const double (&v)[5], double w,
                                    double budget) {
  for (int i = 0; i < 4; ++i)
    if (!(t[i] < t[i + 1])) return 0;
  double d[5];
  std::copy(std::begin(v), std::end(v), d);
  for (int order = 1; order <= 4; ++order)
    for (int i = 4; i >= order; --i) d[i] = (d[i] - d[i - 1]) / (t[i] - t[i - order]);
  const double fourth = std::fabs(d[4]) * 24 * w * w * w * w;
  return std::max(0.0, fourth - budget) / (2 * w);
}

void finite_differences(Function derivative, const Format& f, const BatchKernel& forward,
                        std::span<const uint32_t> x, std::span<FiniteDifference> out,
                        bool estimate_error, double forward_ulps) {
  const size_t n = x.size();
  // Forward inputs: [x-h, x+h] per input, then [x-2h, x+2h] and x when estimating the error.
  const size_t per_input = estimate_error ? 5 : 2;
  std::vector<uint32_t> points(per_input * n), values(points.size());
  std::vector<Stencil> near(n), far(n);
  for (size_t i = 0; i < n; ++i) {
    const bool finite = is_finite(f, x[i]);
    near[i] = finite ? finite_difference_stencil(derivative, f, x[i], 1) : Stencil{x[i], x[i]};
    uint32_t* p = &points[per_input * i];
    p[0] = near[i].minus;
    p[1] = near[i].plus;
    if (estimate_error) {
      far[i] = finite ? finite_difference_stencil(derivative, f, x[i], 2) : Stencil{x[i], x[i]};
      p[2] = far[i].minus;
      p[3] = far[i].plus;
      p[4] = x[i];
    }
  }
  forward(points, values);
  for (size_t i = 0; i < n; ++i) {
    FiniteDifference& d = out[i];
    d.stencil = near[i];
    if (!is_finite(f, x[i])) {
      d.value = std::numeric_limits<double>::quiet_NaN();
      d.rounding_bound = d.truncation_estimate = d.noise_estimate = d.value;
      continue;
    }
    const uint32_t* v = &values[per_input * i];
    const double fm = to_double(f, v[0]), fp = to_double(f, v[1]);
    const double xm = to_double(f, near[i].minus), xp = to_double(f, near[i].plus);
    const double w1 = 0.5 * (xp - xm);
    d.value = (fp - fm) / (xp - xm);
    d.rounding_bound = forward_ulps * (ulp_of_value(f, fm) + ulp_of_value(f, fp)) / (xp - xm);
    d.truncation_estimate = d.noise_estimate = 0;
    if (!estimate_error) continue;
    const double gm = to_double(f, v[2]), gp = to_double(f, v[3]), g0 = to_double(f, v[4]);
    const double ym = to_double(f, far[i].minus), yp = to_double(f, far[i].plus);
    const double d2 = (gp - gm) / (yp - ym);
    const double ratio = 0.5 * (yp - ym) / w1;
    const double spread = std::fabs(d2 - d.value);
    d.truncation_estimate = ratio >= 1.5 ? spread / (ratio * ratio - 1) : spread;
    const double nodes[5] = {ym, xm, to_double(f, x[i]), xp, yp};
    const double vals[5] = {gm, fm, g0, fp, gp};
    const double budget =
        forward_ulps * (ulp_of_value(f, gm) + 4 * ulp_of_value(f, fm) + 6 * ulp_of_value(f, g0) +
                        4 * ulp_of_value(f, fp) + ulp_of_value(f, gp));
    d.noise_estimate = noise_from_fourth_difference(nodes, vals, w1, budget);
  }
}

Implementation make_finite_difference(std::string_view forward_name) {
  const Implementation& base = resolve_implementation(forward_name);
  Implementation impl;
  impl.name = fmt::format("fd:{}", forward_name);
  impl.summary = fmt::format(
      "Central difference (F(x+h) - F(x-h))/(x+ - x-) of {}'s forward F, in double, rounded once; "
      "h = 2^round(log2(cbrt(3u) l(x))), u = 2^-p, l(x) the length over which the function "
      "changes character (its family states it: max(1, x) for GELU, SiLU, Softplus, Mish at "
      "x >= 0; 1/max(1, |x|) for GELU at x < 0; 1 for tanh); NaN at +-inf.",
      base.name);
  impl.used_in =
      "Numerical gradient checks of a hand-written backward (torch.autograd.gradcheck, "
      "jax check_grads).";
  const Implementation* forward = &base;
  impl.kernel_for = [forward](Function fn, const Format& f, const Domain*) -> BatchKernel {
    if (!is_derivative(fn)) return {};
    // The forward is evaluated on the stencils, inputs of this scheme's choosing, in the input
    // format; in a graded pair IN:OUT*S the result is S D rounded once to OUT.
    BatchKernel fwd = forward->kernel_for(primitive_of(fn), f.in(), nullptr);
    if (!fwd) return {};
    return [fn, &f, fwd](std::span<const uint32_t> x, std::span<uint32_t> y) {
      std::vector<FiniteDifference> d(x.size());
      finite_differences(fn, f.in(), fwd, x, d, false);
      for (size_t i = 0; i < x.size(); ++i) y[i] = round_to_format(f, f.scale * d[i].value);
    };
  };
  return impl;
}

}  // namespace gelucheck
