#include "render/svg_plot.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>  // fmt::format, fmt::format_to

#include "io/xml_escape.hpp"

namespace gelucheck::svg {

namespace {

constexpr const char* kFont = "DejaVu Sans,Verdana,Arial,sans-serif";
constexpr const char* kGridColor = "#e3e3e3";
constexpr const char* kFrameColor = "#888888";
constexpr const char* kTextColor = "#222222";

// Pixel coordinates: one decimal, so the bytes do not depend on how a value was computed beyond
// 0.05 px, and "-0.0" never appears.
std::string px(double v) {
  const double r = std::round(v * 10) / 10;
  return fmt::format("{:.1f}", r == 0 ? 0.0 : r);
}

// 10^e as SVG text: 1, 10, else 10 with a raised exponent.
std::string power_of_ten_label(int e, bool negative) {
  const std::string sign = negative ? "-" : "";
  if (e == 0) return sign + "1";
  if (e == 1) return sign + "10";
  return fmt::format("{}10<tspan dy=\"-6\" font-size=\"9\">{}</tspan>", sign, e);
}

// Whether v is 10^e for an integer e (to double accuracy), and e.
bool is_power_of_ten(double v, int& e) {
  if (!(v > 0)) return false;
  const double l = std::log10(v);
  e = int(std::lround(l));
  return std::fabs(l - e) < 1e-9;
}

std::string number_label(double v) {
  int e;
  if (v != 0 && is_power_of_ten(std::fabs(v), e) && (e < -2 || e > 3))
    return power_of_ten_label(e, v < 0);
  return fmt::format("{:g}", v);
}

}  // namespace

double Axis::transform(double v) const {
  switch (scale) {
    case Scale::linear:
      return v;
    case Scale::log10:
      return v > 0 ? std::log10(v) : -INFINITY;
    case Scale::symlog: {
      const double a = std::fabs(v) / linear_threshold;
      const double t = a < 1 ? a : 1 + std::log10(a);
      return v < 0 ? -t : t;
    }
  }
  return v;
}

double Axis::inverse(double t) const {
  switch (scale) {
    case Scale::linear:
      return t;
    case Scale::log10:
      return std::pow(10.0, t);
    case Scale::symlog: {
      const double a = std::fabs(t);
      const double v = linear_threshold * (a < 1 ? a : std::pow(10.0, a - 1));
      return t < 0 ? -v : v;
    }
  }
  return t;
}

double Axis::position(double v) const {
  const double t0 = transform(lo), t1 = transform(hi);
  return (transform(v) - t0) / (t1 - t0);
}

std::vector<Tick> axis_ticks(const Axis& axis, int max_ticks) {
  std::vector<Tick> ticks;
  max_ticks = std::max(max_ticks, 2);
  if (axis.scale == Scale::linear) {
    const double raw = (axis.hi - axis.lo) / max_ticks;
    if (!(raw > 0)) return ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * magnitude;
    for (double m : {1.0, 2.0, 5.0})
      if (m * magnitude >= raw * (1 - 1e-12)) {
        step = m * magnitude;
        break;
      }
    const int decimals = std::max(0, -int(std::floor(std::log10(step) + 1e-9)));
    for (double m = std::ceil(axis.lo / step - 1e-9); m * step <= axis.hi * (1 + 1e-12) + 1e-300;
         m += 1) {
      const double v = m == 0 ? 0.0 : m * step;
      // Steps of 10^6 and more as 5e+18, not 5000000000000000000.
      ticks.push_back({v, m == 0             ? "0"
                          : magnitude >= 1e6 ? fmt::format("{:g}", v)
                                             : fmt::format("{:.{}f}", v, decimals)});
    }
    return ticks;
  }
  if (axis.scale == Scale::log10) {
    const int e0 = int(std::ceil(std::log10(axis.lo) - 1e-9));
    const int e1 = int(std::floor(std::log10(axis.hi) + 1e-9));
    const int count = e1 - e0 + 1;
    const int stride = std::max(1, (count + max_ticks - 1) / max_ticks);
    for (int e = e0; e <= e1; ++e)
      if (((e % stride) + stride) % stride == 0)
        ticks.push_back({std::pow(10.0, e), power_of_ten_label(e, false)});
    return ticks;
  }
  // symlog: 0 and +-10^e for e a multiple of a stride, thinned from 0 outwards so neighbours are
  // at least 1/max_ticks of the axis apart. Beyond the linear stretch a decade is one unit of t,
  // so the stride is the smallest round number of decades at least that far.
  const double c = axis.linear_threshold;
  const double reach = std::max(std::fabs(axis.lo), std::fabs(axis.hi));
  const int e0 = int(std::ceil(std::log10(c) - 1e-9));
  const int e1 = int(std::floor(std::log10(reach) + 1e-9));
  const double t_lo = axis.transform(axis.lo), t_hi = axis.transform(axis.hi);
  const double min_gap = (t_hi - t_lo) / max_ticks;
  int stride = 1;
  for (int step : {1, 2, 3, 5, 10, 20, 25, 50, 100})
    if ((stride = step) >= min_gap) break;
  // Decades e = anchor + k stride; anchored at 10^0 unless that leaves a side without a tick.
  auto side = [&](double sign, int anchor) {
    std::vector<Tick> out;
    double last_t = 0;
    for (int e = e0; e <= e1; ++e) {
      if ((((e - anchor) % stride) + stride) % stride != 0) continue;
      const double v = sign * std::pow(10.0, e);
      if (v < axis.lo * (1 + 1e-12) || v > axis.hi * (1 + 1e-12)) continue;
      const double t = std::fabs(axis.transform(v));
      if (t - last_t < min_gap) continue;
      out.push_back({v, number_label(v)});
      last_t = t;
    }
    return out;
  };
  auto both_sides = [&](int anchor) {
    std::vector<Tick> out = side(-1, anchor);
    std::reverse(out.begin(), out.end());
    if (axis.lo <= 0 && axis.hi >= 0) out.push_back({0.0, "0"});
    for (Tick& t : side(1, anchor)) out.push_back(std::move(t));
    return out;
  };
  // Labels anchored at 10^0, or at the outermost decade when that labels more of the axis.
  std::vector<Tick> labelled = both_sides(0);
  if (std::vector<Tick> outer = both_sides(e1); outer.size() > labelled.size())
    labelled = std::move(outer);
  // Every decade in range gets a tick; those not labelled are minor.
  for (double sign : {-1.0, 1.0})
    for (int e = e0; e <= e1; ++e) {
      const double v = sign * std::pow(10.0, e);
      if (v < axis.lo * (1 + 1e-12) || v > axis.hi * (1 + 1e-12)) continue;
      if (std::none_of(labelled.begin(), labelled.end(),
                       [&](const Tick& t) { return t.value == v; }))
        ticks.push_back({v, ""});
    }
  for (Tick& t : labelled) ticks.push_back(std::move(t));
  std::sort(ticks.begin(), ticks.end(),
            [](const Tick& a, const Tick& b) { return a.value < b.value; });
  return ticks;
}

namespace {

// Geometry of one panel inside the figure.
struct PanelBox {
  double left, top;  // the plot area's top-left corner
  double width, height;
  double flag_band = 0, floor_band = 0;  // heights of the bands above and below
};

constexpr double kLeftMargin = 66, kRightMargin = 16, kTitleHeight = 20, kBottomMargin = 40;
constexpr double kFlagBand = 16, kFloorBand = 14;

double panel_cell_width(const Figure& fig) { return kLeftMargin + fig.panel_width + kRightMargin; }

double panel_cell_height(const Figure& fig) {
  bool flags = false, floors = false;
  for (const Panel& p : fig.panels) {
    flags = flags || !p.flag_label.empty();
    floors = floors || !p.floor_label.empty();
  }
  return kTitleHeight + (flags ? kFlagBand : 0) + fig.panel_height + (floors ? kFloorBand : 0) +
         kBottomMargin;
}

void text(std::string& out, double x, double y, std::string_view anchor, std::string_view body,
          std::string_view extra = "") {
  fmt::format_to(std::back_inserter(out),
                 "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{}>{}</text>\n", px(x), px(y), anchor,
                 extra, body);
}

// A grid line for a labelled tick, a short mark inside the bottom edge for a minor one.
void x_tick(std::string& out, double x, double top, double bottom, const Tick& t) {
  if (t.label.empty())
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>\n", px(x),
                   px(bottom - 5), px(bottom), kFrameColor);
  else
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>\n", px(x),
                   px(top), px(bottom), kGridColor);
}

// Axis labels only where `x_label` / `y_label`: panels of a grid share their axes, so the grid
// labels its bottom row and left column.
void draw_axes(std::string& out, const Panel& p, const PanelBox& b, bool x_label, bool y_label) {
  const double bottom = b.top + b.height;
  // Grid and ticks.
  // Symmetric log labels are short powers of ten: one per 45 px (others: 60 px).
  const double label_px = p.x.scale == Scale::symlog ? 45 : 60;
  for (const Tick& t : axis_ticks(p.x, std::max(4, int(b.width / label_px)))) {
    const double x = b.left + p.x.position(t.value) * b.width;
    x_tick(out, x, b.top, bottom, t);
    if (!t.label.empty()) text(out, x, bottom + b.floor_band + 14, "middle", t.label);
  }
  for (const Tick& t : axis_ticks(p.y, std::max(3, int(b.height / 36)))) {
    const double y = bottom - p.y.position(t.value) * b.height;
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\"/>\n",
                   px(b.left), px(y), px(b.left + b.width), kGridColor);
    // A label at the very top would run into the flag band's label beside it.
    if (b.flag_band > 0 && y < b.top + 10) continue;
    text(out, b.left - 5, y + 4, "end", t.label);
  }
  fmt::format_to(std::back_inserter(out),
                 "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
                 "stroke=\"{}\"/>\n",
                 px(b.left), px(b.top), px(b.width), px(b.height), kFrameColor);
  if (b.flag_band > 0) {
    fmt::format_to(std::back_inserter(out),
                   "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f6f6f6\"/>\n",
                   px(b.left), px(b.top - b.flag_band), px(b.width), px(b.flag_band - 2));
    text(out, b.left - 5, b.top - b.flag_band / 2 + 3, "end", xml_escape(p.flag_label),
         " font-size=\"10\"");
  }
  if (b.floor_band > 0) {
    fmt::format_to(std::back_inserter(out),
                   "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f6f6f6\"/>\n",
                   px(b.left), px(bottom + 2), px(b.width), px(b.floor_band - 2));
    text(out, b.left - 5, bottom + b.floor_band / 2 + 4, "end", xml_escape(p.floor_label),
         " font-size=\"10\"");
  }
  if (x_label)
    text(out, b.left + b.width / 2, bottom + b.floor_band + 32, "middle", xml_escape(p.x.label));
  const double ymid = b.top + b.height / 2;
  if (y_label)
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" "
                   "transform=\"rotate(-90 {0} {1})\">{2}</text>\n",
                   px(b.left - 50), px(ymid), xml_escape(p.y.label));
  if (!p.title.empty())
    text(out, b.left + b.width / 2, b.top - b.flag_band - 6, "middle", xml_escape(p.title),
         " font-weight=\"bold\"");
  if (!p.annotation.empty())
    text(out, b.left + b.width - 4, b.top + 12, "end", xml_escape(p.annotation),
         " font-size=\"10\" fill=\"#555555\"");
}

void draw_rules(std::string& out, const Panel& p, const PanelBox& b) {
  const double bottom = b.top + b.height;
  for (const Rule& r : p.rules) {
    const double pos = p.y.position(r.y);
    if (!(pos >= 0 && pos <= 1)) continue;
    const double y = bottom - pos * b.height;
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#555555\" "
                   "stroke-dasharray=\"2 3\"/>\n",
                   px(b.left), px(y), px(b.left + b.width));
    text(out, b.left + b.width - 4, y - 3, "end", xml_escape(r.label),
         " font-size=\"10\" fill=\"#555555\"");
  }
}

// The y pixel of a value, or NaN when there is nothing to draw.
double y_pixel(const Panel& p, const PanelBox& b, double y) {
  if (std::isnan(y)) return NAN;
  const double bottom = b.top + b.height;
  if (b.floor_band > 0 && y <= p.floor_value) return bottom + b.floor_band / 2 + 1;
  const double pos = std::clamp(p.y.position(std::clamp(y, p.y.lo, p.y.hi)), 0.0, 1.0);
  return bottom - pos * b.height;
}

void draw_series(std::string& out, const Panel& p, const PanelBox& b, const Series& s,
                 size_t index) {
  std::string path;
  bool open = false;
  double last_x1 = NAN;
  for (const Step& st : s.steps) {
    const double x0 = std::max(st.x0, p.x.lo), x1 = std::min(st.x1, p.x.hi);
    const double py = y_pixel(p, b, st.y);
    if (!(x1 >= x0) || std::isnan(py)) {
      open = false;
      continue;
    }
    const double px0 = b.left + p.x.position(x0) * b.width;
    const double px1 = b.left + p.x.position(x1) * b.width;
    if (open && st.x0 == last_x1) {
      path += fmt::format("V{}H{}", px(py), px(px1));
    } else {
      path += fmt::format("M{} {}H{}", px(px0), px(py), px(px1));
    }
    open = true;
    last_x1 = st.x1;
  }
  if (!path.empty())
    fmt::format_to(
        std::back_inserter(out),
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.4\"{}/>\n", path, s.color,
        s.dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", s.dash));
  if (b.flag_band > 0 && !s.flagged.empty()) {
    // Each series on its own line of the band, so coinciding flags stay visible.
    const double lanes = std::max<double>(1, std::floor((b.flag_band - 4) / 3));
    const double y = b.top - b.flag_band + 2 + 3 * std::fmod(double(index), lanes);
    std::string marks;
    for (const Step& st : s.flagged) {
      const double x0 = std::max(st.x0, p.x.lo), x1 = std::min(st.x1, p.x.hi);
      if (!(x1 >= x0)) continue;
      double px0 = b.left + p.x.position(x0) * b.width;
      double px1 = b.left + p.x.position(x1) * b.width;
      if (px1 - px0 < 2) px1 = px0 + 2;
      marks += fmt::format("M{} {}H{}", px(px0), px(y + 1.5), px(px1));
    }
    fmt::format_to(std::back_inserter(out),
                   "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"3\"/>\n", marks,
                   s.color);
  }
}

void open_svg(std::string& out, double width, double height) {
  fmt::format_to(std::back_inserter(out),
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
                 "viewBox=\"0 0 {0} {1}\" font-family=\"{2}\" font-size=\"12\" fill=\"{3}\">\n"
                 "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
                 px(width), px(height), kFont, kTextColor);
}

std::string legend_text(const Series& s) {
  return s.detail.empty() ? s.name : fmt::format("{} ({})", s.name, s.detail);
}

void legend_entry(std::string& out, double x, double y, const Series& s) {
  fmt::format_to(std::back_inserter(out),
                 "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" "
                 "stroke-width=\"2\"{4}/>\n",
                 px(x), px(y - 4), px(x + 22), s.color,
                 s.dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", s.dash));
  text(out, x + 28, y, "start", xml_escape(legend_text(s)));
}

// The note under a figure, in lines of at most the figure's width at ~6 px per character of the
// 11 px font, broken at spaces.
constexpr double kNoteLine = 15;
std::vector<std::string> wrap(const std::string& text, double width) {
  const size_t max_chars = size_t(std::max(20.0, (width - 16) / 6.0));
  std::vector<std::string> lines;
  std::string line;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.size() + 1 + word.size() > max_chars) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void draw_note(std::string& out, const std::vector<std::string>& lines, double top) {
  for (size_t i = 0; i < lines.size(); ++i)
    text(out, 8, top + kNoteLine * double(i + 1), "start", xml_escape(lines[i]),
         " font-size=\"11\"");
}

}  // namespace

std::string render(const Figure& fig) {
  const int columns = std::max(1, std::min<int>(fig.columns, int(fig.panels.size())));
  const int rows = int((fig.panels.size() + size_t(columns) - 1) / size_t(columns));
  const double cell_w = panel_cell_width(fig), cell_h = panel_cell_height(fig);
  const double title_h = fig.title.empty() ? 8 : 30;
  // Legend width from the longest entry at ~6.6 px per character of the 12 px font.
  double legend_w = 0;
  if (fig.legend && !fig.panels.empty())
    for (const Series& s : fig.panels.front().series)
      legend_w = std::max(legend_w, 40 + 6.6 * double(legend_text(s).size()));
  const double width = columns * cell_w + legend_w;
  const std::vector<std::string> note = wrap(fig.note, width);
  const double note_h = kNoteLine * double(note.size()) + (note.empty() ? 0 : 6);
  const double height = title_h + rows * cell_h + note_h;
  std::string out;
  open_svg(out, width, height);
  if (!fig.title.empty())
    text(out, width / 2, 20, "middle", xml_escape(fig.title),
         " font-size=\"14\" font-weight=\"bold\"");
  for (size_t i = 0; i < fig.panels.size(); ++i) {
    const Panel& p = fig.panels[i];
    PanelBox b;
    b.flag_band = p.flag_label.empty() ? 0 : kFlagBand;
    b.floor_band = p.floor_label.empty() ? 0 : kFloorBand;
    const double cell_left = double(i % size_t(columns)) * cell_w;
    const double cell_top = title_h + double(i / size_t(columns)) * cell_h;
    b.left = cell_left + kLeftMargin;
    b.top = cell_top + kTitleHeight + b.flag_band;
    b.width = fig.panel_width;
    b.height = fig.panel_height;
    const bool bottom_row = i + size_t(columns) >= fig.panels.size();
    draw_axes(out, p, b, bottom_row, i % size_t(columns) == 0);
    draw_rules(out, p, b);
    for (size_t k = 0; k < p.series.size(); ++k) draw_series(out, p, b, p.series[k], k);
  }
  if (legend_w > 0) {
    double y = title_h + kTitleHeight + 16;
    for (const Series& s : fig.panels.front().series) {
      legend_entry(out, columns * cell_w + 4, y, s);
      y += 18;
    }
  }
  draw_note(out, note, height - note_h);
  out += "</svg>\n";
  return out;
}

namespace {

constexpr double kRowHeight = 18, kAxisHeight = 44;  // interval charts

// The rows of an interval chart on one x axis, from `top` down; returns the y under the axis.
double draw_interval_rows(std::string& out, const IntervalChart& chart, const Axis& axis,
                          double left, double top, double plot_w) {
  const double plot_h = kRowHeight * double(chart.rows.size());
  const double bottom = top + plot_h;
  for (size_t r = 0; r < chart.rows.size(); ++r) {
    const double y = top + kRowHeight * double(r);
    if (r % 2 == 1)
      fmt::format_to(std::back_inserter(out),
                     "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f4f4f4\"/>\n",
                     px(left), px(y), px(plot_w), px(kRowHeight));
    text(out, left - 6, y + kRowHeight / 2 + 4, "end", xml_escape(chart.rows[r].label));
  }
  for (const Tick& t : axis_ticks(axis, std::max(3, int(plot_w / 70)))) {
    const double x = left + axis.position(t.value) * plot_w;
    x_tick(out, x, top, bottom, t);
    if (!t.label.empty()) text(out, x, bottom + 14, "middle", t.label);
  }
  for (size_t r = 0; r < chart.rows.size(); ++r) {
    const double y = top + kRowHeight * double(r) + 3;
    for (const Interval& iv : chart.rows[r].intervals) {
      const double x0 = std::max(iv.x0, axis.lo), x1 = std::min(iv.x1, axis.hi);
      if (!(x1 >= x0)) continue;
      double px0 = left + axis.position(x0) * plot_w;
      double px1 = left + axis.position(x1) * plot_w;
      if (px1 - px0 < 2) {  // a single input still shows
        const double mid = (px0 + px1) / 2;
        px0 = mid - 1;
        px1 = mid + 1;
      }
      fmt::format_to(std::back_inserter(out),
                     "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n", px(px0),
                     px(y), px(px1 - px0), px(kRowHeight - 6),
                     chart.categories[size_t(iv.category)].color);
    }
  }
  fmt::format_to(std::back_inserter(out),
                 "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
                 "stroke=\"{}\"/>\n",
                 px(left), px(top), px(plot_w), px(plot_h), kFrameColor);
  text(out, left + plot_w / 2, bottom + 32, "middle", xml_escape(axis.label));
  return bottom + kAxisHeight;
}

}  // namespace

std::string render(const IntervalChart& chart) {
  constexpr double kLabelWidth = 170, kTop = 34, kGap = 12;
  const double plot_w = chart.plot_width;
  const double plot_h = kRowHeight * double(chart.rows.size());
  const double legend_h = 20 * std::ceil(double(chart.categories.size()) / 3.0);
  const std::vector<std::string> note = wrap(chart.note, kLabelWidth + plot_w + 20);
  const double note_h = kNoteLine * double(note.size()) + (note.empty() ? 0 : 6);
  const double width = kLabelWidth + plot_w + 20;
  const double views_h =
      (plot_h + kAxisHeight) * (chart.detail_x ? 2 : 1) + (chart.detail_x ? kGap : 0);
  const double height = kTop + views_h + legend_h + note_h;
  std::string out;
  open_svg(out, width, height);
  text(out, width / 2, 20, "middle", xml_escape(chart.title),
       " font-size=\"14\" font-weight=\"bold\"");
  double below = draw_interval_rows(out, chart, chart.x, kLabelWidth, kTop, plot_w);
  if (chart.detail_x)
    below = draw_interval_rows(out, chart, *chart.detail_x, kLabelWidth, below + kGap, plot_w);
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double x = 10 + (width - 20) / 3 * double(c % 3);
    const double y = below + 20 * double(c / 3) + 8;
    fmt::format_to(std::back_inserter(out),
                   "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/>\n", px(x),
                   px(y - 9), chart.categories[c].color);
    text(out, x + 20, y, "start", xml_escape(chart.categories[c].name));
  }
  draw_note(out, note, height - note_h);
  out += "</svg>\n";
  return out;
}

}  // namespace gelucheck::svg
