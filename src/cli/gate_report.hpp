// Results of a gate run and their renderings: the table on stdout, JUnit XML, JSON, and
// baselines (record and compare).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>  // nlohmann::ordered_json

#include "analysis/kernel_diff.hpp"
#include "gate_file.hpp"

namespace gelucheck::cli {

// The inputs a failure report shows: the K worst by |ULP error| and by |absolute error| (ties:
// the earlier input in sweep order), and the first K non-finite/NaN results and wrong-signed
// zeros in sweep order. Fed the records of a sweep in order.
struct WorstInputs {
  size_t capacity = 5;
  std::vector<PointRecord> by_ulp, by_abs_error, nonfinite, zero_sign;
  std::vector<PointRecord> assert_close_fail;  // failing assert_close, by tolerance ratio
  void offer(const PointRecord& p);
};

struct CriterionResult {
  GateMetric metric;
  enum class Kind { limit, default_limit, baseline } kind = Kind::limit;
  double bound = 0;  // measured must be <= bound (>= for min_* metrics)
  double measured = 0;
  double baseline = 0, tolerance = 0;  // kind == baseline
  bool passed = false;
};

struct CheckResult {
  const GateCheck* check = nullptr;
  std::string implementation;  // the resolved name
  std::string domain;          // Domain::describe()
  ErrorStats stats;
  WorstInputs worst;
  // The backward sweep, when the check gates it (GateCheck::has_backward()).
  std::optional<Function> backward_function;
  std::string backward_implementation;
  ErrorStats backward_stats;
  WorstInputs backward_worst;
  // The saturation thresholds, when the check gates them: the largest distance and where.
  std::optional<double> saturation_distance;
  // e.g. "tanh(x) = 1 (x -> +inf): reference from 9.01 (0x...), ..."
  std::string saturation_worst;
  // The grading the forward sweep used (for the report).
  SubnormalMode subnormals = SubnormalMode::ieee;
  Tolerance tolerance;
  // The comparison with diff_against, when the check gates it.
  std::optional<DiffStats> diff;
  std::string diff_against;  // the resolved name
  std::vector<CriterionResult> criteria;
  std::string baseline_note;  // e.g. "no baseline entry" when --baseline has none for the check
  // Set when the kernel crashed, exited or hung (kernel_process.hpp): the check fails with it.
  std::string kernel_failure;
  double seconds = 0;
  bool passed() const;
};

// The measured value of a metric (gate_file.hpp): from the forward sweep's statistics, or the
// backward's for gradient_* metrics. nullopt for a gradient metric of a check without backward.
std::optional<double> measured_value(GateMetric m, const CheckResult& r);
// Whether `measured` satisfies `bound` for metric m (<= for max_*/mean_*, >= for min_*).
bool within(GateMetric m, double measured, double bound);

// A baseline: the measured metrics of each check, keyed by check name.
struct BaselineEntry {
  std::string function, format, implementation, domain;
  std::string gradient_implementation;  // empty when the check does not gate the backward
  std::vector<std::pair<GateMetric, double>> metrics;
};
struct Baseline {
  std::string path;
  std::map<std::string, BaselineEntry> checks;
};
Baseline read_baseline(const std::string& path);  // throws UsageError naming the file and line
std::string render_baseline(const GateFile& gate, const std::vector<CheckResult>& results);
// Throws UsageError if the entry was recorded for a different sweep than the check describes.
void check_baseline_matches(const Baseline& base, const BaselineEntry& entry,
                            const GateCheck& check, const std::string& domain);
// Appends one baseline criterion per recorded metric to the result.
void compare_with_baseline(const BaselineEntry& entry, CheckResult& result);

std::string render_gate_table(const GateFile& gate, const std::vector<CheckResult>& results);
std::string render_gate_junit(const GateFile& gate, const std::vector<CheckResult>& results);
std::string render_gate_json(const GateFile& gate, const std::vector<CheckResult>& results);

}  // namespace gelucheck::cli
