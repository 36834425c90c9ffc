// Renderers for the ULP error table (one row per function x format x implementation):
// Markdown for people, CSV for plotting, JSON for programs.
#pragma once

#include <string>
#include <vector>

#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "sweep/domain.hpp"
#include "sweep/stats.hpp"

namespace gelucheck {

struct TableRow {
  Function function;
  const Format* format;
  const Implementation* implementation;
  std::string domain;  // Domain::describe()
  ErrorStats stats;
};

enum class OutputKind { markdown, csv, json };
bool parse_output_kind(std::string_view name, OutputKind& out);

// `breakdown` adds, per row, the per-binade statistics and the histogram of |ULP error|
// (Markdown sections; JSON always has them; CSV never, one row per sweep).
std::string render_table(const std::vector<TableRow>& rows, OutputKind kind,
                         bool breakdown = false);

// Whether results are shown with a column for the saturating convention (metrics.hpp remark 7):
// for 8-bit and narrower outputs and graded pairs, and wherever a result saturated; the wide
// formats' tables stay as they were.
inline bool shows_convention(const Format& f) { return f.is_pair() || f.total_bits() <= 8; }
bool shows_convention(const std::vector<TableRow>& rows);

// Shared by every renderer: a value of a format as "decimal (0xbits)".
std::string value_with_bits(const Format& f, uint32_t bits);

}  // namespace gelucheck
