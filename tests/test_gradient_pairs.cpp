// Gradients of graded pairs IN:OUT*S (issue 14): f' at every input of IN, S f'(x) rounded once
// to OUT. The landscape against mpmath is in test_mpmath_gradients.cpp; here the flow against
// identities and the landscape, gradcheck against a backward missing a factor, and the commands.
#include <catch2/catch.hpp>

#include "cli_run.hpp"
#include "registered_functions.hpp"

#include <cmath>

#include <fmt/format.h>

#include "analysis/gradcheck.hpp"
#include "analysis/gradients.hpp"
#include "functions/function.hpp"
#include "reference/reference.hpp"

using namespace gelucheck;

namespace {

OrdinalRange all_inputs(const Format& f) { return finite_ordinals_in(f.in(), -INFINITY, INFINITY); }

// The tanh-form GELU' written in double, scaled and rounded once to the pair's output, with the
// factor x of its second term dropped or not (test_gradients.cpp has the derivation):
//   f' = (1 + tanh u)/2 + x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2)/2
Implementation scaled_tanh_backward(bool drop_x) {
  Implementation impl;
  impl.name = drop_x ? "tanh_grad_missing_x" : "tanh_grad_by_hand";
  impl.kernel_for = [drop_x](Function fn, const Format& f, const Domain*) -> BatchKernel {
    if (fn != fns::gelu_tanh_grad) return {};
    return [drop_x, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      const double c = std::sqrt(2 / M_PI), k = 0.044715;
      for (size_t i = 0; i < x.size(); ++i) {
        const double v = to_double(f.in(), x[i]);
        const double t = std::tanh(c * (v + k * v * v * v));
        const double slope = 0.5 * (1 - t * t) * c * (1 + 3 * k * v * v);
        y[i] = round_to_format(f, f.scale * (0.5 * (1 + t) + (drop_x ? slope : v * slope)));
      }
    };
  };
  return impl;
}

SweepOptions two_threads() {
  SweepOptions o;
  o.threads = 2;
  return o;
}

using cli_test::Run;
Run run_cli(const std::string& args) { return cli_test::run(args); }

}  // namespace

TEST_CASE("pair flow: relu2' in fp16:fp16*0.5 is the fp16 flow (0.5 * 2x = x is exact)",
          "[gradients][flow][pairs]") {
  // In the pair the backward's value is 0.5 * 2z rounded to fp16 = z (exact for fp16 z), read
  // back as z / 0.5 = 2z: the plain fp16 backward's 2z, exact below 32768 (2z = 65536 overflows
  // fp16 only at z >= 32768, where N(0, sigma^2) has no mass in double for sigma <= 4).
  const Implementation& cr = resolve_implementation("correctly_rounded");
  const Format& half_scale = format_pair(fp16, fp16, 0.5);
  REQUIRE(half_scale.is_pair());
  for (double sigma : {1.0, 4.0}) {
    const FlowResult plain = format_mean_square_derivative(fns::relu2_grad, fp16, sigma, cr, 2);
    const FlowResult pair =
        format_mean_square_derivative(fns::relu2_grad, half_scale, sigma, cr, 2);
    INFO("sigma " << sigma);
    CHECK(plain.mean_square == Approx(2 * sigma * sigma).epsilon(1e-3));  // E[4 z^2 1{z>0}]
    CHECK(pair.mean_square == plain.mean_square);
    CHECK(pair.zero_mass == plain.zero_mass);
    CHECK(pair.nonfinite_mass == 0);
  }
}

TEST_CASE("pair flow: the zero mass is the mass of the pair landscape's underflow region",
          "[gradients][flow][pairs]") {
  // tanh'(z) = sech^2 z flushes to 0 in e4m3 (smallest subnormal 2^-9) once S sech^2 z is below
  // 2^-10; z is stored in bf16, so the zero mass is the normal mass beyond the bf16 rounding
  // boundary (midpoint) below the first underflowing input, on both sides.
  const Implementation& cr = resolve_implementation("correctly_rounded");
  for (double scale : {1.0, double(44.8f)}) {
    const Format& f = format_pair(bf16, e4m3, scale);
    const Landscape l =
        derivative_landscape(fns::tanh_grad, f, all_inputs(f), default_thresholds());
    REQUIRE(l.underflow.size() == 2);  // x <= -a and x >= a
    const uint32_t a = l.underflow[1].first;
    const double boundary = 0.5 * (to_double(bf16, a) + to_double(bf16, next_down(bf16, a)));
    const double sigma = 4;
    const double expected = 2 * normal_mass(boundary, INFINITY, sigma);
    const FlowResult r = format_mean_square_derivative(fns::tanh_grad, f, sigma, cr, 2);
    INFO(f.name << " underflow from " << to_shortest_decimal(bf16, a));
    CHECK(expected > 1e-3);  // the check has teeth
    CHECK(r.zero_mass == Approx(expected).epsilon(1e-12));
    // g / S is sech^2 rounded to e4m3's 4 bits: within 2^-4 relative of the exact E[f'^2].
    CHECK(std::fabs(r.mean_square / exact_mean_square_derivative(fns::tanh_grad, sigma) - 1) <
          0x1p-4);
  }
}

TEST_CASE("pair landscape: relu2' = 2x overflows e4m3 where 2 S x rounds above 448",
          "[gradients][landscape][pairs]") {
  // e4m3's largest value is 448 = 1.110b * 2^8 (even last bit), the next step would be 480: S 2x
  // overflows iff it is above the midpoint 464 (464 itself ties to 448). S = 1: x > 232, the
  // next bf16 value is 233. S = 44.8f = 44.79999923706055: x > 464 / 89.5999984741211 =
  // 5.178571..., the next bf16 value (spacing 2^-5 in [4, 8)) is 5.1875.
  for (const auto& [scale, first] : {std::pair{1.0, 233.0}, std::pair{double(44.8f), 5.1875}}) {
    const Format& f = format_pair(bf16, e4m3, scale);
    const Landscape l =
        derivative_landscape(fns::relu2_grad, f, all_inputs(f), default_thresholds());
    INFO(f.name);
    REQUIRE(l.overflow.size() == 1);
    CHECK(to_double(bf16, l.overflow[0].first) == first);
    CHECK(l.overflow[0].last == bf16.max_finite_bits());
    CHECK(l.max.value == e4m3.nan_bits());  // the reference is non-saturating: E4M3's NaN
  }
}

TEST_CASE("pair envelope: the input's rounding counts in IN's precision, the ULP in OUT's",
          "[gradients][pairs]") {
  // gelu_erf' at x = -2: f' = Phi(-2) - 2 phi(-2) = -0.08523, f'' = phi(-2)(2 - x^2) = -0.10798,
  // kappa = |x f''/f'| = 2.534. In bf16 the envelope is at least kappa/2 = 1.27 ULP; in
  // bf16:e4m3 (p 8 -> 4) the input's rounding moves f' by 2^-4 of that, below the output's own
  // 1/2 ULP.
  const double x = -2;
  const double kappa = derivative_condition(fns::gelu_erf_grad, x);
  CHECK(kappa == Approx(2.534).epsilon(1e-3));
  const Format& f = format_pair(bf16, e4m3);
  const uint32_t xb = round_to_format(bf16, x);
  const RefValue plain = reference(fns::gelu_erf_grad, bf16, xb);
  const RefValue pair = reference(fns::gelu_erf_grad, f, xb);
  CHECK(envelope_ulps(fns::gelu_erf_grad, bf16, x, plain.ulp_log2) > 1.2);
  CHECK(envelope_ulps(fns::gelu_erf_grad, f, x, pair.ulp_log2) == 0.5);
}

TEST_CASE("pair gradcheck: the backward missing x fails in bf16:e4m3*44.8, the right one passes",
          "[gradients][gradcheck][pairs]") {
  const Format& f = format_pair(bf16, e4m3, double(44.8f));
  const Domain d = Domain::exhaustive(f, -INFINITY, INFINITY);
  GradcheckTolerance tol;
  const Implementation right = scaled_tanh_backward(false), wrong = scaled_tanh_backward(true);
  const Implementation& forward = resolve_implementation("correctly_rounded");
  const auto ok = gradcheck_exact(fns::gelu_tanh_grad, d, right, tol, 5, two_threads());
  CHECK(ok.checked == d.size());
  CHECK(ok.failures == 0);
  const auto bad = gradcheck_exact(fns::gelu_tanh_grad, d, wrong, tol, 5, two_threads());
  // The dropped factor changes f' by (1 - x) slope: far beyond 4 x the envelope wherever slope
  // is not tiny; thousands of bf16 inputs in [-3, 3].
  CHECK(bad.failures > 1000);
  const auto fd_ok =
      gradcheck_finite_difference(fns::gelu_tanh_grad, d, right, forward, tol, 5, two_threads());
  CHECK(fd_ok.checked > 0);
  CHECK(fd_ok.failures == 0);
  const auto fd_bad =
      gradcheck_finite_difference(fns::gelu_tanh_grad, d, wrong, forward, tol, 5, two_threads());
  CHECK(fd_bad.failures > 1000);
}

TEST_CASE("gradients and gradcheck take graded pairs on the command line",
          "[gradients][cli][pairs]") {
  // relu2' = 2x in bf16:e4m3 with --scale 44.8 overflows from x = 5.1875 (derived above).
  const Run land = run_cli("gradients -t bf16:e4m3 --scale 44.8 -f relu2 --section landscape");
  CHECK(land.status == 0);
  CHECK(land.output.find("### relu2_grad in bf16:e4m3*44.8") != std::string::npos);
  CHECK(land.output.find("saturated): x >= 5.2\n") != std::string::npos);
  const Run all = run_cli("gradients -t bf16:e4m3 -f gelu_erf -i correctly_rounded,fused_fp32_sat");
  CHECK(all.status == 0);
  CHECK(all.output.find(" saturated |") != std::string::npos);
  CHECK(run_cli("gradcheck -i correctly_rounded -t bf16:e4m3,bf16:e5m2 -f gelu_erf").status == 0);
  CHECK(run_cli("gradcheck -i correctly_rounded -t bf16:e4m3 --scale 44.8 -f silu").status == 0);
  CHECK(run_cli("gradcheck -i fd:correctly_rounded -t bf16:e4m3 -f gelu_erf --against exact")
            .status == 0);
}
