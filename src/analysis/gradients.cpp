#include "analysis/gradients.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include <fmt/format.h>                             // fmt::format
#include <boost/math/quadrature/gauss_kronrod.hpp>  // gauss_kronrod
#include <boost/math/special_functions/erf.hpp>     // erfc_inv
#include <boost/multiprecision/mpfr.hpp>            // mpfr_float_backend, number

#include "functions/derivatives.hpp"
#include "sweep/metrics.hpp"
#include "reference/reference.hpp"

namespace gelucheck {
namespace {

double cr_value(Function fn, const Format& f, int64_t ord) {
  return to_double(f, reference(fn, f, from_ordinal(f, ord)).correctly_rounded);
}

// The smallest ordinal whose value is >= c (one past the largest finite value if none).
int64_t first_ordinal_at_or_above(const Format& f, double c) {
  const OrdinalRange r = finite_ordinals_in(f, c, INFINITY);
  return r.size() ? r.first : max_finite_ordinal(f) + 1;
}

// The range cut where f' has an extremum or a zero: pieces on which f' is monotone and of one
// sign, as ordinal intervals.
std::vector<std::pair<int64_t, int64_t>> monotone_pieces(Function fn, const Format& f,
                                                         OrdinalRange range) {
  const DerivativeShape& shape = derivative_shape(fn);
  std::vector<double> cuts = shape.extrema;
  cuts.insert(cuts.end(), shape.zeros.begin(), shape.zeros.end());
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::pair<int64_t, int64_t>> pieces;
  int64_t start = range.first;
  for (double c : cuts) {
    const int64_t o = std::clamp(first_ordinal_at_or_above(f, c), range.first, range.last + 1);
    if (o > start) pieces.emplace_back(start, o - 1);
    start = std::max(start, o);
  }
  if (start <= range.last) pieces.emplace_back(start, range.last);
  return pieces;
}

std::vector<InputInterval> to_intervals(const Format& f,
                                        const std::vector<std::pair<int64_t, int64_t>>& ords) {
  std::vector<InputInterval> out;
  for (const auto& [a, b] : ords) out.push_back({from_ordinal(f, a), from_ordinal(f, b)});
  return out;
}

// Calls body(x, ref) for each chunk of the domain, concurrently; body merges its own results.
void for_each_chunk(
    Function fn, const Domain& domain, const SweepOptions& options,
    const std::function<void(std::span<const uint32_t>, std::span<const RefValue>)>& body) {
  const Format& f = domain.format();
  const RefValue* table = reference_table(fn, f, options.reference_mode, options.threads);
  const uint64_t n_chunks = (domain.size() + kChunkSize - 1) / kChunkSize;
  parallel_for(n_chunks, options.threads, [&](uint64_t chunk) {
    const uint64_t first = chunk * kChunkSize;
    const size_t n = static_cast<size_t>(std::min(kChunkSize, domain.size() - first));
    std::vector<uint32_t> x(n);
    std::vector<RefValue> ref(n);
    domain.fill(first, n, x.data());
    if (table) {
      for (size_t i = 0; i < n; ++i) ref[i] = table[x[i]];
    } else {
      reference_batch(fn, f, x, ref, options.reference_mode);
    }
    body(x, ref);
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Landscape

std::vector<Threshold> default_thresholds() {
  return {{1e-2, false, "1e-2"}, {1e-4, false, "1e-4"}, {0, true, "eps"}};
}

bool parse_threshold(std::string_view text, Threshold& out) {
  if (text == "eps") {
    out = {0, true, "eps"};
    return true;
  }
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v > 0) || !std::isfinite(v)) return false;
  out = {v, false, s};
  return true;
}

std::vector<InputInterval> inputs_where(Function fn, const Format& f, OrdinalRange range,
                                        const std::function<bool(double)>& pred) {
  std::vector<std::pair<int64_t, int64_t>> hits;
  auto add = [&](int64_t a, int64_t b) {
    if (!hits.empty() && hits.back().second + 1 == a)
      hits.back().second = b;
    else
      hits.emplace_back(a, b);
  };
  for (const auto& [a, b] : monotone_pieces(fn, f, range)) {
    const bool pa = pred(cr_value(fn, f, a)), pb = pred(cr_value(fn, f, b));
    if (pa && pb) {
      add(a, b);
    } else if (pa != pb) {
      // pred holds on a prefix (pa) or a suffix (pb): bisect for the last ordinal on pa's side.
      int64_t lo = a, hi = b;  // pred(lo) == pa, pred(hi) == pb
      while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        (pred(cr_value(fn, f, mid)) == pa ? lo : hi) = mid;
      }
      if (pa)
        add(a, lo);
      else
        add(hi, b);
    }
  }
  return to_intervals(f, hits);
}

Landscape derivative_landscape(Function fn, const Format& f, OrdinalRange range,
                               std::span<const Threshold> thresholds) {
  Landscape l{fn, &f, range, {}, {}, {}, {}, {}, {}};
  if (range.size() == 0) return l;
  // On each monotone piece the extremes are at its ends.
  uint32_t max_bits = 0, min_bits = 0;
  double vmax = -INFINITY, vmin = INFINITY;
  for (const auto& [a, b] : monotone_pieces(fn, f, range)) {
    for (int64_t o : {a, b}) {
      const uint32_t bits = reference(fn, f, from_ordinal(f, o)).correctly_rounded;
      const double v = to_double(f, bits);
      if (v > vmax) vmax = v, max_bits = bits;
      if (v < vmin) vmin = v, min_bits = bits;
    }
  }
  l.max.value = max_bits;
  l.min.value = min_bits;
  l.max.attained = inputs_where(fn, f, range, [vmax](double v) { return v >= vmax; });
  l.min.attained = inputs_where(fn, f, range, [vmin](double v) { return v <= vmin; });
  const double lo = to_double(f, from_ordinal(f, range.first));
  const double hi = to_double(f, from_ordinal(f, range.last));
  const DerivativeShape& shape = derivative_shape(fn);
  for (double c : shape.extrema) {
    if (c < lo || c > hi) continue;
    const double v = round_value(f, derivative_value(fn, c));
    if (v == vmax) l.max.critical_x = c;
    if (v == vmin) l.min.critical_x = c;
  }
  for (double z : shape.zeros) {
    if (z <= lo || z >= hi) continue;
    const int64_t above = first_ordinal_at_or_above(f, z);
    l.zeros.push_back({z, from_ordinal(f, above - 1), from_ordinal(f, above)});
  }
  l.negative = inputs_where(fn, f, range, [](double v) { return v < 0; });
  for (const Threshold& t : thresholds) {
    const double eps = std::ldexp(1.0, 1 - f.precision());
    ThresholdRegion region;
    region.threshold = t.is_epsilon ? eps : t.value;
    region.label = t.is_epsilon ? fmt::format("eps = 2^{}", 1 - f.precision()) : t.label;
    const double limit = region.threshold;
    region.inputs = inputs_where(fn, f, range, [limit](double v) { return std::fabs(v) < limit; });
    l.below.push_back(std::move(region));
  }
  l.underflow = inputs_where(fn, f, range, [](double v) { return v == 0; });
  return l;
}

// ---------------------------------------------------------------------------------------------
// Accuracy

void EnvelopeStats::merge(const EnvelopeStats& o) {
  judged += o.judged;
  above += o.above;
  if (o.worst_ratio.seen() && (!worst_ratio.seen() || o.worst_ratio.value > worst_ratio.value ||
                               (o.worst_ratio.value == worst_ratio.value &&
                                o.worst_ratio.x_ordinal < worst_ratio.x_ordinal))) {
    worst_ratio = o.worst_ratio;
    kappa_at_worst = o.kappa_at_worst;
  }
}

double envelope_ulps(Function fn, const Format& f, double x, int ulp_log2, double kappa) {
  if (!std::isfinite(x)) return 0.5;
  const double u = std::ldexp(1.0, -f.precision());
  const double at = derivative_value(fn, x);
  const double change = std::max(std::fabs(derivative_value(fn, x * (1 + u)) - at),
                                 std::fabs(derivative_value(fn, x * (1 - u)) - at));
  return std::max(0.5, std::min(0.5 * kappa, std::ldexp(change, -ulp_log2)));
}

double envelope_ulps(Function fn, const Format& f, double x, int ulp_log2) {
  return envelope_ulps(fn, f, x, ulp_log2, derivative_condition(fn, x));
}

std::vector<BackwardAccuracy> backward_accuracy(
    Function fn, const Domain& domain, std::span<const Implementation* const> implementations,
    const SweepOptions& options) {
  const Format& f = domain.format();
  const size_t n_impl = implementations.size();
  std::vector<BackwardAccuracy> out;
  std::vector<BatchKernel> kernels;
  for (const Implementation* impl : implementations) {
    out.push_back({fn, &f, impl, domain.describe(), {}, {}});
    kernels.push_back(impl->kernel_for(fn, f));
  }
  std::mutex mutex;
  for_each_chunk(
      fn, domain, options, [&](std::span<const uint32_t> x, std::span<const RefValue> ref) {
        const size_t n = x.size();
        std::vector<double> kappa(n), envelope(n);
        for (size_t i = 0; i < n; ++i) {
          const double xv = to_double(f, x[i]);
          kappa[i] = derivative_condition(fn, xv);
          envelope[i] = envelope_ulps(fn, f, xv, ref[i].ulp_log2, kappa[i]);
        }
        std::vector<uint32_t> y(n);
        std::vector<ErrorStats> stats(n_impl);
        std::vector<EnvelopeStats> env(n_impl);
        for (size_t k = 0; k < n_impl; ++k) {
          if (!kernels[k]) continue;
          kernels[k](x, y);
          for (size_t i = 0; i < n; ++i) {
            const PointRecord p = compare(f, x[i], y[i], ref[i]);
            stats[k].add(f, p);
            if (p.outcome != Outcome::finite) continue;
            ++env[k].judged;
            const double ratio = std::fabs(p.ulp_error) / envelope[i];
            if (ratio > 1) ++env[k].above;
            const int64_t ord = ordinal(f, x[i]);
            if (!env[k].worst_ratio.seen() || ratio > env[k].worst_ratio.value ||
                (ratio == env[k].worst_ratio.value && ord < env[k].worst_ratio.x_ordinal)) {
              env[k].worst_ratio.offer(ratio, x[i], ord);
              env[k].kappa_at_worst = kappa[i];
            }
          }
          stats[k].flush();
        }
        std::lock_guard lock(mutex);
        for (size_t k = 0; k < n_impl; ++k) {
          out[k].stats.merge(stats[k]);
          out[k].envelope.merge(env[k]);
        }
      });
  return out;
}

const Implementation& tanh_form_correctly_rounded() {
  static const Implementation impl = [] {
    Implementation i;
    i.name = "tanh_form_correctly_rounded";
    i.summary = "The tanh-form derivative (gelu_tanh_grad) rounded once, graded as the exact one.";
    i.used_in = "The best any gelu(approximate='tanh') backward can do against the exact GELU.";
    i.kernel_for = [](Function fn, const Format& f) -> BatchKernel {
      if (fn != Function::gelu_erf_grad) return {};
      return [&f](std::span<const uint32_t> x, std::span<uint32_t> y) {
        for (size_t k = 0; k < x.size(); ++k)
          y[k] = reference(Function::gelu_tanh_grad, f, x[k]).correctly_rounded;
      };
    };
    return i;
  }();
  return impl;
}

BackwardAccuracy tanh_form_vs_exact(const Domain& domain, const SweepOptions& options) {
  const Implementation* impl = &tanh_form_correctly_rounded();
  return backward_accuracy(Function::gelu_erf_grad, domain, std::span(&impl, 1), options)[0];
}

// ---------------------------------------------------------------------------------------------
// Histogram

Log2Histogram derivative_histogram(Function fn, const Domain& domain, const SweepOptions& options) {
  const Format& f = domain.format();
  Log2Histogram h;
  h.derivative = fn;
  h.format = &f;
  h.domain = domain.describe();
  h.lowest_bin = f.min_subnormal_log2();
  const size_t bins = size_t(f.emax() - h.lowest_bin + 1);
  h.positive.assign(bins, 0);
  h.negative.assign(bins, 0);
  std::mutex mutex;
  for_each_chunk(
      fn, domain, options, [&](std::span<const uint32_t> x, std::span<const RefValue> ref) {
        std::vector<uint64_t> pos(bins), neg(bins);
        uint64_t zeros = 0, nonfinite = 0;
        for (size_t i = 0; i < x.size(); ++i) {
          const double v = to_double(f, ref[i].correctly_rounded);
          if (!std::isfinite(v)) {
            ++nonfinite;
          } else if (v == 0) {
            ++zeros;
          } else {
            const size_t bin = size_t(std::ilogb(v) - h.lowest_bin);  // v is a format value
            ++(v > 0 ? pos : neg)[bin];
          }
        }
        std::lock_guard lock(mutex);
        for (size_t b = 0; b < bins; ++b) h.positive[b] += pos[b], h.negative[b] += neg[b];
        h.zeros += zeros;
        h.nonfinite += nonfinite;
        h.points += x.size();
      });
  return h;
}

// ---------------------------------------------------------------------------------------------
// Gradient flow

namespace {

namespace mp = boost::multiprecision;
using Real50 = mp::number<mp::mpfr_float_backend<50>, mp::et_off>;

Real50 mp_derivative(Function fn, const Real50& x) {
  const Real50 sqrt2 = sqrt(Real50(2));
  const Real50 pi = boost::math::constants::pi<Real50>();
  switch (fn) {
    case Function::gelu_erf_grad:  // Phi(x) + x phi(x)
      return erfc(-x / sqrt2) / 2 + x * exp(-x * x / 2) / sqrt(2 * pi);
    case Function::gelu_tanh_grad: {  // s (1 + 2 x n u'), see derivatives.cpp
      const Real50 c = sqrt(2 / pi), k = Real50(kTanhFormCubicDecimal.data());
      const Real50 two_u = 2 * c * (x + k * x * x * x);
      const Real50 s = 1 / (1 + exp(-two_u)), n = 1 / (1 + exp(two_u));
      return s * (1 + 2 * x * n * c * (1 + 3 * k * x * x));
    }
    case Function::tanh_grad: {
      const Real50 ch = cosh(x);
      return 1 / (ch * ch);
    }
    default:
      throw std::logic_error("mp_derivative: not a derivative");
  }
}

// The value boundaries of the cell of ordinal o: z in [lower, upper] rounds to it (ties aside).
double cell_lower(const Format& f, int64_t o) {
  if (o <= -max_finite_ordinal(f) - 1) return -INFINITY;
  return 0.5 * (to_double(f, from_ordinal(f, o - 1)) + to_double(f, from_ordinal(f, o)));
}
double cell_upper(const Format& f, int64_t o) {
  if (o >= max_finite_ordinal(f)) return INFINITY;
  return 0.5 * (to_double(f, from_ordinal(f, o)) + to_double(f, from_ordinal(f, o + 1)));
}

bool is_zero_value(const Format& f, uint32_t bits) { return to_double(f, bits) == 0; }

// z beyond this rounds to infinity: the largest finite value plus half its ulp.
double overflow_boundary(const Format& f) {
  const double top = to_double(f, f.max_finite_bits());
  return top + 0.5 * std::ldexp(1.0, ulp_log2(f, top));
}

void add_mass(double p, double g, ExactSum& square, ExactSum& zero, ExactSum& nonfinite) {
  if (!std::isfinite(g))
    nonfinite.add(p);
  else if (g == 0)
    zero.add(p);
  else
    square.add(p * g * g);
}

FlowResult flow_16bit(const Format& f, double sigma, const BatchKernel& kernel) {
  const int64_t top = max_finite_ordinal(f);
  const double overflow = overflow_boundary(f);
  std::vector<uint32_t> x, y;
  for (int64_t o = -top - 1; o <= top; ++o) x.push_back(from_ordinal(f, o));
  y.resize(x.size());
  kernel(x, y);
  ExactSum square, zero, nonfinite;
  for (size_t i = 0; i < x.size(); ++i) {
    const int64_t o = -top - 1 + int64_t(i);
    const double lo = o == -top - 1 ? -overflow : cell_lower(f, o);
    const double hi = o == top ? overflow : cell_upper(f, o);
    const double p = normal_mass(lo, hi, sigma);
    if (p > 0) add_mass(p, to_double(f, y[i]), square, zero, nonfinite);
  }
  // Beyond the overflow boundary z is stored as +-infinity (NaN in formats without infinity).
  const double tail = normal_mass(overflow, INFINITY, sigma);
  if (tail > 0) {
    const uint32_t big = f.has_infinity() ? f.infinity_bits() : f.nan_bits();
    const uint32_t inf_x[2] = {f.sign_mask() | big, big};
    uint32_t inf_y[2];
    kernel(inf_x, inf_y);
    for (uint32_t b : inf_y) add_mass(tail, to_double(f, b), square, zero, nonfinite);
  }
  return {square.value(), zero.value(), nonfinite.value()};
}

FlowResult flow_sampled(const Format& f, double sigma, const BatchKernel& kernel,
                        unsigned threads) {
  const int64_t m = kFp32FlowGridHalf;
  const size_t n = size_t(2 * m + 1);
  const double dz = 12 * sigma / double(m);
  std::vector<uint32_t> x(n), y(n);
  for (size_t i = 0; i < n; ++i) x[i] = round_to_format(f, double(int64_t(i) - m) * dz);
  const uint64_t chunks = (n + kChunkSize - 1) / kChunkSize;
  std::mutex mutex;
  ExactSum square, nonfinite;
  const double norm = 1 / (sigma * std::sqrt(2 * M_PI));
  parallel_for(chunks, threads, [&](uint64_t c) {
    const size_t first = size_t(c * kChunkSize), count = std::min(size_t(kChunkSize), n - first);
    kernel(std::span<const uint32_t>(x.data() + first, count),
           std::span<uint32_t>(y.data() + first, count));
    double sq = 0, bad = 0;
    for (size_t i = first; i < first + count; ++i) {
      const double z = double(int64_t(i) - m) * dz;
      const double w = (i == 0 || i == n - 1 ? 0.5 : 1.0) * dz * norm *
                       std::exp(-0.5 * (z / sigma) * (z / sigma));
      const double g = to_double(f, y[i]);
      if (std::isfinite(g))
        sq += w * g * g;
      else
        bad += w;
    }
    std::lock_guard lock(mutex);
    square.add(sq);
    nonfinite.add(bad);
  });
  // Zero mass: walk the grid (and +-max) in increasing order, bisect each flip of zero-ness
  // to the fp32 input where it happens, and integrate the zero intervals exactly.
  auto is_zero_at = [&](int64_t o) {
    const uint32_t in = from_ordinal(f, o);
    uint32_t out;
    kernel(std::span<const uint32_t>(&in, 1), std::span<uint32_t>(&out, 1));
    return is_zero_value(f, out);
  };
  const int64_t top = max_finite_ordinal(f);
  std::vector<std::pair<int64_t, bool>> marks = {{-top - 1, is_zero_at(-top - 1)}};
  for (uint64_t i = 0; i < n; ++i) {
    const int64_t o = ordinal(f, x[i]);
    if (o != marks.back().first) marks.emplace_back(o, is_zero_value(f, y[i]));
  }
  if (marks.back().first != top) marks.emplace_back(top, is_zero_at(top));
  ExactSum zero;
  int64_t run_start = marks[0].first;
  bool run_zero = marks[0].second;
  for (size_t k = 1; k < marks.size(); ++k) {
    if (marks[k].second == run_zero) continue;
    int64_t lo = marks[k - 1].first, hi = marks[k].first;  // zero-ness flips in (lo, hi]
    while (hi - lo > 1) {
      const int64_t mid = lo + (hi - lo) / 2;
      (is_zero_at(mid) == run_zero ? lo : hi) = mid;
    }
    if (run_zero) zero.add(normal_mass(cell_lower(f, run_start), cell_upper(f, lo), sigma));
    run_start = hi;
    run_zero = marks[k].second;
  }
  if (run_zero) zero.add(normal_mass(cell_lower(f, run_start), INFINITY, sigma));
  return {square.value(), zero.value(), nonfinite.value()};
}

}  // namespace

double normal_mass(double lo, double hi, double sigma) {
  if (!(hi > lo)) return 0;
  const double s = sigma * std::sqrt(2.0);
  // Phi(t) = erfc(-t/sqrt2)/2 and 1 - Phi(t) = erfc(t/sqrt2)/2: take the side each bound is on.
  if (hi <= 0) return 0.5 * (std::erfc(-hi / s) - std::erfc(-lo / s));
  if (lo >= 0) return 0.5 * (std::erfc(lo / s) - std::erfc(hi / s));
  return 1 - 0.5 * std::erfc(-lo / s) - 0.5 * std::erfc(hi / s);
}

double exact_mean_square_derivative(Function fn, double sigma) {
  const Real50 sd = sigma;
  const Real50 norm = 1 / sqrt(2 * boost::math::constants::pi<Real50>());
  auto integrand = [&](const Real50& y) {
    const Real50 g = mp_derivative(fn, sd * y);
    return g * g * exp(-y * y / 2) * norm;
  };
  // Adaptive Gauss-Kronrod (61 points), split at 0 where f' changes fastest for large sigma.
  // (Boost 1.74's tanh_sinh throws on MPFR numbers.)
  using GK = boost::math::quadrature::gauss_kronrod<Real50, 61>;
  const Real50 tolerance = Real50(1e-30);
  const Real50 total = GK::integrate(integrand, Real50(-12), Real50(0), 15, tolerance) +
                       GK::integrate(integrand, Real50(0), Real50(12), 15, tolerance);
  return static_cast<double>(total);
}

FlowResult format_mean_square_derivative(Function fn, const Format& f, double sigma,
                                         const Implementation& backward, unsigned threads) {
  const BatchKernel kernel = backward.kernel_for(fn, f);
  if (!kernel) return {NAN, NAN, NAN};
  if (f.total_bits() <= 16) return flow_16bit(f, sigma, kernel);
  return flow_sampled(f, sigma, kernel, threads);
}

// ---------------------------------------------------------------------------------------------
// The report

const char* section_name(GradientSection s) {
  switch (s) {
    case GradientSection::landscape:
      return "landscape";
    case GradientSection::accuracy:
      return "accuracy";
    case GradientSection::comparison:
      return "comparison";
    case GradientSection::flow:
      return "flow";
    case GradientSection::histogram:
      return "histogram";
  }
  return "?";
}

bool parse_section(std::string_view name, GradientSection& out) {
  for (GradientSection s : kAllGradientSections) {
    if (name == section_name(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

GradientReport make_gradient_report(const GradientReportRequest& rq) {
  GradientReport r;
  r.sections = rq.sections;
  r.formats = rq.formats;
  for (const Domain& d : rq.domains) r.domains.push_back(d.describe());
  auto wants = [&](GradientSection s) {
    return std::find(rq.sections.begin(), rq.sections.end(), s) != rq.sections.end();
  };
  const unsigned threads = rq.options.threads;
  for (Function fn : rq.derivatives) {
    for (size_t fi = 0; fi < rq.formats.size(); ++fi) {
      const Format& f = *rq.formats[fi];
      if (wants(GradientSection::landscape))
        r.landscapes.push_back(derivative_landscape(fn, f, rq.ranges[fi], rq.thresholds));
      if (wants(GradientSection::accuracy)) {
        std::vector<const Implementation*> supported;
        for (const Implementation* i : rq.implementations)
          if (i->supports(fn, f)) supported.push_back(i);
        for (auto& a : backward_accuracy(fn, rq.domains[fi], supported, rq.options))
          r.accuracy.push_back(std::move(a));
      }
      if (wants(GradientSection::histogram))
        r.histograms.push_back(derivative_histogram(fn, rq.domains[fi], rq.options));
    }
  }
  const bool has_gelu = std::any_of(rq.derivatives.begin(), rq.derivatives.end(), [](Function fn) {
    return fn == Function::gelu_erf_grad || fn == Function::gelu_tanh_grad;
  });
  if (wants(GradientSection::comparison) && has_gelu)
    for (const Domain& d : rq.domains) r.comparison.push_back(tanh_form_vs_exact(d, rq.options));
  if (wants(GradientSection::flow)) {
    for (Function fn : rq.derivatives) {
      for (double sigma : rq.sigmas) {
        const double exact = exact_mean_square_derivative(fn, sigma);
        r.flow.push_back({fn, nullptr, sigma, nullptr, {exact, 0, 0}, exact});
        for (const Format* f : rq.formats)
          for (const Implementation* i : rq.implementations)
            if (i->supports(fn, *f))
              r.flow.push_back({fn, f, sigma, i,
                                format_mean_square_derivative(fn, *f, sigma, *i, threads), exact});
      }
    }
  }
  return r;
}

}  // namespace gelucheck
