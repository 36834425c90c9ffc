#include "render/report_page.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>  // fmt::format

#include "analysis/other_form.hpp"
#include "functions/function.hpp"
#include "io/csv_writer.hpp"
#include "render/comparison_render.hpp"
#include "render/gradient_render.hpp"
#include "render/saturation_render.hpp"
#include "render/svg_plot.hpp"
#include "render/text.hpp"

namespace gelucheck {

namespace {

// --- numbers and names ------------------------------------------------------------------------

// File names: a graded pair IN:OUT*S as IN_to_OUT_xS (no ':' or '*' in a path).
std::string stem(Function fn, const Format& f) {
  std::string name;
  for (const char c : f.name) name += c == ':' ? "_to_" : c == '*' ? "_x" : std::string(1, c);
  return fmt::format("{}_{}", name_of(fn), name);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep,
                 std::string_view empty = "none") {
  if (parts.empty()) return std::string(empty);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// The x range of the bin edges, as the CSV prints it (6 significant digits: the edges are
// rounded to them, accuracy_report.cpp).
std::string edge_text(double v) { return fmt::format("{:.6g}", v); }

// --- colours ----------------------------------------------------------------------------------

// Tableau 10 (Tableau Software's default palette, designed for distinguishable lines), with the
// yellow darkened for white backgrounds; black for the reference.
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#c9a227", "#b07aa1", "#ff9da7", "#9c755f", "#7f7f7f"};
constexpr size_t kPaletteSize = std::size(kPalette);

// The catalogue position of an implementation, or builtin size + fallback.
size_t color_slot(const Implementation& impl, size_t fallback_index) {
  const auto& catalogue = builtin_implementations();
  for (size_t i = 0; i < catalogue.size(); ++i)
    if (&catalogue[i] == &impl) return i;
  return catalogue.size() + fallback_index;
}

std::string dash_for(size_t slot) {
  // slot 0 is the reference; the palette cycles over the rest, dashed on the second round.
  return slot >= 1 + kPaletteSize ? "6 3" : "";
}

}  // namespace

std::string implementation_color(const Implementation& impl, size_t fallback_index) {
  const size_t slot = color_slot(impl, fallback_index);
  if (impl.is_reference || slot == 0) return "#000000";
  return kPalette[(slot - 1) % kPaletteSize];
}

std::string format_color(const Format& f) {
  // By the output format (all_formats' order), a scaled pair one slot further on.
  constexpr size_t kSlot[] = {0, 1, 4, 2, 3, 5, 7, 8, 9, 6};
  static_assert(std::size(kSlot) == std::size(all_formats));
  size_t slot = 6;
  for (size_t i = 0; i < std::size(all_formats); ++i)
    if (all_formats[i] == &f.out()) slot = kSlot[i];
  if (f.scale != 1) ++slot;
  return kPalette[slot % kPaletteSize];
}

std::string embed_markdown(const std::string& markdown, int level) {
  std::string out;
  size_t pos = 0;
  bool first = true, fenced = false;
  while (pos < markdown.size()) {
    size_t end = markdown.find('\n', pos);
    if (end == std::string::npos) end = markdown.size();
    std::string line = markdown.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    if (first && line.rfind("# ", 0) == 0) {
      first = false;
      if (pos < markdown.size() && markdown[pos] == '\n') ++pos;  // and the blank line after it
      continue;
    }
    first = false;
    if (!fenced && !line.empty() && line[0] == '#')
      line = std::string(size_t(level - 1), '#') + line;
    out += line + "\n";
  }
  return out;
}

namespace {

// --- figures ----------------------------------------------------------------------------------

// The x axis of a view, spanning the edges of every part drawn on it (formats reach different
// largest |x| on the symmetric log view).
svg::Axis x_axis(const std::vector<const BinnedView*>& views) {
  svg::Axis a;
  const PlotView& view = views.front()->view;
  a.scale = view.symlog ? svg::Scale::symlog : svg::Scale::linear;
  a.linear_threshold = kSymlogThreshold;
  a.lo = INFINITY;
  a.hi = -INFINITY;
  for (const BinnedView* v : views) {
    a.lo = std::min(a.lo, v->edges.front());
    a.hi = std::max(a.hi, v->edges.back());
  }
  a.label = view.symlog ? "x (symmetric log scale)" : "x";
  return a;
}

// A log axis over whole decades covering [min_positive, max_value], its lower end kept within
// [floor_lo, floor_hi] and its upper end at least top_min.
svg::Axis log_axis(std::string label, double min_positive, double max_value, double floor_lo,
                   double floor_hi, double top_min) {
  svg::Axis a;
  a.label = std::move(label);
  a.scale = svg::Scale::log10;
  a.lo =
      std::isfinite(min_positive) ? std::pow(10.0, std::floor(std::log10(min_positive))) : floor_hi;
  a.lo = std::clamp(a.lo, floor_lo, floor_hi);
  a.hi = max_value > 0 ? std::pow(10.0, std::ceil(std::log10(max_value))) : top_min;
  a.hi = std::max(a.hi, top_min);
  if (!(a.hi > a.lo)) a.hi = a.lo * 10;
  return a;
}

void value_range(const BinnedSeries& s, double& min_positive, double& max_value) {
  for (size_t k = 0; k < s.inputs.size(); ++k) {
    if (!s.max_abs[k].seen()) continue;
    const double v = s.max_abs[k].value;
    if (v > 0) min_positive = std::min(min_positive, v);
    max_value = std::max(max_value, v);
  }
}

// On the symmetric log view, the x axis ends at the first power of ten (at least 10) beyond
// which no bin has a value at or above `visible` and no NaN/inf: the far tails, where every
// result is (nearly) exact, would otherwise take most of the width of an fp32 or bf16 plot.
void crop_to_visible(svg::Axis& x, const std::vector<const BinnedView*>& views, double visible) {
  if (x.scale != svg::Scale::symlog) return;
  double reach = 10;
  for (const BinnedView* v : views)
    for (const BinnedSeries& s : v->series)
      for (size_t k = 0; k < s.inputs.size(); ++k)
        if (s.nonfinite[k] || (s.max_abs[k].seen() && s.max_abs[k].value >= visible))
          reach = std::max({reach, std::fabs(v->edges[k]), std::fabs(v->edges[k + 1])});
  reach = std::pow(10.0, std::ceil(std::log10(reach) - 1e-9));
  x.lo = std::max(x.lo, -reach);
  x.hi = std::min(x.hi, reach);
}

svg::Series binned_series(svg::Series out, const BinnedView& v, const BinnedSeries& s) {
  for (size_t k = 0; k < s.inputs.size(); ++k) {
    const double y = s.inputs[k] && s.max_abs[k].seen() ? s.max_abs[k].value : NAN;
    out.steps.push_back({v.edges[k], v.edges[k + 1], y});
    if (s.nonfinite[k]) out.flagged.push_back({v.edges[k], v.edges[k + 1], 1});
  }
  return out;
}

svg::Series implementation_series(const Implementation& impl, size_t index, std::string detail) {
  return {impl.name,
          implementation_color(impl, index),
          dash_for(color_slot(impl, index)),
          std::move(detail),
          {},
          {}};
}

constexpr const char* kBaselineColor = "#b8b8b8";

// Series as one overlay panel with a legend, or as small multiples sharing their axes. In small
// multiples the series at `baseline` (the correctly rounded reference) is drawn in grey behind
// every other panel's line instead of in a panel of its own.
svg::Figure arrange(std::string title, const svg::Panel& shape, std::vector<svg::Series> series,
                    PlotLayout layout, std::string note,
                    std::optional<size_t> baseline = std::nullopt) {
  svg::Figure fig;
  fig.title = std::move(title);
  fig.note = std::move(note);
  const bool overlay = layout == PlotLayout::overlay ||
                       (layout == PlotLayout::automatic && series.size() <= kMaxOverlaySeries);
  if (overlay) {
    svg::Panel p = shape;
    p.series = std::move(series);
    fig.panels.push_back(std::move(p));
    fig.columns = 1;
    fig.legend = true;
    return fig;
  }
  std::optional<svg::Series> grey;
  if (baseline && series.size() > 1) {
    grey = std::move(series[*baseline]);
    series.erase(series.begin() + std::ptrdiff_t(*baseline));
    grey->color = kBaselineColor;
    grey->dash.clear();
    grey->flagged.clear();
    fig.note += fmt::format(" Grey: {}.", grey->name);
  }
  for (auto& s : series) {
    svg::Panel p = shape;
    p.title = s.name;
    p.annotation = s.detail;
    if (grey) p.series.push_back(*grey);
    p.series.push_back(std::move(s));
    fig.panels.push_back(std::move(p));
  }
  fig.columns = 3;
  fig.panel_width = 280;
  fig.panel_height = 150;
  fig.legend = false;
  return fig;
}

// In small multiples of a log y axis, panels whose top decades stand more than kOwnScaleDecades
// above every panel from the typical one (the lower median of the panels' top decades) up, a
// gap in the sorted tops, get a y axis of their own and say so in their titles; the others share
// one axis over their own values. One implementation 30 orders of magnitude off would otherwise
// squash every other panel into the bottom sixth of its height, while tops that climb a decade
// at a time (fp16: 10^0 ... 10^5) share one axis, each panel keeping most of its height.
constexpr int kOwnScaleDecades = 2;

void own_y_scales(svg::Figure& fig) {
  if (fig.panels.size() < 2) return;
  // Top decade of each panel as log_axis makes it: ceil(log10(largest value)), at least 10^0.
  std::vector<int> top;
  for (const svg::Panel& p : fig.panels) {
    double hi = 0;
    for (const svg::Series& s : p.series)
      for (const svg::Step& st : s.steps)
        if (std::isfinite(st.y)) hi = std::max(hi, st.y);
    top.push_back(hi > 1 ? int(std::ceil(std::log10(hi) - 1e-12)) : 0);
  }
  std::vector<int> sorted = top;
  std::sort(sorted.begin(), sorted.end());
  // The highest top below the first gap of more than kOwnScaleDecades above the median.
  std::optional<int> cut;
  for (size_t i = (sorted.size() - 1) / 2; i + 1 < sorted.size() && !cut; ++i)
    if (sorted[i + 1] - sorted[i] > kOwnScaleDecades) cut = sorted[i];
  if (!cut) return;
  // At least 10^1: under a top of 10^0 the 0.5 ULP rule's label runs into the panel's corner text.
  const int shared = std::max(*cut, 1);
  for (size_t k = 0; k < fig.panels.size(); ++k) {
    svg::Panel& p = fig.panels[k];
    const bool own = top[k] > *cut;
    p.y.hi = std::pow(10.0, own ? top[k] : shared);
    if (own) p.title += " (own y scale)";
  }
  fig.note += fmt::format(
      " Panels titled (own y scale) reach more than {} decades above all the others and have a y "
      "axis of their own; the others share one.",
      kOwnScaleDecades);
}

std::optional<size_t> reference_row(const std::vector<TableRow>& rows) {
  for (size_t k = 0; k < rows.size(); ++k)
    if (rows[k].implementation->is_reference) return k;
  return std::nullopt;
}

std::string nonfinite_text(const ErrorStats& s) {
  const uint64_t bad = s.nonfinite + s.nan;
  return bad ? fmt::format("NaN/inf at {} inputs", bad) : "";
}

std::string cropped_text(const svg::Axis& x, double full_hi, double visible) {
  if (x.hi >= full_hi) return "";
  return fmt::format(
      " (shown up to |x| = {:g}: beyond it every bin's largest value is below {:g} "
      "and no result is NaN/inf; the data file has every bin)",
      x.hi, visible);
}

std::string ulp_figure(const SweepPart& part, size_t view_index, PlotLayout layout,
                       const std::string& inputs) {
  const BinnedView& v = part.views[view_index];
  double lo = INFINITY, hi = 0;
  for (const BinnedSeries& s : v.series) value_range(s, lo, hi);
  svg::Panel shape;
  shape.x = x_axis({&v});
  shape.y = log_axis("largest |error| in the bin (ULP)", lo, hi, 1e-4, 0.1, 1);
  crop_to_visible(shape.x, {&v}, shape.y.lo);
  shape.rules.push_back({0.5, "0.5 ULP"});
  shape.floor_label = "0";
  shape.flag_label = "NaN/inf";
  std::vector<svg::Series> series;
  for (size_t k = 0; k < part.rows.size(); ++k) {
    const ErrorStats& s = part.rows[k].stats;
    std::string detail =
        s.max_abs_ulp.seen() ? "max " + ulp_error_text(*part.format, s.max_abs_ulp.value) : "";
    if (!nonfinite_text(s).empty()) detail += "; " + nonfinite_text(s);
    series.push_back(binned_series(
        implementation_series(*part.rows[k].implementation, k, std::move(detail)), v, v.series[k]));
  }
  svg::Figure fig =
      arrange(fmt::format("{} in {}: largest |ULP error| per x-bin", name_of(part.function),
                          part.format->name),
              shape, std::move(series), layout,
              fmt::format("{}; {}; {} bins{}. Band 0: every result in the bin exact; NaN/inf: "
                          "a result was NaN or inf.",
                          inputs, v.view.describe(), v.edges.size() - 1,
                          cropped_text(shape.x, v.edges.back(), shape.y.lo)),
              reference_row(part.rows));
  if (!fig.legend) own_y_scales(fig);
  return svg::render(fig);
}

// The upper edge of histogram bin b >= 1 (the last bin is open: drawn one binade wide).
double histogram_upper(int b) { return UlpHistogram::lower_edge(b) * 2; }

// Bins 1 and up (|error| > 0) on log axes; bin 0 (results equal to the exact value) is a share
// in the legend, as are NaN/inf results, so the bars compare only nonzero errors.
std::string histogram_figure(const SweepPart& part, PlotLayout layout, const std::string& inputs) {
  int first = UlpHistogram::kBins, last = 1;
  double min_share = INFINITY;
  for (const TableRow& r : part.rows)
    for (int b = 1; b < UlpHistogram::kBins; ++b)
      if (const uint64_t c = r.stats.histogram.counts[size_t(b)]) {
        first = std::min(first, b);
        last = std::max(last, b);
        min_share = std::min(min_share, r.stats.share(c));
      }
  if (first == UlpHistogram::kBins) first = 1;
  svg::Panel shape;
  shape.x.label = "|ULP error| (one bin per binade)";
  shape.x.scale = svg::Scale::log10;
  shape.x.lo = std::pow(10.0, std::floor(std::log10(UlpHistogram::lower_edge(first))));
  shape.x.hi = std::max(1.0, std::pow(10.0, std::ceil(std::log10(histogram_upper(last)))));
  shape.y = log_axis("share of inputs", min_share, 1, 1e-12, 0.1, 1);
  shape.floor_label = "0";
  std::vector<svg::Series> series;
  for (size_t k = 0; k < part.rows.size(); ++k) {
    const ErrorStats& st = part.rows[k].stats;
    std::string detail = "error 0: " + percent_prose(st.share(st.histogram.counts[0]));
    if (!nonfinite_text(st).empty()) detail += "; " + nonfinite_text(st);
    svg::Series s = implementation_series(*part.rows[k].implementation, k, std::move(detail));
    int top = 0;
    for (int b = 1; b < UlpHistogram::kBins; ++b)
      if (st.histogram.counts[size_t(b)]) top = b;
    for (int b = first; b <= top; ++b)
      s.steps.push_back({UlpHistogram::lower_edge(b), histogram_upper(b),
                         st.share(st.histogram.counts[size_t(b)])});
    series.push_back(std::move(s));
  }
  return svg::render(arrange(
      fmt::format("{} in {}: histogram of |ULP error|", name_of(part.function), part.format->name),
      shape, std::move(series), layout,
      fmt::format("{}; share of all inputs per binade [2^k, 2^(k+1)) of |error| > 0; results "
                  "equal to the exact value and NaN/inf results are shares in the legend.",
                  inputs),
      reference_row(part.rows)));
}

// One line per format on a shared x axis: the tanh-vs-erf gap and the derivative landscape.
struct FormatLine {
  const Format* format;
  const BinnedView* view;
};

// ULP gaps (half_ulp_rule) get a 0.5 ULP rule, a y axis from at least 1e-4 and the crop of the
// symmetric log view; magnitudes keep every decade and the whole x range.
std::string per_format_figure(std::string title, std::string y_label, bool half_ulp_rule,
                              const std::vector<FormatLine>& lines, std::string note) {
  double lo = INFINITY, hi = 0;
  std::vector<const BinnedView*> views;
  for (const FormatLine& l : lines) {
    value_range(l.view->series[0], lo, hi);
    views.push_back(l.view);
  }
  svg::Panel shape;
  shape.x = x_axis(views);
  shape.y = half_ulp_rule ? log_axis(std::move(y_label), lo, hi, 1e-4, 0.1, 1)
                          : log_axis(std::move(y_label), lo, hi, 1e-300, 1e-3, 1);
  if (half_ulp_rule) {
    shape.rules.push_back({0.5, "0.5 ULP"});
    const double full_hi = shape.x.hi;
    crop_to_visible(shape.x, views, shape.y.lo);
    note += cropped_text(shape.x, full_hi, shape.y.lo) + ".";
  }
  shape.floor_label = "0";
  std::vector<svg::Series> series;
  for (const FormatLine& l : lines)
    series.push_back(
        binned_series({std::string(l.format->name), format_color(*l.format), "", "", {}, {}},
                      *l.view, l.view->series[0]));
  return svg::render(
      arrange(std::move(title), shape, std::move(series), PlotLayout::overlay, std::move(note)));
}

std::string forms_figure(const std::vector<const FormsPart*>& parts, size_t view_index) {
  std::vector<FormatLine> lines;
  for (const FormsPart* p : parts) lines.push_back({p->format, &p->views[view_index]});
  const Function exact = parts.front()->exact;
  const auto tanh_form = name_of(other_form_of(exact));
  return per_format_figure(
      fmt::format("{} vs {}: exact gap in ULPs of each format", tanh_form, name_of(exact)),
      "largest |gap| in the bin (ULPs of the format)", true, lines,
      fmt::format("|{}(x) - {}(x)| / ulp({}(x)), largest per x-bin over each format's inputs; "
                  "{}",
                  tanh_form, name_of(exact), name_of(exact),
                  parts.front()->views[view_index].view.describe()));
}

std::string landscape_figure(const std::vector<const LandscapePart*>& parts, size_t view_index) {
  std::vector<FormatLine> lines;
  for (const LandscapePart* p : parts) lines.push_back({p->format, &p->views[view_index]});
  return per_format_figure(
      fmt::format("{}: |f'(x)| correctly rounded to each format",
                  name_of(parts.front()->derivative)),
      "largest |f'(x)| in the bin", false, lines,
      fmt::format("Largest |f'| over each format's inputs in the bin; band 0: f' rounds to 0 at "
                  "every input of the bin; {}.",
                  parts.front()->views[view_index].view.describe()));
}

// --- saturation zone chart --------------------------------------------------------------------

struct ZoneStyle {
  ZoneKind kind;
  const char* label;
  const char* color;
};
// Colours from matplotlib's "tab10"/"tab20" (distinguishable, print-safe).
constexpr ZoneStyle kZoneStyles[] = {
    {ZoneKind::premature_zero, "premature zero", "#d62728"},
    {ZoneKind::underflow_zero, "zero where subnormal", "#ff9896"},
    {ZoneKind::cancellation, "cancellation (rel. error > limit)", "#ff7f0e"},
    {ZoneKind::overflow_nan, "NaN", "#9467bd"},
    {ZoneKind::overflow_inf, "inf", "#8c564b"},
    {ZoneKind::intermediate_overflow, "overflow inside, result finite", "#c5b0d5"},
    {ZoneKind::late_saturation, "late saturation", "#1f77b4"},
    {ZoneKind::zero_sign, "wrong sign of zero", "#17becf"},
    {ZoneKind::forms_differ, "erf and tanh forms round differently", "#bcbd22"},
};
constexpr const char* kPlateauColor = "#d0d0d0";

std::pair<double, double> plateau_interval(const Format& f, const Asymptote& a, const Plateau& p) {
  const double x = to_double(f, p.x);
  const double max = to_double(f, f.max_finite_bits());
  switch (a.approach) {
    case Approach::positive_tail:
      return {x, max};
    case Approach::negative_tail:
      return {-max, x};
    case Approach::zero_positive:
      return {0.0, x};
    case Approach::zero_negative:
      return {x, -0.0};
  }
  return {x, x};
}

std::string zone_chart(const SaturationReport& r) {
  const Format& f = *r.format;
  svg::IntervalChart chart;
  chart.title = fmt::format("{} in {}: saturation and failure zones", name_of(r.function), f.name);
  const double max = to_double(f, f.max_finite_bits());
  chart.x.scale = svg::Scale::symlog;
  chart.x.linear_threshold = kSymlogThreshold;
  chart.x.lo = -max;
  chart.x.hi = max;
  chart.x.label = "x (symmetric log scale)";
  std::vector<int> used(std::size(kZoneStyles), 0);
  auto category_of = [&](ZoneKind k) {
    for (size_t i = 0; i < std::size(kZoneStyles); ++i)
      if (kZoneStyles[i].kind == k) {
        used[i] = 1;
        return int(i) + 1;  // 0 is the plateau
      }
    return 0;
  };
  auto plateaus = [&](const std::vector<Plateau>& ps) {
    std::vector<svg::Interval> out;
    for (size_t a = 0; a < ps.size(); ++a) {
      if (!ps[a].exists) continue;
      const auto [x0, x1] = plateau_interval(f, r.asymptotes[a], ps[a]);
      out.push_back({x0, x1, 0});
    }
    return out;
  };
  chart.rows.push_back({"exact, rounded", plateaus(r.reference)});
  if (r.forms) {
    svg::IntervalRow row{fmt::format("{} differs", name_of(r.forms->other)), {}};
    for (const Zone& z : r.forms->zones)
      row.intervals.push_back({to_double(f, z.first), to_double(f, z.last), category_of(z.kind)});
    chart.rows.push_back(std::move(row));
  }
  for (const ImplementationSaturation& impl : r.implementations) {
    if (impl.implementation->is_reference) continue;
    svg::IntervalRow row{impl.implementation->name, plateaus(impl.plateaus)};
    for (const Zone& z : impl.zones)
      row.intervals.push_back({to_double(f, z.first), to_double(f, z.last), category_of(z.kind)});
    chart.rows.push_back(std::move(row));
  }
  // Categories in a fixed order, only those used, re-indexed.
  std::vector<int> index(std::size(kZoneStyles) + 1, -1);
  chart.categories.push_back({"on a plateau (the asymptote's value)", kPlateauColor});
  index[0] = 0;
  for (size_t i = 0; i < std::size(kZoneStyles); ++i)
    if (used[i]) {
      index[i + 1] = int(chart.categories.size());
      chart.categories.push_back({kZoneStyles[i].label, kZoneStyles[i].color});
    }
  for (auto& row : chart.rows)
    for (auto& iv : row.intervals) iv.category = index[size_t(iv.category)];
  // The linear view, when there are zones between the tails: where plateaus begin (their ends
  // other than +-max) and where the zones that do not run out to +-max are, with 5% of the span
  // on each side. Zones out to +-max (overflow) are wide on the symmetric log view already.
  double lo = INFINITY, hi = -INFINITY;
  bool zones = false;
  const auto include = [&](double x) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  };
  for (const auto& row : chart.rows)
    for (const auto& iv : row.intervals) {
      const bool inner = std::fabs(iv.x0) < max && std::fabs(iv.x1) < max;
      if (iv.category == 0) {
        for (const double x : {iv.x0, iv.x1})
          if (std::fabs(x) < max) include(x);
      } else if (inner) {
        zones = true;
        include(iv.x0);
        include(iv.x1);
      }
    }
  if (zones && lo <= hi) {
    const double pad = hi > lo ? (hi - lo) / 20 : std::max(1.0, std::fabs(lo) / 10);
    svg::Axis linear;
    linear.lo = lo - pad;
    linear.hi = hi + pad;
    linear.label =
        fmt::format("x (linear, [{:g}, {:g}]: where the plateaus begin and the zones are)",
                    linear.lo, linear.hi);
    chart.detail_x = linear;
  }
  chart.note =
      fmt::format("{}. Zones as in the tables below; a single input is drawn 2 px wide.", r.method);
  return svg::render(chart);
}

// --- CSV --------------------------------------------------------------------------------------

std::string binned_csv_header(std::string_view series_column, std::string_view value_column) {
  return fmt::format("view,bin,x_from,x_to,{},inputs,{},at_x,at_x_bits,nonfinite\n", series_column,
                     value_column);
}

void binned_csv_rows(std::string& out, const Format& f, const BinnedView& v, const BinnedSeries& s,
                     std::string_view series_name) {
  for (size_t k = 0; k < s.inputs.size(); ++k) {
    if (!s.inputs[k]) continue;
    const Extreme& e = s.max_abs[k];
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", v.view.key(), k, edge_text(v.edges[k]),
                       edge_text(v.edges[k + 1]), csv_field(series_name), s.inputs[k],
                       e.seen() ? fmt::format("{}", e.value) : "",
                       e.seen() ? to_shortest_decimal(f, e.x) : "",
                       e.seen() ? to_hex_bits(f, e.x) : "", s.nonfinite[k]);
  }
}

std::string histogram_csv(const std::vector<SweepPart>& parts) {
  std::string out = "function,format,implementation,abs_ulp_from,abs_ulp_below,count,share\n";
  for (const SweepPart& p : parts)
    for (const TableRow& r : p.rows) {
      for (int b = 0; b < UlpHistogram::kBins; ++b) {
        const uint64_t c = r.stats.histogram.counts[size_t(b)];
        if (!c) continue;
        out += fmt::format("{},{},{},{},{},{},{}\n", name_of(p.function), p.format->name,
                           csv_field(r.implementation->name), UlpHistogram::lower_edge(b),
                           b == 0 ? 0.0 : UlpHistogram::upper_edge(b), c, r.stats.share(c));
      }
      const uint64_t bad = r.stats.nonfinite + r.stats.nan;
      if (bad)
        out +=
            fmt::format("{},{},{},nonfinite,nonfinite,{},{}\n", name_of(p.function), p.format->name,
                        csv_field(r.implementation->name), bad, r.stats.share(bad));
    }
  return out;
}

// --- summary ----------------------------------------------------------------------------------

std::string sweep_summary(const std::vector<SweepPart>& parts) {
  std::string out =
      "| function | format | correctly rounded at every input | faithful at every input | "
      "others: max abs ULP, best first | NaN/inf where the exact value is finite |\n"
      "|---|---|---|---|---|---|\n";
  for (const SweepPart& p : parts) {
    std::vector<std::string> exact, faithful, bad;
    std::vector<std::pair<double, std::string>> others;
    for (const TableRow& r : p.rows) {
      const ErrorStats& s = r.stats;
      const std::string& name = r.implementation->name;
      if (s.nonfinite + s.nan) bad.push_back(fmt::format("{} ({})", name, s.nonfinite + s.nan));
      if (r.implementation->is_reference) continue;
      if (s.correctly_rounded == s.points)
        exact.push_back(name);
      else if (s.faithful == s.points)
        faithful.push_back(name);
      else
        others.push_back(
            {s.max_abs_ulp.seen() ? s.max_abs_ulp.value : INFINITY,
             fmt::format(
                 "{} {}", name,
                 s.max_abs_ulp.seen() ? ulp_error_text(*p.format, s.max_abs_ulp.value) : "-")});
    }
    std::stable_sort(others.begin(), others.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> ranked;
    for (auto& o : others) ranked.push_back(o.second);
    out +=
        fmt::format("| {} | {} | {} | {} | {} | {} |\n", name_of(p.function), p.format->name,
                    join(exact, ", "), join(faithful, ", "), join(ranked, ", "), join(bad, ", "));
  }
  return out;
}

std::string forms_summary(const std::vector<FormsPart>& parts) {
  std::string out;
  for (const FormsPart& p : parts) {
    const ErrorStats& s = p.row.stats;
    const Format& f = *p.format;
    out += fmt::format(
        "- {} vs {} in {}: rounded once, they differ at {} of {} inputs ({}); at most {} ULP, at "
        "x = {}.\n",
        name_of(other_form_of(p.exact)), name_of(p.exact), f.name, s.points - s.correctly_rounded,
        s.points, percent_prose(s.share(s.points - s.correctly_rounded)),
        s.max_abs_ulp.seen() ? ulp_error_text(f, s.max_abs_ulp.value) : "-",
        s.max_abs_ulp.seen() ? value_with_bits(f, s.max_abs_ulp.x) : "-");
  }
  return out;
}

std::string landscape_summary(const std::vector<LandscapePart>& parts) {
  std::string out;
  for (const LandscapePart& p : parts)
    out += fmt::format("- {} in {}: f' rounds to 0 at {} of {} inputs ({}).\n",
                       name_of(p.derivative), p.format->name, p.zeros, p.inputs,
                       percent_prose(p.inputs ? double(p.zeros) / double(p.inputs) : 0));
  return out;
}

std::string saturation_summary(const std::vector<SaturationReport>& reports) {
  std::string out =
      "| function | format | NaN/inf for a finite input | premature zero | cancellation | late "
      "saturation | none of these |\n|---|---|---|---|---|---|---|\n";
  for (const SaturationReport& r : reports) {
    std::vector<std::string> nonfinite, zero, cancel, late, clear;
    for (const ImplementationSaturation& i : r.implementations) {
      const std::string& n = i.implementation->name;
      auto add = [&](std::vector<std::string>& to, uint64_t count) {
        if (count) to.push_back(fmt::format("{} ({}{})", n, r.exhaustive ? "" : "~", count));
        return count != 0;
      };
      bool any = add(nonfinite, i.count(ZoneKind::overflow_nan) + i.count(ZoneKind::overflow_inf));
      any = add(zero, i.count(ZoneKind::premature_zero)) || any;
      any = add(cancel, i.count(ZoneKind::cancellation)) || any;
      any = add(late, i.count(ZoneKind::late_saturation)) || any;
      if (!any && !i.implementation->is_reference) clear.push_back(n);
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", name_of(r.function),
                       r.format->name, join(nonfinite, ", "), join(zero, ", "), join(cancel, ", "),
                       join(late, ", "), join(clear, ", "));
  }
  return out +
         "\nCounts are inputs (`~`: estimated from the fp32 grid); cancellation means a "
         "relative error above " +
         fmt::format("{:g}%", 100 * (reports.empty() ? 0.01 : reports[0].relative_error_limit)) +
         ".\n";
}

std::string gradient_summary(const GradientReport& g) {
  if (g.accuracy.empty()) return {};
  std::string out =
      "| derivative | format | within max(1/2, kappa/2) ULP everywhere | above it (inputs) | "
      "NaN/inf |\n|---|---|---|---|---|\n";
  // accuracy rows come derivative x format x implementation; group them.
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::vector<const BackwardAccuracy*>> groups;
  for (const BackwardAccuracy& a : g.accuracy) {
    const auto key =
        std::make_pair(std::string(name_of(a.derivative)), std::string(a.format->name));
    if (!groups.count(key)) keys.push_back(key);
    groups[key].push_back(&a);
  }
  for (const auto& key : keys) {
    std::vector<std::string> within, above, bad;
    for (const BackwardAccuracy* a : groups[key]) {
      const std::string& n = a->implementation->name;
      const uint64_t nf = a->stats.nonfinite + a->stats.nan;
      if (nf) bad.push_back(fmt::format("{} ({})", n, nf));
      if (a->implementation->is_reference) continue;
      if (a->envelope.above == 0 && nf == 0)
        within.push_back(n);
      else if (a->envelope.above)
        above.push_back(fmt::format("{} ({})", n, a->envelope.above));
    }
    out += fmt::format("| {} | {} | {} | {} | {} |\n", key.first, key.second, join(within, ", "),
                       join(above, ", "), join(bad, ", "));
  }
  return out;
}

// --- the page ---------------------------------------------------------------------------------

struct Page {
  std::string body;
  std::vector<ReportFile> files;
  std::vector<std::pair<std::string, std::string>> contents;  // heading, anchor
  void section(const std::string& heading, const std::string& anchor) {
    body += "\n## " + heading + "\n\n";
    contents.push_back({heading, anchor});
  }
  std::string plot(const std::string& name, std::string svg, const std::string& alt) {
    files.push_back({"plots/" + name + ".svg", std::move(svg)});
    return fmt::format("![{}](plots/{}.svg)\n", alt, name);
  }
  std::string data(const std::string& name, std::string csv) {
    files.push_back({"data/" + name + ".csv", std::move(csv)});
    return fmt::format("[data/{}.csv](data/{}.csv)", name, name);
  }
};

std::string inputs_text(const ReportRequest& rq) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < rq.formats.size(); ++i)
    parts.push_back(fmt::format("{}: {}", rq.formats[i]->name, rq.domains[i].describe()));
  return join(parts, "; ");
}

// --- the sections ------------------------------------------------------------------------------

// Summary first: what a reader acts on. Blocks separated by one blank line.
void summary_section(Page& page, const ReportData& data) {
  page.section("Summary", "summary");
  std::vector<std::string> blocks;
  if (!data.sweeps.empty())
    blocks.push_back(
        "Per function and format: the implementations that return the correctly rounded value "
        "at every input, those that are always faithful (one of the two neighbours of the exact "
        "value), and the largest |ULP error| of the others.\n\n" +
        sweep_summary(data.sweeps));
  if (!data.forms.empty()) blocks.push_back(forms_summary(data.forms));
  if (!data.landscapes.empty()) blocks.push_back(landscape_summary(data.landscapes));
  if (!data.saturation.empty())
    blocks.push_back("Saturation zones (implementations and inputs):\n\n" +
                     saturation_summary(data.saturation));
  if (data.gradients && !data.gradients->accuracy.empty())
    blocks.push_back(
        "Backwards against the exact derivative, with the condition-aware envelope:\n\n" +
        gradient_summary(*data.gradients));
  if (data.request->has(ReportSection::comparison))
    blocks.insert(blocks.begin(), when_to_use(data));
  page.body += join(blocks, "\n", "");
}

// The functions side by side, and its CSVs.
void comparison_section(Page& page, const ReportData& data) {
  page.section("The functions side by side", "the-functions-side-by-side");
  page.body += comparison_markdown(data);
  std::vector<std::string> links;
  for (auto& [name, csv] : comparison_csv(data)) links.push_back(page.data(name, std::move(csv)));
  page.body += "\nData: " + join(links, ", ") + "\n";
}

// The ULP error table, and its CSV.
void table_section(Page& page, const ReportData& data) {
  page.section("ULP error table", "ulp-error-table");
  std::vector<TableRow> rows;
  for (const SweepPart& p : data.sweeps) rows.insert(rows.end(), p.rows.begin(), p.rows.end());
  page.body += render_table(rows, OutputKind::markdown, false, TableColumns::accuracy);
  page.body +=
      "\nData: " +
      page.data("table", render_table(rows, OutputKind::csv, false, TableColumns::accuracy)) + "\n";
}

// Max |ULP error| per x-bin, per function x format x view, and the binned CSV.
void ulp_plots_section(Page& page, const ReportData& data) {
  const ReportRequest& rq = *data.request;
  page.section("ULP error vs x", "ulp-error-vs-x");
  page.body +=
      "Each line is the largest |ULP error| among the inputs of an x-bin, so a single bad "
      "input stays visible. Below the dashed 0.5 ULP line a result is correctly rounded; the "
      "band marked 0 holds bins where every result is exact, the band marked NaN/inf bins "
      "where some result is NaN or infinite.\n";
  for (const SweepPart& p : data.sweeps) {
    const std::string s = stem(p.function, *p.format);
    page.body += fmt::format("\n### {}, {}\n\n", name_of(p.function), p.format->name);
    for (size_t v = 0; v < p.views.size(); ++v)
      page.body +=
          page.plot(fmt::format("ulp_{}_{}", s, p.views[v].view.key()),
                    ulp_figure(p, v, rq.layout, p.rows.front().domain),
                    fmt::format("{} in {}: largest ULP error per x-bin, {}", name_of(p.function),
                                p.format->name, p.views[v].view.describe()));
    std::string csv = binned_csv_header("implementation", "max_abs_ulp");
    for (const BinnedView& v : p.views)
      for (size_t k = 0; k < p.rows.size(); ++k)
        binned_csv_rows(csv, *p.format, v, v.series[k], p.rows[k].implementation->name);
    page.body += "\nData: " + page.data("ulp_" + s, std::move(csv)) + "\n";
  }
}

// Histograms of |ULP error| per function x format.
void histograms_section(Page& page, const ReportData& data) {
  const ReportRequest& rq = *data.request;
  page.section("Histograms of |ULP error|", "histograms-of-ulp-error");
  page.body +=
      "The share of inputs whose |ULP error| falls in each binade [2^k, 2^(k+1)); "
      "results that are NaN or infinite are counted in the legend.\n\n";
  for (const SweepPart& p : data.sweeps)
    page.body += page.plot(
        "hist_" + stem(p.function, *p.format),
        histogram_figure(p, rq.layout, p.rows.front().domain),
        fmt::format("{} in {}: histogram of ULP error", name_of(p.function), p.format->name));
  page.body += "\nData: " + page.data("histograms", histogram_csv(data.sweeps)) + "\n";
}

// The approximating form graded as the exact one: table, gap plots, CSV.
void forms_section(Page& page, const ReportData& data) {
  page.section("Tanh form vs exact GELU", "tanh-form-vs-exact-gelu");
  const Function exact_form = data.forms.front().exact;
  page.body += fmt::format(
      "The tanh form of GELU (and its derivative), rounded once to the format, graded as the "
      "exact (erf) one: the error no implementation of the tanh form can remove. The table "
      "counts where the two round to different values; the plots show the exact gap "
      "|{}(x) - {}(x)| in ULPs of each format, so a format hides the "
      "approximation where its line stays below 0.5 ULP.\n\n",
      name_of(other_form_of(exact_form)), name_of(exact_form));
  std::vector<TableRow> rows;
  for (const FormsPart& p : data.forms) rows.push_back(p.row);
  page.body += render_table(rows, OutputKind::markdown, false, TableColumns::accuracy) + "\n";
  std::vector<Function> exact;
  for (const FormsPart& p : data.forms)
    if (std::find(exact.begin(), exact.end(), p.exact) == exact.end()) exact.push_back(p.exact);
  std::string csv = binned_csv_header("format", "max_abs_gap_ulp");
  for (Function e : exact) {
    std::vector<const FormsPart*> parts;
    for (const FormsPart& p : data.forms)
      if (p.exact == e) parts.push_back(&p);
    for (size_t v = 0; v < parts.front()->views.size(); ++v)
      page.body +=
          page.plot(fmt::format("forms_{}_{}", name_of(e), parts.front()->views[v].view.key()),
                    forms_figure(parts, v),
                    fmt::format("{} vs {}, gap in ULPs, {}", name_of(other_form_of(e)), name_of(e),
                                parts.front()->views[v].view.describe()));
    for (const FormsPart* p : parts)
      for (const BinnedView& v : p->views)
        binned_csv_rows(csv, *p->format, v, v.series[0],
                        fmt::format("{}:{}", name_of(e), p->format->name));
  }
  page.body +=
      "\nData: " +
      page.data("forms_table", render_table(rows, OutputKind::csv, false, TableColumns::accuracy)) +
      ", " + page.data("forms_gap", std::move(csv)) + "\n";
}

// |f'| correctly rounded per x-bin, one line per format.
void landscape_section(Page& page, const ReportData& data) {
  page.section("Derivative landscape", "derivative-landscape");
  page.body +=
      "How large the exact derivative is once rounded to each format: where it "
      "vanishes, underflows (band 0) and peaks.\n\n";
  std::vector<Function> ds;
  for (const LandscapePart& p : data.landscapes)
    if (std::find(ds.begin(), ds.end(), p.derivative) == ds.end()) ds.push_back(p.derivative);
  std::string csv = binned_csv_header("format", "max_abs_derivative");
  for (Function d : ds) {
    std::vector<const LandscapePart*> parts;
    for (const LandscapePart& p : data.landscapes)
      if (p.derivative == d) parts.push_back(&p);
    for (size_t v = 0; v < parts.front()->views.size(); ++v)
      page.body +=
          page.plot(fmt::format("landscape_{}_{}", name_of(d), parts.front()->views[v].view.key()),
                    landscape_figure(parts, v),
                    fmt::format("{} magnitude per format, {}", name_of(d),
                                parts.front()->views[v].view.describe()));
    for (const LandscapePart* p : parts)
      for (const BinnedView& v : p->views)
        binned_csv_rows(csv, *p->format, v, v.series[0],
                        fmt::format("{}:{}", name_of(d), p->format->name));
  }
  page.body += "\nData: " + page.data("landscape", std::move(csv)) + "\n";
}

// Zone charts and the saturation report.
void saturation_section(Page& page, const ReportData& data) {
  page.section("Saturation and special values", "saturation-and-special-values");
  page.body +=
      "Where the exact function, rounded, reaches its asymptotes (grey: on a plateau) "
      "and where each implementation departs from it. Definitions: "
      "[docs/saturation.md](../../docs/saturation.md).\n\n";
  for (const SaturationReport& r : data.saturation)
    page.body +=
        page.plot("zones_" + stem(r.function, *r.format), zone_chart(r),
                  fmt::format("{} in {}: saturation zones", name_of(r.function), r.format->name));
  page.body +=
      "\nData: " + page.data("saturation", render_saturation(data.saturation, OutputKind::csv)) +
      "\n\n";
  page.body += embed_markdown(render_saturation(data.saturation, OutputKind::markdown), 2);
}

// The gradient report, its CSV per section.
void gradients_section(Page& page, const ReportData& data) {
  if (!data.gradients) return;
  page.section("Gradients", "gradients");
  page.body += "Definitions and derivations: [docs/gradients.md](../../docs/gradients.md).\n\n";
  std::vector<std::string> links;
  for (GradientSection s : data.gradients->sections) {
    GradientReport one = *data.gradients;
    one.sections = {s};
    links.push_back(page.data(fmt::format("gradients_{}", section_name(s)),
                              render_gradient_report(one, OutputKind::csv)));
  }
  page.body += "Data: " + join(links, ", ") + "\n\n";
  page.body += embed_markdown(render_gradient_report(*data.gradients, OutputKind::markdown), 2);
}

// Pairs of implementations compared input by input (analysis/kernel_diff.hpp), and the CSV.
void diffs_section(Page& page, const ReportData& data) {
  page.section("Implementations compared input by input",
               "implementations-compared-input-by-input");
  page.body +=
      "Each pair (a, b) run over the same inputs: where their results differ bitwise, how far "
      "apart they are there in values of the format, and at each such input which one is "
      "closer to the exact value (decided exactly; a tie is equal distance, or +0 against -0). "
      "The worst disagreement is the largest distance (a NaN or infinity above all). `gelucheck "
      "diff A B -f FUNCTION -t FORMAT` lists more.\n\n"
      "| function | format | a | b | inputs | differ | a closer | b closer | tie | max distance "
      "| worst disagreement |\n|---|---|---|---|---:|---:|---:|---:|---:|---:|---|\n";
  std::string csv =
      "function,format,a,b,points,differing,a_closer,b_closer,ties,max_distance,not_both_finite,"
      "worst_x,worst_x_bits,worst_a_bits,worst_b_bits,worst_exact,worst_closer\n";
  for (const DiffPart& p : data.diffs) {
    const Format& f = *p.format;
    const DiffStats& d = p.stats;
    std::string worst = "-";
    if (!d.worst.empty()) {
      const DiffPoint& w = d.worst.front();
      worst = fmt::format("x = {}: a {}, b {}, exact {}; closer: {}", value_with_bits(f, w.a.x),
                          value_with_bits(f, w.a.y), value_with_bits(f, w.b.y),
                          exact_text(f, w.a.ref.exact, w.a.ref.ulp_log2), closer_name(w.closer));
    }
    page.body += fmt::format(
        "| {} | {} | `{}` | `{}` | {} | {} ({}) | {} | {} | {} | {} | {} |\n", name_of(p.function),
        f.name, p.a->name, p.b->name, d.points, d.differing,
        percent_prose(d.points ? double(d.differing) / double(d.points) : 0), d.a_closer,
        d.b_closer, d.ties, d.differing ? fmt::format("{}", d.max_distance) : "-", worst);
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{}", name_of(p.function), f.name, p.a->name,
                       p.b->name, d.points, d.differing, d.a_closer, d.b_closer, d.ties,
                       d.max_distance, d.not_both_finite());
    if (d.worst.empty()) {
      csv += ",,,,,,\n";
    } else {
      const DiffPoint& w = d.worst.front();
      csv += fmt::format(",{},{},{},{},{},{}\n", to_shortest_decimal(f, w.a.x),
                         to_hex_bits(f, w.a.x), to_hex_bits(f, w.a.y), to_hex_bits(f, w.b.y),
                         exact_text(f, w.a.ref.exact, w.a.ref.ulp_log2), closer_name(w.closer));
    }
  }
  page.body += "\nData: " + page.data("diffs", std::move(csv)) + "\n";
}

// What was compared (with where each implementation is used).
void implementations_section(Page& page, const ReportData& data) {
  const ReportRequest& rq = *data.request;
  page.section("Implementations", "implementations");
  page.body += "| implementation | what it computes | where it is used |\n|---|---|---|\n";
  std::vector<const Implementation*> listed = rq.implementations;
  if (rq.has(ReportSection::forms)) listed.push_back(&approximating_form_correctly_rounded());
  for (const Implementation* i : listed)
    page.body += fmt::format("| `{}` | {} | {} |\n", i->name, markdown_cell(i->summary),
                             markdown_cell(i->used_in));
  // Where each function's formula of each set is written, where its family cites it.
  std::string sources;
  std::vector<Function> fns;
  for (Function fn : rq.functions)
    for (Function g : {fn, derivative_of(fn)})
      if (std::find(fns.begin(), fns.end(), g) == fns.end()) fns.push_back(g);
  for (Function fn : fns) {
    std::vector<std::pair<std::string_view, std::vector<std::string>>> sets;  // source, names
    for (const Implementation* i : listed) {
      const std::string_view source = i->source_for ? i->source_for(fn) : std::string_view();
      if (source.empty()) continue;
      auto it =
          std::find_if(sets.begin(), sets.end(), [&](const auto& s) { return s.first == source; });
      if (it == sets.end()) it = sets.insert(sets.end(), {source, {}});
      it->second.push_back(fmt::format("`{}`", i->name));
    }
    for (const auto& [source, names] : sets)
      sources += fmt::format("| {} | {} | {} |\n", name_of(fn), join(names, ", "), source);
  }
  if (!sources.empty())
    page.body +=
        "\nThe formula each implementation computes, per function, and where kernels write it "
        "so (the family files in `src/functions/` cite each):\n\n"
        "| function | implementations | formula, and where it is used |\n|---|---|---|\n" +
        sources;
}

// How to get the same page again.
void reproduce_section(Page& page, const ReportData& data) {
  const ReportRequest& rq = *data.request;
  page.section("Reproduce", "reproduce");
  page.body += fmt::format(
      "```sh\ngelucheck report {}\n```\n\nSpecification: [{}](../../{}). Inputs: {}. Reference: "
      "the exact value rounded once by MPFR (`reference()` in `src/reference/reference.hpp`); ULP "
      "error as "
      "defined in `src/sweep/metrics.hpp`.\n",
      rq.spec_path, rq.spec_path, rq.spec_path, inputs_text(rq));
}

// The sections a spec can ask for, in page order, each written by one function: the comparison
// first (what a reader acts on), then kAllReportSections' order.
struct SectionWriter {
  ReportSection section;
  void (*write)(Page& page, const ReportData& data);
};
constexpr SectionWriter kSectionWriters[] = {
    {ReportSection::comparison, comparison_section},
    {ReportSection::table, table_section},
    {ReportSection::ulp_plots, ulp_plots_section},
    {ReportSection::histograms, histograms_section},
    {ReportSection::forms, forms_section},
    {ReportSection::landscape, landscape_section},
    {ReportSection::saturation, saturation_section},
    {ReportSection::gradients, gradients_section},
    {ReportSection::diffs, diffs_section},
};

}  // namespace

std::vector<ReportFile> render_report(const ReportData& data) {
  const ReportRequest& rq = *data.request;
  Page page;
  summary_section(page, data);
  for (const SectionWriter& w : kSectionWriters)
    if (rq.has(w.section)) w.write(page, data);
  implementations_section(page, data);
  reproduce_section(page, data);

  const std::string inputs = inputs_text(rq);
  std::string head = fmt::format("# {}\n\n{}\n\n", rq.title, rq.question);
  head += fmt::format("Generated by `gelucheck report {}`; do not edit by hand. Inputs: {}.\n\n",
                      rq.spec_path, inputs);
  std::vector<std::string> toc;
  for (const auto& [heading, anchor] : page.contents)
    toc.push_back(fmt::format("[{}](#{})", heading, anchor));
  head += "Contents: " + join(toc, " · ") + "\n";

  std::vector<ReportFile> files;
  files.push_back({"README.md", head + page.body});
  for (auto& f : page.files) files.push_back(std::move(f));
  return files;
}

IndexEntry index_entry(const ReportRequest& rq, bool ci) {
  IndexEntry e;
  e.name = rq.name;
  e.title = rq.title;
  e.question = rq.question;
  e.spec_path = rq.spec_path;
  e.ci = ci;
  std::vector<std::string> fns, fmts;
  for (Function fn : rq.functions) fns.push_back(std::string(name_of(fn)));
  for (size_t i = 0; i < rq.formats.size(); ++i)
    fmts.push_back(fmt::format("{} ({})", rq.formats[i]->name, rq.domains[i].describe()));
  std::vector<std::string> sections;
  for (ReportSection s : rq.sections) sections.push_back(report_section_name(s));
  e.scope = fmt::format("{}; {}; {} implementations; sections: {}", join(fns, ", "),
                        join(fmts, ", "), rq.implementations.size(), join(sections, ", "));
  return e;
}

std::string render_report_index(const std::vector<IndexEntry>& entries) {
  std::string out =
      "# Accuracy reports\n\n"
      "Generated from the analyses in [../analyses](../analyses) by one command, run from the "
      "repository root:\n\n"
      "```sh\nbuild/gelucheck report            # every analyses/*.toml -> reports/NAME/\n"
      "build/gelucheck report --check    # exit 1, naming the stale files, if a report is out of "
      "date\n```\n\n"
      "Do not edit these files by hand. CI regenerates the reports marked *checked* and fails "
      "when a committed one differs; the others are slow (exhaustive fp32) and regenerated by "
      "hand.\n\n"
      "| report | question | scope | CI |\n|---|---|---|---|\n";
  for (const IndexEntry& e : entries)
    out += fmt::format("| [{}]({}/README.md) | {} | {} | {} |\n", e.title, e.name, e.question,
                       e.scope, e.ci ? "checked" : "by hand");
  return out;
}

}  // namespace gelucheck
