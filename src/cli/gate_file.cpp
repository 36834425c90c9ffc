#include "gate_file.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>   // fmt::format
#include <toml++/toml.h>  // toml::table, toml::node

#include "implementations/plugin_implementation.hpp"
#include "toml_file.hpp"

namespace gelucheck::cli {

const std::vector<GateMetricInfo>& gate_metrics() {
  static const std::vector<GateMetricInfo> metrics = {
      {GateMetric::max_ulp, "max_ulp", false, false, false,
       "largest |ULP error| over finite results"},
      {GateMetric::mean_ulp, "mean_ulp", false, false, false,
       "mean |ULP error| over finite results"},
      {GateMetric::min_correctly_rounded, "min_correctly_rounded", true, false, false,
       "share of inputs (0..1) whose result is the correctly rounded value"},
      {GateMetric::min_faithful, "min_faithful", true, false, false,
       "share of inputs (0..1) whose result is one of the two values bracketing f(x)"},
      {GateMetric::max_nonfinite, "max_nonfinite", false, true, false,
       "inputs whose result is inf or NaN where f(x) is finite, or the wrong inf/NaN "
       "(default limit 0)"},
      {GateMetric::max_zero_sign, "max_zero_sign", false, true, false, "zeros of the wrong sign"},
      {GateMetric::max_saturated, "max_saturated", false, true, false,
       "inputs whose result is +-max where f(x) overflows and the reference, non-saturating, "
       "gives inf or NaN: the saturating convention, counted apart from errors (the "
       "`saturated` column)"},
      {GateMetric::max_abs_error, "max_abs_error", false, false, false,
       "largest |y - f(x)| over finite results"},
      {GateMetric::gradient_max_ulp, "gradient_max_ulp", false, false, true,
       "largest |ULP error| of the backward (the derivative) over finite results"},
      {GateMetric::gradient_max_nonfinite, "gradient_max_nonfinite", false, true, true,
       "non-finite or NaN results of the backward (default limit 0 when the backward is "
       "gated)"},
      {GateMetric::saturation_threshold_tolerance, "saturation_threshold_tolerance", false, true,
       false,
       "largest distance, in inputs of the format, between a plateau threshold (tanh -> 1, "
       "gelu(x) = x, softplus -> 0, relu2 -> inf, ...) and the correctly rounded one, over every "
       "finite input"},
      {GateMetric::min_assert_close, "min_assert_close", true, false, false,
       "share of inputs (0..1) whose result passes torch.testing.assert_close against the "
       "correctly rounded value (rtol/atol of the check, else PyTorch's defaults for the "
       "format)"},
      {GateMetric::max_distance, "max_distance", false, true, false,
       "largest distance, in values of the format, from the correctly rounded result (finite "
       "results)"},
      {GateMetric::max_differing, "max_differing", false, true, false,
       "inputs where the result differs bitwise from diff_against's"},
      {GateMetric::max_differing_not_closer, "max_differing_not_closer", false, true, false,
       "inputs where the result differs from diff_against's and is not strictly closer to the "
       "exact value"},
  };
  return metrics;
}

bool is_saturation_metric(GateMetric m) { return m == GateMetric::saturation_threshold_tolerance; }
bool is_diff_metric(GateMetric m) {
  return m == GateMetric::max_differing || m == GateMetric::max_differing_not_closer;
}

const GateMetricInfo& info_of(GateMetric m) {
  for (const GateMetricInfo& i : gate_metrics())
    if (i.metric == m) return i;
  throw std::logic_error("unknown gate metric");
}

std::optional<Function> backward_of(Function forward) {
  if (!has_derivative(forward)) return std::nullopt;
  return derivative_of(forward);
}

namespace {

const GateMetricInfo* find_metric(std::string_view key) {
  for (const GateMetricInfo& i : gate_metrics())
    if (i.key == key) return &i;
  return nullptr;
}

std::string metric_keys() {
  std::string out;
  for (const GateMetricInfo& i : gate_metrics())
    out += (out.empty() ? "" : ", ") + std::string(i.key);
  return out;
}

constexpr std::string_view kCheckKeys =
    "name, function, format, implementation, gradient_implementation, range, grid, points, "
    "seed, subnormals, rtol, atol, diff_against, baseline_tolerance";

// Reads one gate file; every error is "FILE:LINE: what is wrong".
class GateFileReader : TomlFile {
 public:
  explicit GateFileReader(std::string path) : TomlFile(std::move(path), "gate file") {
    const auto slash = this->path().find_last_of('/');
    dir_ = slash == std::string::npos ? "" : this->path().substr(0, slash + 1);
  }

  GateFile read() {
    const toml::table& root = this->root();
    GateFile out;
    out.path = path();
    const toml::table* defaults = nullptr;
    std::vector<std::pair<GateMetric, double>> file_tolerance;
    const toml::array* checks = nullptr;
    for (auto&& [key, node] : root) {
      if (key == "defaults") {
        defaults = table_at(node, "defaults", "[defaults]");
      } else if (key == "baseline_tolerance") {
        file_tolerance = tolerance(node);
      } else if (key == "check") {
        checks = node.as_array();
        if (!checks || !checks->is_array_of_tables())
          fail(node, "'check' must be an array of tables: write each check as [[check]]");
      } else {
        fail(node, fmt::format("unknown top-level key '{}'; valid: [[check]] tables, [defaults], "
                               "[baseline_tolerance]",
                               key.str()));
      }
    }
    if (!checks || checks->empty())
      throw UsageError(
          fmt::format("{}: no checks: write each check as a [[check]] table with "
                      "function, format, implementation and at least one limit",
                      path()));
    std::map<std::string, std::string> names;  // name -> location
    for (const toml::node& node : *checks) {
      GateCheck c = check(*node.as_table(), defaults, file_tolerance);
      if (auto [it, added] = names.emplace(c.name, c.location); !added)
        throw UsageError(
            fmt::format("{}: check name '{}' is already used at {}; names must be "
                        "unique (baselines are keyed by them)",
                        c.location, c.name, it->second));
      out.checks.push_back(std::move(c));
    }
    return out;
  }

 private:
  const toml::table* table_at(const toml::node& n, std::string_view key,
                              std::string_view spelled) const {
    const toml::table* t = n.as_table();
    if (!t)
      fail(n, fmt::format("'{}' must be a table ({}), got {}", key, spelled, toml_type_name(n)));
    return t;
  }

  double limit_value(const toml::node& n, const GateMetricInfo& m) const {
    const double v = m.is_count ? double(integer_value(n, m.key, 0)) : number_value(n, m.key);
    if (std::isnan(v) || v < 0) fail(n, fmt::format("'{}' must be >= 0, got {}", m.key, v));
    if (m.lower_bound && v > 1)
      fail(n, fmt::format("'{}' is a share of the inputs, between 0 and 1 (0.99 = 99%), got {}",
                          m.key, v));
    return v;
  }

  std::vector<std::pair<GateMetric, double>> tolerance(const toml::node& n) const {
    const toml::table* t = table_at(n, "baseline_tolerance", "e.g. { max_ulp = 0.25 }");
    std::vector<std::pair<GateMetric, double>> out;
    for (auto&& [key, value] : *t) {
      const GateMetricInfo* m = find_metric(key.str());
      if (!m)
        fail(value, fmt::format("unknown metric '{}' in baseline_tolerance; valid: {}", key.str(),
                                metric_keys()));
      const double v = number_value(value, key.str());
      if (std::isnan(v) || v < 0)
        fail(value, fmt::format("tolerance '{}' must be >= 0, got {}", key.str(), v));
      out.emplace_back(m->metric, v);
    }
    return out;
  }

  // plugin:PATH... and file:PATH name files relative to the gate file, as a CI user expects.
  std::string with_paths_from_gate_file(const std::string& name) const {
    auto relative = [&](const std::string& p) {
      return p.empty() || p[0] == '/' || dir_.empty() ? p : dir_ + p;
    };
    if (name.starts_with("file:")) return "file:" + relative(name.substr(5));
    if (name.starts_with("plugin:")) {
      PluginName p = parse_plugin_name(std::string_view(name).substr(7));
      p.path = relative(p.path);
      return "plugin:" + p.argument();
    }
    return name;
  }

  GateCheck check(const toml::table& t, const toml::table* defaults,
                  const std::vector<std::pair<GateMetric, double>>& file_tolerance) const {
    GateCheck c;
    c.location = at(t);
    // The check's own keys override [defaults].
    std::map<std::string, const toml::node*> keys;
    if (defaults)
      for (auto&& [key, value] : *defaults) keys[std::string(key.str())] = &value;
    for (auto&& [key, value] : t) keys[std::string(key.str())] = &value;
    if (defaults && defaults->contains("name"))
      fail(*defaults->get("name"), "'name' cannot be a default: each check has its own");

    std::string range, grid;
    std::optional<double> rtol, atol;
    const toml::node* tolerance_node = nullptr;
    c.baseline_tolerance = file_tolerance;
    for (const auto& [key, node] : keys) {
      const toml::node& n = *node;
      if (key == "name") {
        c.name = string_value(n, key);
        if (c.name.empty()) fail(n, "'name' must not be empty");
      } else if (key == "function") {
        // Clang 14 cannot capture a structured binding: the lambdas take the text instead.
        const std::string name = string_value(n, key);
        c.function = with_location(n, [&] { return function_named(name); });
      } else if (key == "format") {
        const std::string name = string_value(n, key);
        c.format = &with_location(n, [&]() -> const Format& { return format_named(name); });
      } else if (key == "implementation") {
        c.implementation = string_value(n, key);
        c.implementation_location = at(n);
        c.implementation_path =
            with_location(n, [&] { return with_paths_from_gate_file(c.implementation); });
      } else if (key == "gradient_implementation") {
        c.gradient_implementation = string_value(n, key);
        c.gradient_implementation_location = at(n);
        c.gradient_implementation_path =
            with_location(n, [&] { return with_paths_from_gate_file(c.gradient_implementation); });
      } else if (key == "range") {
        c.domain.range = range_value(n);
        c.domain_location = at(n);
      } else if (key == "grid") {
        c.domain.grid = string_value(n, key);
        if (c.domain_location.empty()) c.domain_location = at(n);
      } else if (key == "points") {
        c.domain.points = uint64_t(integer_value(n, key, 1));
      } else if (key == "seed") {
        c.domain.seed = uint64_t(integer_value(n, key, 0));
      } else if (key == "subnormals") {
        const std::string mode = string_value(n, key);
        c.subnormals = with_location(n, [&] { return subnormal_mode_named(mode); });
      } else if (key == "rtol" || key == "atol") {
        const double v = number_value(n, key);
        if (!(v >= 0) || !std::isfinite(v))
          fail(n, fmt::format("'{}' must be a finite number >= 0, got {}", key, v));
        (key == "rtol" ? rtol : atol) = v;
        tolerance_node = &n;
      } else if (key == "diff_against") {
        c.diff_against = string_value(n, key);
        c.diff_against_location = at(n);
        c.diff_against_path =
            with_location(n, [&] { return with_paths_from_gate_file(c.diff_against); });
      } else if (key == "baseline_tolerance") {
        for (const auto& [metric, value] : tolerance(n)) {
          std::erase_if(c.baseline_tolerance, [m = metric](const auto& e) { return e.first == m; });
          c.baseline_tolerance.emplace_back(metric, value);
        }
      } else if (const GateMetricInfo* m = find_metric(key)) {
        c.limits.push_back({m->metric, limit_value(n, *m), false, at(n)});
      } else {
        fail(n, fmt::format("unknown key '{}' in a check; valid: {}, and the limits {}", key,
                            kCheckKeys, metric_keys()));
      }
    }
    auto require = [&](bool present, std::string_view key, std::string_view example) {
      if (!present)
        throw UsageError(fmt::format("{}: check{} has no '{}' (e.g. {} = {})", c.location,
                                     c.name.empty() ? "" : " '" + c.name + "'", key, key, example));
    };
    require(keys.contains("function"), "function",
            fmt::format("\"{}\"", all_functions().front().name()));
    require(keys.contains("format"), "format", "\"bf16\"");
    require(keys.contains("implementation"), "implementation",
            "\"fp32\" or \"plugin:libmine.so:my_gelu\"");
    if (c.limits.empty())
      throw UsageError(fmt::format("{}: check{} sets no limit; set at least one of {}", c.location,
                                   c.name.empty() ? "" : " '" + c.name + "'", metric_keys()));
    const auto limits_metric = [&](GateMetric m) {
      return std::any_of(c.limits.begin(), c.limits.end(),
                         [m](const GateLimit& l) { return l.metric == m; });
    };
    const bool gates_backward =
        std::any_of(c.limits.begin(), c.limits.end(),
                    [](const GateLimit& l) { return info_of(l.metric).backward; });
    if (gates_backward || !c.gradient_implementation.empty()) {
      const std::string where =
          c.gradient_implementation.empty() ? c.location : c.gradient_implementation_location;
      if (!backward_of(c.function)) {
        std::string forwards;
        for (Function fn : all_functions())
          if (has_derivative(fn))
            forwards += (forwards.empty() ? "" : ", ") + std::string(fn.name());
        throw UsageError(
            fmt::format("{}: the gradient_* limits gate the backward of a forward "
                        "function ({}); {} is a derivative "
                        "already: use max_ulp",
                        where, forwards, name_of(c.function)));
      }
      if (!gates_backward)
        throw UsageError(
            fmt::format("{}: gradient_implementation is set but no gradient_* limit "
                        "is (gradient_max_ulp, gradient_max_nonfinite)",
                        where));
      if (c.gradient_implementation.empty()) {
        c.gradient_implementation = c.implementation;
        c.gradient_implementation_path = c.implementation_path;
        c.gradient_implementation_location = c.implementation_location;
      }
      if (!limits_metric(GateMetric::gradient_max_nonfinite))
        c.limits.push_back({GateMetric::gradient_max_nonfinite, 0, true, c.location});
    }
    if (rtol.has_value() != atol.has_value())
      fail(*tolerance_node,
           "'rtol' and 'atol' go together (as in torch.testing.assert_close): set both or "
           "neither");
    if (rtol) c.tolerance = Tolerance{*rtol, *atol};
    const bool gates_diff = std::any_of(c.limits.begin(), c.limits.end(), [](const GateLimit& l) {
      return is_diff_metric(l.metric);
    });
    if (gates_diff && c.diff_against.empty())
      throw UsageError(fmt::format(
          "{}: max_differing and max_differing_not_closer compare with another implementation: "
          "set diff_against (e.g. diff_against = \"fp32\")",
          c.location));
    if (!gates_diff && !c.diff_against.empty())
      throw UsageError(
          fmt::format("{}: diff_against is set but no max_differing or "
                      "max_differing_not_closer limit is",
                      c.diff_against_location));
    if (!limits_metric(GateMetric::max_nonfinite))
      c.limits.push_back({GateMetric::max_nonfinite, 0, true, c.location});
    // Reports list limits in the order of gate_metrics(), whatever the file's order.
    std::stable_sort(c.limits.begin(), c.limits.end(),
                     [](const GateLimit& a, const GateLimit& b) { return a.metric < b.metric; });
    if (c.name.empty())
      c.name = fmt::format("{}/{}/{}", name_of(c.function), c.format->name, c.implementation);
    if (c.domain_location.empty()) c.domain_location = c.location;
    // The domain is built now so that a bad or empty range is reported here, with its line.
    {
      const std::string where = c.domain_location;
      try {
        (void)c.domain.build(*c.format);
      } catch (const UsageError& e) {
        throw UsageError(fmt::format("{}: {}", where, e.what()));
      }
    }
    return c;
  }

  std::string dir_;
};

}  // namespace

GateFile read_gate_file(const std::string& path) { return GateFileReader(path).read(); }

}  // namespace gelucheck::cli
