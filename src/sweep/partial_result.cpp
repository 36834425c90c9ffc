#include "sweep/partial_result.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <regex>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"
#include "io/input_file.hpp"
#include "io/output_file.hpp"
#include "io/sha256.hpp"

#ifndef GELUCHECK_VERSION
#define GELUCHECK_VERSION "unknown"
#endif

namespace gelucheck {
namespace {

using Json = nlohmann::json;

constexpr int kVersion = 3;
// The most inputs a row's sweep can have: every 32-bit pattern.
constexpr uint64_t kMaxRowInputs = uint64_t{1} << 32;

// Doubles travel as C99 hex floats: exact both ways.
std::string hex(double v) { return fmt::format("{:a}", v); }
double unhex(const Json& j) {
  if (!j.is_string()) throw UsageError("a number is not a hex-float string");
  const std::string s = j.get<std::string>();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || std::isnan(v))
    throw UsageError(fmt::format("bad number {}", in_quotes(s, 40)));
  return v;
}

// A count: a non-negative JSON integer (not a float such as 7e46, whose conversion is
// undefined).
uint64_t count_at(const Json& j, const char* key) {
  const Json& v = j.at(key);
  if (!v.is_number_unsigned())
    throw UsageError(fmt::format("\"{}\" is not a non-negative integer", key));
  return v.get<uint64_t>();
}

// A small decimal integer written as an object key (histogram bins, binade keys).
int key_integer(const std::string& s, int lo, int hi, std::string_view what) {
  const size_t sign = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() <= sign || s.size() - sign > 6 ||
      !std::all_of(s.begin() + std::ptrdiff_t(sign), s.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    throw UsageError(fmt::format("{} {} is not an integer", what, in_quotes(s, 20)));
  const int v = std::stoi(s);
  if (v < lo || v > hi) throw UsageError(fmt::format("{} {} is out of range", what, v));
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
  const uint64_t x = count_at(j, "x_bits");
  if (x > UINT32_MAX) throw UsageError("an extreme's x_bits is not a 32-bit pattern");
  e.x = uint32_t(x);
  const Json& ord = j.at("ordinal");
  if (!ord.is_number_integer()) throw UsageError("an extreme's ordinal is not an integer");
  e.x_ordinal = ord.get<int64_t>();
  if (!e.seen()) throw UsageError("an extreme's ordinal is out of range");
  return e;
}
Json sum_to_json(const ExactSum& s) {
  Json parts = Json::array();
  for (double p : s.parts()) parts.push_back(hex(p));
  return parts;
}
ExactSum sum_from_json(const Json& j) {
  if (!j.is_array() || j.size() > 64) throw UsageError("an exact sum is not a short array");
  std::vector<double> parts;
  for (const Json& p : j) {
    const double v = unhex(p);
    if (!std::isfinite(v)) throw UsageError("an exact sum has a non-finite part");
    parts.push_back(v);
  }
  return ExactSum::from_parts(std::move(parts));
}

Json examples_to_json(const TopPoints& t) {
  Json out = Json::array();
  for (const PointExample& e : t.items)
    out.push_back({{"key", hex(e.key)},
                   {"x_bits", e.x},
                   {"ordinal", e.x_ordinal},
                   {"y_bits", e.y},
                   {"correctly_rounded_bits", e.correctly_rounded},
                   {"exact", hex(e.exact)},
                   {"ulp_log2", e.ulp_log2},
                   {"ulp_error", hex(e.ulp_error)},
                   {"tolerance_ratio", hex(e.tolerance_ratio)}});
  return out;
}
uint32_t bits_at(const Json& j, const char* key) {
  const uint64_t v = count_at(j, key);
  if (v > UINT32_MAX) throw UsageError(fmt::format("\"{}\" is not a 32-bit pattern", key));
  return uint32_t(v);
}
TopPoints examples_from_json(const Json& j) {
  if (!j.is_array() || j.size() > TopPoints::kCapacity)
    throw UsageError(fmt::format("a list of example inputs is not an array of at most {}",
                                 TopPoints::kCapacity));
  TopPoints t;
  for (const Json& e : j) {
    if (!e.is_object()) throw UsageError("an example input is not an object");
    PointExample p;
    p.key = unhex(e.at("key"));
    p.x = bits_at(e, "x_bits");
    const Json& ord = e.at("ordinal");
    if (!ord.is_number_integer()) throw UsageError("an example's ordinal is not an integer");
    p.x_ordinal = ord.get<int64_t>();
    p.y = bits_at(e, "y_bits");
    p.correctly_rounded = bits_at(e, "correctly_rounded_bits");
    p.exact = unhex(e.at("exact"));
    const Json& u = e.at("ulp_log2");
    if (!u.is_number_integer() || std::abs(u.get<int64_t>()) > 2000)
      throw UsageError("an example's ulp_log2 is not a small integer");
    p.ulp_log2 = int16_t(u.get<int64_t>());
    p.ulp_error = unhex(e.at("ulp_error"));
    p.tolerance_ratio = unhex(e.at("tolerance_ratio"));
    if (!t.items.empty() && !TopPoints::before(t.items.back(), p) && !(t.items.back() == p))
      throw UsageError("example inputs are not in order (largest first)");
    t.items.push_back(p);
  }
  return t;
}

// What Domain::describe() says: the kind, the range of the inputs' values and their number.
struct DomainText {
  bool patterns = false;
  bool listed = false;
  double lo = -INFINITY, hi = INFINITY;
  uint64_t inputs = 0;
};

DomainText parse_domain(const std::string& text) {
  static const std::regex ranged(
      R"(^(exhaustive|linear|log|random|random-bits) \[([-+0-9.e]+|-?inf), ([-+0-9.e]+|-?inf)\]: )"
      R"(([0-9]{1,11}) inputs( \(seed [0-9]{1,20}\))?$)");
  static const std::regex patterns(R"(^every [a-z0-9]+ bit pattern: ([0-9]{1,11}) inputs$)");
  static const std::regex listed(R"(^([0-9]{1,11}) listed [a-z0-9]+ inputs$)");
  std::smatch m;
  DomainText d;
  if (text.size() < 200 && std::regex_match(text, m, ranged)) {
    d.lo = std::strtod(m[2].str().c_str(), nullptr);
    d.hi = std::strtod(m[3].str().c_str(), nullptr);
    d.inputs = std::stoull(m[4].str());
    if (!(d.lo <= d.hi)) throw UsageError(fmt::format("domain {} is empty", in_quotes(text)));
  } else if (text.size() < 200 && std::regex_match(text, m, patterns)) {
    d.patterns = true;
    d.inputs = std::stoull(m[1].str());
  } else if (text.size() < 200 && std::regex_match(text, m, listed)) {
    d.listed = true;
    d.inputs = std::stoull(m[1].str());
  } else {
    throw UsageError(fmt::format("domain {} is not one gelucheck describes", in_quotes(text, 100)));
  }
  return d;
}

uint64_t inputs_in(const PartialRow& r, const ChunkSet::Interval& interval) {
  const uint64_t first = interval.first * kChunkSize;
  const uint64_t last_end = std::min(r.inputs, interval.second * kChunkSize);
  return last_end > first ? last_end - first : 0;
}

// Throws UsageError naming the first invariant the row breaks.
void verify_row(const PartialRow& r, const DomainText& d) {
  const Format& f = *r.format;
  const ErrorStats& s = r.stats;
  auto require = [](bool ok, const std::string& why) {
    if (!ok) throw UsageError(why);
  };
  require(r.inputs >= 1 && r.inputs <= kMaxRowInputs,
          fmt::format("\"inputs\" {} is outside [1, 2^32]", r.inputs));
  require(d.inputs == r.inputs,
          fmt::format("\"inputs\" {} differs from the domain's {}", r.inputs, d.inputs));
  require(r.chunks == (r.inputs + kChunkSize - 1) / kChunkSize,
          fmt::format("\"chunks\" {} is not the {} chunks of {} inputs", r.chunks,
                      (r.inputs + kChunkSize - 1) / kChunkSize, r.inputs));
  uint64_t swept = 0;
  for (const ChunkSet::Interval& i : r.completed.intervals()) swept += inputs_in(r, i);
  require(
      s.points == swept,
      fmt::format("\"points\" {} is not the {} inputs of the completed chunks", s.points, swept));
  require(s.finite + s.nonfinite + s.nan + s.convention <= s.points,
          "finite, non-finite and NaN results outnumber the points");
  require(s.correctly_rounded <= s.points, "more correctly rounded results than points");
  require(s.faithful <= s.points, "more faithful results than points");
  require(s.zero_sign <= s.finite, "more wrong-signed zeros than finite results");
  require(s.flushed <= s.points, "more flushed results than points");
  require(s.assert_close <= s.points, "more inputs passing assert_close than points");
  require(s.assert_close_unfaithful <= s.assert_close &&
              s.assert_close_unfaithful <= s.points - s.faithful,
          "more inputs passing assert_close while not faithful than either allows");
  require(s.assert_close_faithful_fail <= s.points - s.assert_close &&
              s.assert_close_faithful_fail <= s.faithful,
          "more inputs failing assert_close while faithful than either allows");
  require(s.passes_unfaithful.items.size() ==
                  std::min<uint64_t>(s.assert_close_unfaithful, TopPoints::kCapacity) &&
              s.fails_faithful.items.size() ==
                  std::min<uint64_t>(s.assert_close_faithful_fail, TopPoints::kCapacity),
          "the lists of assert_close disagreements do not match their counts");
  for (const TopPoints* t : {&s.passes_unfaithful, &s.fails_faithful})
    for (const PointExample& e : t->items) {
      require(e.x <= f.all_bits_mask() && ordinal(f, e.x) == e.x_ordinal &&
                  e.y <= f.all_bits_mask() && e.correctly_rounded <= f.all_bits_mask(),
              "an assert_close example is not at a input of the format with that ordinal");
      require(e.key >= 0, "an assert_close example has a negative key");
    }
  uint64_t histogram = 0;
  for (uint64_t c : s.histogram.counts) {
    require(c <= s.points, "a histogram bin holds more than the points");
    histogram += c;
  }
  require(
      histogram == s.finite,
      fmt::format("the histogram holds {} results, not the {} finite ones", histogram, s.finite));
  uint64_t points = 0, correct = 0, finite = 0;
  for (const auto& [key, b] : s.binades) {
    require(b.points <= s.points && b.correctly_rounded <= b.points && b.finite <= b.points,
            fmt::format("binade {} counts more than its points", key));
    points += b.points, correct += b.correctly_rounded, finite += b.finite;
    if (b.max_abs_ulp.seen())
      require(binade_key(f, b.max_abs_ulp.x) == key,
              fmt::format("binade {}'s largest error is at an input of another binade", key));
    require(b.sum_abs_ulp.value() >= 0, fmt::format("binade {}'s sum of errors is negative", key));
  }
  require(points == s.points && correct == s.correctly_rounded && finite == s.finite,
          "the per-binade counts do not add up to the totals");
  // Extremes: at inputs of the domain, and what the other statistics allow.
  const Extreme* extremes[] = {&s.max_abs_ulp,   &s.max_ulp,       &s.max_neg_ulp,
                               &s.max_abs_error, &s.max_rel_error, &s.max_distance};
  for (const Extreme* e : extremes) {
    if (!e->seen()) continue;
    require(s.finite > 0, "an extreme is recorded but no result is finite");
    require(e->value >= 0, "an extreme is negative");
    require(
        e->x <= f.all_bits_mask() && ordinal(f, e->x) == e->x_ordinal,
        fmt::format("an extreme's input {:#x} is not a {} input with that ordinal", e->x, f.name));
    if (!d.patterns) {
      const double x = to_double(f, e->x);
      require(
          is_finite(f, e->x) && (d.listed || (x >= d.lo && x <= d.hi)),
          fmt::format("an extreme's input {} is outside the domain", to_shortest_decimal(f, e->x)));
    }
  }
  require(s.max_abs_ulp.seen() == (s.finite > 0),
          "the largest |ULP error| is missing or present without finite results");
  const double max_abs = s.max_abs_ulp.seen() ? s.max_abs_ulp.value : 0;
  require((!s.max_ulp.seen() || s.max_ulp.value <= max_abs) &&
              (!s.max_neg_ulp.seen() || s.max_neg_ulp.value <= max_abs),
          "a signed error exceeds the largest |ULP error|");
  // Sums: 0 <= sum |e| <= finite * max |e|, and the same for squares (1 part in 2^40 of slack:
  // the limits are rounded).
  const double slack = 1 + 0x1p-40;
  const double sum_abs = s.sum_abs_ulp.value(), sum_sq = s.sum_sq_ulp.value();
  require(sum_abs >= 0 && sum_abs <= double(s.finite) * max_abs * slack,
          "the sum of |ULP errors| exceeds what the largest error allows");
  require(sum_sq >= 0 && sum_sq <= double(s.finite) * max_abs * max_abs * slack,
          "the sum of squared ULP errors exceeds what the largest error allows");
  require(s.max_distance.seen() == (s.finite > 0),
          "the largest distance is missing or present without finite results");
  const double max_distance = s.max_distance.seen() ? s.max_distance.value : 0;
  require(max_distance == std::floor(max_distance) && max_distance <= 0x1p32,
          "the largest distance is not a whole number of values");
  const double sum_distance = s.sum_distance.value(), sum_bits = s.sum_bits.value();
  require(sum_distance >= 0 && sum_distance <= double(s.finite) * max_distance * slack,
          "the sum of distances exceeds what the largest distance allows");
  require(
      sum_bits >= 0 &&
          sum_bits <= double(s.finite) * (bits_of_error(uint64_t(max_distance)) * slack + 0x1p-40),
      "the sum of bits of error exceeds what the largest distance allows");
}

}  // namespace

std::string_view tool_version() { return GELUCHECK_VERSION; }

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
  Json out = {{"points", s.points},
              {"finite", s.finite},
              {"correctly_rounded", s.correctly_rounded},
              {"faithful", s.faithful},
              {"nonfinite", s.nonfinite},
              {"nan", s.nan},
              {"zero_sign", s.zero_sign},
              {"flushed", s.flushed},
              {"assert_close", s.assert_close},
              {"assert_close_unfaithful", s.assert_close_unfaithful},
              {"assert_close_faithful_fail", s.assert_close_faithful_fail},
              {"passes_unfaithful", examples_to_json(s.passes_unfaithful)},
              {"fails_faithful", examples_to_json(s.fails_faithful)},
              {"max_distance", extreme_to_json(s.max_distance)},
              {"sum_distance", sum_to_json(s.sum_distance)},
              {"sum_bits", sum_to_json(s.sum_bits)},
              {"sum_abs_ulp", sum_to_json(s.sum_abs_ulp)},
              {"sum_sq_ulp", sum_to_json(s.sum_sq_ulp)},
              {"max_abs_ulp", extreme_to_json(s.max_abs_ulp)},
              {"max_ulp", extreme_to_json(s.max_ulp)},
              {"max_neg_ulp", extreme_to_json(s.max_neg_ulp)},
              {"max_abs_error", extreme_to_json(s.max_abs_error)},
              {"max_rel_error", extreme_to_json(s.max_rel_error)},
              {"histogram", hist},
              {"binades", binades}};
  if (s.convention) out["convention"] = s.convention;  // only where it happens: older files
  return out;
}

ErrorStats stats_from_json(const Json& j) {
  if (!j.is_object()) throw UsageError("\"stats\" is not an object");
  ErrorStats s;
  s.points = count_at(j, "points");
  s.finite = count_at(j, "finite");
  s.correctly_rounded = count_at(j, "correctly_rounded");
  s.faithful = count_at(j, "faithful");
  s.nonfinite = count_at(j, "nonfinite");
  s.nan = count_at(j, "nan");
  s.zero_sign = count_at(j, "zero_sign");
  s.convention = j.contains("convention") ? count_at(j, "convention") : 0;
  s.flushed = count_at(j, "flushed");
  s.assert_close = count_at(j, "assert_close");
  s.assert_close_unfaithful = count_at(j, "assert_close_unfaithful");
  s.assert_close_faithful_fail = count_at(j, "assert_close_faithful_fail");
  s.passes_unfaithful = examples_from_json(j.at("passes_unfaithful"));
  s.fails_faithful = examples_from_json(j.at("fails_faithful"));
  s.max_distance = extreme_from_json(j.at("max_distance"));
  s.sum_distance = sum_from_json(j.at("sum_distance"));
  s.sum_bits = sum_from_json(j.at("sum_bits"));
  s.sum_abs_ulp = sum_from_json(j.at("sum_abs_ulp"));
  s.sum_sq_ulp = sum_from_json(j.at("sum_sq_ulp"));
  s.max_abs_ulp = extreme_from_json(j.at("max_abs_ulp"));
  s.max_ulp = extreme_from_json(j.at("max_ulp"));
  s.max_neg_ulp = extreme_from_json(j.at("max_neg_ulp"));
  s.max_abs_error = extreme_from_json(j.at("max_abs_error"));
  s.max_rel_error = extreme_from_json(j.at("max_rel_error"));
  if (!j.at("histogram").is_object() || !j.at("binades").is_object())
    throw UsageError("\"histogram\" and \"binades\" must be objects");
  for (const auto& [bin, count] : j.at("histogram").items()) {
    const int b = key_integer(bin, 0, UlpHistogram::kBins - 1, "histogram bin");
    if (!count.is_number_unsigned()) throw UsageError("a histogram count is not an integer");
    s.histogram.counts[size_t(b)] = count.get<uint64_t>();
  }
  for (const auto& [key, b] : j.at("binades").items()) {
    // Keys are +-(exponent field + 1) (stats.hpp): at most 256 in magnitude for 8-bit exponents.
    const int k = key_integer(key, -256, 256, "binade key");
    if (k == 0) throw UsageError("binade key 0 is out of range");
    if (!b.is_object()) throw UsageError(fmt::format("binade {} is not an object", k));
    BinadeStats& out = s.binades[k];
    out.points = count_at(b, "points");
    out.correctly_rounded = count_at(b, "correctly_rounded");
    out.finite = count_at(b, "finite");
    out.max_abs_ulp = extreme_from_json(b.at("max_abs_ulp"));
    out.sum_abs_ulp = sum_from_json(b.at("sum_abs_ulp"));
  }
  return s;
}

bool PartialRow::same_sweep(const PartialRow& o) const {
  return function == o.function && format == o.format && implementation == o.implementation &&
         domain == o.domain && subnormals == o.subnormals && tolerance == o.tolerance;
}

void PartialResult::add(PartialRow row) {
  for (PartialRow& r : rows) {
    if (!r.same_sweep(row)) continue;
    if (r.inputs != row.inputs || r.chunks != row.chunks)
      throw UsageError(fmt::format("partial results for {} {} {} disagree on the sweep's size",
                                   name_of(r.function), r.format->name, escaped(r.implementation)));
    if (r.completed.overlaps(row.completed))
      throw UsageError(fmt::format(
          "partial results for {} {} {} overlap: the same chunks appear twice (a shard given "
          "twice, or a checkpoint merged with the run it resumed?)",
          name_of(r.function), r.format->name, escaped(r.implementation)));
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
                    {"subnormals", subnormal_mode_name(r.subnormals)},
                    {"rtol", hex(r.tolerance.rtol)},
                    {"atol", hex(r.tolerance.atol)},
                    {"inputs", r.inputs},
                    {"chunks", r.chunks},
                    {"completed", completed},
                    {"stats", stats_to_json(r.stats)}});
  }
  Json doc = {{"gelucheck_partial", kVersion},
              {"tool_version", tool_version()},
              {"command", p.command},
              {"chunk_size", kChunkSize},
              {"rows", rows}};
  doc["digest"] = "sha256:" + sha256_hex(doc.dump());
  return doc.dump(1) + "\n";
}

void write_partial(const std::string& path, const PartialResult& p) {
  OutputFile out(path);
  out.write(partial_to_text(p));
  out.commit();
}

PartialResult parse_partial(const std::string& text, const std::string& what) {
  PartialResult p;
  size_t row_number = 0;
  std::string row_name;
  try {
    Json doc = parse_json_text(text, "");
    if (!doc.is_object() || !doc.contains("gelucheck_partial"))
      throw UsageError("not a gelucheck partial result (no \"gelucheck_partial\" key)");
    if (doc["gelucheck_partial"] != kVersion)
      throw UsageError(fmt::format("format version {} (this gelucheck reads version {})",
                                   escaped(doc["gelucheck_partial"].dump(), 20), kVersion));
    if (!doc.contains("tool_version") || doc["tool_version"] != tool_version())
      throw UsageError(fmt::format(
          "written by gelucheck {}, this is {}: results of another version need not merge "
          "exactly; run the sweep again",
          doc.contains("tool_version") ? escaped(doc["tool_version"].dump(), 40) : "(unknown)",
          tool_version()));
    if (!doc.contains("digest") || !doc["digest"].is_string()) throw UsageError("no \"digest\"");
    const std::string digest = doc["digest"].get<std::string>();
    doc.erase("digest");
    if (digest != "sha256:" + sha256_hex(doc.dump()))
      throw UsageError(
          "its digest does not match its content: the file was changed after gelucheck wrote "
          "it (or is damaged)");
    if (count_at(doc, "chunk_size") != kChunkSize)
      throw UsageError(fmt::format("written with chunk size {}, this build uses {}",
                                   count_at(doc, "chunk_size"), kChunkSize));
    if (doc.contains("command") && doc["command"].is_string())
      p.command = doc["command"].get<std::string>();
    if (!doc.at("rows").is_array()) throw UsageError("\"rows\" is not an array");
    for (const Json& r : doc.at("rows")) {
      ++row_number;
      if (!r.is_object()) throw UsageError("a row is not an object");
      PartialRow row;
      const std::string function = r.at("function").get<std::string>();
      if (!parse_function(function, row.function))
        throw UsageError("unknown function " + in_quotes(function, 40));
      const std::string format = r.at("format").get<std::string>();
      row.format = find_format(format);
      if (!row.format) throw UsageError("unknown format " + in_quotes(format, 40));
      row.implementation = r.at("implementation").get<std::string>();
      row_name = fmt::format(" ({} {} {})", function, format, escaped(row.implementation, 80));
      row.domain = r.at("domain").get<std::string>();
      const std::string mode = r.at("subnormals").get<std::string>();
      if (!parse_subnormal_mode(mode, row.subnormals))
        throw UsageError("unknown subnormal mode " + in_quotes(mode, 20));
      row.tolerance = {unhex(r.at("rtol")), unhex(r.at("atol"))};
      if (!(row.tolerance.rtol >= 0 && row.tolerance.atol >= 0 &&
            std::isfinite(row.tolerance.rtol) && std::isfinite(row.tolerance.atol)))
        throw UsageError("rtol and atol must be finite and >= 0");
      row.inputs = count_at(r, "inputs");
      row.chunks = count_at(r, "chunks");
      if (!r.at("completed").is_array()) throw UsageError("\"completed\" is not an array");
      uint64_t previous_end = 0;
      for (const Json& c : r.at("completed")) {
        if (!c.is_array() || c.size() != 2 || !c[0].is_number_unsigned() ||
            !c[1].is_number_unsigned())
          throw UsageError("a completed interval is not [begin, end]");
        const uint64_t b = c[0].get<uint64_t>(), e = c[1].get<uint64_t>();
        if (b >= e || e > row.chunks || b < previous_end)
          throw UsageError(fmt::format(
              "completed chunks [{}, {}) are empty, overlap others or lie outside the sweep's "
              "{} chunks",
              b, e, row.chunks));
        previous_end = e;
        row.completed.add(b, e);
      }
      row.stats = stats_from_json(r.at("stats"));
      verify_row(row, parse_domain(row.domain));
      p.add(std::move(row));
    }
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}{}: {}", what,
                                 row_number ? fmt::format(", row {}{}", row_number, row_name) : "",
                                 e.what()));
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{} is malformed{}: {}", what,
                                 row_number ? fmt::format(" (row {}{})", row_number, row_name) : "",
                                 escaped(e.what())));
  }
  return p;
}

PartialResult read_partial(const std::string& path) {
  const std::string what = "partial result " + in_quotes(path);
  return parse_partial(read_regular_file(path, "partial result"), what);
}

}  // namespace gelucheck
