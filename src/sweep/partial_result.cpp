#include "sweep/partial_result.hpp"

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"
#include "io/output_file.hpp"

namespace gelucheck {
namespace {

using Json = nlohmann::json;

// Doubles travel as C99 hex floats: exact both ways.
std::string hex(double v) { return fmt::format("{:a}", v); }
double unhex(const Json& j) {
  const std::string s = j.get<std::string>();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') throw UsageError(fmt::format("bad number '{}'", s));
  return v;
}

Json extreme_to_json(const Extreme& e) {
  if (!e.seen()) return nullptr;
  return {{"value", hex(e.value)}, {"x_bits", e.x}, {"ordinal", e.x_ordinal}};
}
Extreme extreme_from_json(const Json& j) {
  Extreme e;
  if (j.is_null()) return e;
  e.value = unhex(j.at("value"));
  e.x = j.at("x_bits").get<uint32_t>();
  e.x_ordinal = j.at("ordinal").get<int64_t>();
  return e;
}
Json sum_to_json(const ExactSum& s) {
  Json parts = Json::array();
  for (double p : s.parts()) parts.push_back(hex(p));
  return parts;
}
ExactSum sum_from_json(const Json& j) {
  std::vector<double> parts;
  for (const Json& p : j) parts.push_back(unhex(p));
  return ExactSum::from_parts(std::move(parts));
}

}  // namespace

Json stats_to_json(const ErrorStats& s) {
  Json hist = Json::object();
  for (int b = 0; b < UlpHistogram::kBins; ++b)
    if (s.histogram.counts[size_t(b)]) hist[std::to_string(b)] = s.histogram.counts[size_t(b)];
  Json binades = Json::object();
  for (const auto& [key, b] : s.binades) {
    binades[std::to_string(key)] = {{"points", b.points},
                                    {"correctly_rounded", b.correctly_rounded},
                                    {"finite", b.finite},
                                    {"max_abs_ulp", extreme_to_json(b.max_abs_ulp)},
                                    {"sum_abs_ulp", sum_to_json(b.sum_abs_ulp)}};
  }
  return {{"points", s.points},
          {"finite", s.finite},
          {"correctly_rounded", s.correctly_rounded},
          {"faithful", s.faithful},
          {"nonfinite", s.nonfinite},
          {"nan", s.nan},
          {"zero_sign", s.zero_sign},
          {"sum_abs_ulp", sum_to_json(s.sum_abs_ulp)},
          {"sum_sq_ulp", sum_to_json(s.sum_sq_ulp)},
          {"max_abs_ulp", extreme_to_json(s.max_abs_ulp)},
          {"max_ulp", extreme_to_json(s.max_ulp)},
          {"max_neg_ulp", extreme_to_json(s.max_neg_ulp)},
          {"max_abs_error", extreme_to_json(s.max_abs_error)},
          {"max_rel_error", extreme_to_json(s.max_rel_error)},
          {"histogram", hist},
          {"binades", binades}};
}

ErrorStats stats_from_json(const Json& j) {
  ErrorStats s;
  s.points = j.at("points").get<uint64_t>();
  s.finite = j.at("finite").get<uint64_t>();
  s.correctly_rounded = j.at("correctly_rounded").get<uint64_t>();
  s.faithful = j.at("faithful").get<uint64_t>();
  s.nonfinite = j.at("nonfinite").get<uint64_t>();
  s.nan = j.at("nan").get<uint64_t>();
  s.zero_sign = j.at("zero_sign").get<uint64_t>();
  s.sum_abs_ulp = sum_from_json(j.at("sum_abs_ulp"));
  s.sum_sq_ulp = sum_from_json(j.at("sum_sq_ulp"));
  s.max_abs_ulp = extreme_from_json(j.at("max_abs_ulp"));
  s.max_ulp = extreme_from_json(j.at("max_ulp"));
  s.max_neg_ulp = extreme_from_json(j.at("max_neg_ulp"));
  s.max_abs_error = extreme_from_json(j.at("max_abs_error"));
  s.max_rel_error = extreme_from_json(j.at("max_rel_error"));
  for (const auto& [bin, count] : j.at("histogram").items()) {
    const int b = std::stoi(bin);
    if (b < 0 || b >= UlpHistogram::kBins) throw UsageError("histogram bin out of range");
    s.histogram.counts[size_t(b)] = count.get<uint64_t>();
  }
  for (const auto& [key, b] : j.at("binades").items()) {
    BinadeStats& out = s.binades[std::stoi(key)];
    out.points = b.at("points").get<uint64_t>();
    out.correctly_rounded = b.at("correctly_rounded").get<uint64_t>();
    out.finite = b.at("finite").get<uint64_t>();
    out.max_abs_ulp = extreme_from_json(b.at("max_abs_ulp"));
    out.sum_abs_ulp = sum_from_json(b.at("sum_abs_ulp"));
  }
  return s;
}

bool PartialRow::same_sweep(const PartialRow& o) const {
  return function == o.function && format == o.format && implementation == o.implementation &&
         domain == o.domain;
}

void PartialResult::add(PartialRow row) {
  for (PartialRow& r : rows) {
    if (!r.same_sweep(row)) continue;
    if (r.inputs != row.inputs || r.chunks != row.chunks)
      throw UsageError(fmt::format("partial results for {} {} {} disagree on the sweep's size",
                                   name_of(r.function), r.format->name, r.implementation));
    if (r.completed.overlaps(row.completed))
      throw UsageError(fmt::format(
          "partial results for {} {} {} overlap: the same chunks appear twice (a shard given "
          "twice, or a checkpoint merged with the run it resumed?)",
          name_of(r.function), r.format->name, r.implementation));
    r.completed.add(row.completed);
    r.stats.merge(row.stats);
    return;
  }
  rows.push_back(std::move(row));
}

std::string partial_to_text(const PartialResult& p) {
  Json rows = Json::array();
  for (const PartialRow& r : p.rows) {
    Json completed = Json::array();
    for (const auto& [b, e] : r.completed.intervals()) completed.push_back({b, e});
    rows.push_back({{"function", name_of(r.function)},
                    {"format", r.format->name},
                    {"implementation", r.implementation},
                    {"domain", r.domain},
                    {"inputs", r.inputs},
                    {"chunks", r.chunks},
                    {"completed", completed},
                    {"stats", stats_to_json(r.stats)}});
  }
  const Json doc = {{"gelucheck_partial", 1}, {"chunk_size", kChunkSize}, {"rows", rows}};
  return doc.dump(1) + "\n";
}

void write_partial(const std::string& path, const PartialResult& p) {
  OutputFile out(path);
  out.write(partial_to_text(p));
  out.commit();
}

PartialResult read_partial(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read partial result '{}'", path));
  PartialResult p;
  try {
    const Json doc = Json::parse(in);
    if (doc.value("gelucheck_partial", 0) != 1)
      throw UsageError("not a gelucheck partial result (version 1)");
    if (doc.at("chunk_size").get<uint64_t>() != kChunkSize)
      throw UsageError(fmt::format("written with chunk size {}, this build uses {}",
                                   doc.at("chunk_size").get<uint64_t>(), kChunkSize));
    for (const Json& r : doc.at("rows")) {
      PartialRow row;
      if (!parse_function(r.at("function").get<std::string>(), row.function))
        throw UsageError("unknown function " + r.at("function").dump());
      row.format = find_format(r.at("format").get<std::string>());
      if (!row.format) throw UsageError("unknown format " + r.at("format").dump());
      row.implementation = r.at("implementation").get<std::string>();
      row.domain = r.at("domain").get<std::string>();
      row.inputs = r.at("inputs").get<uint64_t>();
      row.chunks = r.at("chunks").get<uint64_t>();
      for (const Json& c : r.at("completed")) {
        const uint64_t b = c.at(0).get<uint64_t>(), e = c.at(1).get<uint64_t>();
        if (b >= e || e > row.chunks) throw UsageError("bad chunk interval " + c.dump());
        row.completed.add(b, e);
      }
      row.stats = stats_from_json(r.at("stats"));
      p.add(std::move(row));
    }
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("partial result '{}': {}", path, e.what()));
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("partial result '{}' is malformed: {}", path, e.what()));
  }
  return p;
}

}  // namespace gelucheck
