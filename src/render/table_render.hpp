// Renderers for the ULP error table (one row per function x format x implementation):
// Markdown for people, CSV for plotting, JSON for programs.
#pragma once

#include <optional>
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
  SubnormalMode subnormals = SubnormalMode::ieee;  // the mode the row was graded in
  std::optional<Tolerance> tolerance;              // assert_close's (default: PyTorch's)
  Tolerance tolerance_or_default() const {
    return tolerance ? *tolerance : torch_default_tolerance(*format);
  }
};

enum class OutputKind { markdown, csv, json };
bool parse_output_kind(std::string_view name, OutputKind& out);

// Which columns Markdown and CSV carry (JSON always has everything): `grading` adds the integer
// distance and bits of error, assert_close and the subnormal mode's counts (issue 16; the
// `table` and `merge` commands); `accuracy` is the ULP columns alone, as the report pages show
// them.
enum class TableColumns { accuracy, grading };

// `breakdown` adds, per row, the per-binade statistics and the histogram of |ULP error|
// (Markdown sections; JSON always has them; CSV never, one row per sweep).
std::string render_table(const std::vector<TableRow>& rows, OutputKind kind, bool breakdown = false,
                         TableColumns columns = TableColumns::grading);

// Whether results are shown with a column for the saturating convention (metrics.hpp remark 7):
// for 8-bit and narrower outputs and graded pairs, and wherever a result saturated; the wide
// formats' tables stay as they were.
inline bool shows_convention(const Format& f) { return f.is_pair() || f.total_bits() <= 8; }
bool shows_convention(const std::vector<TableRow>& rows);

// Shared by every renderer: a value of a format as "decimal (0xbits)".
std::string value_with_bits(const Format& f, uint32_t bits);

// A ULP error (signed or not) of format f, known to within ulp_error_bound(f), for people (at
// most 4 significant digits) and for CSV and JSON (every certain digit); text.hpp's rule.
std::string ulp_error_text(const Format& f, double v);
std::string ulp_error_csv(const Format& f, double v);
double ulp_error_value(const Format& f, double v);

// An exact value r as the reference holds it (on the grid ulp(r) 2^-g, ulp(r) = 2^ulp_log2:
// known to within half a grid step), with only its certain digits (render/text.hpp).
std::string exact_text(const Format& f, double exact, int ulp_log2);
double exact_value(const Format& f, double exact, int ulp_log2);

}  // namespace gelucheck
