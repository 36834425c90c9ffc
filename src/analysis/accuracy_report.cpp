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
  Binner(const Format& f, const std::vector<double>& edges) : format_(&f) {
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
  const Format& f = *rq.formats[format_index];
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

// What a sink bins, per input: |ULP error| of the implementation's result; |correctly rounded
// value| of the function; or the exact gap between another function and this one in ULPs of the
// format, ulp_error(r_other, r) (metrics.hpp), from both references on their 2^-10 ULP grids.
enum class BinnedQuantity { ulp_error, value, gap };

struct BinningSink {
  const Format* format;
  std::vector<BinnedView>* views;
  std::vector<Binner> binners;
  BinnedQuantity quantity;
  Function other;                         // gap only
  const RefValue* other_table = nullptr;  // gap only: 16-bit formats
  ReferenceMode mode = ReferenceMode::tiered;
  uint64_t zeros = 0, inputs = 0;  // value only: inputs where the value is +-0

  BinningSink(const Format& f, std::vector<BinnedView>& v, BinnedQuantity q)
      : format(&f), views(&v), quantity(q) {
    for (const BinnedView& b : v) binners.emplace_back(f, b.edges);
  }
  void operator()(size_t impl, std::span<const PointRecord> records) {
    for (const PointRecord& p : records) {
      // The quantity and whether it is defined (finite).
      double q = NAN;
      bool nonfinite = false;
      switch (quantity) {
        case BinnedQuantity::ulp_error:
          if (p.outcome == Outcome::finite) q = std::fabs(p.ulp_error);
          nonfinite = p.outcome == Outcome::nonfinite || p.outcome == Outcome::nan;
          break;
        case BinnedQuantity::value: {
          ++inputs;
          if (is_zero(*format, p.ref.correctly_rounded)) ++zeros;
          const double r = to_double(*format, p.ref.correctly_rounded);
          if (std::isfinite(r)) q = std::fabs(r);
          break;
        }
        case BinnedQuantity::gap: {
          const RefValue o = other_table ? other_table[p.x] : reference(other, *format, p.x, mode);
          if (std::isfinite(o.exact) && std::isfinite(p.ref.exact))
            q = std::fabs(ulp_error(o.exact, p.ref));
          break;
        }
      }
      for (size_t v = 0; v < binners.size(); ++v) {
        const int bin = binners[v].bin_of(p.x);
        if (bin < 0) continue;
        BinnedSeries& s = (*views)[v].series[impl];
        ++s.inputs[size_t(bin)];
        if (!std::isnan(q)) s.max_abs[size_t(bin)].offer(q, p.x, ordinal(*format, p.x));
        if (nonfinite) ++s.nonfinite[size_t(bin)];
      }
    }
  }
};

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
          BinningSink sink(f, part.views, BinnedQuantity::ulp_error);
          stats = run_sweep(fn, rq.domains[fi], impls, rq.options, std::ref(sink));
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
        BinningSink sink(f, part.views, BinnedQuantity::gap);
        sink.other = other_form_of(e);
        sink.mode = rq.options.reference_mode;
        sink.other_table =
            reference_table(sink.other, f, rq.options.reference_mode, rq.options.threads);
        auto stats = run_sweep(e, rq.domains[fi], std::span(&impl, 1), rq.options, std::ref(sink));
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
        BinningSink sink(f, part.views, BinnedQuantity::value);
        run_sweep(d, rq.domains[fi], std::span(&exact, 1), rq.options, std::ref(sink));
        part.zeros = sink.zeros;
        part.inputs = sink.inputs;
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
