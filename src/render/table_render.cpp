#include "render/table_render.hpp"

#include <fmt/format.h>       // fmt::format
#include <nlohmann/json.hpp>  // nlohmann::ordered_json

#include "io/csv_writer.hpp"
#include "render/text.hpp"

namespace gelucheck {

bool parse_output_kind(std::string_view name, OutputKind& out) {
  if (name == "md" || name == "markdown")
    out = OutputKind::markdown;
  else if (name == "csv")
    out = OutputKind::csv;
  else if (name == "json")
    out = OutputKind::json;
  else
    return false;
  return true;
}

std::string value_with_bits(const Format& f, uint32_t bits) {
  return fmt::format("{} ({})", to_shortest_decimal(f, bits), to_hex_bits(f, bits));
}

bool shows_convention(const std::vector<TableRow>& rows) {
  for (const TableRow& r : rows)
    if (shows_convention(*r.format) || r.stats.convention) return true;
  return false;
}

std::string ulp_error_text(const Format& f, double v) {
  return known_digits(v, ulp_error_bound(f), 4);
}
std::string ulp_error_csv(const Format& f, double v) {
  return known_digits(v, ulp_error_bound(f), kMachineDigits);
}
double ulp_error_value(const Format& f, double v) {
  return known_value(v, ulp_error_bound(f), kMachineDigits);
}

std::string exact_text(const Format& f, double exact, int ulp_log2) {
  if (exact == 0 || !std::isfinite(exact)) return fmt::format("{}", exact);
  return known_digits(exact, std::ldexp(ulp_error_bound(f), ulp_log2), kMachineDigits);
}

double exact_value(const Format& f, double exact, int ulp_log2) {
  if (exact == 0 || !std::isfinite(exact)) return exact;
  return known_value(exact, std::ldexp(ulp_error_bound(f), ulp_log2), kMachineDigits);
}

namespace {

// The implementation's name, with its subnormal mode when it is not IEEE.
std::string implementation_cell(const TableRow& r) {
  if (r.subnormals == SubnormalMode::ieee) return r.implementation->name;
  return fmt::format("{} ({})", r.implementation->name, subnormal_mode_name(r.subnormals));
}

// The assert_close share, with the tolerance when it is not PyTorch's default for the format.
std::string assert_close_cell(const TableRow& r) {
  const std::string share = percent_cell(r.stats.share(r.stats.assert_close));
  const Tolerance t = r.tolerance_or_default();
  if (t == torch_default_tolerance(*r.format)) return share;
  return fmt::format("{} (rtol {}, atol {})", share, t.rtol, t.atol);
}

std::string markdown(const std::vector<TableRow>& rows, TableColumns columns) {
  const bool grading = columns == TableColumns::grading;
  const bool saturated = shows_convention(rows);
  std::string out =
      grading ? "| function | format | implementation | points | max abs ULP | at x | mean abs ULP "
                "| RMS ULP | max distance | mean distance | max bits | mean bits "
                "| correctly rounded | faithful | assert_close | non-finite | NaN | zero sign "
                "| flushed |\n"
                "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
                "---:|---:|\n"
              : "| function | format | implementation | points | max abs ULP | at x | mean abs ULP "
                "| RMS ULP | correctly rounded | faithful | non-finite | NaN | zero sign |\n"
                "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
  if (saturated) {  // the column every row below ends with
    out.insert(out.find('\n'), " saturated |");
    out.insert(out.size() - 1, "---:|");
  }
  for (const TableRow& r : rows) {
    const ErrorStats& s = r.stats;
    const Format& f = *r.format;
    const double h = ulp_error_bound(f);
    const bool seen = s.max_abs_ulp.seen();
    out +=
        fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} ", name_of(r.function), f.name,
                    implementation_cell(r), s.points, seen ? ulp_text(s.max_abs_ulp.value, h) : "-",
                    seen ? value_with_bits(f.in(), s.max_abs_ulp.x) : "-",
                    ulp_text(s.mean_abs_ulp(), h), ulp_text(s.rms_ulp(), h));
    if (grading)
      out += fmt::format("| {} | {} | {} | {} ",
                         seen ? fmt::format("{}", uint64_t(s.max_distance.value)) : "-",
                         ulp_text(s.mean_distance()), seen ? ulp_text(s.max_bits()) : "-",
                         ulp_text(s.mean_bits()));
    out += fmt::format("| {} | {} ", percent_cell(s.share(s.correctly_rounded)),
                       percent_cell(s.share(s.faithful)));
    if (grading) out += fmt::format("| {} ", assert_close_cell(r));
    out += fmt::format("| {} | {} | {} |", s.nonfinite, s.nan, s.zero_sign);
    if (grading) out += fmt::format(" {} |", s.flushed);
    out += saturated ? fmt::format(" {} |\n", s.convention) : "\n";
  }
  return out;
}

// Bits of error are sums of logarithms, each rounded once: 12 significant digits are certain.
double bits_value(double v) { return known_value(v, v * 0x1p-40, 12, true); }

std::string csv(const std::vector<TableRow>& rows, TableColumns columns) {
  const bool grading = columns == TableColumns::grading;
  const bool saturated = shows_convention(rows);
  std::string out =
      "function,format,implementation,points,max_abs_ulp,max_abs_ulp_x,max_abs_ulp_x_bits,"
      "mean_abs_ulp,rms_ulp,correctly_rounded,faithful,nonfinite,nan,zero_sign";
  out += grading ? ",max_distance,mean_distance,max_bits,mean_bits,assert_close,"
                   "assert_close_unfaithful,assert_close_faithful_fail,rtol,atol,subnormals,"
                   "flushed"
                 : "";
  out += saturated ? ",saturated\n" : "\n";
  for (const TableRow& r : rows) {
    const ErrorStats& s = r.stats;
    const Format& f = *r.format;
    const double h = ulp_error_bound(f);
    const bool seen = s.max_abs_ulp.seen();
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}", name_of(r.function), f.name,
                       csv_field(r.implementation->name), s.points,
                       seen ? known_digits(s.max_abs_ulp.value, h, kMachineDigits, true) : "0",
                       seen ? to_shortest_decimal(f.in(), s.max_abs_ulp.x) : "",
                       seen ? to_hex_bits(f.in(), s.max_abs_ulp.x) : "",
                       known_digits(s.mean_abs_ulp(), h, kMachineDigits, true),
                       known_digits(s.rms_ulp(), h, kMachineDigits, true), s.correctly_rounded,
                       s.faithful, s.nonfinite, s.nan, s.zero_sign);
    if (grading) {
      const Tolerance t = r.tolerance_or_default();
      out += fmt::format(",{},{},{},{},{},{},{},{},{},{},{}",
                         seen ? uint64_t(s.max_distance.value) : 0, s.mean_distance(),
                         bits_value(s.max_bits()), bits_value(s.mean_bits()), s.assert_close,
                         s.assert_close_unfaithful, s.assert_close_faithful_fail, t.rtol, t.atol,
                         subnormal_mode_name(r.subnormals), s.flushed);
    }
    out += saturated ? fmt::format(",{}\n", s.convention) : "\n";
  }
  return out;
}

// An extreme whose value is known to within +-h (0: exactly).
nlohmann::ordered_json extreme_json(const Format& f, const Extreme& e, double h = 0) {
  if (!e.seen()) return nullptr;
  return {{"value", h > 0 ? known_value(e.value, h, kMachineDigits, true) : e.value},
          {"x", to_shortest_decimal(f, e.x)},
          {"x_bits", to_hex_bits(f, e.x)}};
}

// A point of an assert_close disagreement: input, result, expected (correctly rounded) and
// exact values, ULP error, distance and the tolerance ratio.
nlohmann::ordered_json example_json(const Format& f, const PointExample& e) {
  const double h = ulp_error_bound(f);
  return {{"x", to_shortest_decimal(f.in(), e.x)},
          {"x_bits", to_hex_bits(f.in(), e.x)},
          {"value", to_shortest_decimal(f, e.y)},
          {"value_bits", to_hex_bits(f, e.y)},
          {"expected", to_shortest_decimal(f, e.correctly_rounded)},
          {"expected_bits", to_hex_bits(f, e.correctly_rounded)},
          {"exact", exact_value(f, e.exact, e.ulp_log2)},
          {"ulp_error", known_value(e.ulp_error, h, kMachineDigits)},
          {"distance", std::abs(value_ordinal(f, e.y) - value_ordinal(f, e.correctly_rounded))},
          {"tolerance_ratio", known_value(e.tolerance_ratio, 0, 6)}};
}

nlohmann::ordered_json examples_json(const Format& f, const TopPoints& t) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const PointExample& e : t.items) out.push_back(example_json(f, e));
  return out;
}

nlohmann::ordered_json assert_close_json(const TableRow& r) {
  const ErrorStats& s = r.stats;
  const Tolerance t = r.tolerance_or_default();
  return {{"rtol", t.rtol},
          {"atol", t.atol},
          {"passed", s.assert_close},
          {"share", s.share(s.assert_close)},
          {"passes_while_unfaithful", s.assert_close_unfaithful},
          {"fails_while_faithful", s.assert_close_faithful_fail},
          {"worst_passing_unfaithful", examples_json(*r.format, s.passes_unfaithful)},
          {"worst_failing_faithful", examples_json(*r.format, s.fails_faithful)}};
}

nlohmann::ordered_json histogram_json(const UlpHistogram& h) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (int b = 0; b < UlpHistogram::kBins; ++b) {
    if (!h.counts[size_t(b)]) continue;
    out.push_back({{"abs_ulp_from", UlpHistogram::lower_edge(b)},
                   {"abs_ulp_below", UlpHistogram::upper_edge(b)},
                   {"count", h.counts[size_t(b)]}});
  }
  return out;
}

double binade_mean(const BinadeStats& b) {
  return b.finite ? b.sum_abs_ulp.value() / double(b.finite) : 0.0;
}

nlohmann::ordered_json binades_json(const Format& f, const ErrorStats& s) {
  const double h = ulp_error_bound(f);
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [key, b] : s.binades) {
    out.push_back({{"inputs", binade_range(f, key)},  // f is the input format
                   {"points", b.points},
                   {"correctly_rounded", b.correctly_rounded},
                   {"max_abs_ulp", extreme_json(f.in(), b.max_abs_ulp, h)},
                   {"mean_abs_ulp", known_value(binade_mean(b), h, kMachineDigits, true)}});
  }
  return out;
}

std::string markdown_breakdown(const std::vector<TableRow>& rows) {
  std::string out;
  for (const TableRow& r : rows) {
    const Format& f = r.format->in();  // the inputs' binades
    out += fmt::format("\n### {} / {} / {}: by input binade\n\n", name_of(r.function),
                       r.format->name, r.implementation->name);
    out +=
        "| inputs | points | correctly rounded | max abs ULP | at x | mean abs ULP |\n"
        "|---|---:|---:|---:|---|---:|\n";
    const double h = ulp_error_bound(f);
    for (const auto& [key, b] : r.stats.binades) {
      out +=
          fmt::format("| {} | {} | {} | {} | {} | {} |\n", binade_range(f, key), b.points,
                      percent_cell(b.points ? double(b.correctly_rounded) / double(b.points) : 0),
                      b.max_abs_ulp.seen() ? ulp_text(b.max_abs_ulp.value, h) : "-",
                      b.max_abs_ulp.seen() ? value_with_bits(f, b.max_abs_ulp.x) : "-",
                      ulp_text(binade_mean(b), h));
    }
    out += "\n| abs ULP error in | points |\n|---|---:|\n";
    for (int b = 0; b < UlpHistogram::kBins; ++b) {
      const uint64_t n = r.stats.histogram.counts[size_t(b)];
      if (!n) continue;
      if (b == 0)
        out += fmt::format("| 0 (exact to 2^-{}) | {} |\n", ulp_resolution_bits(f) + 1, n);
      else
        out += fmt::format("| [{}, {}) | {} |\n", ulp_text(UlpHistogram::lower_edge(b)),
                           ulp_text(UlpHistogram::upper_edge(b)), n);
    }
  }
  return out;
}

std::string json(const std::vector<TableRow>& rows) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  const bool saturated = shows_convention(rows);
  for (const TableRow& r : rows) {
    const ErrorStats& s = r.stats;
    const Format& f = *r.format;
    const Format& in = f.in();  // every x is an input
    const double h = ulp_error_bound(f);
    out.push_back({{"function", name_of(r.function)},
                   {"format", r.format->name},
                   {"implementation", r.implementation->name},
                   {"subnormals", subnormal_mode_name(r.subnormals)},
                   {"domain", r.domain},
                   {"points", s.points},
                   {"finite", s.finite},
                   {"ulp_error_bound", h},
                   {"max_abs_ulp", extreme_json(in, s.max_abs_ulp, h)},
                   {"max_positive_ulp", extreme_json(in, s.max_ulp, h)},
                   {"max_negative_ulp", extreme_json(in, s.max_neg_ulp, h)},
                   {"max_abs_error", extreme_json(in, s.max_abs_error)},
                   {"max_rel_error", extreme_json(in, s.max_rel_error)},
                   {"mean_abs_ulp", known_value(s.mean_abs_ulp(), h, kMachineDigits, true)},
                   {"rms_ulp", known_value(s.rms_ulp(), h, kMachineDigits, true)},
                   {"max_distance", extreme_json(in, s.max_distance)},
                   {"mean_distance", s.mean_distance()},
                   {"max_bits", bits_value(s.max_bits())},
                   {"mean_bits", bits_value(s.mean_bits())},
                   {"correctly_rounded", s.correctly_rounded},
                   {"faithful", s.faithful},
                   {"nonfinite", s.nonfinite},
                   {"nan", s.nan},
                   {"zero_sign", s.zero_sign},
                   {"flushed", s.flushed},
                   {"assert_close", assert_close_json(r)},
                   {"histogram", histogram_json(s.histogram)},
                   {"binades", binades_json(f, s)}});
    if (saturated) out.back()["saturated"] = s.convention;
  }
  return out.dump(2) + "\n";
}

}  // namespace

std::string render_table(const std::vector<TableRow>& rows, OutputKind kind, bool breakdown,
                         TableColumns columns) {
  switch (kind) {
    case OutputKind::markdown:
      return markdown(rows, columns) + (breakdown ? markdown_breakdown(rows) : "");
    case OutputKind::csv:
      return csv(rows, columns);
    case OutputKind::json:
      return json(rows);
  }
  return {};
}

}  // namespace gelucheck
