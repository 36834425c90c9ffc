// The accuracy report: one analysis (functions x formats x implementations over a domain) run
// through the existing analyses (ULP sweep and statistics, saturation, gradients), plus the
// per-x-bin data its plots need. Data only; report_page.hpp turns it into Markdown, CSV and SVG.
//
// Every number here comes from run_sweep (per-point records compared by metrics.hpp's compare(),
// statistics by stats.hpp), analyze_saturation or make_gradient_report: nothing is recomputed
// another way. The plots' extra data is binned from the same per-point records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/gradients.hpp"
#include "analysis/kernel_diff.hpp"
#include "analysis/saturation.hpp"
#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "render/table_render.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"
#include "sweep/stats.hpp"

namespace gelucheck {

// What a report can hold; a page shows its sections in this order whatever the spec's order.
enum class ReportSection {
  table,       // the ULP error table (table_render.hpp) and its summary
  ulp_plots,   // max |ULP error| per x-bin, per function x format x view
  histograms,  // histogram of |ULP error| per function x format
  forms,       // the tanh form, correctly rounded, graded as the exact GELU (and derivative)
  landscape,   // |f'| correctly rounded, per derivative, one line per format
  saturation,  // saturation.hpp's report, with a zone chart per function x format
  gradients,   // gradients.hpp's report
  comparison,  // the functions side by side, from the table, saturation and gradient flow
  diffs,       // pairs of implementations compared input by input (analysis/kernel_diff.hpp)
};
inline constexpr ReportSection kAllReportSections[] = {
    ReportSection::table,     ReportSection::ulp_plots,  ReportSection::histograms,
    ReportSection::forms,     ReportSection::landscape,  ReportSection::saturation,
    ReportSection::gradients, ReportSection::comparison, ReportSection::diffs};
const char* report_section_name(ReportSection s);
bool parse_report_section(std::string_view name, ReportSection& out);
std::string report_section_names();  // "table, ulp_plots, ..."

// The x axis of a plot: every input on a symmetric log axis (|x| below kSymlogThreshold on a
// linear stretch around 0), or a linear axis over [lo, hi].
inline constexpr double kSymlogThreshold = 1e-3;
struct PlotView {
  bool symlog = true;
  double lo = 0, hi = 0;         // linear views only
  std::string key() const;       // for file names: "all", "-8_8"
  std::string describe() const;  // "all inputs (symmetric log axis)", "x in [-8, 8]"
};
// Parses "all" or "LO:HI" (finite, LO < HI); false otherwise.
bool parse_plot_view(std::string_view text, PlotView& out);

enum class PlotLayout { automatic, overlay, panels };
// Overlay (one panel, a legend) up to this many lines; small multiples above (automatic).
inline constexpr size_t kMaxOverlaySeries = 4;

struct ReportRequest {
  std::string name;       // reports/NAME/
  std::string title;      // the page's heading
  std::string question;   // what the analysis answers, one paragraph
  std::string spec_path;  // the spec, relative to the repository root ("analyses/NAME.toml")
  std::vector<Function> functions;
  std::vector<const Format*> formats;
  std::vector<Domain> domains;       // one per format
  std::vector<OrdinalRange> ranges;  // one per format: the analysis range (gradient landscape)
  std::vector<const Implementation*> implementations;
  std::vector<ReportSection> sections;  // in kAllReportSections order, no repeats
  std::vector<PlotView> views = {PlotView{}};
  int bins = 240;
  PlotLayout layout = PlotLayout::automatic;
  SweepOptions options;
  SaturationOptions saturation;
  std::vector<GradientSection> gradient_sections = {std::begin(kAllGradientSections),
                                                    std::end(kAllGradientSections)};
  std::vector<Threshold> thresholds = default_thresholds();
  std::vector<double> sigmas = {std::begin(kDefaultSigmas), std::end(kDefaultSigmas)};
  // The pairs (a, b) the diffs section compares, in every function and format both provide.
  std::vector<std::pair<const Implementation*, const Implementation*>> diff_pairs;
  bool has(ReportSection s) const;
};

// The largest |ULP error| over the inputs of each x-bin, and where; bins are uniform in the
// view's axis coordinate. Bin k holds the inputs x with edges[k] <= x < edges[k + 1] (the last
// bin includes its upper edge). Edges are rounded to 6 significant digits, so they do not depend
// on the last bit of log10/pow.
struct BinnedSeries {
  std::vector<uint64_t> inputs;     // per bin
  std::vector<Extreme> max_abs;     // per bin: largest |value| over finite results, and where
  std::vector<uint64_t> nonfinite;  // per bin: results that are inf or NaN where r is not
};
struct BinnedView {
  PlotView view;
  std::vector<double> edges;  // bins + 1 values, increasing
  std::vector<BinnedSeries> series;
};
std::vector<double> view_edges(const PlotView& view, int bins, double max_abs_x);

// One function x format of the ULP sweep.
struct SweepPart {
  Function function;
  const Format* format;
  std::vector<TableRow> rows;     // one per implementation providing the function
  std::vector<BinnedView> views;  // series in rows' order; empty without ulp_plots
};

// The approximating form against the exact function, for one exact function that has such a
// form (GELU and its derivative: the tanh form) and one format: the approximating form rounded
// once, graded as the exact function (one table row; analysis/other_form.hpp), and per x-bin the
// largest exact gap |r_approx - r_exact| in ULPs of the format, i.e. |ulp_error(r_approx,
// r_exact)| with both exact values on their 2^-10 ULP grids.
struct FormsPart {
  Function exact;  // graded against; the approximating form is other_form_of(exact)
  const Format* format;
  TableRow row;
  std::vector<BinnedView> views;  // one series
};

// |correctly rounded f'| per x-bin for one derivative and format (Extreme holds max |f'|).
struct LandscapePart {
  Function derivative;
  const Format* format;
  std::vector<BinnedView> views;   // one series
  uint64_t zeros = 0, inputs = 0;  // inputs where f' rounds to +-0
};

// One pair of implementations compared over one function x format's domain, with its
// kReportDiffWorst worst disagreements.
inline constexpr size_t kReportDiffWorst = 3;
struct DiffPart {
  Function function;
  const Format* format;
  const Implementation *a, *b;
  DiffStats stats;
};

struct ReportData {
  const ReportRequest* request = nullptr;
  std::vector<SweepPart> sweeps;  // functions outer, formats inner
  std::vector<FormsPart> forms;   // exact functions outer, formats inner
  std::vector<LandscapePart> landscapes;
  std::vector<SaturationReport> saturation;
  std::optional<GradientReport> gradients;
  std::vector<DiffPart> diffs;  // pairs outer, functions, formats inner
};

// Throws UsageError if a section cannot be made from the request (forms without a GELU function,
// a table with no implementation providing any of the functions, a comparison without the
// sections it compares).
ReportData run_report(const ReportRequest& request);

}  // namespace gelucheck
