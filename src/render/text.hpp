// How numbers read in text: ULP values and shares of inputs, one definition each, for every
// renderer (tables, report pages, summaries).
//
// Printed digits are true digits. A quantity known only to within +-h (a ULP error on the
// reference's grid, metrics.hpp remark 4, and the means and RMS of such errors) is printed with
// the most significant digits, up to a cap, at which every value in [v - h, v + h] rounds to the
// same decimal: the printed number is then the exact value correctly rounded to the digits shown
// (trailing zeros dropped). Fewer digits are printed where the interval straddles a rounding
// boundary; no digit is ever invented.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>  // fmt::format

namespace gelucheck {

// v, known to within +-h, with at most `max_digits` significant digits (see above). `nonnegative`
// clips the interval at 0 (|errors|, means of them). Non-finite v prints as fmt does.
std::string known_digits(double v, double h, int max_digits, bool nonnegative = false);

// The same as a double (for JSON numbers): the decimal known_digits prints, read back.
double known_value(double v, double h, int max_digits, bool nonnegative = false);

// Significant digits CSV and JSON carry at most (a double's 17 when nothing limits them).
inline constexpr int kMachineDigits = 17;

// An |ULP error| for people, known to within +-h: at most 4 significant digits, scientific from
// 1e6 (as {:.4g} writes them).
inline std::string ulp_text(double v, double h) { return known_digits(v, h, 4, true); }
// A number for people that is exact (counts, exact sums): 4 significant digits.
inline std::string ulp_text(double v) { return known_digits(v, 0, 4, true); }

// A share of inputs in a table column: always three decimals, so a column reads evenly.
inline std::string percent_cell(double share) {
  if (share == 1.0) return "100%";
  return fmt::format("{:.3f}%", 100.0 * share);
}

// A share of inputs in a sentence: exactly 0% and 100% said as such, and a share below 0.001%
// in scientific notation rather than rounded to 0.000%.
inline std::string percent_prose(double share) {
  if (share == 1.0) return "100%";
  if (share == 0.0) return "0%";
  if (share < 1e-3) return fmt::format("{:.2e}%", 100.0 * share);
  return fmt::format("{:.3f}%", 100.0 * share);
}

// Text in a Markdown table cell: a '|' escaped, so that it does not end the cell (GFM tables).
inline std::string markdown_cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace gelucheck
