// How numbers read in text: ULP values and shares of inputs, one definition each, for every
// renderer (tables, report pages, summaries).
#pragma once

#include <string>

#include <fmt/format.h>  // fmt::format

namespace gelucheck {

// An |ULP error|: 4 significant digits, scientific from 1e6.
inline std::string ulp_text(double v) {
  if (v >= 1e6) return fmt::format("{:.3e}", v);
  return fmt::format("{:.4g}", v);
}

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

}  // namespace gelucheck
