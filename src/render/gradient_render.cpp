#include "render/gradient_render.hpp"

#include <cmath>

#include <fmt/format.h>       // fmt::format
#include <nlohmann/json.hpp>  // nlohmann::ordered_json

#include "functions/function.hpp"
#include "io/csv_writer.hpp"
#include "reference/reference.hpp"
#include "render/text.hpp"

namespace gelucheck {
namespace {

using Json = nlohmann::ordered_json;

std::string num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  return fmt::format("{:.4g}", v);
}

std::string value_text(const Format& f, uint32_t bits) { return value_with_bits(f, bits); }

// Inputs are values of f.in() (a graded pair's input format), results of f.
std::string extreme_at(const Format& f, const Extreme& e) {
  return e.seen() ? value_text(f.in(), e.x) : "-";
}

// An extreme whose value is known to within +-h (0: exactly).
Json extreme_json(const Format& f, const Extreme& e, double h = 0) {
  if (!e.seen()) return nullptr;
  return {{"value", h > 0 ? known_value(e.value, h, kMachineDigits, true) : e.value},
          {"x", to_shortest_decimal(f.in(), e.x)},
          {"x_bits", to_hex_bits(f.in(), e.x)}};
}

Json intervals_json(const Format& graded, const std::vector<InputInterval>& v) {
  const Format& f = graded.in();
  Json a = Json::array();
  for (const InputInterval& i : v)
    a.push_back({{"first", to_shortest_decimal(f, i.first)},
                 {"first_bits", to_hex_bits(f, i.first)},
                 {"last", to_shortest_decimal(f, i.last)},
                 {"last_bits", to_hex_bits(f, i.last)}});
  return a;
}

// ---- landscape ------------------------------------------------------------------------------

std::string extreme_text(const Landscape& l, const LandscapeExtreme& e) {
  const Format& f = *l.format;
  std::string s =
      fmt::format("{} for {}", value_text(f, e.value), intervals_text(f, l.range, e.attained));
  if (e.critical_x)
    s += fmt::format("; exact {:.12g} at x = {:.17g}",
                     derivative_value(l.derivative, *e.critical_x), *e.critical_x);
  return s;
}

std::string zeros_text(const Landscape& l) {
  const Format& f = *l.format;
  if (l.zeros.empty()) return "none";
  std::string s;
  for (const ZeroCrossing& z : l.zeros) {
    if (!s.empty()) s += "; ";
    const uint32_t vb = reference(l.derivative, f, z.below).correctly_rounded;
    const uint32_t va = reference(l.derivative, f, z.above).correctly_rounded;
    s += fmt::format("exact {:.17g}; f' = {} at x = {}, f' = {} at x = {}", z.exact_x,
                     to_shortest_decimal(f, vb), value_text(f.in(), z.below),
                     to_shortest_decimal(f, va), value_text(f.in(), z.above));
  }
  return s;
}

std::string landscape_markdown(const GradientReport& r) {
  if (r.landscapes.empty()) return "";
  std::string out =
      "## Landscape of the exact derivative, rounded to the format\n\n"
      "Exact over every value of the format in the range (found by bisection on the monotone "
      "pieces of f'; intervals are inputs of the format, ends included).\n\n";
  for (const Landscape& l : r.landscapes) {
    const Format& f = *l.format;
    out += fmt::format("### {} in {}\n\n", name_of(l.derivative), f.name);
    if (f.is_pair())
      out += fmt::format(
          "Inputs: every {} value in the range; f' stands for {}f'(x) rounded once "
          "to {}.\n\n",
          f.in().name, f.scale == 1 ? "" : fmt::format("{} ", f.scale), f.out().name);
    out += fmt::format("- maximum: {}\n", extreme_text(l, l.max));
    out += fmt::format("- minimum: {}\n", extreme_text(l, l.min));
    out += fmt::format("- zero crossing: {}\n", zeros_text(l));
    out += fmt::format("- negative (f' < 0): {}\n", intervals_text(f, l.range, l.negative));
    for (const ThresholdRegion& t : l.below)
      out += fmt::format("- |f'| < {}: {}\n", t.label, intervals_text(f, l.range, t.inputs));
    out += fmt::format("- rounds to 0: {}\n", intervals_text(f, l.range, l.underflow));
    if (shows_convention(f))
      out += fmt::format(
          "- overflows (NaN or inf by the reference's convention, +-max saturated): "
          "{}\n",
          intervals_text(f, l.range, l.overflow));
    out += "\n";
  }
  return out;
}

void landscape_csv_rows(std::string& out, const Landscape& l, std::string_view feature,
                        const std::string& value, const std::vector<InputInterval>& v,
                        const std::string& exact_x = "") {
  const Format& f = *l.format;
  const Format& in = f.in();
  for (const InputInterval& i : v)
    out += fmt::format("{},{},{},{},{},{},{},{},{}\n", name_of(l.derivative), f.name, feature,
                       value, to_shortest_decimal(in, i.first), to_hex_bits(in, i.first),
                       to_shortest_decimal(in, i.last), to_hex_bits(in, i.last), exact_x);
}

std::string landscape_csv(const GradientReport& r) {
  std::string out = gradient_csv_header(GradientSection::landscape);
  for (const Landscape& l : r.landscapes) {
    const Format& f = *l.format;
    auto crit = [](const LandscapeExtreme& e) {
      return e.critical_x ? fmt::format("{:.17g}", *e.critical_x) : std::string();
    };
    landscape_csv_rows(out, l, "max", to_shortest_decimal(f, l.max.value), l.max.attained,
                       crit(l.max));
    landscape_csv_rows(out, l, "min", to_shortest_decimal(f, l.min.value), l.min.attained,
                       crit(l.min));
    for (const ZeroCrossing& z : l.zeros)
      landscape_csv_rows(out, l, "zero_crossing", "0", {{z.below, z.above}},
                         fmt::format("{:.17g}", z.exact_x));
    landscape_csv_rows(out, l, "negative", "0", l.negative);
    for (const ThresholdRegion& t : l.below)
      landscape_csv_rows(out, l, "below", fmt::format("{}", t.threshold), t.inputs);
    landscape_csv_rows(out, l, "rounds_to_zero", "0", l.underflow);
    if (shows_convention(f)) landscape_csv_rows(out, l, "overflows", "inf", l.overflow);
  }
  return out;
}

Json landscape_json(const Landscape& l) {
  const Format& f = *l.format;
  auto ext = [&](const LandscapeExtreme& e) {
    Json j = {{"value", to_shortest_decimal(f, e.value)},
              {"value_bits", to_hex_bits(f, e.value)},
              {"attained", intervals_json(f, e.attained)}};
    j["critical_x"] = e.critical_x ? Json(*e.critical_x) : Json(nullptr);
    j["exact_extreme"] =
        e.critical_x ? Json(derivative_value(l.derivative, *e.critical_x)) : Json(nullptr);
    return j;
  };
  Json zeros = Json::array();
  for (const ZeroCrossing& z : l.zeros)
    zeros.push_back({{"exact_x", z.exact_x},
                     {"below", to_shortest_decimal(f.in(), z.below)},
                     {"below_bits", to_hex_bits(f.in(), z.below)},
                     {"above", to_shortest_decimal(f.in(), z.above)},
                     {"above_bits", to_hex_bits(f.in(), z.above)}});
  Json below = Json::array();
  for (const ThresholdRegion& t : l.below)
    below.push_back(
        {{"threshold", t.threshold}, {"label", t.label}, {"inputs", intervals_json(f, t.inputs)}});
  Json j = {{"function", name_of(l.derivative)},
            {"format", f.name},
            {"max", ext(l.max)},
            {"min", ext(l.min)},
            {"zero_crossings", zeros},
            {"negative", intervals_json(f, l.negative)},
            {"below", below},
            {"rounds_to_zero", intervals_json(f, l.underflow)}};
  if (shows_convention(f)) j["overflows"] = intervals_json(f, l.overflow);
  return j;
}

// ---- accuracy -------------------------------------------------------------------------------

// The `saturated` column (results that differ from the reference by the overflow convention
// only, metrics.hpp remark 7) where a row can have them, as in `table`.
bool shows_convention(const std::vector<BackwardAccuracy>& rows) {
  for (const BackwardAccuracy& a : rows)
    if (shows_convention(*a.format) || a.stats.convention) return true;
  return false;
}

std::string accuracy_markdown_table(const std::vector<BackwardAccuracy>& rows) {
  const bool saturated = shows_convention(rows);
  std::string out = fmt::format(
      "| derivative | format | implementation | points | max abs ULP | at x | mean abs ULP | "
      "max abs error | at x | above envelope | worst error / envelope | at x (kappa) | "
      "non-finite | NaN |{}\n"
      "|---|---|---|---:|---:|---|---:|---:|---|---:|---:|---|---:|---:|{}\n",
      saturated ? " saturated |" : "", saturated ? "---:|" : "");
  for (const BackwardAccuracy& a : rows) {
    const Format& f = *a.format;
    const ErrorStats& s = a.stats;
    const EnvelopeStats& e = a.envelope;
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        name_of(a.derivative), f.name, a.implementation->name, s.points,
        s.max_abs_ulp.seen() ? ulp_error_text(f, s.max_abs_ulp.value) : "-",
        extreme_at(f, s.max_abs_ulp), ulp_error_text(f, s.mean_abs_ulp()),
        s.max_abs_error.seen() ? num(s.max_abs_error.value) : "-", extreme_at(f, s.max_abs_error),
        e.above, e.worst_ratio.seen() ? num(e.worst_ratio.value) : "-",
        e.worst_ratio.seen()
            ? fmt::format("{} ({})", value_text(f.in(), e.worst_ratio.x), num(e.kappa_at_worst))
            : "-",
        s.nonfinite, s.nan);
    if (saturated) out.insert(out.size() - 1, fmt::format(" {} |", s.convention));
  }
  return out;
}

// The header of the accuracy and comparison CSV, with `saturated` where the rows have it.
std::string accuracy_csv(GradientSection section, const std::vector<BackwardAccuracy>& rows) {
  const bool saturated = shows_convention(rows);
  std::string out = gradient_csv_header(section);
  if (saturated) out.insert(out.size() - 1, ",saturated");
  for (const BackwardAccuracy& a : rows) {
    const Format& f = *a.format;
    const ErrorStats& s = a.stats;
    const EnvelopeStats& e = a.envelope;
    auto at = [&](const Extreme& x) {
      return x.seen()
                 ? fmt::format("{},{}", to_shortest_decimal(f.in(), x.x), to_hex_bits(f.in(), x.x))
                 : std::string(",");
    };
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                       name_of(a.derivative), f.name, csv_field(a.implementation->name), s.points,
                       ulp_error_csv(f, s.max_abs_ulp.seen() ? s.max_abs_ulp.value : 0.0),
                       at(s.max_abs_ulp), ulp_error_csv(f, s.mean_abs_ulp()),
                       ulp_error_csv(f, s.rms_ulp()), s.correctly_rounded, s.faithful,
                       s.max_abs_error.seen() ? s.max_abs_error.value : 0.0, at(s.max_abs_error),
                       e.above, e.worst_ratio.seen() ? e.worst_ratio.value : 0.0, at(e.worst_ratio),
                       e.kappa_at_worst, s.nonfinite, s.nan, s.zero_sign);
    if (saturated) out.insert(out.size() - 1, fmt::format(",{}", s.convention));
  }
  return out;
}

Json accuracy_json(const BackwardAccuracy& a, bool saturated) {
  const Format& f = *a.format;
  const ErrorStats& s = a.stats;
  Json j = {{"function", name_of(a.derivative)},
            {"format", f.name},
            {"implementation", a.implementation->name},
            {"domain", a.domain},
            {"points", s.points},
            {"finite", s.finite},
            {"max_abs_ulp", extreme_json(f, s.max_abs_ulp, ulp_error_bound(f))},
            {"mean_abs_ulp", ulp_error_value(f, s.mean_abs_ulp())},
            {"rms_ulp", ulp_error_value(f, s.rms_ulp())},
            {"correctly_rounded", s.correctly_rounded},
            {"faithful", s.faithful},
            {"max_abs_error", extreme_json(f, s.max_abs_error)},
            {"above_envelope", a.envelope.above},
            {"worst_envelope_ratio", extreme_json(f, a.envelope.worst_ratio)},
            {"kappa_at_worst", a.envelope.kappa_at_worst},
            {"nonfinite", s.nonfinite},
            {"nan", s.nan},
            {"zero_sign", s.zero_sign}};
  if (saturated) j["saturated"] = s.convention;
  return j;
}

// ---- flow -----------------------------------------------------------------------------------

std::string flow_markdown(const GradientReport& r) {
  if (r.flow.empty()) return "";
  std::string out =
      "## Gradient flow: E[g(z)^2] for z ~ N(0, sigma^2)\n\n"
      "exact: MPFR quadrature. 16-bit formats: exact sum over the format's values of P(z rounds "
      "to v) g(v)^2. fp32: trapezoid rule on 2^17 + 1 points in [-12 sigma, 12 sigma] (about "
      "1e-9 relative); zero mass exact by bisection.\n\n";
  for (const FlowRow& row : r.flow) {
    if (!row.format || !row.format->is_pair()) continue;
    out +=
        "Graded pairs IN:OUT*S: z is stored in IN, g is the backward's OUT value divided by S "
        "(the gradient an FP8 recipe reads back), so P(g = 0) counts what flushes in OUT.\n\n";
    break;
  }
  out +=
      "| derivative | sigma | format | implementation | E[g^2] | relative to exact | P(g = 0) | "
      "P(g non-finite) |\n|---|---:|---|---|---:|---:|---:|---:|\n";
  for (const FlowRow& row : r.flow) {
    const bool exact = row.format == nullptr;
    out += fmt::format("| {} | {} | {} | {} | {:.10g} | {} | {} | {} |\n", name_of(row.derivative),
                       row.sigma, exact ? "exact" : row.format->name,
                       exact ? "-" : row.implementation->name, row.result.mean_square,
                       exact ? "-" : fmt::format("{:+.3e}", row.result.mean_square / row.exact - 1),
                       num(row.result.zero_mass), num(row.result.nonfinite_mass));
  }
  return out + "\n";
}

std::string flow_csv(const GradientReport& r) {
  std::string out = gradient_csv_header(GradientSection::flow);
  for (const FlowRow& row : r.flow) {
    const bool exact = row.format == nullptr;
    out += fmt::format("{},{},{},{},{},{},{},{}\n", name_of(row.derivative), row.sigma,
                       exact ? "exact" : row.format->name,
                       exact ? "" : csv_field(row.implementation->name), row.result.mean_square,
                       row.exact, row.result.zero_mass, row.result.nonfinite_mass);
  }
  return out;
}

// ---- histogram ------------------------------------------------------------------------------

std::string histogram_csv(const GradientReport& r) {
  std::string out = gradient_csv_header(GradientSection::histogram);
  for (const Log2Histogram& h : r.histograms) {
    size_t lo = h.positive.size(), hi = 0;
    for (size_t b = 0; b < h.positive.size(); ++b)
      if (h.positive[b] || h.negative[b]) lo = std::min(lo, b), hi = b;
    out += fmt::format("{},{},-inf,0,0,{},{}\n", name_of(h.derivative), h.format->name, h.zeros,
                       h.points);
    for (size_t b = lo; b <= hi && lo < h.positive.size(); ++b)
      out += fmt::format("{},{},{},{},{},0,{}\n", name_of(h.derivative), h.format->name,
                         h.lowest_bin + int(b), h.negative[b], h.positive[b], h.points);
  }
  return out;
}

Json histogram_json(const Log2Histogram& h) {
  Json bins = Json::array();
  for (size_t b = 0; b < h.positive.size(); ++b)
    if (h.positive[b] || h.negative[b])
      bins.push_back({{"log2", h.lowest_bin + int(b)},
                      {"negative", h.negative[b]},
                      {"positive", h.positive[b]}});
  return {{"function", name_of(h.derivative)},
          {"format", h.format->name},
          {"domain", h.domain},
          {"points", h.points},
          {"zeros", h.zeros},
          {"nonfinite", h.nonfinite},
          {"bins", bins}};
}

std::string histogram_markdown(const GradientReport& r) {
  if (r.histograms.empty()) return "";
  std::string out =
      "## Histogram of log2 |f'(x)|\n\nShare of the inputs (the domain above: for the default "
      "domains uniform over the format's values, so inputs near 0 weigh heavily) by the size of "
      "the correctly rounded derivative; one row per binade with `--section histogram --output "
      "csv`.\n\n"
      "| derivative | format | f' = 0 | (0, 2^-20) | [2^-20, 2^-10) | [2^-10, 2^-4) | "
      "[2^-4, 2^0) | [2^0, 2^1) | negative |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Log2Histogram& h : r.histograms) {
    double band[5] = {0, 0, 0, 0, 0};
    uint64_t negative = 0;
    for (size_t b = 0; b < h.positive.size(); ++b) {
      const int e = h.lowest_bin + int(b);
      const uint64_t c = h.positive[b] + h.negative[b];
      negative += h.negative[b];
      band[e < -20 ? 0 : e < -10 ? 1 : e < -4 ? 2 : e < 0 ? 3 : 4] += double(c);
    }
    auto share = [&](double c) { return fmt::format("{:.2f}%", 100 * c / double(h.points)); };
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", name_of(h.derivative),
                       h.format->name, share(double(h.zeros)), share(band[0]), share(band[1]),
                       share(band[2]), share(band[3]), share(band[4]), share(double(negative)));
  }
  return out + "\n";
}

}  // namespace

std::string intervals_text(const Format& graded, OrdinalRange range,
                           const std::vector<InputInterval>& intervals) {
  if (intervals.empty()) return "none";
  const Format& f = graded.in();
  std::string out;
  for (const InputInterval& i : intervals) {
    if (!out.empty()) out += ", ";
    const bool from_start = ordinal(f, i.first) == range.first;
    const bool to_end = ordinal(f, i.last) == range.last;
    if (from_start && to_end)
      out += "every input";
    else if (from_start)
      out += fmt::format("x <= {}", to_shortest_decimal(f, i.last));
    else if (to_end)
      out += fmt::format("x >= {}", to_shortest_decimal(f, i.first));
    else if (i.first == i.last)
      out += fmt::format("x = {}", to_shortest_decimal(f, i.first));
    else
      out +=
          fmt::format("[{}, {}]", to_shortest_decimal(f, i.first), to_shortest_decimal(f, i.last));
  }
  return out;
}

std::string gradient_csv_header(GradientSection section) {
  switch (section) {
    case GradientSection::landscape:
      return "function,format,feature,value,first,first_bits,last,last_bits,exact_x\n";
    case GradientSection::accuracy:
    case GradientSection::comparison:
      return "function,format,implementation,points,max_abs_ulp,max_abs_ulp_x,max_abs_ulp_x_bits,"
             "mean_abs_ulp,rms_ulp,correctly_rounded,faithful,max_abs_error,max_abs_error_x,"
             "max_abs_error_x_bits,above_envelope,worst_envelope_ratio,worst_envelope_x,"
             "worst_envelope_x_bits,kappa_at_worst,nonfinite,nan,zero_sign\n";
    case GradientSection::flow:
      return "function,sigma,format,implementation,mean_square,exact_mean_square,zero_mass,"
             "nonfinite_mass\n";
    case GradientSection::histogram:
      // One row per binade [2^log2_lower, 2^(log2_lower+1)) of |f'|, and a row log2_lower = -inf
      // counting f' = 0 (column zero).
      return "function,format,log2_lower,negative,positive,zero,points\n";
  }
  return "";
}

std::string render_gradient_report(const GradientReport& r, OutputKind kind) {
  if (kind == OutputKind::csv) {
    switch (r.sections.at(0)) {
      case GradientSection::landscape:
        return landscape_csv(r);
      case GradientSection::accuracy:
        return accuracy_csv(GradientSection::accuracy, r.accuracy);
      case GradientSection::comparison:
        return accuracy_csv(GradientSection::comparison, r.comparison);
      case GradientSection::flow:
        return flow_csv(r);
      case GradientSection::histogram:
        return histogram_csv(r);
    }
  }
  if (kind == OutputKind::json) {
    Json out = Json::object();
    Json domains = Json::object();
    for (size_t i = 0; i < r.formats.size(); ++i)
      domains[std::string(r.formats[i]->name)] = r.domains[i];
    out["domains"] = domains;
    for (GradientSection s : r.sections) {
      Json a = Json::array();
      switch (s) {
        case GradientSection::landscape:
          for (const auto& l : r.landscapes) a.push_back(landscape_json(l));
          break;
        case GradientSection::accuracy:
          for (const auto& x : r.accuracy)
            a.push_back(accuracy_json(x, shows_convention(r.accuracy)));
          break;
        case GradientSection::comparison:
          for (const auto& x : r.comparison)
            a.push_back(accuracy_json(x, shows_convention(r.comparison)));
          break;
        case GradientSection::flow:
          for (const FlowRow& row : r.flow)
            a.push_back({{"function", name_of(row.derivative)},
                         {"sigma", row.sigma},
                         {"format", row.format ? Json(row.format->name) : Json("exact")},
                         {"implementation",
                          row.implementation ? Json(row.implementation->name) : Json(nullptr)},
                         {"mean_square", row.result.mean_square},
                         {"exact_mean_square", row.exact},
                         {"zero_mass", row.result.zero_mass},
                         {"nonfinite_mass", row.result.nonfinite_mass}});
          break;
        case GradientSection::histogram:
          for (const auto& h : r.histograms) a.push_back(histogram_json(h));
          break;
      }
      out[section_name(s)] = a;
    }
    return out.dump(2) + "\n";
  }
  std::string out = "# Gradient report\n\nInputs (accuracy, comparison, histogram):\n";
  for (size_t i = 0; i < r.formats.size(); ++i)
    out += fmt::format("- {}: {}\n", r.formats[i]->name, r.domains[i]);
  out += "\n";
  for (GradientSection s : r.sections) {
    switch (s) {
      case GradientSection::landscape:
        out += landscape_markdown(r);
        break;
      case GradientSection::accuracy:
        if (r.accuracy.empty()) break;
        out +=
            "## Accuracy of each backward\n\nULP error against the exact derivative rounded "
            "once; the envelope max(1/2, kappa/2) ULP, kappa = |x f''(x)/f'(x)| (kappa/2 capped by "
            "the "
            "change of f' over x(1 +- 2^-p) where kappa 2^-p is not small), is the error "
            "the input's own rounding explains: points above it are the implementation's.\n\n" +
            accuracy_markdown_table(r.accuracy) + "\n";
        break;
      case GradientSection::comparison:
        if (r.comparison.empty()) break;
        out +=
            "## Tanh form vs exact derivative\n\nThe tanh-form derivative rounded once, graded "
            "as the exact (erf) derivative: the gap no tanh-form backward can close.\n\n" +
            accuracy_markdown_table(r.comparison) + "\n";
        break;
      case GradientSection::flow:
        out += flow_markdown(r);
        break;
      case GradientSection::histogram:
        out += histogram_markdown(r);
        break;
    }
  }
  return out;
}

// ---- gradcheck ------------------------------------------------------------------------------

namespace {

std::string check_label(const GradcheckResult& c) {
  if (c.against == GradcheckAgainst::exact) return "exact";
  return fmt::format("fd:{}", c.forward->name);
}

std::string verdict(const GradcheckResult& c) {
  if (c.checked == 0) return "NOT CHECKED";
  return c.passed() ? "pass" : "FAIL";
}

Json point_json(const Format& f, const GradcheckPoint& p, GradcheckAgainst against) {
  Json j = {{"x", to_shortest_decimal(f.in(), p.x)},
            {"x_bits", to_hex_bits(f.in(), p.x)},
            {"x_hex", fmt::format("{:a}", to_double(f.in(), p.x))},
            {"backward", to_shortest_decimal(f, p.backward)},
            {"backward_bits", to_hex_bits(f, p.backward)},
            {"expected", p.expected},
            {"abs_error", p.abs_error},
            {"ulp_error",
             against == GradcheckAgainst::exact ? ulp_error_value(f, p.ulp_error) : p.ulp_error},
            {"allowed", p.allowed},
            {"ratio", std::isinf(p.ratio) ? Json("inf") : Json(p.ratio)}};
  if (against == GradcheckAgainst::exact)
    j["kappa"] = p.kappa;
  else
    j["fd_error_bound"] = p.fd_error_bound;
  return j;
}

}  // namespace

std::string render_gradcheck(const std::vector<GradcheckResult>& results,
                             const GradcheckTolerance& tol, OutputKind kind) {
  size_t failed = 0;
  for (const auto& c : results) failed += !c.passed();
  if (kind == OutputKind::json) {
    Json out = {{"passed", failed == 0},
                {"tolerance",
                 {{"envelope_factor", tol.envelope_factor},
                  {"atol", tol.atol ? Json(*tol.atol) : Json("2^-p")},
                  {"fd_factor", tol.fd_factor},
                  {"forward_ulps", tol.forward_ulps}}}};
    Json checks = Json::array();
    for (const auto& c : results) {
      const Format& f = *c.format;
      Json worst = Json::array();
      for (const auto& p : c.worst) worst.push_back(point_json(f, p, c.against));
      checks.push_back({{"function", name_of(c.derivative)},
                        {"format", f.name},
                        {"backward", c.backward->name},
                        {"against", check_label(c)},
                        {"verdict", verdict(c)},
                        {"domain", c.domain},
                        {"points", c.points},
                        {"checked", c.checked},
                        {"unjudged", c.unjudged},
                        {"failures", c.failures},
                        {"nonfinite_failures", c.nonfinite_failures},
                        {"passed_by_atol_only", c.passed_by_atol_only},
                        {"resolved", c.resolved},
                        {"atol", tol.atol_for(f)},
                        {"worst", worst}});
    }
    out["checks"] = checks;
    return out.dump(2) + "\n";
  }
  std::string out = fmt::format("# gradcheck: {} ({} of {} checks failed)\n\n",
                                failed ? "FAIL" : "PASS", failed, results.size());
  out += fmt::format(
      "Exact: |error| <= {} x max(1/2, kappa/2) ULP or <= atol. Finite difference D of the "
      "forward: |B - D| <= {} x (R + T + N) + {} ulp(D) + atol, R = rounding bound for a "
      "forward within {} ULP, T = Richardson truncation estimate, N = noise estimate (4th "
      "difference of the forward). atol = {}.\n\n",
      tol.envelope_factor, tol.fd_factor, 0.5 * tol.envelope_factor, tol.forward_ulps,
      tol.atol ? fmt::format("{}", *tol.atol)
               : "2^-p of the format (fp32 2^-24, fp16 2^-11, bf16 2^-8; OUT's in a pair IN:OUT)");
  out +=
      "| derivative | format | backward | against | verdict | checked | failures | non-finite | "
      "worst error / allowed | at x | FD resolves f' at |\n"
      "|---|---|---|---|---|---:|---:|---:|---:|---|---:|\n";
  for (const auto& c : results) {
    const Format& f = *c.format;
    const bool any = !c.worst.empty();
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", name_of(c.derivative), f.name,
        c.backward->name, check_label(c), verdict(c), c.checked, c.failures, c.nonfinite_failures,
        any ? num(c.worst[0].ratio) : "-", any ? value_text(f.in(), c.worst[0].x) : "-",
        c.against == GradcheckAgainst::exact
            ? "-"
            : fmt::format("{:.1f}%",
                          c.checked ? 100.0 * double(c.resolved) / double(c.checked) : 0.0));
  }
  for (const auto& c : results) {
    if (c.passed() || c.worst.empty()) continue;
    const Format& f = *c.format;
    out +=
        fmt::format("\n## FAIL: {} in {}, {} against {}\n\n{} of {} inputs fail ({}). Worst:\n\n",
                    name_of(c.derivative), f.name, c.backward->name, check_label(c), c.failures,
                    c.checked, c.domain);
    const bool exact = c.against == GradcheckAgainst::exact;
    out += fmt::format(
        "| x | x (hex float) | backward | {} | error | ULP | allowed | error / allowed | {} |\n"
        "|---|---|---|---:|---:|---:|---:|---:|---:|{}\n",
        exact ? "exact f'" : "D", exact ? "kappa" : "R + T + N | forward ULP error at x",
        exact ? "" : "---:|");
    for (const auto& p : c.worst) {
      if (p.ratio <= 1) break;
      out += fmt::format(
          "| {} | {:a} | {} | {:.9g} | {:.3e} | {} | {:.3e} | {} | {} |\n", value_text(f.in(), p.x),
          to_double(f.in(), p.x), value_text(f, p.backward), p.expected, p.abs_error,
          exact ? ulp_error_text(f, p.ulp_error) : num(p.ulp_error), p.allowed, num(p.ratio),
          exact ? num(p.kappa)
                : num(p.fd_error_bound) + " | " + ulp_error_text(f, p.forward_ulp_error));
    }
    if (!exact)
      out +=
          "\nA large forward ULP error means the forward, not the backward, is off at x (or "
          "that it computes another function); check the backward alone with --forward "
          "correctly_rounded.\n";
  }
  return out;
}

}  // namespace gelucheck
