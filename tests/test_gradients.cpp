// The gradient report and gradient check: the landscape against an exhaustive scan (a different
// algorithm over the same reference), finite differences against identities and their stated
// step, gradcheck against a deliberately wrong backward, gradient flow against identities and
// the landscape, and the commands' exit statuses. Values against mpmath are in
// test_mpmath_gradients.cpp.
#include <catch2/catch.hpp>

#include "cli_run.hpp"
#include "registered_functions.hpp"

#include <sys/wait.h>

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "analysis/gradcheck.hpp"
#include "analysis/gradients.hpp"
#include "functions/function.hpp"
#include "implementations/finite_difference.hpp"
#include "io/errors.hpp"
#include "reference/reference.hpp"

using namespace gelucheck;

namespace {

std::string show(const Format& f, uint32_t bits) {
  return fmt::format("{} ({}, {:a})", to_shortest_decimal(f, bits), to_hex_bits(f, bits),
                     to_double(f, bits));
}

OrdinalRange all_finite(const Format& f) { return finite_ordinals_in(f, -INFINITY, INFINITY); }

// Runs of consecutive finite inputs where pred(correctly rounded f') holds, by brute force.
std::vector<std::pair<int64_t, int64_t>> scan_runs(Function fn, const Format& f,
                                                   const std::function<bool(double)>& pred) {
  std::vector<std::pair<int64_t, int64_t>> runs;
  const OrdinalRange r = all_finite(f);
  for (int64_t o = r.first; o <= r.last; ++o) {
    const double v = to_double(f, reference(fn, f, from_ordinal(f, o)).correctly_rounded);
    if (!pred(v)) continue;
    if (!runs.empty() && runs.back().second + 1 == o)
      runs.back().second = o;
    else
      runs.emplace_back(o, o);
  }
  return runs;
}

std::vector<std::pair<int64_t, int64_t>> as_ordinals(const Format& f,
                                                     const std::vector<InputInterval>& v) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const InputInterval& i : v) out.emplace_back(ordinal(f, i.first), ordinal(f, i.last));
  return out;
}

uint64_t count_inputs(const Format& f, const std::vector<InputInterval>& v) {
  uint64_t n = 0;
  for (const InputInterval& i : v) n += uint64_t(ordinal(f, i.last) - ordinal(f, i.first) + 1);
  return n;
}

// A backward written in double and rounded once, as a user's hand-written kernel would be: the
// tanh-form derivative, right or missing the factor x in its second term, with its forward.
//   f  = x (1 + tanh u)/2,  u = sqrt(2/pi) (x + 0.044715 x^3)
//   f' = (1 + tanh u)/2 + x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2)/2
Implementation tanh_form_backward(bool drop_x) {
  Implementation impl;
  impl.name = drop_x ? "tanh_grad_missing_x" : "tanh_grad_by_hand";
  impl.kernel_for = [drop_x](Function fn, const Format& f, const Domain*) -> BatchKernel {
    if (fn != fns::gelu_tanh && fn != fns::gelu_tanh_grad) return {};
    return [drop_x, fn, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      const double c = std::sqrt(2 / M_PI), k = 0.044715;
      for (size_t i = 0; i < x.size(); ++i) {
        const double v = to_double(f, x[i]);
        const double t = std::tanh(c * (v + k * v * v * v));
        double r;
        if (fn == fns::gelu_tanh) {
          r = 0.5 * v * (1 + t);
        } else {
          const double slope = 0.5 * (1 - t * t) * c * (1 + 3 * k * v * v);
          r = 0.5 * (1 + t) + (drop_x ? slope : v * slope);
        }
        y[i] = round_to_format(f, r);
      }
    };
  };
  return impl;
}

// A backward returning a fixed function of x (for flow identities).
Implementation backward_of(std::function<double(double)> g) {
  Implementation impl;
  impl.name = "test_backward";
  impl.kernel_for = [g](Function, const Format& f, const Domain*) -> BatchKernel {
    return [g, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      for (size_t i = 0; i < x.size(); ++i) y[i] = round_to_format(f, g(to_double(f, x[i])));
    };
  };
  return impl;
}

SweepOptions two_threads() {
  SweepOptions o;
  o.threads = 2;
  return o;
}

Domain test_domain(const Format& f) {
  if (f.total_bits() <= 16) return Domain::exhaustive(f, -INFINITY, INFINITY);
  return Domain::grid(f, GridKind::random_bits, -INFINITY, INFINITY, 20000, 7);
}

using cli_test::Run;
Run run_cli(const std::string& args) { return cli_test::run(args); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Landscape

TEST_CASE("landscape equals an exhaustive scan of the correctly rounded f' (fp16, bf16)",
          "[gradients][landscape]") {
  for (const Format* f : {&fp16, &bf16}) {
    for (Function fn : derivative_functions()) {
      INFO(name_of(fn) << " in " << f->name);
      const Landscape l = derivative_landscape(fn, *f, all_finite(*f), default_thresholds());
      const double vmax = to_double(*f, l.max.value), vmin = to_double(*f, l.min.value);
      CHECK(as_ordinals(*f, l.max.attained) ==
            scan_runs(fn, *f, [vmax](double v) { return v >= vmax; }));
      CHECK(as_ordinals(*f, l.min.attained) ==
            scan_runs(fn, *f, [vmin](double v) { return v <= vmin; }));
      // Nothing exceeds the reported extremes.
      CHECK(scan_runs(fn, *f, [vmax](double v) { return v > vmax; }).empty());
      CHECK(scan_runs(fn, *f, [vmin](double v) { return v < vmin; }).empty());
      CHECK(as_ordinals(*f, l.negative) == scan_runs(fn, *f, [](double v) { return v < 0; }));
      for (const ThresholdRegion& t : l.below) {
        INFO("threshold " << t.label);
        const double limit = t.threshold;
        CHECK(as_ordinals(*f, t.inputs) ==
              scan_runs(fn, *f, [limit](double v) { return std::fabs(v) < limit; }));
      }
      CHECK(as_ordinals(*f, l.underflow) == scan_runs(fn, *f, [](double v) { return v == 0; }));
      for (const ZeroCrossing& z : l.zeros) {
        CHECK(to_double(*f, reference(fn, *f, z.below).correctly_rounded) < 0);
        CHECK(to_double(*f, reference(fn, *f, z.above).correctly_rounded) > 0);
        CHECK(ordinal(*f, z.above) == ordinal(*f, z.below) + 1);
      }
    }
  }
}

TEST_CASE("landscape thresholds: eps is 2^(1-p), labels as given", "[gradients][landscape]") {
  const Landscape l =
      derivative_landscape(fns::tanh_grad, bf16, all_finite(bf16), default_thresholds());
  REQUIRE(l.below.size() == 3);
  CHECK(l.below[0].threshold == 1e-2);
  CHECK(l.below[1].threshold == 1e-4);
  CHECK(l.below[2].threshold == 0x1p-7);  // bf16: p = 8
  CHECK(l.below[2].label == "eps = 2^-7");
  Threshold t;
  CHECK(parse_threshold("eps", t));
  CHECK(t.is_epsilon);
  CHECK(parse_threshold("1e-3", t));
  CHECK(t.value == 1e-3);
  CHECK_FALSE(parse_threshold("-1", t));
  CHECK_FALSE(parse_threshold("0", t));
  CHECK_FALSE(parse_threshold("1e-3x", t));
  CHECK_FALSE(parse_threshold("inf", t));
}

TEST_CASE("landscape of a sub-range: the extremes are the range's", "[gradients][landscape]") {
  // On [2, 3] GELU' decreases from f'(2) = Phi(2) + 2 phi(2) = 1.0852 to f'(3) = 1.0119, so
  // the max is at 2 and the min at 3, and there is no critical point inside.
  const OrdinalRange r = finite_ordinals_in(fp16, 2, 3);
  const Landscape l = derivative_landscape(fns::gelu_erf_grad, fp16, r, default_thresholds());
  CHECK(l.max.value == reference(fns::gelu_erf_grad, fp16, 0x4000).correctly_rounded);
  CHECK(l.min.value == reference(fns::gelu_erf_grad, fp16, 0x4200).correctly_rounded);
  CHECK_FALSE(l.max.critical_x);
  CHECK(l.zeros.empty());
  CHECK(l.negative.empty());
}

// ---------------------------------------------------------------------------------------------
// Finite differences

TEST_CASE("finite-difference step is 2^round(log2(cbrt(3u) l(x)))", "[gradients][fd]") {
  // cbrt(3 * 2^-11) = 0.1136 = 2^-3.14 -> 2^-3; cbrt(3 * 2^-8) = 2^-2.14 -> 2^-2;
  // cbrt(3 * 2^-24) = 2^-7.47 -> 2^-7.
  CHECK(finite_difference_step(fns::gelu_erf_grad, fp16, 1) == 0x1p-3);
  CHECK(finite_difference_step(fns::gelu_erf_grad, bf16, 1) == 0x1p-2);
  CHECK(finite_difference_step(fns::gelu_erf_grad, fp32, 1) == 0x1p-7);
  // GELU, x = 8: l = 8, 0.1136 * 8 = 2^-0.14 -> 1. x = -8: l = 1/8, 2^-6.14 -> 2^-6.
  CHECK(finite_difference_step(fns::gelu_tanh_grad, fp16, 8) == 1);
  CHECK(finite_difference_step(fns::gelu_tanh_grad, fp16, -8) == 0x1p-6);
  // tanh: l = 1 everywhere.
  CHECK(finite_difference_step(fns::tanh_grad, fp16, 8) == 0x1p-3);
  // Stencil at 1 in fp16: 1 +- 1/8 are fp16 values.
  const Stencil s = finite_difference_stencil(fns::gelu_erf_grad, fp16, 0x3c00);
  CHECK(to_double(fp16, s.minus) == 0.875);
  CHECK(to_double(fp16, s.plus) == 1.125);
  // At the largest value the difference is one-sided; below x's spacing it uses neighbours.
  const Stencil top = finite_difference_stencil(fns::gelu_erf_grad, fp16, 0x7bff);
  CHECK(top.plus == 0x7bff);
  CHECK(to_double(fp16, top.minus) < 65504);
  const Stencil left = finite_difference_stencil(fns::gelu_erf_grad, fp16, 0xfbff);
  CHECK(left.minus == 0xfbff);  // -65504: h = 2^-3/65504 is far below the spacing, 32
  CHECK(left.plus == 0xfbfe);
}

TEST_CASE("finite difference of an exactly linear forward is exactly its slope",
          "[gradients][fd]") {
  // F(x) = x is exact in every format, so D = (x+ - x-)/(x+ - x-) = 1 at every finite input,
  // including the one-sided ends; D is NaN at +-inf, where it is undefined.
  Implementation linear = backward_of([](double v) { return v; });
  for (const Format* f : {&fp16, &bf16}) {
    const BatchKernel forward = linear.kernel_for(fns::gelu_erf, *f, nullptr);
    std::vector<uint32_t> x;
    for (uint64_t b = 0; b < f->pattern_count(); ++b)
      if (!is_nan(*f, uint32_t(b))) x.push_back(uint32_t(b));
    std::vector<FiniteDifference> d(x.size());
    finite_differences(fns::gelu_erf_grad, *f, forward, x, d, true);
    uint64_t bad = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const bool finite = is_finite(*f, x[i]);
      const bool ok =
          finite ? d[i].value == 1 && d[i].noise_estimate == 0 && d[i].truncation_estimate == 0
                 : std::isnan(d[i].value);
      if (!ok && ++bad <= 5)
        UNSCOPED_INFO(f->name << " x = " << show(*f, x[i]) << " D = " << d[i].value);
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("fd:IMPLEMENTATION resolves for derivatives only; unknown forwards are usage errors",
          "[gradients][fd]") {
  const Implementation& fd = resolve_implementation("fd:correctly_rounded");
  CHECK(fd.name == "fd:correctly_rounded");
  CHECK(fd.supports(fns::gelu_erf_grad, fp16));
  CHECK(fd.supports(fns::tanh_grad, fp32));
  CHECK_FALSE(fd.supports(fns::gelu_erf, fp16));
  CHECK(&resolve_implementation("fd:correctly_rounded") == &fd);  // made once
  CHECK_THROWS_AS(resolve_implementation("fd:no_such_thing"), UsageError);
  // tanh_approx has only the GELU functions: no tanh forward to difference.
  CHECK_FALSE(resolve_implementation("fd:tanh_approx").supports(fns::tanh_grad, fp16));
}

TEST_CASE("fd:correctly_rounded is within its derived error in fp16 where f' is not small",
          "[gradients][fd]") {
  // Derived in finite_difference.hpp: with h = 2^-3 l the error of D is of order (3u)^(2/3) of
  // f': 2^-7.3 relative in fp16, i.e. about 6 ULP of a derivative in [1/2, 2) (ULP 2^-10 or
  // 2^-11 relative), plus the final rounding: below 8 ULP over x in [-0.25, 8], where both
  // GELU' are >= 0.30 (f'(-0.25) = Phi(-0.25) - 0.25 phi(0.25) = 0.4013 - 0.0967 = 0.3046).
  const Implementation& fd = resolve_implementation("fd:correctly_rounded");
  const Domain d = Domain::exhaustive(fp16, -0.25, 8);
  const Implementation* impl = &fd;
  for (Function fn : {fns::gelu_erf_grad, fns::gelu_tanh_grad}) {
    const auto acc = backward_accuracy(fn, d, std::span(&impl, 1), two_threads());
    INFO(name_of(fn) << ": max |ULP| " << acc[0].stats.max_abs_ulp.value << " at "
                     << show(fp16, acc[0].stats.max_abs_ulp.x));
    CHECK(acc[0].stats.max_abs_ulp.value <= 8);
    CHECK(acc[0].stats.nonfinite + acc[0].stats.nan == 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Gradient check

TEST_CASE("gradcheck catches a tanh-form backward missing the factor x, in every format",
          "[gradients][gradcheck]") {
  const Implementation wrong = tanh_form_backward(true);
  const Implementation right = tanh_form_backward(false);
  const GradcheckTolerance tol;
  for (const Format* f : {&fp16, &bf16, &fp32}) {
    INFO(f->name);
    const Domain d = test_domain(*f);
    const auto bad_exact = gradcheck_exact(fns::gelu_tanh_grad, d, wrong, tol, 5, two_threads());
    const auto bad_fd =
        gradcheck_finite_difference(fns::gelu_tanh_grad, d, wrong, wrong, tol, 5, two_threads());
    CHECK_FALSE(bad_exact.passed());
    CHECK_FALSE(bad_fd.passed());
    // The missing x matters wherever x is away from 1 and (1 - tanh^2 u) is not negligible: at
    // x = 0 the wrong value is 1/2 + sqrt(2/pi)/2 = 0.899 instead of 1/2.
    CHECK(bad_exact.failures > d.size() / 100);
    CHECK(bad_fd.failures > d.size() / 100);
    REQUIRE_FALSE(bad_exact.worst.empty());
    CHECK(bad_exact.worst[0].ratio > 100);
    const auto good_exact = gradcheck_exact(fns::gelu_tanh_grad, d, right, tol, 5, two_threads());
    const auto good_fd =
        gradcheck_finite_difference(fns::gelu_tanh_grad, d, right, right, tol, 5, two_threads());
    for (const auto* r : {&good_exact, &good_fd}) {
      if (!r->passed() && !r->worst.empty())
        UNSCOPED_INFO(against_name(r->against) << " worst x = " << show(*f, r->worst[0].x)
                                               << " ratio " << r->worst[0].ratio);
      CHECK(r->passed());
      CHECK(r->checked > 0);
    }
  }
}

TEST_CASE("gradcheck passes the catalogue's float backwards in fp16 and its exact ones everywhere",
          "[gradients][gradcheck]") {
  const GradcheckTolerance tol;
  for (const char* name : {"fp32", "erfc_form", "sigmoid_form"}) {
    const Implementation& impl = resolve_implementation(name);
    for (Function fn : derivative_functions()) {
      if (!impl.supports(fn, fp16)) continue;
      const Domain d = test_domain(fp16);
      INFO(name << " " << name_of(fn));
      CHECK(gradcheck_exact(fn, d, impl, tol, 3, two_threads()).passed());
      CHECK(gradcheck_finite_difference(fn, d, impl, impl, tol, 3, two_threads()).passed());
    }
  }
  const Implementation& cr = resolve_implementation("correctly_rounded");
  for (const Format* f : {&fp16, &bf16, &fp32})
    for (Function fn : derivative_functions()) {
      INFO(name_of(fn) << " " << f->name);
      CHECK(gradcheck_exact(fn, test_domain(*f), cr, tol, 3, two_threads()).passed());
      CHECK(
          gradcheck_finite_difference(fn, test_domain(*f), cr, cr, tol, 3, two_threads()).passed());
    }
}

TEST_CASE("gradcheck: QuickGELU's backward is wrong for GELU but right for its own forward",
          "[gradients][gradcheck]") {
  // x sigmoid(1.702 x) differs from x Phi(x) by up to ~0.02 in the derivative: far beyond fp16's
  // resolution, but its backward is the derivative of its forward.
  const Implementation& quick = resolve_implementation("sigmoid1702");
  const GradcheckTolerance tol;
  const Domain d = test_domain(fp16);
  CHECK_FALSE(gradcheck_exact(fns::gelu_erf_grad, d, quick, tol, 3, two_threads()).passed());
  CHECK(gradcheck_finite_difference(fns::gelu_erf_grad, d, quick, quick, tol, 3, two_threads())
            .passed());
}

TEST_CASE("gradcheck reports NaN backwards as failures and keeps the worst inputs sorted",
          "[gradients][gradcheck]") {
  // The textbook tanh-form backward in float: beyond |x| = 1.8e19 (sqrt of float's largest,
  // 3.4e38) x^2 is inf while 1 - tanh^2 u = 0, so (1 - t^2) ... (1 + 3k x^2) = 0 * inf = NaN.
  const Implementation& fp32_impl = resolve_implementation("fp32");
  const GradcheckTolerance tol;
  const auto r =
      gradcheck_exact(fns::gelu_tanh_grad, test_domain(bf16), fp32_impl, tol, 4, two_threads());
  CHECK_FALSE(r.passed());
  CHECK(r.nonfinite_failures > 0);
  REQUIRE(r.worst.size() == 4);
  for (size_t i = 1; i < r.worst.size(); ++i) CHECK(r.worst[i - 1].ratio >= r.worst[i].ratio);
  CHECK(std::isinf(r.worst[0].ratio));
  CHECK(std::fabs(to_double(bf16, r.worst[0].x)) > 1.8e19);
}

// ---------------------------------------------------------------------------------------------
// Accuracy, comparison, histogram

TEST_CASE("envelope: correctly rounded is inside it, the wrong backward far outside",
          "[gradients][accuracy]") {
  const Implementation wrong = tanh_form_backward(true);
  const Implementation* impls[] = {&resolve_implementation("correctly_rounded"), &wrong};
  const auto acc = backward_accuracy(fns::gelu_tanh_grad, test_domain(fp16), impls, two_threads());
  CHECK(acc[0].envelope.above == 0);
  CHECK(acc[0].envelope.worst_ratio.value <= 1);  // |error| <= 1/2 ULP <= max(1/2, kappa/2)
  CHECK(acc[0].stats.max_abs_ulp.value <= 0.5);
  CHECK(acc[1].envelope.above > 1000);
  CHECK(acc[1].envelope.worst_ratio.value > 100);
}

TEST_CASE("envelope is kappa/2 ULP where that linearization holds, capped where it does not",
          "[gradients][accuracy]") {
  // Moderate inputs: kappa u << 1, the change of f' over x(1 +- u) is kappa u |f'| >= kappa/2
  // ULP to first order, so the envelope is max(1/2, kappa/2).
  for (Function fn : derivative_functions()) {
    for (double x : {-3.0, -1.25, 0.625, 2.5}) {
      const RefValue r = reference(fn, fp16, round_to_format(fp16, x));
      const double kappa = derivative_condition(fn, x);
      INFO(name_of(fn) << " x = " << x << " kappa " << kappa);
      CHECK(envelope_ulps(fn, fp16, x, r.ulp_log2) ==
            Approx(std::max(0.5, kappa / 2)).epsilon(1e-3));
    }
  }
  // The tanh form's left tail: f' is 0 in double all around x = -1e30 (e^-(2 c k 1e90)), while
  // kappa ~ 6 c k x^3 = 2e89: the envelope stays at 1/2 ULP instead of 1e89.
  const double x = -1e30;
  CHECK(derivative_condition(fns::gelu_tanh_grad, x) > 1e89);
  CHECK(envelope_ulps(fns::gelu_tanh_grad, bf16, x, bf16.min_subnormal_log2()) == 0.5);
}

TEST_CASE("tanh form vs exact: the gap is mpmath's max |f'_tanh - f'_erf| to within rounding",
          "[gradients][comparison]") {
  // mpmath (findroot on the derivative of the difference, 30 digits):
  // max over x of |gelu_tanh_grad - gelu_erf_grad| = 0.000868451834985913873779 at x = -2.0187.
  // The rounded tanh-form value is within half an ULP of it (ULP 2^-10 for fp16 values near 1,
  // 2^-7 for bf16), so the largest absolute difference found lies within that of the maximum.
  const double gap = 0.000868451834985913873779;
  for (const auto& [f, half_ulp] : {std::pair{&fp16, 0x1p-11}, std::pair{&bf16, 0x1p-8}}) {
    const BackwardAccuracy a =
        other_form_vs_exact(fns::gelu_erf_grad, test_domain(*f), two_threads());
    INFO(f->name << " max abs difference " << a.stats.max_abs_error.value << " at "
                 << show(*f, a.stats.max_abs_error.x));
    CHECK(a.stats.max_abs_error.value <= gap + half_ulp);
    CHECK(a.stats.max_abs_error.value >= gap - half_ulp);
    CHECK(a.stats.nonfinite + a.stats.nan == 0);
  }
}

TEST_CASE("histogram counts agree with the landscape", "[gradients][histogram]") {
  for (Function fn : derivative_functions()) {
    const Log2Histogram h = derivative_histogram(fn, test_domain(fp16), two_threads());
    const Landscape l = derivative_landscape(fn, fp16, all_finite(fp16), default_thresholds());
    uint64_t total = h.zeros + h.nonfinite, negative = 0;
    for (size_t b = 0; b < h.positive.size(); ++b) {
      total += h.positive[b] + h.negative[b];
      negative += h.negative[b];
    }
    INFO(name_of(fn));
    CHECK(h.points == 63488);  // 2 * (0x7c00 - 0): every finite fp16 value
    CHECK(total == h.points);
    CHECK(h.zeros == count_inputs(fp16, l.underflow));
    CHECK(negative == count_inputs(fp16, l.negative));
    // The largest binade holds the maximum: GELU' 1.129 in [1, 2), tanh' 1 in [1, 2); relu2' =
    // 2x overflows fp16 from x = 32768, so its maximum is inf, counted as non-finite.
    if (is_infinite(fp16, l.max.value)) {
      CHECK(h.nonfinite == count_inputs(fp16, l.max.attained));
      continue;
    }
    const int top_bin = std::ilogb(to_double(fp16, l.max.value));
    CHECK(h.positive[size_t(top_bin - h.lowest_bin)] > 0);
    for (size_t b = size_t(top_bin - h.lowest_bin) + 1; b < h.positive.size(); ++b)
      CHECK(h.positive[b] == 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Gradient flow

TEST_CASE("normal mass: totals, symmetry and an mpmath value", "[gradients][flow]") {
  CHECK(normal_mass(-INFINITY, INFINITY, 3) == 1);
  CHECK(normal_mass(0, INFINITY, 0.7) == 0.5);
  CHECK(normal_mass(1, 2, 1) == Approx(normal_mass(-2, -1, 1)).epsilon(1e-15));
  // mpmath: ncdf(2) - ncdf(1) = 0.135905121983277844214484817201
  CHECK(normal_mass(1, 2, 1) == Approx(0.135905121983277844214484817201).epsilon(1e-15));
  CHECK(normal_mass(2, 4, 2) == Approx(0.135905121983277844214484817201).epsilon(1e-15));
  CHECK(normal_mass(3, 1, 1) == 0);
}

TEST_CASE("flow sums: a constant backward gives 1, an indicator gives its mass",
          "[gradients][flow]") {
  const Implementation one = backward_of([](double) { return 1.0; });
  const Implementation positive = backward_of([](double v) { return v > 0 ? 1.0 : 0.0; });
  for (const Format* f : {&fp16, &bf16, &fp32}) {
    for (double sigma : {0.5, 4.0}) {
      INFO(f->name << " sigma " << sigma);
      const FlowResult c = format_mean_square_derivative(fns::gelu_erf_grad, *f, sigma, one, 2);
      CHECK(c.mean_square == Approx(1).epsilon(1e-12));
      CHECK(c.zero_mass == 0);
      CHECK(c.nonfinite_mass == 0);
      // z rounds to a positive value iff z > half the smallest subnormal: the rest is zero mass.
      const double tiny = std::ldexp(1.0, f->min_subnormal_log2() - 1);
      const FlowResult p =
          format_mean_square_derivative(fns::gelu_erf_grad, *f, sigma, positive, 2);
      CHECK(p.zero_mass == Approx(normal_mass(-INFINITY, tiny, sigma)).epsilon(1e-12));
      if (f->total_bits() <= 16) {  // exact sum
        CHECK(p.mean_square == Approx(normal_mass(tiny, INFINITY, sigma)).epsilon(1e-12));
      } else {
        // fp32's trapezoid rule meets the jump at z = 0 on a grid point (weight dz/2 too little
        // there): the error is at most half a panel's mass, dz phi_sigma(0)/2, dz = 12 sigma/2^16.
        const double half_panel = 0.5 * 12 / 65536.0 / std::sqrt(2 * M_PI);
        CHECK(std::fabs(p.mean_square - 0.5) <= half_panel);
      }
    }
  }
}

TEST_CASE("flow: zero-gradient mass is the mass of the landscape's underflow region",
          "[gradients][flow]") {
  // tanh' rounds to 0 for |x| at and beyond the landscape's underflow inputs; z lands there iff
  // it is beyond the rounding boundary (midpoint) below the first such input.
  const Implementation& cr = resolve_implementation("correctly_rounded");
  for (const auto& [f, sigma] :
       {std::pair{&fp16, 4.0}, std::pair{&bf16, 16.0}, std::pair{&fp32, 20.0}}) {
    const Landscape l =
        derivative_landscape(fns::tanh_grad, *f, all_finite(*f), default_thresholds());
    REQUIRE(l.underflow.size() == 2);  // x <= -a and x >= a
    const uint32_t a = l.underflow[1].first;
    const double boundary = 0.5 * (to_double(*f, a) + to_double(*f, next_down(*f, a)));
    const double expected = 2 * normal_mass(boundary, INFINITY, sigma);
    const FlowResult r = format_mean_square_derivative(fns::tanh_grad, *f, sigma, cr, 2);
    INFO(f->name << " underflow from " << show(*f, a));
    CHECK(expected > 1e-4);  // the check has teeth
    CHECK(r.zero_mass == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("flow of the correctly rounded backward is close to the exact E[f'^2]",
          "[gradients][flow]") {
  // In a format the input z and the value g are each rounded: g(round z) differs from f'(z) by
  // at most |f''| ulp(z)/2 + ulp(g)/2, so E[g^2] differs from E[f'^2] by a few 2^-p relative
  // (f'' <= 0.6, |f'| <= 1.13). Bounds: 2^-9 for fp16 (p = 11), 2^-6 for bf16 (p = 8), 2^-22
  // for fp32 (p = 24).
  const Implementation& cr = resolve_implementation("correctly_rounded");
  for (const auto& [f, bound] :
       {std::pair{&fp16, 0x1p-9}, std::pair{&bf16, 0x1p-6}, std::pair{&fp32, 0x1p-22}}) {
    for (Function fn : derivative_functions()) {
      const double exact = exact_mean_square_derivative(fn, 1);
      const FlowResult r = format_mean_square_derivative(fn, *f, 1, cr, 2);
      INFO(f->name << " " << name_of(fn) << " exact " << exact << " format " << r.mean_square);
      CHECK(std::fabs(r.mean_square / exact - 1) <= bound);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

TEST_CASE("gradcheck exits 0 on pass, 1 on fail, 2 on bad input", "[gradients][cli]") {
  CHECK(run_cli("gradcheck -i fp32 -t fp16 -f gelu_erf").status == 0);
  const Run fail = run_cli("gradcheck -i sigmoid1702 -t fp16 -f gelu_erf --against exact");
  CHECK(fail.status == 1);
  CHECK(fail.output.find("FAIL") != std::string::npos);
  CHECK(run_cli("gradcheck -i fp32 --against nope").status == 2);
  CHECK(run_cli("gradcheck -t fp16").status == 2);  // -i is required
  CHECK(run_cli("gradcheck -i fd:nope -t fp16").status == 2);
  CHECK(run_cli("gradcheck -i fp32 -t fp16 --envelope-factor -1").status == 2);
  CHECK(run_cli("gradcheck -i correctly_rounded -t fp16 -f tanh --forward tanh_approx "
                "--against fd")
            .status == 2);  // tanh_approx has no tanh forward
}

TEST_CASE("gradients: csv needs one section; bad sections, sigmas, thresholds exit 2",
          "[gradients][cli]") {
  CHECK(run_cli("gradients -t fp16 --output csv").status == 2);
  CHECK(run_cli("gradients -t fp16 --section nope").status == 2);
  CHECK(run_cli("gradients -t fp16 --section flow --sigma -1").status == 2);
  CHECK(run_cli("gradients -t fp16 --section landscape --thresholds 1e-2,x").status == 2);
  const Run csv = run_cli("gradients -t fp16 -f tanh --section histogram --output csv");
  CHECK(csv.status == 0);
  CHECK(csv.output.rfind("function,format,log2_lower,negative,positive,zero,points\n", 0) == 0);
  const Landscape l =
      derivative_landscape(fns::tanh_grad, fp16, all_finite(fp16), default_thresholds());
  CHECK(csv.output.find(fmt::format("\ntanh_grad,fp16,-inf,0,0,{},63488\n",
                                    count_inputs(fp16, l.underflow))) != std::string::npos);
  const Run md = run_cli("gradients -t fp16 -f gelu_erf --section landscape");
  CHECK(md.status == 0);
  CHECK(md.output.find("maximum: 1.129 (0x3c84)") != std::string::npos);
}
