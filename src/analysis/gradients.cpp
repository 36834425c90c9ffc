#include "analysis/gradients.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include <fmt/format.h>                             // fmt::format
#include <boost/math/quadrature/gauss_kronrod.hpp>  // gauss_kronrod
#include <boost/math/special_functions/erf.hpp>     // erfc_inv
#include <boost/multiprecision/mpfr.hpp>            // mpfr_float_backend, number

#include "analysis/other_form.hpp"
#include "functions/function.hpp"
#include "functions/function_spec.hpp"
#include "reference/reference.hpp"
#include "sweep/metrics.hpp"

namespace gelucheck {
namespace {

// The graded value at the input of ordinal `ord` (of f.in()), as a double: f' (S f' in a pair)
// correctly rounded to f. A value beyond the largest finite one is +-inf here, whatever the
// reference's convention writes (NaN in E4M3 and FNUZ, +-max in MX), so that every predicate
// that is monotone in f' stays monotone along a piece.
double cr_value(Function fn, const Format& f, int64_t ord) {
  const RefValue r = reference(fn, f, from_ordinal(f.in(), ord));
  return r.overflow ? std::copysign(INFINITY, r.exact) : to_double(f, r.correctly_rounded);
}

// The smallest ordinal whose value is >= c (one past the largest finite value if none).
int64_t first_ordinal_at_or_above(const Format& f, double c) {
  const OrdinalRange r = finite_ordinals_in(f, c, INFINITY);
  return r.size() ? r.first : max_finite_ordinal(f) + 1;
}

// The range cut where f' has an extremum or a zero: pieces on which f' is monotone and of one
// sign, as ordinal intervals of inputs (of f.in()). Rounding S f' (S > 0) to the output format
// is monotone too, so the pieces are the same for a graded pair.
std::vector<std::pair<int64_t, int64_t>> monotone_pieces(Function fn, const Format& graded,
                                                         OrdinalRange range) {
  const Format& f = graded.in();
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

std::vector<InputInterval> to_intervals(const Format& graded,
                                        const std::vector<std::pair<int64_t, int64_t>>& ords) {
  std::vector<InputInterval> out;
  const Format& f = graded.in();
  for (const auto& [a, b] : ords) out.push_back({from_ordinal(f, a), from_ordinal(f, b)});
  return out;
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
  Landscape l{fn, &f, range, {}, {}, {}, {}, {}, {}, {}};
  if (range.size() == 0) return l;
  const Format& in = f.in();
  // On each monotone piece the extremes are at its ends.
  uint32_t max_bits = 0, min_bits = 0;
  double vmax = -INFINITY, vmin = INFINITY;
  for (const auto& [a, b] : monotone_pieces(fn, f, range)) {
    for (int64_t o : {a, b}) {
      const uint32_t bits = reference(fn, f, from_ordinal(in, o)).correctly_rounded;
      const double v = cr_value(fn, f, o);
      if (v > vmax) vmax = v, max_bits = bits;
      if (v < vmin) vmin = v, min_bits = bits;
    }
  }
  l.max.value = max_bits;
  l.min.value = min_bits;
  l.max.attained = inputs_where(fn, f, range, [vmax](double v) { return v >= vmax; });
  l.min.attained = inputs_where(fn, f, range, [vmin](double v) { return v <= vmin; });
  const double lo = to_double(in, from_ordinal(in, range.first));
  const double hi = to_double(in, from_ordinal(in, range.last));
  const DerivativeShape& shape = derivative_shape(fn);
  for (double c : shape.extrema) {
    if (c < lo || c > hi) continue;
    const double v = round_value(f, f.scale * derivative_value(fn, c));
    if (v == vmax) l.max.critical_x = c;
    if (v == vmin) l.min.critical_x = c;
  }
  for (double z : shape.zeros) {
    if (z <= lo || z >= hi) continue;
    const int64_t above = first_ordinal_at_or_above(in, z);
    l.zeros.push_back({z, from_ordinal(in, above - 1), from_ordinal(in, above)});
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
  l.overflow = inputs_where(fn, f, range, [](double v) { return std::isinf(v); });
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
  const int p_in = f.in().precision(), p_out = f.precision();
  const double u = std::ldexp(1.0, -p_in);
  const double at = derivative_value(fn, x);
  const double change = std::max(std::fabs(derivative_value(fn, x * (1 + u)) - at),
                                 std::fabs(derivative_value(fn, x * (1 - u)) - at));
  return std::max(0.5, std::min(std::ldexp(0.5 * kappa, p_out - p_in),
                                std::ldexp(f.scale * change, -ulp_log2)));
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
  for (const Implementation* impl : implementations)
    out.push_back({fn, &f, impl, domain.describe(), {}, {}});
  evaluate({fn, &domain, implementations, true, true}, options, [&](uint64_t) {
    struct PerChunk {
      std::vector<ErrorStats> stats;
      std::vector<EnvelopeStats> env;
      std::vector<double> kappa, envelope;
    };
    auto c = std::make_shared<PerChunk>();
    c->stats.resize(n_impl);
    c->env.resize(n_impl);
    ChunkTask task;
    task.slice = [c, fn, &f, n_impl](const Slice& s) {
      const size_t n = s.x.size();
      c->kappa.resize(n);
      c->envelope.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const double xv = to_double(f.in(), s.x[i]);
        c->kappa[i] = derivative_condition(fn, xv);
        c->envelope[i] = envelope_ulps(fn, f, xv, s.ref[i].ulp_log2, c->kappa[i]);
      }
      for (size_t k = 0; k < n_impl; ++k) {
        EnvelopeStats& env = c->env[k];
        for (size_t i = 0; i < n; ++i) {
          const PointRecord p = compare(f, s.x[i], s.y[k][i], s.ref[i]);
          c->stats[k].add(f, p);
          if (p.outcome != Outcome::finite) continue;
          ++env.judged;
          const double ratio = std::fabs(p.ulp_error) / c->envelope[i];
          if (ratio > 1) ++env.above;
          const int64_t ord = ordinal(f.in(), s.x[i]);
          if (!env.worst_ratio.seen() || ratio > env.worst_ratio.value ||
              (ratio == env.worst_ratio.value && ord < env.worst_ratio.x_ordinal)) {
            env.worst_ratio.offer(ratio, s.x[i], ord);
            env.kappa_at_worst = c->kappa[i];
          }
        }
      }
    };
    task.done = [c, &out, n_impl] {
      for (size_t k = 0; k < n_impl; ++k) {
        c->stats[k].flush();
        out[k].stats.merge(c->stats[k]);
        out[k].envelope.merge(c->env[k]);
      }
    };
    return task;
  });
  return out;
}

BackwardAccuracy other_form_vs_exact(Function exact, const Domain& domain,
                                     const SweepOptions& options) {
  const Implementation* impl = &approximating_form_correctly_rounded();
  return backward_accuracy(exact, domain, std::span(&impl, 1), options)[0];
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
  evaluate({fn, &domain, {}, true, true}, options, [&](uint64_t) {
    auto counts = std::make_shared<Log2Histogram>();
    counts->positive.assign(bins, 0);
    counts->negative.assign(bins, 0);
    ChunkTask task;
    task.slice = [counts, &f, &h](const Slice& s) {
      for (size_t i = 0; i < s.x.size(); ++i) {
        const double v = to_double(f, s.ref[i].correctly_rounded);
        if (!std::isfinite(v)) {
          ++counts->nonfinite;
        } else if (v == 0) {
          ++counts->zeros;
        } else {
          const size_t bin = size_t(std::ilogb(v) - h.lowest_bin);  // v is a format value
          ++(v > 0 ? counts->positive : counts->negative)[bin];
        }
      }
      counts->points += s.x.size();
    };
    task.done = [counts, &h, bins] {
      for (size_t b = 0; b < bins; ++b)
        h.positive[b] += counts->positive[b], h.negative[b] += counts->negative[b];
      h.zeros += counts->zeros;
      h.nonfinite += counts->nonfinite;
      h.points += counts->points;
    };
    return task;
  });
  return h;
}

// ---------------------------------------------------------------------------------------------
// Gradient flow

namespace {

namespace mp = boost::multiprecision;
using Real50 = mp::number<mp::mpfr_float_backend<50>, mp::et_off>;

// f'(x) at 50 digits, from the derivative's MPFR formula (its family's, reference/tiers.hpp).
Real50 mp_derivative(Function fn, const Real50& x) {
  Real50 out = 0;  // a value, so that the number is allocated
  fn.spec().mpfr.value_50_digits(out.backend().data(), x.backend().data());
  return out;
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

// A flow evaluates the backward at inputs of its own (every value of a 16-bit format, a grid in
// fp32): the backward's values there, in order, from the engine (no reference needed).
struct BackwardAt {
  Function fn;
  const Implementation* backward;
  unsigned threads;
  std::vector<uint32_t> operator()(const Format& f, std::vector<uint32_t> x) const {
    std::vector<uint32_t> y(x.size());
    if (x.empty()) return y;
    const Domain inputs = Domain::listed(f, std::move(x));
    SweepOptions options;
    options.threads = threads;
    const Implementation* impls[] = {backward};
    evaluate({fn, &inputs, impls, false, false}, options, [&y](uint64_t chunk) {
      ChunkTask task;
      task.slice = [&y, chunk](const Slice& s) {
        std::copy(s.y[0].begin(), s.y[0].end(),
                  y.begin() + ptrdiff_t(chunk * kChunkSize + s.offset));
      };
      return task;
    });
    return y;
  }
};

// The gradient as the flow weighs it: the backward's value, divided by the scale of a graded
// pair (an FP8 recipe reads S f' back as f'), so that E[g^2] compares with the exact E[f'^2].
double unscaled(const Format& f, uint32_t y) { return to_double(f, y) / f.scale; }

// z is stored in the input format (f.in()); g is graded in f.
FlowResult flow_16bit(const Format& f, double sigma, const BackwardAt& backward) {
  const Format& in = f.in();
  const int64_t top = max_finite_ordinal(in);
  const double overflow = overflow_boundary(in);
  std::vector<uint32_t> x;
  for (int64_t o = -top - 1; o <= top; ++o) x.push_back(from_ordinal(in, o));
  const std::vector<uint32_t> y = backward(f, x);
  ExactSum square, zero, nonfinite;
  for (size_t i = 0; i < x.size(); ++i) {
    const int64_t o = -top - 1 + int64_t(i);
    const double lo = o == -top - 1 ? -overflow : cell_lower(in, o);
    const double hi = o == top ? overflow : cell_upper(in, o);
    const double p = normal_mass(lo, hi, sigma);
    if (p > 0) add_mass(p, unscaled(f, y[i]), square, zero, nonfinite);
  }
  // Beyond the overflow boundary z is stored as +-infinity (NaN in formats without infinity).
  const double tail = normal_mass(overflow, INFINITY, sigma);
  if (tail > 0) {
    const uint32_t big = in.has_infinity() ? in.infinity_bits() : in.nan_bits();
    for (uint32_t b : backward(f, {in.sign_mask() | big, big}))
      add_mass(tail, unscaled(f, b), square, zero, nonfinite);
  }
  return {square.value(), zero.value(), nonfinite.value()};
}

FlowResult flow_sampled(const Format& f, double sigma, const BackwardAt& backward) {
  const Format& in = f.in();
  const int64_t m = kFp32FlowGridHalf;
  const size_t n = size_t(2 * m + 1);
  const double dz = 12 * sigma / double(m);
  std::vector<uint32_t> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = round_to_format(in, double(int64_t(i) - m) * dz);
  const std::vector<uint32_t> y = backward(f, x);
  // The trapezoid sum, per chunk of the grid in plain double, the chunks' sums added exactly.
  ExactSum square, nonfinite;
  const double norm = 1 / (sigma * std::sqrt(2 * M_PI));
  for (size_t first = 0; first < n; first += kChunkSize) {
    const size_t count = std::min(size_t(kChunkSize), n - first);
    double sq = 0, bad = 0;
    for (size_t i = first; i < first + count; ++i) {
      const double z = double(int64_t(i) - m) * dz;
      const double w = (i == 0 || i == n - 1 ? 0.5 : 1.0) * dz * norm *
                       std::exp(-0.5 * (z / sigma) * (z / sigma));
      const double g = unscaled(f, y[i]);
      if (std::isfinite(g))
        sq += w * g * g;
      else
        bad += w;
    }
    square.add(sq);
    nonfinite.add(bad);
  }
  // Zero mass: walk the grid (and +-max) in increasing order, bisect each flip of zero-ness
  // to the fp32 input where it happens, and integrate the zero intervals exactly.
  auto is_zero_at = [&](int64_t o) {
    return is_zero_value(f, backward(f, {from_ordinal(in, o)}).front());
  };
  const int64_t top = max_finite_ordinal(in);
  std::vector<std::pair<int64_t, bool>> marks = {{-top - 1, is_zero_at(-top - 1)}};
  for (uint64_t i = 0; i < n; ++i) {
    const int64_t o = ordinal(in, x[i]);
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
    if (run_zero) zero.add(normal_mass(cell_lower(in, run_start), cell_upper(in, lo), sigma));
    run_start = hi;
    run_zero = marks[k].second;
  }
  if (run_zero) zero.add(normal_mass(cell_lower(in, run_start), INFINITY, sigma));
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
  if (!backward.supports(fn, f)) return {NAN, NAN, NAN};
  const BackwardAt at{fn, &backward, threads};
  if (f.in().total_bits() <= 16) return flow_16bit(f, sigma, at);
  return flow_sampled(f, sigma, at);
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
  // The approximating form's derivative graded as the exact one, once per exact derivative
  // that has such a form (the tanh-form GELU' against GELU').
  std::vector<Function> exact_forms;
  for (Function fn : rq.derivatives) {
    if (!has_other_form(fn)) continue;
    const Function exact = approximates_other_form(fn) ? other_form_of(fn) : fn;
    if (std::find(exact_forms.begin(), exact_forms.end(), exact) == exact_forms.end())
      exact_forms.push_back(exact);
  }
  if (wants(GradientSection::comparison))
    for (Function exact : exact_forms)
      for (const Domain& d : rq.domains)
        r.comparison.push_back(other_form_vs_exact(exact, d, rq.options));
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
