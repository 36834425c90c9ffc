#include "render/diff_render.hpp"

#include <fmt/format.h>       // fmt::format
#include <nlohmann/json.hpp>  // nlohmann::ordered_json

#include "render/text.hpp"

namespace gelucheck {

std::string diff_bin_label(int bin) {
  if (bin == DiffStats::kBins - 1) return "inf or NaN in one of them";
  const auto [lo, hi] = DiffStats::bin_range(bin);
  if (bin == 0) return "0 (+0 against -0)";
  return lo == hi ? fmt::format("{}", lo) : fmt::format("{}-{}", lo, hi);
}

namespace {

// A result's ULP error for a reader, or what it is instead.
std::string error_text(const Format& f, const PointRecord& p, int digits) {
  switch (p.outcome) {
    case Outcome::finite:
      return known_digits(p.ulp_error, ulp_error_bound(f), digits);
    case Outcome::special:
    case Outcome::flushed:
      return "exact";
    case Outcome::nonfinite:
      return "non-finite";
    case Outcome::nan:
      return "NaN";
    case Outcome::convention:
      return "saturated";
  }
  return "?";
}

std::string exact_of(const Format& f, const DiffPoint& p) {
  return exact_text(f, p.a.ref.exact, p.a.ref.ulp_log2);
}

std::string markdown(const DiffRequest& rq, const DiffStats& d) {
  const Format& f = *rq.format;
  auto share = [&](uint64_t n) { return d.points ? double(n) / double(d.points) : 0.0; };
  auto of_differing = [&](uint64_t n) {
    return d.differing ? percent_prose(double(n) / double(d.differing)) : std::string("-");
  };
  std::string out = fmt::format("{} in {}: a = {}, b = {}, over {}\n\n", name_of(rq.function),
                                f.name, rq.a, rq.b, rq.domain);
  out += "| | inputs | share |\n|---|---:|---:|\n";
  out += fmt::format("| compared | {} | 100% |\n", d.points);
  out +=
      fmt::format("| differ bitwise | {} | {} |\n", d.differing, percent_prose(share(d.differing)));
  out += fmt::format("| a closer to exact | {} | {} of those |\n", d.a_closer,
                     of_differing(d.a_closer));
  out += fmt::format("| b closer to exact | {} | {} of those |\n", d.b_closer,
                     of_differing(d.b_closer));
  out += fmt::format("| equally close (tie) | {} | {} of those |\n", d.ties, of_differing(d.ties));
  if (d.differing == 0) return out + "\nThe two agree bit for bit at every input.\n";
  out += "\nDistance between a and b where they differ, in values of the format:\n\n";
  out += "| distance | inputs |\n|---|---:|\n";
  for (int bin = 0; bin < DiffStats::kBins; ++bin)
    if (d.histogram[size_t(bin)])
      out += fmt::format("| {} | {} |\n", diff_bin_label(bin), d.histogram[size_t(bin)]);
  if (d.worst.empty()) return out;
  out += fmt::format(
      "\nWorst disagreements (largest distance first; inf/NaN above all), {} of {}:\n\n",
      d.worst.size(), d.differing);
  out +=
      "| x | a | b | exact | a ULP error | b ULP error | distance | closer |\n"
      "|---|---|---|---:|---:|---:|---:|---|\n";
  for (const DiffPoint& p : d.worst)
    out +=
        fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", value_with_bits(f.in(), p.a.x),
                    value_with_bits(f, p.a.y), value_with_bits(f, p.b.y), exact_of(f, p),
                    error_text(f, p.a, 4), error_text(f, p.b, 4),
                    p.both_finite ? fmt::format("{}", p.distance) : "-", closer_name(p.closer));
  return out;
}

constexpr const char* kCsvHeader =
    "x,x_bits,a,a_bits,b,b_bits,exact,a_ulp_error,b_ulp_error,distance,closer\n";

std::string csv(const DiffRequest& rq, const DiffStats& d) {
  const Format& f = *rq.format;
  std::string out = kCsvHeader;
  for (const DiffPoint& p : d.worst)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", to_shortest_decimal(f.in(), p.a.x),
                       to_hex_bits(f.in(), p.a.x), to_shortest_decimal(f, p.a.y),
                       to_hex_bits(f, p.a.y), to_shortest_decimal(f, p.b.y), to_hex_bits(f, p.b.y),
                       exact_of(f, p), error_text(f, p.a, kMachineDigits),
                       error_text(f, p.b, kMachineDigits),
                       p.both_finite ? fmt::format("{}", p.distance) : "", closer_name(p.closer));
  return out;
}

nlohmann::ordered_json result_json(const Format& f, const PointRecord& p) {
  nlohmann::ordered_json j = {{"value", to_shortest_decimal(f, p.y)},
                              {"bits", to_hex_bits(f, p.y)}};
  if (p.outcome == Outcome::finite)
    j["ulp_error"] = known_value(p.ulp_error, ulp_error_bound(f), kMachineDigits);
  else
    j["outcome"] = error_text(f, p, 4);
  return j;
}

std::string json(const DiffRequest& rq, const DiffStats& d) {
  const Format& f = *rq.format;
  nlohmann::ordered_json hist = nlohmann::ordered_json::array();
  for (int bin = 0; bin < DiffStats::kBins; ++bin) {
    if (!d.histogram[size_t(bin)]) continue;
    nlohmann::ordered_json b;
    if (bin == DiffStats::kBins - 1) {
      b["distance"] = "not both finite";
    } else {
      const auto [lo, hi] = DiffStats::bin_range(bin);
      b["distance_from"] = lo;
      b["distance_to"] = hi;
    }
    b["count"] = d.histogram[size_t(bin)];
    hist.push_back(b);
  }
  nlohmann::ordered_json worst = nlohmann::ordered_json::array();
  for (const DiffPoint& p : d.worst) {
    nlohmann::ordered_json w = {
        {"x", to_shortest_decimal(f.in(), p.a.x)},
        {"x_bits", to_hex_bits(f.in(), p.a.x)},
        {"exact", exact_value(f, p.a.ref.exact, p.a.ref.ulp_log2)},
        {"correctly_rounded", to_shortest_decimal(f, p.a.ref.correctly_rounded)},
        {"a", result_json(f, p.a)},
        {"b", result_json(f, p.b)}};
    w["distance"] = p.both_finite ? nlohmann::ordered_json(p.distance) : nullptr;
    w["closer"] = closer_name(p.closer);
    worst.push_back(w);
  }
  const nlohmann::ordered_json out = {{"function", name_of(rq.function)},
                                      {"format", f.name},
                                      {"a", rq.a},
                                      {"b", rq.b},
                                      {"domain", rq.domain},
                                      {"points", d.points},
                                      {"differing", d.differing},
                                      {"a_closer", d.a_closer},
                                      {"b_closer", d.b_closer},
                                      {"ties", d.ties},
                                      {"max_distance", d.max_distance},
                                      {"not_both_finite", d.not_both_finite()},
                                      {"histogram", hist},
                                      {"worst", worst}};
  return out.dump(2) + "\n";
}

}  // namespace

std::string render_diff(const DiffRequest& rq, const DiffStats& d, OutputKind kind) {
  switch (kind) {
    case OutputKind::markdown:
      return markdown(rq, d);
    case OutputKind::csv:
      return csv(rq, d);
    case OutputKind::json:
      return json(rq, d);
  }
  return {};
}

}  // namespace gelucheck
