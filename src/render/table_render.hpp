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

// Shared by every renderer: a value of a format as "decimal (0xbits)".
std::string value_with_bits(const Format& f, uint32_t bits);

}  // namespace gelucheck
