// A small, deterministic SVG writer for the accuracy report's plots: step lines over x-bins on
// linear, log or symmetric-log axes, in one panel (overlay with a legend) or in a grid of panels
// sharing their axes, and interval charts (one row per category of inputs, coloured intervals).
//
// Why not gnuplot: its SVG terminal writes its version and font metrics into the file, so the
// committed reports would change with the Debian package, and the staleness test would fail for
// reasons unrelated to accuracy. This writer's output is a pure function of its input: fixed
// number formatting (one decimal for coordinates), no timestamps, no locale.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gelucheck::svg {

enum class Scale {
  linear,
  log10,   // lo > 0
  symlog,  // sign(v) * (|v|/c for |v| < c, else 1 + log10(|v|/c)), c = linear_threshold
};

struct Axis {
  std::string label;
  Scale scale = Scale::linear;
  double lo = 0, hi = 1;
  double linear_threshold = 1;  // symlog only
  // The axis coordinate t(v) in which positions are linear.
  double transform(double v) const;
  double inverse(double t) const;
  // v's position along the axis in [0, 1] (outside when v is outside [lo, hi]).
  double position(double v) const;
};

struct Tick {
  double value;
  std::string label;  // SVG text content (may hold a <tspan> for an exponent); empty: a minor
                      // tick, drawn as a short mark without a grid line
};
// Round-number ticks for the axis: steps of 1, 2, 5 x 10^k (linear); whole decades, thinned to at
// most max_ticks (log10); symlog: a tick at 0 and at every decade +-10^k from c outwards, at most
// max_ticks of them labelled, the others minor.
std::vector<Tick> axis_ticks(const Axis& axis, int max_ticks);

// One bin of a step line: the value y over [x0, x1). y = NaN: no data (the line breaks).
struct Step {
  double x0, x1, y;
};

struct Series {
  std::string name;
  std::string color;   // "#rrggbb"
  std::string dash;    // SVG stroke-dasharray, empty for a solid line
  std::string detail;  // a few words after the name in the legend, e.g. "max 2.5 ULP"
  std::vector<Step> steps;
  // Bins drawn as marks in the figure's top band (e.g. where a result was NaN or inf).
  std::vector<Step> flagged;
};

// A horizontal reference line across a panel, e.g. 0.5 ULP.
struct Rule {
  double y;
  std::string label;
};

struct Panel {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  std::vector<Rule> rules;
  // Values y <= floor_value (e.g. exact zeros on a log axis) are drawn in a band under the plot
  // area labelled floor_label; values between floor_value and y.lo are drawn at y.lo. Empty
  // label: no band, everything below y.lo is drawn at y.lo.
  std::string floor_label;
  double floor_value = 0;
  std::string flag_label;  // the top band's label, e.g. "NaN/inf"; empty: no band
  std::string annotation;  // small text in the plot area's top right corner
};

struct Figure {
  std::string title;
  std::vector<Panel> panels;
  int columns = 1;
  int panel_width = 640, panel_height = 300;  // the plot area of one panel, in px
  bool legend = true;                         // series names (first panel's) at the right
  std::string note;                           // one line under the figure
};

std::string render(const Figure& figure);

// An interval chart: rows of labelled intervals on one x axis, coloured by category.
struct Interval {
  double x0, x1;  // inclusive ends, in data units
  int category;   // index into IntervalChart::categories
};
struct IntervalRow {
  std::string label;
  std::vector<Interval> intervals;
};
struct Category {
  std::string name, color;
};
struct IntervalChart {
  std::string title;
  Axis x;
  // A second view of the same rows under the first, e.g. linear over where the zones are; its
  // label says what it shows.
  std::optional<Axis> detail_x;
  std::vector<IntervalRow> rows;
  std::vector<Category> categories;
  int plot_width = 640;
  std::string note;
};

std::string render(const IntervalChart& chart);

}  // namespace gelucheck::svg
