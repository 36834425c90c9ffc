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

namespace {

std::string markdown(const std::vector<TableRow>& rows) {
  std::string out =
      "| function | format | implementation | points | max abs ULP | at x | mean abs ULP | RMS ULP "
      "| correctly rounded | faithful | non-finite | NaN | zero sign |\n"
      "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const TableRow& r : rows) {
    const ErrorStats& s = r.stats;
    const Format& f = *r.format;
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                       name_of(r.function), f.name, r.implementation->name, s.points,
                       s.max_abs_ulp.seen() ? ulp_text(s.max_abs_ulp.value) : "-",
                       s.max_abs_ulp.seen() ? value_with_bits(f, s.max_abs_ulp.x) : "-",
                       ulp_text(s.mean_abs_ulp()), ulp_text(s.rms_ulp()),
                       percent_cell(s.share(s.correctly_rounded)),
                       percent_cell(s.share(s.faithful)), s.nonfinite, s.nan, s.zero_sign);
  }
  return out;
}

std::string csv(const std::vector<TableRow>& rows) {
  std::string out =
      "function,format,implementation,points,max_abs_ulp,max_abs_ulp_x,max_abs_ulp_x_bits,"
      "mean_abs_ulp,rms_ulp,correctly_rounded,faithful,nonfinite,nan,zero_sign\n";
  for (const TableRow& r : rows) {
    const ErrorStats& s = r.stats;
    const Format& f = *r.format;
    const bool seen = s.max_abs_ulp.seen();
    out +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", name_of(r.function), f.name,
                    csv_field(r.implementation->name), s.points, seen ? s.max_abs_ulp.value : 0.0,
                    seen ? to_shortest_decimal(f, s.max_abs_ulp.x) : "",
                    seen ? to_hex_bits(f, s.max_abs_ulp.x) : "", s.mean_abs_ulp(), s.rms_ulp(),
                    s.correctly_rounded, s.faithful, s.nonfinite, s.nan, s.zero_sign);
  }
  return out;
}

nlohmann::ordered_json extreme_json(const Format& f, const Extreme& e) {
  if (!e.seen()) return nullptr;
  return {{"value", e.value}, {"x", to_shortest_decimal(f, e.x)}, {"x_bits", to_hex_bits(f, e.x)}};
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
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [key, b] : s.binades) {
    out.push_back({{"inputs", binade_range(f, key)},
                   {"points", b.points},
                   {"correctly_rounded", b.correctly_rounded},
                   {"max_abs_ulp", extreme_json(f, b.max_abs_ulp)},
                   {"mean_abs_ulp", binade_mean(b)}});
  }
  return out;
}

std::string markdown_breakdown(const std::vector<TableRow>& rows) {
  std::string out;
  for (const TableRow& r : rows) {
    const Format& f = *r.format;
    out += fmt::format("\n### {} / {} / {}: by input binade\n\n", name_of(r.function), f.name,
                       r.implementation->name);
    out +=
        "| inputs | points | correctly rounded | max abs ULP | at x | mean abs ULP |\n"
        "|---|---:|---:|---:|---|---:|\n";
    for (const auto& [key, b] : r.stats.binades) {
      out +=
          fmt::format("| {} | {} | {} | {} | {} | {} |\n", binade_range(f, key), b.points,
                      percent_cell(b.points ? double(b.correctly_rounded) / double(b.points) : 0),
                      b.max_abs_ulp.seen() ? ulp_text(b.max_abs_ulp.value) : "-",
                      b.max_abs_ulp.seen() ? value_with_bits(f, b.max_abs_ulp.x) : "-",
                      ulp_text(binade_mean(b)));
    }
    out += "\n| abs ULP error in | points |\n|---|---:|\n";
    for (int b = 0; b < UlpHistogram::kBins; ++b) {
      const uint64_t n = r.stats.histogram.counts[size_t(b)];
      if (!n) continue;
      if (b == 0)
        out += fmt::format("| 0 (exact to 2^-11) | {} |\n", n);
      else
        out += fmt::format("| [{}, {}) | {} |\n", ulp_text(UlpHistogram::lower_edge(b)),
                           ulp_text(UlpHistogram::upper_edge(b)), n);
    }
  }
  return out;
}

std::string json(const std::vector<TableRow>& rows) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const TableRow& r : rows) {
    const ErrorStats& s = r.stats;
    const Format& f = *r.format;
    out.push_back({{"function", name_of(r.function)},
                   {"format", f.name},
                   {"implementation", r.implementation->name},
                   {"domain", r.domain},
                   {"points", s.points},
                   {"finite", s.finite},
                   {"max_abs_ulp", extreme_json(f, s.max_abs_ulp)},
                   {"max_positive_ulp", extreme_json(f, s.max_ulp)},
                   {"max_negative_ulp", extreme_json(f, s.max_neg_ulp)},
                   {"max_abs_error", extreme_json(f, s.max_abs_error)},
                   {"max_rel_error", extreme_json(f, s.max_rel_error)},
                   {"mean_abs_ulp", s.mean_abs_ulp()},
                   {"rms_ulp", s.rms_ulp()},
                   {"correctly_rounded", s.correctly_rounded},
                   {"faithful", s.faithful},
                   {"nonfinite", s.nonfinite},
                   {"nan", s.nan},
                   {"zero_sign", s.zero_sign},
                   {"histogram", histogram_json(s.histogram)},
                   {"binades", binades_json(f, s)}});
  }
  return out.dump(2) + "\n";
}

}  // namespace

std::string render_table(const std::vector<TableRow>& rows, OutputKind kind, bool breakdown) {
  switch (kind) {
    case OutputKind::markdown:
      return markdown(rows) + (breakdown ? markdown_breakdown(rows) : "");
    case OutputKind::csv:
      return csv(rows);
    case OutputKind::json:
      return json(rows);
  }
  return {};
}

}  // namespace gelucheck
