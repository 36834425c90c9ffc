// The gradient report against mpmath: every line written by mpmath_gradients.py (an independent
// Python program: mpmath's functions and numerical derivatives, Python-integer rounding) must be
// reproduced by the library: the landscape bit for bit, critical points and roots of f' to
// double accuracy, kappa and E[f'^2] to the stated accuracy.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "analysis/gradients.hpp"
#include "functions/function.hpp"
#include "functions/function_spec.hpp"

using namespace gelucheck;

namespace {

std::vector<std::vector<std::string>> load_lines() {
  const std::string path = std::string(GELUCHECK_TEST_DATA_DIR) + "/mpmath_gradients.txt";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::vector<std::string> words;
    for (std::string w; s >> w;) words.push_back(w);
    if (!words.empty()) out.push_back(words);
  }
  return out;
}

Function derivative_named(const std::string& name) {
  Function fn;
  REQUIRE(parse_function(name, fn));
  REQUIRE(is_derivative(fn));
  return fn;
}

double hex_double(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

// The landscape as the lines mpmath_gradients.py writes for it (a graded pair's inputs are of
// f.in(), its values S f' rounded to f; it also lists where they overflow).
std::set<std::string> landscape_lines(Function fn, const Format& f) {
  const Landscape l = derivative_landscape(fn, f, finite_ordinals_in(f.in(), -INFINITY, INFINITY),
                                           default_thresholds());
  std::set<std::string> out;
  const std::string prefix = fmt::format("{} {}", name_of(fn), f.name);
  out.insert(fmt::format("value {} max {:#x}", prefix, l.max.value));
  out.insert(fmt::format("value {} min {:#x}", prefix, l.min.value));
  auto add = [&](const std::string& feature, const std::vector<InputInterval>& v) {
    for (const InputInterval& i : v)
      out.insert(fmt::format("interval {} {} {:#x} {:#x}", prefix, feature, i.first, i.last));
  };
  add("max", l.max.attained);
  add("min", l.min.attained);
  add("negative", l.negative);
  const char* labels[] = {"below:1e-2", "below:1e-4", "below:eps"};
  REQUIRE(l.below.size() == 3);
  for (size_t k = 0; k < 3; ++k) add(labels[k], l.below[k].inputs);
  add("zero", l.underflow);
  if (f.is_pair()) add("overflow", l.overflow);
  for (const ZeroCrossing& z : l.zeros)
    out.insert(fmt::format("crossing {} {:#x} {:#x}", prefix, z.below, z.above));
  return out;
}

}  // namespace

TEST_CASE("landscape of f' matches mpmath bit for bit in every format and graded pair",
          "[gradients][mpmath]") {
  std::map<std::pair<std::string, std::string>, std::set<std::string>> expected;
  for (const auto& w : load_lines()) {
    if (w[0] != "value" && w[0] != "interval" && w[0] != "crossing") continue;
    std::string line = w[0];
    for (size_t i = 1; i < w.size(); ++i) line += " " + w[i];
    expected[{w[1], w[2]}].insert(line);
  }
  // 7 derivatives x (3 formats + 5 pairs: bf16:e4m3, bf16:e4m3*44.8, bf16:e5m2, fp16:e4m3fnuz,
  // bf16:e2m1)
  REQUIRE(expected.size() == 7 * (3 + 5));
  for (const auto& [key, lines] : expected) {
    const Function fn = derivative_named(key.first);
    const Format* f = find_format(key.second);
    REQUIRE(f);
    const std::set<std::string> got = landscape_lines(fn, *f);
    std::vector<std::string> missing, extra;
    for (const auto& l : lines)
      if (!got.count(l)) missing.push_back(l);
    for (const auto& l : got)
      if (!lines.count(l)) extra.push_back(l);
    INFO(key.first << " " << key.second);
    for (const auto& l : missing) UNSCOPED_INFO("mpmath only: " << l);
    for (const auto& l : extra) UNSCOPED_INFO("ours only:   " << l);
    CHECK(missing.empty());
    CHECK(extra.empty());
  }
}

TEST_CASE("extremes and zero crossings of f' are where mpmath puts them", "[gradients][mpmath]") {
  size_t seen = 0;
  for (const auto& w : load_lines()) {
    if (w[0] != "extremum" && w[0] != "root") continue;
    const Function fn = derivative_named(w[1]);
    const double expected = hex_double(w[2]);
    const DerivativeShape& s = derivative_shape(fn);
    const auto& list = w[0] == "extremum" ? s.extrema : s.zeros;
    double nearest = INFINITY;
    for (double v : list)
      if (std::fabs(v - expected) < std::fabs(nearest - expected)) nearest = v;
    INFO(w[0] << " " << w[1] << " mpmath " << fmt::format("{:a}", expected) << " ours "
              << fmt::format("{:a}", nearest));
    CHECK(std::fabs(nearest - expected) <= 4e-15 * std::fabs(expected));
    ++seen;
  }
  // Two extrema and a root per GELU form, SiLU and Mish; tanh' peaks at 0; softplus' and relu2'
  // are monotone.
  CHECK(seen == 2 + 1 + 2 + 1 + 1 + 2 + 1 + 2 + 1);
}

TEST_CASE("condition number of f' matches mpmath's numerical derivative", "[gradients][mpmath]") {
  size_t seen = 0;
  for (const auto& w : load_lines()) {
    if (w[0] != "kappa") continue;
    const Function fn = derivative_named(w[1]);
    const double x = hex_double(w[2]), expected = hex_double(w[3]);
    const double got = derivative_condition(fn, x);
    INFO(w[1] << " x = " << x << " mpmath " << expected << " ours " << got);
    // kappa only scales an envelope: 1e-9 relative is far more than needed, and what the double
    // formulas (and the Mills-ratio series below -30) hold.
    CHECK(std::fabs(got - expected) <= 1e-9 * expected + 1e-300);
    ++seen;
  }
  CHECK(seen == 6 * 12 + 5);  // relu2' at its 5 positive points only
}

TEST_CASE("exact E[f'(z)^2] matches mpmath's quadrature", "[gradients][mpmath]") {
  size_t seen = 0;
  for (const auto& w : load_lines()) {
    if (w[0] != "flow") continue;
    const Function fn = derivative_named(w[1]);
    const double sigma = std::stod(w[2]), expected = hex_double(w[3]);
    const double got = exact_mean_square_derivative(fn, sigma);
    INFO(w[1] << " sigma " << sigma << " mpmath " << fmt::format("{:a}", expected) << " ours "
              << fmt::format("{:a}", got));
    CHECK(std::fabs(got - expected) <= 2e-16 * expected);  // both are rounded from ~30 digits
    ++seen;
  }
  CHECK(seen == 7 * 4);
}
