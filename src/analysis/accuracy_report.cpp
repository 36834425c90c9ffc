#include "analysis/accuracy_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>  // fmt::format

#include "analysis/other_form.hpp"
#include "functions/function.hpp"
#include "io/errors.hpp"
#include "render/svg_plot.hpp"  // svg::Axis (the view's axis coordinate)

namespace gelucheck {

const char* report_section_name(ReportSection s) {
  switch (s) {
    case ReportSection::table:
      return "table";
    case ReportSection::ulp_plots:
      return "ulp_plots";
    case ReportSection::histograms:
      return "histograms";
    case ReportSection::forms:
      return "forms";
    case ReportSection::landscape:
      return "landscape";
    case ReportSection::saturation:
      return "saturation";
    case ReportSection::gradients:
      return "gradients";
    case ReportSection::comparison:
      return "comparison";
    case ReportSection::diffs:
      return "diffs";
  }
  return "?";
}

bool parse_report_section(std::string_view name, ReportSection& out) {
  for (ReportSection s : kAllReportSections)
    if (name == report_section_name(s)) {
      out = s;
      return true;
    }
  return false;
}

std::string report_section_names() {
  std::string s;
  for (ReportSection r : kAllReportSections)
    s += (s.empty() ? "" : ", ") + std::string(report_section_name(r));
  return s;
}

bool ReportRequest::has(ReportSection s) const {
  return std::find(sections.begin(), sections.end(), s) != sections.end();
}

// ---------------------------------------------------------------------------------------------
// Views and bins

std::string PlotView::key() const {
  if (symlog) return "all";
  return fmt::format("{:g}_{:g}", lo, hi);
}

std::string PlotView::describe() const {
  if (symlog)
    return fmt::format("every input, symmetric log axis (linear for |x| < {:g})", kSymlogThreshold);
  return fmt::format("x in [{:g}, {:g}]", lo, hi);
}

bool parse_plot_view(std::string_view text, PlotView& out) {
  if (text == "all") {
    out = PlotView{};
    return true;
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string a(text.substr(0, colon)), b(text.substr(colon + 1));
  char* end = nullptr;
  const double lo = std::strtod(a.c_str(), &end);
  if (a.empty() || end != a.c_str() + a.size()) return false;
  const double hi = std::strtod(b.c_str(), &end);
  if (b.empty() || end != b.c_str() + b.size()) return false;
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) return false;
  out.symlog = false;
  out.lo = lo;
  out.hi = hi;
  return true;
}

namespace {

svg::Axis view_axis(const PlotView& view, double max_abs_x) {
  svg::Axis a;
  a.scale = view.symlog ? svg::Scale::symlog : svg::Scale::linear;
  a.linear_threshold = kSymlogThreshold;
  a.lo = view.symlog ? -max_abs_x : view.lo;
  a.hi = view.symlog ? max_abs_x : view.hi;
  return a;
}

double six_digits(double v) {
  if (v == 0) return 0;
  return std::strtod(fmt::format("{:.6g}", v).c_str(), nullptr);
}

}  // namespace

std::vector<double> view_edges(const PlotView& view, int bins, double max_abs_x) {
  const svg::Axis a = view_axis(view, max_abs_x);
  const double t0 = a.transform(a.lo), t1 = a.transform(a.hi);
  std::vector<double> edges(size_t(bins) + 1);
  for (int k = 0; k <= bins; ++k) {
    // The ends exactly; inner edges symmetric about the middle when the axis is.
    const double t = k == 0 ? t0 : k == bins ? t1 : t0 + (t1 - t0) * double(k) / bins;
    edges[size_t(k)] = k == 0 ? a.lo : k == bins ? a.hi : six_digits(a.inverse(t));
  }
  return edges;
}

namespace {

// Maps an input to its bin by its ordinal: the edges become the ordinals of the first input at
// or above each edge, so the bin of an input is a binary search over integers.
class Binner {
 public:
  // x is an input: of f.in() in a graded pair.
  Binner(const Format& graded, const std::vector<double>& edges) : format_(&graded.in()) {
    const Format& f = *format_;
    const int64_t top = ordinal(f, f.max_finite_bits());
    const int64_t bottom = ordinal(f, f.sign_mask() | f.max_finite_bits());
    for (size_t k = 0; k + 1 < edges.size(); ++k) {
      const OrdinalRange r = finite_ordinals_in(f, edges[k], INFINITY);
      ordinals_.push_back(r.size() ? r.first : top + 1);
    }
    const OrdinalRange r = finite_ordinals_in(f, -INFINITY, edges.back());
    ordinals_.push_back(r.size() ? r.last + 1 : bottom);
  }
  // Inputs mostly come in increasing order (the sink is called serially), so the last bin is
  // tried before the binary search.
  int bin_of(uint32_t x) {
    const int64_t o = ordinal(*format_, x);
    if (o < ordinals_.front() || o >= ordinals_.back()) return -1;
    if (o >= ordinals_[last_] && o < ordinals_[last_ + 1]) return int(last_);
    last_ = size_t(std::upper_bound(ordinals_.begin(), ordinals_.end(), o) - ordinals_.begin()) - 1;
    return int(last_);
  }

 private:
  const Format* format_;
  std::vector<int64_t> ordinals_;
  size_t last_ = 0;
};

// The views of one format's part. The symmetric log view reaches the largest |x| of the
// analysis range in that format, so a 16-bit plot is not squeezed by fp32's range.
std::vector<BinnedView> empty_views(const ReportRequest& rq, size_t format_index, size_t series) {
  const Format& f = rq.formats[format_index]->in();
  const OrdinalRange& r = rq.ranges[format_index];
  const double max_x = r.size() ? std::max(std::fabs(to_double(f, from_ordinal(f, r.first))),
                                           std::fabs(to_double(f, from_ordinal(f, r.last))))
                                : 1.0;
  std::vector<BinnedView> views;
  for (const PlotView& v : rq.views) {
    BinnedView b;
    b.view = v;
    b.edges = view_edges(v, rq.bins, max_x);
    BinnedSeries s;
    s.inputs.assign(size_t(rq.bins), 0);
    s.max_abs.assign(size_t(rq.bins), Extreme{});
    s.nonfinite.assign(size_t(rq.bins), 0);
    b.series.assign(series, s);
    views.push_back(std::move(b));
  }
  return views;
}

// What a report bins, per input: |ULP error| of the implementation's result; |correctly rounded
// value| of the function; or the exact gap between another function and this one in ULPs of the
// format, ulp_error(r_other, r) (metrics.hpp), from both references on their 2^-10 ULP grids.
enum class BinnedQuantity { ulp_error, value, gap };

struct BinnedPass {
  BinnedQuantity quantity = BinnedQuantity::ulp_error;
  Function other;                  // gap only
  uint64_t zeros = 0, inputs = 0;  // value only: inputs where the value is +-0
};

// The bins of one chunk: counts add and extremes merge (ties to the smaller input), so chunks
// can be binned in any order and merged, like the statistics.
struct ChunkBins {
  std::vector<BinnedView> views;
  std::vector<Binner> binners;
  uint64_t zeros = 0, inputs = 0;
  ChunkBins(const Format& f, const std::vector<BinnedView>& empty) : views(empty) {
    for (const BinnedView& b : views) binners.emplace_back(f, b.edges);
  }
  std::vector<std::vector<int>> bin_at;  // per view, the bin of each input of the slice
  void locate(std::span<const uint32_t> x) {
    bin_at.resize(binners.size());
    for (size_t v = 0; v < binners.size(); ++v) {
      bin_at[v].resize(x.size());
      for (size_t i = 0; i < x.size(); ++i) bin_at[v][i] = binners[v].bin_of(x[i]);
    }
  }
  // Input i of the slice located last.
  void add(const Format& f, size_t series, size_t i, uint32_t x, double q, bool nonfinite) {
    for (size_t v = 0; v < binners.size(); ++v) {
      const int bin = bin_at[v][i];
      if (bin < 0) continue;
      BinnedSeries& s = views[v].series[series];
      ++s.inputs[size_t(bin)];
      Extreme& e = s.max_abs[size_t(bin)];
      if (q >= e.value) e.offer(q, x, ordinal(f.in(), x));  // false for NaN
      if (nonfinite) ++s.nonfinite[size_t(bin)];
    }
  }
  void merge_into(std::vector<BinnedView>& total) const {
    for (size_t v = 0; v < views.size(); ++v)
      for (size_t k = 0; k < views[v].series.size(); ++k) {
        const BinnedSeries& from = views[v].series[k];
        BinnedSeries& to = total[v].series[k];
        for (size_t b = 0; b < from.inputs.size(); ++b) {
          to.inputs[b] += from.inputs[b];
          to.max_abs[b].merge(from.max_abs[b]);
          to.nonfinite[b] += from.nonfinite[b];
        }
      }
  }
};

// One pass of the engine over a domain: each implementation's table statistics and, per x-bin of
// every view, the quantity's largest magnitude, without per-point records.
std::vector<ErrorStats> binned_sweep(Function fn, const Domain& domain,
                                     std::span<const Implementation* const> impls,
                                     const SweepOptions& options, std::vector<BinnedView>& views,
                                     BinnedPass& pass) {
  const Format& f = domain.format();
  const size_t n_impl = impls.size();
  std::vector<ErrorStats> totals(n_impl);
  const RefValue* other_table =
      pass.quantity == BinnedQuantity::gap
          ? reference_table(pass.other, f, options.reference_mode, options.threads)
          : nullptr;
  const std::vector<BinnedView> empty = views;  // the bins' edges, before any input is binned
  evaluate({fn, &domain, impls, true, true}, options, [&](uint64_t) {
    struct PerChunk {
      std::vector<ErrorStats> stats;
      ChunkBins bins;
      std::vector<RefValue> other;
    };
    auto c = std::make_shared<PerChunk>(PerChunk{std::vector<ErrorStats>(n_impl), {f, empty}, {}});
    ChunkTask task;
    task.slice = [c, &f, &pass, &options, other_table, n_impl](const Slice& s) {
      const size_t n = s.x.size();
      c->bins.locate(s.x);
      if (pass.quantity == BinnedQuantity::gap && !other_table) {
        c->other.resize(n);
        reference_batch(pass.other, f, s.x, c->other, options.reference_mode);
      }
      if (pass.quantity == BinnedQuantity::value) {  // per input, whatever the implementations
        c->bins.inputs += n;
        for (const RefValue& r : s.ref) c->bins.zeros += is_zero(f, r.correctly_rounded);
      }
      for (size_t k = 0; k < n_impl; ++k) {
        c->stats[k].add_batch(f, s.x, s.y[k], s.ref, {}, s.blocks);
        for (size_t i = 0; i < n; ++i) {
          const RefValue& r = s.ref[i];
          double q = NAN;
          bool nonfinite = false;
          switch (pass.quantity) {
            case BinnedQuantity::ulp_error: {
              const Outcome o = outcome_of(f, s.y[k][i], r);
              if (o == Outcome::finite) q = std::fabs(ulp_error(to_double(f, s.y[k][i]), r));
              nonfinite = o == Outcome::nonfinite || o == Outcome::nan;
              break;
            }
            case BinnedQuantity::value: {
              const double v = to_double(f, r.correctly_rounded);
              if (std::isfinite(v)) q = std::fabs(v);
              break;
            }
            case BinnedQuantity::gap: {
              const RefValue& o = other_table ? other_table[s.x[i]] : c->other[i];
              if (std::isfinite(o.exact) && std::isfinite(r.exact))
                q = std::fabs(ulp_error(o.exact, r));
              break;
            }
          }
          c->bins.add(f, k, i, s.x[i], q, nonfinite);
        }
      }
    };
    task.done = [c, &totals, &views, &pass, n_impl] {
      for (size_t k = 0; k < n_impl; ++k) {
        c->stats[k].flush();
        totals[k].merge(c->stats[k]);
      }
      c->bins.merge_into(views);
      pass.zeros += c->bins.zeros;
      pass.inputs += c->bins.inputs;
    };
    return task;
  });
  return totals;
}

std::vector<const Implementation*> supporting(const std::vector<const Implementation*>& impls,
                                              Function fn, const Format& f) {
  std::vector<const Implementation*> out;
  for (const Implementation* i : impls)
    if (i->supports(fn, f)) out.push_back(i);
  return out;
}

std::vector<Function> derivatives_of(const std::vector<Function>& functions) {
  std::vector<Function> out;
  for (Function fn : functions) {
    const Function d = derivative_of(fn);
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

ReportData run_report(const ReportRequest& rq) {
  if (rq.has(ReportSection::comparison) &&
      !(rq.has(ReportSection::table) && rq.has(ReportSection::saturation) &&
        rq.has(ReportSection::gradients) &&
        std::count(rq.gradient_sections.begin(), rq.gradient_sections.end(),
                   GradientSection::flow) &&
        std::count(rq.gradient_sections.begin(), rq.gradient_sections.end(),
                   GradientSection::accuracy)))
    throw UsageError(
        "section 'comparison' puts the other sections side by side: the analysis needs "
        "'table', 'saturation' and 'gradients' (with gradient sections 'accuracy' and 'flow') "
        "too");
  ReportData data;
  data.request = &rq;
  const bool binned = rq.has(ReportSection::ulp_plots);
  if (rq.has(ReportSection::table) || binned || rq.has(ReportSection::histograms)) {
    for (Function fn : rq.functions) {
      for (size_t fi = 0; fi < rq.formats.size(); ++fi) {
        const Format& f = *rq.formats[fi];
        const auto impls = supporting(rq.implementations, fn, f);
        if (impls.empty()) continue;
        SweepPart part{fn, &f, {}, {}};
        std::vector<ErrorStats> stats;
        if (binned) {
          part.views = empty_views(rq, fi, impls.size());
          BinnedPass pass;
          stats = binned_sweep(fn, rq.domains[fi], impls, rq.options, part.views, pass);
        } else {
          stats = run_sweep(fn, rq.domains[fi], impls, rq.options);
        }
        for (size_t k = 0; k < impls.size(); ++k)
          part.rows.push_back({fn, &f, impls[k], rq.domains[fi].describe(), std::move(stats[k])});
        data.sweeps.push_back(std::move(part));
      }
    }
    if (data.sweeps.empty())
      throw UsageError(
          "no implementation of the analysis provides its functions in its formats; "
          "see `gelucheck list`");
  }
  if (rq.has(ReportSection::forms)) {
    std::vector<Function> exact;
    for (Function fn : rq.functions) {
      if (!has_other_form(fn)) continue;
      const Function e = approximates_other_form(fn) ? other_form_of(fn) : fn;
      if (std::find(exact.begin(), exact.end(), e) == exact.end()) exact.push_back(e);
    }
    if (exact.empty()) {
      std::string with_forms;
      for (Function fn : all_functions())
        if (has_other_form(fn))
          with_forms += (with_forms.empty() ? "" : ", ") + std::string(fn.name());
      throw UsageError(fmt::format(
          "section 'forms' compares the GELU forms: the analysis needs one of {} in its functions",
          with_forms));
    }
    std::sort(exact.begin(), exact.end());
    const Implementation* impl = &approximating_form_correctly_rounded();
    for (Function e : exact) {
      for (size_t fi = 0; fi < rq.formats.size(); ++fi) {
        const Format& f = *rq.formats[fi];
        FormsPart part{e, &f, {}, empty_views(rq, fi, 1)};
        BinnedPass pass{BinnedQuantity::gap, other_form_of(e)};
        auto stats =
            binned_sweep(e, rq.domains[fi], std::span(&impl, 1), rq.options, part.views, pass);
        part.row = {e, &f, impl, rq.domains[fi].describe(), std::move(stats[0])};
        data.forms.push_back(std::move(part));
      }
    }
  }
  if (rq.has(ReportSection::landscape)) {
    const Implementation* exact = find_implementation("correctly_rounded");
    for (Function d : derivatives_of(rq.functions)) {
      for (size_t fi = 0; fi < rq.formats.size(); ++fi) {
        const Format& f = *rq.formats[fi];
        LandscapePart part{d, &f, empty_views(rq, fi, 1), 0, 0};
        BinnedPass pass{BinnedQuantity::value, {}};
        binned_sweep(d, rq.domains[fi], std::span(&exact, 1), rq.options, part.views, pass);
        part.zeros = pass.zeros;
        part.inputs = pass.inputs;
        data.landscapes.push_back(std::move(part));
      }
    }
  }
  if (rq.has(ReportSection::saturation)) {
    SaturationOptions so = rq.saturation;
    so.threads = rq.options.threads;
    so.reference_mode = rq.options.reference_mode;
    for (Function fn : rq.functions)
      for (const Format* f : rq.formats)
        data.saturation.push_back(analyze_saturation(fn, *f, rq.implementations, so));
  }
  if (rq.has(ReportSection::gradients)) {
    GradientReportRequest g;
    g.derivatives = derivatives_of(rq.functions);
    g.formats = rq.formats;
    g.domains = rq.domains;
    g.ranges = rq.ranges;
    g.implementations = rq.implementations;
    g.sections = rq.gradient_sections;
    g.thresholds = rq.thresholds;
    g.sigmas = rq.sigmas;
    g.options = rq.options;
    data.gradients = make_gradient_report(g);
  }
  if (rq.has(ReportSection::diffs)) {
    for (const auto& [a, b] : rq.diff_pairs)
      for (Function fn : rq.functions)
        for (size_t fi = 0; fi < rq.formats.size(); ++fi)
          if (a->supports(fn, *rq.formats[fi]) && b->supports(fn, *rq.formats[fi]))
            data.diffs.push_back(
                {fn, rq.formats[fi], a, b,
                 diff_implementations(fn, rq.domains[fi], *a, *b, rq.options, kReportDiffWorst)});
    if (data.diffs.empty())
      throw UsageError(
          "section 'diffs': no pair of 'diffs' provides any of the analysis's functions in its "
          "formats");
  }
  return data;
}

}  // namespace gelucheck
