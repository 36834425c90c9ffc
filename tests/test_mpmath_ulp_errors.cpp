// Printed digits are true digits (render/text.hpp; sweep/metrics.hpp, remark 4): for results y
// chosen around the correctly rounded value at a few hundred inputs, mpmath_ulp_errors.py (an
// independent Python program: mpmath's functions, Python-integer rounding) writes the exact ULP
// error; the error gelucheck computes and prints must be that error correctly rounded to the
// digits printed, in the CSV/JSON form and in the Markdown form, and carry as many digits as the
// reference's grid allows.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "reference/reference.hpp"
#include "render/table_render.hpp"
#include "render/text.hpp"
#include "sweep/metrics.hpp"

using namespace gelucheck;

namespace {

struct Case {
  Function fn;
  const Format* format;
  uint32_t x, y;
  std::string error;  // the exact error, 40 significant digits
};

std::vector<Case> load_cases() {
  const std::string path = std::string(GELUCHECK_TEST_DATA_DIR) + "/mpmath_ulp_errors.txt";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<Case> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string fn_name, fmt_name, x_hex, y_hex;
    Case c;
    s >> fn_name >> fmt_name >> x_hex >> y_hex >> c.error;
    REQUIRE(parse_function(fn_name, c.fn));
    c.format = find_format(fmt_name);
    REQUIRE(c.format);
    c.x = static_cast<uint32_t>(std::stoul(x_hex, nullptr, 16));
    c.y = static_cast<uint32_t>(std::stoul(y_hex, nullptr, 16));
    out.push_back(c);
  }
  return out;
}

// Significant digits of a printed decimal ("-0.0123" has 3; "1.678e+07" has 4; "0" has 0), and
// the place value of its last digit.
std::pair<int, long double> digits_and_unit(const std::string& text) {
  const size_t e_at = text.find_first_of("eE");
  const std::string mantissa = text.substr(0, e_at);
  const int exponent = e_at == std::string::npos ? 0 : std::stoi(text.substr(e_at + 1));
  int digits = 0, after_point = 0;
  bool point = false, leading = true;
  for (char ch : mantissa) {
    if (ch == '.') {
      point = true;
      continue;
    }
    if (ch < '0' || ch > '9') continue;
    if (point) ++after_point;
    if (ch != '0') leading = false;
    if (!leading) ++digits;
  }
  return {digits, std::pow(10.0L, exponent - after_point)};
}

// Whether `printed` is the exact value `exact` (a long decimal) correctly rounded to its digits:
// |exact - printed| <= half a unit of the last printed digit.
bool true_digits(const std::string& printed, const std::string& exact) {
  const long double p = std::strtold(printed.c_str(), nullptr);
  const long double e = std::strtold(exact.c_str(), nullptr);
  const long double half = digits_and_unit(printed).second / 2;
  return std::fabs(e - p) <= half * (1 + 1e-15L);
}

}  // namespace

TEST_CASE("printed ULP errors are mpmath's exact errors rounded to the digits shown",
          "[mpmath][metrics]") {
  const auto cases = load_cases();
  REQUIRE(cases.size() >= 600);  // 5 functions x 3 formats x 10 inputs x about 5 results
  size_t wrong = 0, short_of_digits = 0;
  for (const Case& c : cases) {
    const Format& f = *c.format;
    const PointRecord p = compare(f, c.x, c.y, reference(c.fn, f, c.x));
    REQUIRE(p.outcome == Outcome::finite);
    const std::string csv = ulp_error_csv(f, p.ulp_error);
    const std::string md = ulp_error_text(f, p.ulp_error);
    const bool ok = true_digits(csv, c.error) && true_digits(md, c.error);
    // As many digits as the grid allows. r is known to within h = 2^-11 ULP, an interval of
    // width 2^-10 < 0.005: it cannot hold both a rounding boundary of one decimal (k.k5) and
    // one of two decimals (k.kk5, never k.k5), so at least one decimal is always certain and
    // the printed error is within 0.05 of the exact one (trailing zeros dropped or not).
    const double magnitude = std::fabs(std::strtod(c.error.c_str(), nullptr));
    const long double printed = std::strtold(csv.c_str(), nullptr);
    const bool enough =
        magnitude >= 1e4 || std::fabs(printed - std::strtold(c.error.c_str(), nullptr)) <= 0.05L;
    if (!ok || !enough) {
      if (++(ok ? short_of_digits : wrong) <= 10)
        UNSCOPED_INFO(fmt::format("{} {} x = {} y = {}: exact {}, printed {} and {}", name_of(c.fn),
                                  f.name, to_hex_bits(f, c.x), to_hex_bits(f, c.y), c.error, csv,
                                  md));
    }
  }
  CHECK(wrong == 0);
  CHECK(short_of_digits == 0);
}

TEST_CASE("known digits: hand-derived cases", "[metrics]") {
  // glibc tanhf's worst fp32 error (issue 16): 2.1884765625 on a 2^-10 grid, known to within
  // 2^-11 = 0.00048828125, so in [2.18798828, 2.18896484]: 4 digits round to 2.188 and 2.189,
  // 3 digits to 2.19 at both ends.
  CHECK(known_digits(2.1884765625, 0x1p-11, 17) == "2.19");
  // Its exact value, 2.18855, known to within 2^-15 = 3.05e-5 (a grid 16 times finer): [2.18851948,
  // 2.18858052], 5 digits 2.1885 and 2.1886, 4 digits 2.189 at both ends.
  CHECK(known_digits(2.18855, 0x1p-15, 17) == "2.189");
  // An exact quantity keeps the requested digits, as {:.4g} writes them.
  CHECK(known_digits(0.5, 0, 4) == "0.5");
  CHECK(known_digits(16777215.0, 0, 4) == "1.678e+07");
  // Zero known to 2^-21: [0, 4.8e-7] is 0.000000 at 6 decimals.
  CHECK(known_digits(0, 0x1p-21, 17, true) == "0");
  // 9.9996 +- 5e-4 = [9.9991, 10.0001]: 4 digits 9.999 and 10.00, 3 digits 10.0 at both ends.
  CHECK(known_digits(9.9996, 5e-4, 4) == "10");
  // 0.5 exactly on the grid, +-2^-21: [0.49999952, 0.50000048] rounds to 0.5000000 at 7 digits.
  CHECK(known_digits(0.5, 0x1p-21, 17) == "0.5");
  CHECK(known_digits(-3.25, 0x1p-21, 17) == "-3.25");
}
