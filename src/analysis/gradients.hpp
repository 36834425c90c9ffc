// The gradient report: how large each derivative (GELU in both forms, tanh, SiLU, Softplus, Mish,
// ReLU^2) is in each format, how accurate each backward is, how far the tanh-form backward is
// from the exact one,
// and how much gradient survives under Gaussian pre-activations. Analysis only; rendering is in
// gradient_render.hpp, so other reports can reuse these results.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"
#include "sweep/stats.hpp"

namespace gelucheck {

// ---------------------------------------------------------------------------------------------
// Landscape of the exact derivative rounded to the format (the correctly rounded f'), exact over
// every value of the format in a range. f' is monotone and of one sign between consecutive
// points of derivative_shape(), so each feature below is found by bisection there (a few hundred
// reference evaluations, fp32 included); tests check it against exhaustive scans and mpmath.
// In a graded pair IN:OUT*S (format.hpp) the inputs and the range are of IN and every value is
// S f'(x) correctly rounded once to OUT, the function's grading: rounding S f' is monotone in
// f', so the same pieces and bisections hold; thresholds compare with that graded value.

// Inputs first..last of the format, inclusive, in increasing order.
struct InputInterval {
  uint32_t first = 0, last = 0;
};

struct LandscapeExtreme {
  uint32_t value = 0;                   // the largest (smallest) correctly rounded f'
  std::vector<InputInterval> attained;  // every input where f' rounds to it
  std::optional<double> critical_x;     // the exact extremum of f' inside the range, if any
};

struct ZeroCrossing {
  double exact_x = 0;             // the root of f' (double, to the last bit)
  uint32_t below = 0, above = 0;  // the inputs either side of it
};

struct ThresholdRegion {
  double threshold = 0;
  std::string label;                  // "1e-2", "eps = 2^-10"
  std::vector<InputInterval> inputs;  // where |correctly rounded f'| < threshold
};

struct Landscape {
  Function derivative;
  const Format* format;
  OrdinalRange range;
  LandscapeExtreme max, min;
  std::vector<ZeroCrossing> zeros;
  std::vector<InputInterval> negative;  // f' rounds to a value < 0
  std::vector<ThresholdRegion> below;
  std::vector<InputInterval> underflow;  // f' rounds to +-0 (f' itself is never 0 there)
  // f' rounds beyond the largest finite value: the reference's non-saturating convention gives
  // +-inf (NaN in E4M3 and FNUZ), a saturating kernel +-max (metrics.hpp remark 7; MX: +-max).
  std::vector<InputInterval> overflow;
};

// A threshold for the landscape: a number, or the format's machine epsilon 2^(1-p) ("eps").
struct Threshold {
  double value = 0;  // ignored when is_epsilon
  bool is_epsilon = false;
  std::string label;
};
std::vector<Threshold> default_thresholds();  // 1e-2, 1e-4, eps
// Parses "1e-2", "0.001", "eps"; false if not a positive finite number or eps.
bool parse_threshold(std::string_view text, Threshold& out);

Landscape derivative_landscape(Function derivative, const Format& f, OrdinalRange range,
                               std::span<const Threshold> thresholds);

// The inputs in `range` where pred(correctly rounded f'(x) as a double) holds, for a predicate
// that is monotone along each monotone, one-signed piece of f' (e.g. |v| < T, v < 0, v >= V).
std::vector<InputInterval> inputs_where(Function derivative, const Format& f, OrdinalRange range,
                                        const std::function<bool(double)>& pred);

// ---------------------------------------------------------------------------------------------
// Accuracy of each backward: the ULP table's statistics plus the condition-aware view. A point's
// error is inherent in the function up to max(1/2, kappa/2) ULP (kappa = |x f''/f'|, the
// derivative's condition number: the input alone, rounded to the format, can move f' that far);
// beyond it, the implementation added the error.
//
// kappa/2 ULP linearizes f' over the input's rounding interval [x(1 - u), x(1 + u)], u = 2^-p,
// which fails where kappa u is not small: in the tanh form's left tail kappa ~ 6 c k |x|^3 is
// 1e114 at x = -3e38, and kappa/2 ULP would excuse any value where f' is 0 everywhere around
// x. So the envelope is capped by the change f' actually has there,
//     max(1/2, min(kappa/2, max_s |f'(x(1 + s u)) - f'(x)| / ulp)),   s = +-1,
// evaluated in double. To first order that change is kappa u |f'| = kappa/2 to kappa ULP (u|f'|
// is 1/2 to 1 ULP), so the cap only binds where the linearization is wrong.
//
// In a graded pair IN:OUT*S the input is rounded in IN (u = 2^-p_IN) and the ULP is OUT's, of
// S f': the same change is kappa u_IN |S f'| = (kappa/2) 2^(p_OUT - p_IN) to twice that in OUT's
// ULP, so the envelope is max(1/2, min((kappa/2) 2^(p_OUT - p_IN), S change / ulp)). With
// bf16:e4m3 (8 and 4 bits) the input's rounding explains 1/16 of what it explains in bf16: the
// 1/2 ULP of the output's own rounding dominates. For a plain format it is the formula above.

struct EnvelopeStats {
  uint64_t judged = 0;  // finite points
  uint64_t above = 0;   // |ULP error| > envelope
  Extreme worst_ratio;  // largest |ULP error| / envelope, and where
  double kappa_at_worst = 0;
  void merge(const EnvelopeStats& o);
};

// The envelope in ULP at an input x of format f, for a reference whose ULP is 2^ulp_log2.
double envelope_ulps(Function derivative, const Format& f, double x, int ulp_log2);
double envelope_ulps(Function derivative, const Format& f, double x, int ulp_log2, double kappa);

struct BackwardAccuracy {
  Function derivative;
  const Format* format;
  const Implementation* implementation;
  std::string domain;
  ErrorStats stats;
  EnvelopeStats envelope;
};

std::vector<BackwardAccuracy> backward_accuracy(
    Function derivative, const Domain& domain,
    std::span<const Implementation* const> implementations, const SweepOptions& options);

// The approximating form's derivative, correctly rounded, graded as the exact derivative `exact`
// (the tanh-form GELU' as GELU'): the gap between the two backwards that no implementation can
// close.
BackwardAccuracy other_form_vs_exact(Function exact, const Domain& domain,
                                     const SweepOptions& options);

// ---------------------------------------------------------------------------------------------
// Histogram of log2 |correctly rounded f'(x)| over a domain's inputs: bin e counts the inputs
// with 2^e <= |f'| < 2^(e+1), split by sign; exact zeros apart.

struct Log2Histogram {
  Function derivative;
  const Format* format;
  std::string domain;
  int lowest_bin = 0;                        // the format's smallest subnormal exponent
  std::vector<uint64_t> positive, negative;  // index e - lowest_bin
  uint64_t zeros = 0, nonfinite = 0, points = 0;
};

Log2Histogram derivative_histogram(Function derivative, const Domain& domain,
                                   const SweepOptions& options);

// ---------------------------------------------------------------------------------------------
// Gradient flow: E[g(z)^2] for pre-activations z ~ N(0, sigma^2).
//  - exact: g = f', by adaptive Gauss-Kronrod quadrature (61 points, tolerance 1e-30) at 50
//    digits (MPFR) of f'(sigma y)^2 phi(y) over [-12, 0] and [0, 12]; f'^2 <= 1.28 for every
//    derivative but relu2' (2 max(x, 0)), so what is left out is below 1.28 * 2 * (1 - Phi(12))
//    < 1e-32; for relu2' it is int_12^inf 4 sigma^2 y^2 phi(y) dy = 4 sigma^2 (12 phi(12) +
//    Q(12)) < 1e-30 sigma^2, next to E = 2 sigma^2.
//  - in a 16-bit format: z is stored in the format, g = the implementation's backward at the
//    stored value; exactly the sum over format values v of P(z rounds to v) g(v)^2, with P from
//    the normal CDF (erfc, in double) between the rounding boundaries (midpoints; beyond the
//    largest finite value's boundary z rounds to infinity).
//  - in fp32 (2^32 values): the trapezoid rule on the uniform grid z_i = i 12 sigma / M,
//    |i| <= M = 2^16, of g(z_i rounded to fp32)^2 phi_sigma(z_i). For a smooth integrand with
//    Gaussian decay the rule is exact to double precision at this M (checked: 1e-16 relative
//    for g = f'); fp32's steps in g leave about 1e-9 relative. (A backward that jumps by J in g^2
//    would cost up to J dz phi_sigma/2 at the jump; the derivatives here are continuous.) The
//    zero-gradient mass is made exact: where g's zero-ness changes between consecutive grid points
//    (or towards +-max), the fp32 input where it flips is found by bisection and the zero
//    intervals' mass integrated.

inline constexpr int64_t kFp32FlowGridHalf = int64_t{1} << 16;

struct FlowResult {
  double mean_square = 0;     // E[g^2] over the mass where g is finite
  double zero_mass = 0;       // P(g == +-0)
  double nonfinite_mass = 0;  // P(g is inf or NaN)
};

double exact_mean_square_derivative(Function derivative, double sigma);
FlowResult format_mean_square_derivative(Function derivative, const Format& f, double sigma,
                                         const Implementation& backward, unsigned threads);
// P(lo <= z <= hi) for z ~ N(0, sigma^2), without cancellation in either tail.
double normal_mass(double lo, double hi, double sigma);

struct FlowRow {
  Function derivative;
  const Format* format;  // nullptr for the exact row
  double sigma = 1;
  const Implementation* implementation = nullptr;  // nullptr for the exact row
  FlowResult result;
  double exact = 0;  // the exact E[f'^2] at this sigma, for comparison
};

inline constexpr double kDefaultSigmas[] = {0.5, 1, 2, 4};

// ---------------------------------------------------------------------------------------------
// The whole report.

enum class GradientSection { landscape, accuracy, comparison, flow, histogram };
inline constexpr GradientSection kAllGradientSections[] = {
    GradientSection::landscape, GradientSection::accuracy, GradientSection::comparison,
    GradientSection::flow, GradientSection::histogram};
const char* section_name(GradientSection s);
bool parse_section(std::string_view name, GradientSection& out);

struct GradientReportRequest {
  std::vector<Function> derivatives;
  std::vector<const Format*> formats;
  std::vector<Domain> domains;       // one per format: accuracy, comparison, histogram
  std::vector<OrdinalRange> ranges;  // one per format: the landscape (every value in it)
  std::vector<const Implementation*> implementations;
  std::vector<GradientSection> sections;
  std::vector<Threshold> thresholds = default_thresholds();
  std::vector<double> sigmas = {std::begin(kDefaultSigmas), std::end(kDefaultSigmas)};
  SweepOptions options;
};

struct GradientReport {
  std::vector<GradientSection> sections;
  std::vector<std::string> domains;  // per format, for the header
  std::vector<const Format*> formats;
  std::vector<Landscape> landscapes;
  std::vector<BackwardAccuracy> accuracy;
  std::vector<BackwardAccuracy> comparison;  // tanh form vs exact, one per format
  std::vector<FlowRow> flow;
  std::vector<Log2Histogram> histograms;
};

GradientReport make_gradient_report(const GradientReportRequest& request);

}  // namespace gelucheck
