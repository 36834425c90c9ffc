#include "gate_report.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>  // fmt::format

#include "io/input_file.hpp"
#include "io/xml_escape.hpp"
#include "render/text.hpp"

namespace gelucheck::cli {

// --- results ----------------------------------------------------------------------------------

namespace {

// Inserts p into v, kept sorted by key descending, at most `capacity` long; equal keys keep the
// earlier input first (records arrive in sweep order).
template <class Key>
void offer_sorted(std::vector<PointRecord>& v, size_t capacity, const PointRecord& p, Key key) {
  const double k = key(p);
  if (v.size() == capacity && !(k > key(v.back()))) return;
  const auto at = std::upper_bound(v.begin(), v.end(), k,
                                   [&](double kk, const PointRecord& q) { return kk > key(q); });
  v.insert(at, p);
  if (v.size() > capacity) v.pop_back();
}

}  // namespace

void WorstInputs::offer(const PointRecord& p) {
  if (capacity == 0) return;
  if (!p.assert_close)
    offer_sorted(assert_close_fail, capacity, p,
                 [](const PointRecord& q) { return q.tolerance_ratio; });
  switch (p.outcome) {
    case Outcome::special:
    case Outcome::convention:  // counted apart, not an error (metrics.hpp remark 7)
    case Outcome::flushed:
      return;
    case Outcome::nonfinite:
    case Outcome::nan:
      if (nonfinite.size() < capacity) nonfinite.push_back(p);
      return;
    case Outcome::finite:
      break;
  }
  if (p.zero_sign && zero_sign.size() < capacity) zero_sign.push_back(p);
  offer_sorted(by_ulp, capacity, p, [](const PointRecord& q) { return std::fabs(q.ulp_error); });
  offer_sorted(by_abs_error, capacity, p,
               [](const PointRecord& q) { return std::fabs(q.abs_error); });
}

bool CheckResult::passed() const {
  return kernel_failure.empty() && std::all_of(criteria.begin(), criteria.end(),
                                               [](const CriterionResult& c) { return c.passed; });
}

std::optional<double> measured_value(GateMetric m, const CheckResult& r) {
  if (info_of(m).backward && !r.backward_function) return std::nullopt;
  if (is_saturation_metric(m)) return r.saturation_distance;
  const ErrorStats& s = info_of(m).backward ? r.backward_stats : r.stats;
  switch (m) {
    case GateMetric::max_ulp:
      return s.max_abs_ulp.seen() ? s.max_abs_ulp.value : 0.0;
    case GateMetric::mean_ulp:
      return s.mean_abs_ulp();
    case GateMetric::min_correctly_rounded:
      return s.share(s.correctly_rounded);
    case GateMetric::min_faithful:
      return s.share(s.faithful);
    case GateMetric::max_nonfinite:
      return double(s.nonfinite + s.nan);
    case GateMetric::max_zero_sign:
      return double(s.zero_sign);
    case GateMetric::max_saturated:
      return double(s.convention);
    case GateMetric::max_abs_error:
      return s.max_abs_error.seen() ? s.max_abs_error.value : 0.0;
    case GateMetric::gradient_max_ulp:
      return s.max_abs_ulp.seen() ? s.max_abs_ulp.value : 0.0;
    case GateMetric::gradient_max_nonfinite:
      return double(s.nonfinite + s.nan);
    case GateMetric::min_assert_close:
      return s.share(s.assert_close);
    case GateMetric::max_distance:
      return s.max_distance.seen() ? s.max_distance.value : 0.0;
    case GateMetric::max_differing:
      return r.diff ? std::optional<double>(double(r.diff->differing)) : std::nullopt;
    case GateMetric::max_differing_not_closer:
      return r.diff ? std::optional<double>(double(r.diff->differing_not_a_closer()))
                    : std::nullopt;
    case GateMetric::saturation_threshold_tolerance:
      break;  // above
  }
  return 0.0;
}

bool within(GateMetric m, double measured, double bound) {
  return info_of(m).lower_bound ? measured >= bound : measured <= bound;
}

// --- baselines --------------------------------------------------------------------------------

// Baseline files are JSON:
//   {"gelucheck_baseline": 1, "gate_file": "...",
//    "checks": {"NAME": {"function": ..., "format": ..., "implementation": ..., "domain": ...,
//                        "metrics": {"max_ulp": 0.5, "mean_ulp": ..., ...}}}}
// Doubles are written as shortest round-trip decimals, so a value read back compares equal.
constexpr int kBaselineVersion = 1;

Baseline read_baseline(const std::string& path) {
  const nlohmann::json j = parse_json_text(read_regular_file(path, "baseline", uint64_t{1} << 26),
                                           "baseline " + in_quotes(path));
  auto bad = [&](const std::string& why) {
    return UsageError(
        fmt::format("{}: not a gelucheck baseline: {} (record one with "
                    "--write-baseline)",
                    in_quotes(path), why));
  };
  if (!j.is_object() || !j.contains("gelucheck_baseline"))
    throw bad("no \"gelucheck_baseline\" key");
  if (j["gelucheck_baseline"] != kBaselineVersion)
    throw bad(fmt::format("version {} (this gelucheck reads version {})",
                          escaped(j["gelucheck_baseline"].dump(), 40), kBaselineVersion));
  if (!j.contains("checks") || !j["checks"].is_object()) throw bad("no \"checks\" object");
  Baseline b;
  b.path = path;
  for (const auto& item : j["checks"].items()) {
    // Named copies, not structured bindings: Clang 14 cannot capture those in a lambda.
    const std::string name = item.key();
    const nlohmann::json& e = item.value();
    BaselineEntry entry;
    auto text = [&](const char* key) {
      if (!e.is_object() || !e.contains(key) || !e[key].is_string())
        throw bad(fmt::format("check {} has no string \"{}\"", in_quotes(name, 80), key));
      return e[key].get<std::string>();
    };
    entry.function = text("function");
    entry.format = text("format");
    entry.implementation = text("implementation");
    entry.domain = text("domain");
    if (e.contains("gradient_implementation"))
      entry.gradient_implementation = text("gradient_implementation");
    if (!e.contains("metrics") || !e["metrics"].is_object())
      throw bad(fmt::format("check {} has no \"metrics\" object", in_quotes(name, 80)));
    for (const auto& metric : e["metrics"].items()) {
      const std::string key = metric.key();
      const nlohmann::json& value = metric.value();
      const auto& metrics = gate_metrics();
      const auto it = std::find_if(metrics.begin(), metrics.end(),
                                   [&](const GateMetricInfo& m) { return m.key == key; });
      if (it == metrics.end())
        throw bad(
            fmt::format("check {}: unknown metric {}", in_quotes(name, 80), in_quotes(key, 40)));
      if (!value.is_number())
        throw bad(fmt::format("check {}: metric {} is not a number", in_quotes(name, 80), key));
      entry.metrics.emplace_back(it->metric, value.get<double>());
    }
    b.checks.emplace(name, std::move(entry));
  }
  return b;
}

std::string render_baseline(const GateFile& gate, const std::vector<CheckResult>& results) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::object();
  for (const CheckResult& r : results) {
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    for (const GateMetricInfo& m : gate_metrics()) {
      const std::optional<double> v = measured_value(m.metric, r);
      if (!v) continue;
      if (m.is_count)
        metrics[std::string(m.key)] = uint64_t(*v);
      else
        metrics[std::string(m.key)] = *v;
    }
    checks[r.check->name] = {{"function", name_of(r.check->function)},
                             {"format", r.check->format->name},
                             {"implementation", r.check->implementation},
                             {"domain", r.domain},
                             {"gradient_implementation", r.check->gradient_implementation},
                             {"metrics", metrics}};
  }
  nlohmann::ordered_json out = {
      {"gelucheck_baseline", kBaselineVersion}, {"gate_file", gate.path}, {"checks", checks}};
  return out.dump(2) + "\n";
}

void check_baseline_matches(const Baseline& base, const BaselineEntry& e, const GateCheck& c,
                            const std::string& domain) {
  auto differs = [&](std::string_view what, const std::string& recorded, std::string_view now) {
    if (recorded == now) return;
    throw UsageError(fmt::format(
        "{}: baseline {} for check '{}' was recorded for {} '{}' but the check now has '{}'; "
        "re-record it with --write-baseline",
        c.location, base.path, c.name, what, recorded, now));
  };
  differs("function", e.function, name_of(c.function));
  differs("format", e.format, c.format->name);
  differs("implementation", e.implementation, c.implementation);
  differs("domain", e.domain, domain);
  differs("gradient_implementation", e.gradient_implementation, c.gradient_implementation);
}

void compare_with_baseline(const BaselineEntry& e, CheckResult& r) {
  for (const auto& [metric, base] : e.metrics) {
    const std::optional<double> measured = measured_value(metric, r);
    if (!measured) continue;  // a backward metric of a check that no longer gates the backward
    CriterionResult c;
    c.metric = metric;
    c.kind = CriterionResult::Kind::baseline;
    c.baseline = base;
    for (const auto& [m, t] : r.check->baseline_tolerance)
      if (m == metric) c.tolerance = t;
    c.bound = info_of(metric).lower_bound ? base - c.tolerance : base + c.tolerance;
    c.measured = *measured;
    c.passed = within(metric, c.measured, c.bound);
    r.criteria.push_back(c);
  }
}

// --- rendering --------------------------------------------------------------------------------

namespace {

std::string number(GateMetric m, double v) {
  if (info_of(m).is_count) return fmt::format("{}", uint64_t(v));
  return fmt::format("{:.6g}", v);
}

// The measured value, with all its digits when six would print it equal to the bound it fails.
std::string measured_text(const CriterionResult& c) {
  const std::string short_text = number(c.metric, c.measured);
  if (c.passed || short_text != number(c.metric, c.bound)) return short_text;
  return fmt::format("{}", c.measured);
}

std::string bound_text(const CriterionResult& c) {
  const char* op = info_of(c.metric).lower_bound ? ">=" : "<=";
  switch (c.kind) {
    case CriterionResult::Kind::limit:
      return fmt::format("{} {}", op, number(c.metric, c.bound));
    case CriterionResult::Kind::default_limit:
      return fmt::format("{} {} (default)", op, number(c.metric, c.bound));
    case CriterionResult::Kind::baseline:
      return fmt::format("{} {} (baseline {} {} {})", op, number(c.metric, c.bound),
                         number(c.metric, c.baseline), info_of(c.metric).lower_bound ? "-" : "+",
                         number(c.metric, c.tolerance));
  }
  return {};
}

std::string criterion_name(const CriterionResult& c) {
  std::string n(info_of(c.metric).key);
  return c.kind == CriterionResult::Kind::baseline ? n + " vs baseline" : n;
}

std::string input_text(const Format& f, uint32_t x) {
  return fmt::format("{} ({}, {:a})", to_shortest_decimal(f, x), to_hex_bits(f, x),
                     to_double(f, x));
}

std::string worst_line(const Format& f, const PointRecord& p) {
  std::string s = fmt::format("x = {}: got {}, correctly rounded {}", input_text(f, p.x),
                              value_with_bits(f, p.y), value_with_bits(f, p.ref.correctly_rounded));
  if (p.outcome == Outcome::finite || p.outcome == Outcome::flushed)
    s += fmt::format(", ULP error {}, abs error {}",
                     known_digits(p.ulp_error, ulp_error_bound(f), 4),
                     known_digits(p.abs_error, std::ldexp(ulp_error_bound(f), p.ref.ulp_log2), 4));
  else
    s += p.outcome == Outcome::nan ? " (NaN mismatch)" : " (non-finite)";
  if (p.outcome == Outcome::flushed) s += " (flushed: allowed by the subnormal mode)";
  if (p.zero_sign) s += " (zero of the wrong sign)";
  return s;
}

std::string assert_close_line(const Format& f, const PointRecord& p) {
  return worst_line(f, p) +
         fmt::format(", |y - c| / (atol + |rtol c|) = {:.4g}", p.tolerance_ratio);
}

std::string example_line(const Format& f, const PointExample& e) {
  return fmt::format(
      "x = {}: got {}, correctly rounded {}, exact {}, ULP error {}, |y - c| / (atol + |rtol c|) "
      "= {:.4g}",
      input_text(f, e.x), value_with_bits(f, e.y), value_with_bits(f, e.correctly_rounded),
      exact_text(f, e.exact, e.ulp_log2), known_digits(e.ulp_error, ulp_error_bound(f), 4),
      e.tolerance_ratio);
}

std::string diff_line(const Format& f, const DiffPoint& p) {
  auto err = [&](const PointRecord& q) {
    return q.outcome == Outcome::finite    ? known_digits(q.ulp_error, ulp_error_bound(f), 4)
           : q.outcome == Outcome::special ? std::string("exact")
                                           : std::string("non-finite");
  };
  return fmt::format("x = {}: this {} ({} ULP), other {} ({} ULP), exact {}, {} apart, closer: {}",
                     input_text(f, p.a.x), value_with_bits(f, p.a.y), err(p.a),
                     value_with_bits(f, p.b.y), err(p.b),
                     exact_text(f, p.a.ref.exact, p.a.ref.ulp_log2),
                     p.both_finite ? fmt::format("{} values", p.distance) : std::string("inf/NaN"),
                     p.closer == Closer::a   ? "this"
                     : p.closer == Closer::b ? "other"
                                             : "tie");
}

// Which lists of worst inputs explain the failed criteria of a check.
struct WorstList {
  std::string title;
  const std::vector<PointRecord>* records;
};
std::vector<WorstList> lists_for_failures(const CheckResult& r) {
  bool ulp = false, abs = false, nonfinite = false, zero = false, grad_ulp = false,
       grad_nonfinite = false, close = false;
  for (const CriterionResult& c : r.criteria) {
    if (c.passed) continue;
    switch (c.metric) {
      case GateMetric::min_assert_close:
        close = true;
        break;
      case GateMetric::max_differing:
      case GateMetric::max_differing_not_closer:
        break;  // failure_text lists the disagreements
      case GateMetric::max_nonfinite:
        nonfinite = true;
        break;
      case GateMetric::max_zero_sign:
        zero = true;
        break;
      case GateMetric::max_saturated:
        break;  // the count says it; `gelucheck saturation` shows where
      case GateMetric::max_abs_error:
        abs = true;
        break;
      case GateMetric::gradient_max_ulp:
        grad_ulp = true;
        break;
      case GateMetric::gradient_max_nonfinite:
        grad_nonfinite = true;
        break;
      case GateMetric::saturation_threshold_tolerance:
        break;  // failure_text names the farthest threshold
      default:
        ulp = true;
        break;
    }
  }
  std::vector<WorstList> out;
  if (nonfinite) out.push_back({"first non-finite or NaN results", &r.worst.nonfinite});
  if (ulp) out.push_back({"worst inputs by |ULP error|", &r.worst.by_ulp});
  if (abs) out.push_back({"worst inputs by |absolute error|", &r.worst.by_abs_error});
  if (zero) out.push_back({"first zeros of the wrong sign", &r.worst.zero_sign});
  if (close)
    out.push_back({"worst inputs failing assert_close (by |y - c| / (atol + |rtol c|))",
                   &r.worst.assert_close_fail});
  const std::string backward =
      r.backward_function ? fmt::format("the backward ({} by {})", name_of(*r.backward_function),
                                        r.backward_implementation)
                          : "";
  if (grad_nonfinite)
    out.push_back({"first non-finite or NaN results of " + backward, &r.backward_worst.nonfinite});
  if (grad_ulp)
    out.push_back({"worst inputs of " + backward + " by |ULP error|", &r.backward_worst.by_ulp});
  return out;
}

std::string failure_text(const CheckResult& r, const std::string& indent) {
  const GateCheck& c = *r.check;
  std::string s;
  if (!r.kernel_failure.empty()) return fmt::format("{}{}\n", indent, r.kernel_failure);
  for (const CriterionResult& cr : r.criteria) {
    if (cr.passed) continue;
    s += fmt::format("{}{} = {} fails {}\n", indent, criterion_name(cr), measured_text(cr),
                     bound_text(cr));
  }
  const bool saturation_failed = std::any_of(
      r.criteria.begin(), r.criteria.end(),
      [](const CriterionResult& cr) { return !cr.passed && is_saturation_metric(cr.metric); });
  if (saturation_failed) s += fmt::format("{}farthest threshold: {}\n", indent, r.saturation_worst);
  for (const WorstList& l : lists_for_failures(r)) {
    s += fmt::format("{}{}:\n", indent, l.title);
    for (const PointRecord& p : *l.records)
      s += fmt::format("{}  {}\n", indent,
                       l.records == &r.worst.assert_close_fail ? assert_close_line(*c.format, p)
                                                               : worst_line(*c.format, p));
  }
  const bool diff_failed = std::any_of(
      r.criteria.begin(), r.criteria.end(),
      [](const CriterionResult& cr) { return !cr.passed && is_diff_metric(cr.metric); });
  if (diff_failed && r.diff) {
    s += fmt::format(
        "{}differs from {} at {} inputs ({} closer to exact, {} farther, {} ties); "
        "worst disagreements:\n",
        indent, r.diff_against, r.diff->differing, r.diff->a_closer, r.diff->b_closer,
        r.diff->ties);
    for (const DiffPoint& p : r.diff->worst)
      s += fmt::format("{}  {}\n", indent, diff_line(*c.format, p));
  }
  return s;
}

// The assert_close view of a check that limits it: the share and both disagreements.
std::string assert_close_text(const CheckResult& r, const std::string& indent) {
  const Format& f = *r.check->format;
  const ErrorStats& s = r.stats;
  std::string out = fmt::format(
      "{}assert_close (rtol {}, atol {}): {} of {} inputs pass ({}); {} pass while more than 1 "
      "ULP off, {} fail while faithful\n",
      indent, r.tolerance.rtol, r.tolerance.atol, s.assert_close, s.points,
      percent_prose(s.share(s.assert_close)), s.assert_close_unfaithful,
      s.assert_close_faithful_fail);
  if (!s.passes_unfaithful.items.empty()) {
    out += fmt::format("{}  passing while unfaithful, largest |ULP error| first:\n", indent);
    for (const PointExample& e : s.passes_unfaithful.items)
      out += fmt::format("{}    {}\n", indent, example_line(f, e));
  }
  if (!s.fails_faithful.items.empty()) {
    out += fmt::format("{}  failing while faithful, largest tolerance ratio first:\n", indent);
    for (const PointExample& e : s.fails_faithful.items)
      out += fmt::format("{}    {}\n", indent, example_line(f, e));
  }
  return out;
}

std::string check_heading(const CheckResult& r) {
  const GateCheck& c = *r.check;
  return fmt::format("{} ({}): {} in {} by {}, {}", c.name, c.location, name_of(c.function),
                     c.format->name, c.implementation, r.domain);
}

size_t failed_count(const std::vector<CheckResult>& results) {
  return size_t(std::count_if(results.begin(), results.end(),
                              [](const CheckResult& r) { return !r.passed(); }));
}

}  // namespace

std::string render_gate_table(const GateFile& gate, const std::vector<CheckResult>& results) {
  const size_t failed = failed_count(results);
  std::string out = fmt::format("gelucheck gate {}: {} checks, {} passed, {} failed\n\n", gate.path,
                                results.size(), results.size() - failed, failed);
  out +=
      "| check | function | format | implementation | inputs | criterion | limit | measured | "
      "result |\n"
      "|---|---|---|---|---|---|---|---:|---|\n";
  for (const CheckResult& r : results) {
    const GateCheck& c = *r.check;
    bool first = true;
    auto row = [&](const std::string& criterion, const std::string& bound,
                   const std::string& measured, bool passed) {
      out += first ? fmt::format("| {} | {} | {} | {} | {} ", c.name, name_of(c.function),
                                 c.format->name, c.implementation, r.domain)
                   : std::string("| | | | | ");
      out += fmt::format("| {} | {} | {} | {} |\n", criterion, bound, measured,
                         passed ? "pass" : "**FAIL**");
      first = false;
    };
    size_t baseline_passed = 0;
    for (const CriterionResult& cr : r.criteria) {
      if (cr.kind == CriterionResult::Kind::baseline && cr.passed) {
        ++baseline_passed;
        continue;
      }
      row(criterion_name(cr), bound_text(cr), measured_text(cr), cr.passed);
    }
    if (baseline_passed)
      row("baseline", fmt::format("{} metrics no worse than recorded", baseline_passed), "", true);
    if (!r.baseline_note.empty()) row("baseline", r.baseline_note, "", true);
    if (!r.kernel_failure.empty()) row("kernel", "runs to the end", "failed", false);
  }
  for (const CheckResult& r : results) {
    const bool limits_assert_close = std::any_of(
        r.criteria.begin(), r.criteria.end(),
        [](const CriterionResult& cr) { return cr.metric == GateMetric::min_assert_close; });
    if (r.passed() && limits_assert_close)
      out += fmt::format("\n{}\n{}", check_heading(r), assert_close_text(r, "  "));
    if (r.passed()) continue;
    out += fmt::format("\nFAIL {}\n", check_heading(r));
    out += failure_text(r, "  ");
    if (limits_assert_close && r.kernel_failure.empty()) out += assert_close_text(r, "  ");
  }
  return out;
}

std::string render_gate_junit(const GateFile& gate, const std::vector<CheckResult>& results) {
  double total = 0;
  for (const CheckResult& r : results) total += r.seconds;
  const size_t failed = failed_count(results);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"gelucheck gate\" tests=\"{}\" failures=\"{}\" "
      "errors=\"0\" time=\"{:.3f}\">\n",
      results.size(), failed, total);
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
      "skipped=\"0\" time=\"{:.3f}\">\n",
      xml_escape(gate.path), results.size(), failed, total);
  for (const CheckResult& r : results) {
    const GateCheck& c = *r.check;
    out += fmt::format(
        "    <testcase name=\"{}\" classname=\"gelucheck.gate.{}.{}\" "
        "time=\"{:.3f}\" file=\"{}\">\n",
        xml_escape(c.name), name_of(c.function), c.format->name, r.seconds, xml_escape(gate.path));
    std::string summary;
    for (const CriterionResult& cr : r.criteria)
      summary += fmt::format("{} = {} {} {}\n", criterion_name(cr), measured_text(cr),
                             cr.passed ? "passes" : "FAILS", bound_text(cr));
    if (!r.passed()) {
      std::string message = r.kernel_failure;
      for (const CriterionResult& cr : r.criteria)
        if (!cr.passed)
          message += fmt::format("{}{} = {} fails {}", message.empty() ? "" : "; ",
                                 criterion_name(cr), measured_text(cr), bound_text(cr));
      out += fmt::format("      <failure type=\"{}\" message=\"{}\">{}\n{}</failure>\n",
                         r.kernel_failure.empty() ? "accuracy" : "kernel", xml_escape(message),
                         xml_escape(check_heading(r)), xml_escape(failure_text(r, "")));
    }
    out += fmt::format("      <system-out>{}\n{}</system-out>\n", xml_escape(check_heading(r)),
                       xml_escape(summary));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string render_gate_json(const GateFile& gate, const std::vector<CheckResult>& results) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const CheckResult& r : results) {
    const GateCheck& c = *r.check;
    const Format& f = *c.format;
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    for (const GateMetricInfo& m : gate_metrics())
      if (const std::optional<double> v = measured_value(m.metric, r))
        metrics[std::string(m.key)] = *v;
    nlohmann::ordered_json criteria = nlohmann::ordered_json::array();
    for (const CriterionResult& cr : r.criteria) {
      nlohmann::ordered_json j = {
          {"metric", info_of(cr.metric).key},
          {"kind", cr.kind == CriterionResult::Kind::baseline        ? "baseline"
                   : cr.kind == CriterionResult::Kind::default_limit ? "default_limit"
                                                                     : "limit"},
          {"bound", cr.bound},
          {"measured", cr.measured},
          {"passed", cr.passed}};
      if (cr.kind == CriterionResult::Kind::baseline) {
        j["baseline"] = cr.baseline;
        j["tolerance"] = cr.tolerance;
      }
      criteria.push_back(j);
    }
    auto records = [&](const std::vector<PointRecord>& v) {
      nlohmann::ordered_json a = nlohmann::ordered_json::array();
      for (const PointRecord& p : v) {
        nlohmann::ordered_json j = {
            {"x", to_shortest_decimal(f, p.x)},
            {"x_bits", to_hex_bits(f, p.x)},
            {"value", to_shortest_decimal(f, p.y)},
            {"value_bits", to_hex_bits(f, p.y)},
            {"correctly_rounded", to_shortest_decimal(f, p.ref.correctly_rounded)},
            {"correctly_rounded_bits", to_hex_bits(f, p.ref.correctly_rounded)}};
        if (p.outcome == Outcome::finite) {
          j["ulp_error"] = p.ulp_error;
          j["abs_error"] = p.abs_error;
        } else {
          j["outcome"] = p.outcome == Outcome::nan ? "nan" : "nonfinite";
        }
        a.push_back(j);
      }
      return a;
    };
    checks.push_back({{"name", c.name},
                      {"location", c.location},
                      {"function", name_of(c.function)},
                      {"format", f.name},
                      {"implementation", c.implementation},
                      {"implementation_resolved", r.implementation},
                      {"domain", r.domain},
                      {"points", r.stats.points},
                      {"passed", r.passed()},
                      {"seconds", r.seconds},
                      {"metrics", metrics},
                      {"criteria", criteria},
                      {"baseline_note", r.baseline_note},
                      {"kernel_failure", r.kernel_failure},
                      {"worst_inputs",
                       {{"by_ulp", records(r.worst.by_ulp)},
                        {"by_abs_error", records(r.worst.by_abs_error)},
                        {"nonfinite", records(r.worst.nonfinite)},
                        {"zero_sign", records(r.worst.zero_sign)}}}});
    auto examples = [&](const TopPoints& t) {
      nlohmann::ordered_json a = nlohmann::ordered_json::array();
      for (const PointExample& e : t.items)
        a.push_back({{"x", to_shortest_decimal(f, e.x)},
                     {"x_bits", to_hex_bits(f, e.x)},
                     {"value", to_shortest_decimal(f, e.y)},
                     {"value_bits", to_hex_bits(f, e.y)},
                     {"expected", to_shortest_decimal(f, e.correctly_rounded)},
                     {"expected_bits", to_hex_bits(f, e.correctly_rounded)},
                     {"exact", exact_value(f, e.exact, e.ulp_log2)},
                     {"ulp_error", known_value(e.ulp_error, ulp_error_bound(f), kMachineDigits)},
                     {"tolerance_ratio", e.tolerance_ratio}});
      return a;
    };
    checks.back()["subnormals"] = subnormal_mode_name(r.subnormals);
    checks.back()["flushed"] = r.stats.flushed;
    checks.back()["assert_close"] = {
        {"rtol", r.tolerance.rtol},
        {"atol", r.tolerance.atol},
        {"passed", r.stats.assert_close},
        {"share", r.stats.share(r.stats.assert_close)},
        {"passes_while_unfaithful", r.stats.assert_close_unfaithful},
        {"fails_while_faithful", r.stats.assert_close_faithful_fail},
        {"worst_passing_unfaithful", examples(r.stats.passes_unfaithful)},
        {"worst_failing_faithful", examples(r.stats.fails_faithful)}};
    if (r.diff) {
      nlohmann::ordered_json worst = nlohmann::ordered_json::array();
      for (const DiffPoint& p : r.diff->worst)
        worst.push_back({{"x", to_shortest_decimal(f, p.a.x)},
                         {"x_bits", to_hex_bits(f, p.a.x)},
                         {"value", to_shortest_decimal(f, p.a.y)},
                         {"other", to_shortest_decimal(f, p.b.y)},
                         {"exact", exact_value(f, p.a.ref.exact, p.a.ref.ulp_log2)},
                         {"distance", p.both_finite ? nlohmann::ordered_json(p.distance)
                                                    : nlohmann::ordered_json(nullptr)},
                         {"closer", p.closer == Closer::a   ? "this"
                                    : p.closer == Closer::b ? "other"
                                                            : "tie"}});
      checks.back()["diff"] = {{"against", c.diff_against},
                               {"against_resolved", r.diff_against},
                               {"differing", r.diff->differing},
                               {"closer", r.diff->a_closer},
                               {"farther", r.diff->b_closer},
                               {"ties", r.diff->ties},
                               {"worst", worst}};
    }
    if (r.backward_function)
      checks.back()["backward"] = {{"function", name_of(*r.backward_function)},
                                   {"implementation", c.gradient_implementation},
                                   {"implementation_resolved", r.backward_implementation},
                                   {"worst_inputs",
                                    {{"by_ulp", records(r.backward_worst.by_ulp)},
                                     {"nonfinite", records(r.backward_worst.nonfinite)}}}};
  }
  const size_t failed = failed_count(results);
  nlohmann::ordered_json out = {{"gate_file", gate.path},
                                {"passed", failed == 0},
                                {"checks_total", results.size()},
                                {"checks_failed", failed},
                                {"checks", checks}};
  return out.dump(2) + "\n";
}

}  // namespace gelucheck::cli
