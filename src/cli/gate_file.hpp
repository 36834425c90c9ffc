// Gate files: the accuracy checks a CI run must pass, written in TOML (docs/gating.md).
//
//   [defaults]                      # optional: keys every check inherits unless it sets them
//   format = "bf16"
//   range = "-8:8"
//
//   [baseline_tolerance]            # optional: how much worse than --baseline a metric may get
//   max_ulp = 0.25
//
//   [[check]]
//   name = "gelu bf16 plugin"       # optional, unique; default "FUNCTION/FORMAT/IMPLEMENTATION"
//   function = "gelu_erf"
//   implementation = "plugin:libmygelu.so:gelu_bf16:bits16"   # paths relative to this file
//   max_ulp = 1.0
//   min_correctly_rounded = 0.99
//
// Every key is checked: an unknown key, a wrong type, a name the catalogue does not know or an
// empty range is an error that names the file and line (exit status 2), never ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common.hpp"

namespace gelucheck::cli {

// What a check can limit. A limit named max_* or mean_* is an upper bound, min_* a lower bound.
enum class GateMetric {
  max_ulp,                // largest |ULP error| over finite results
  mean_ulp,               // mean |ULP error| over finite results
  min_correctly_rounded,  // share of inputs whose result is the correctly rounded value, 0..1
  min_faithful,           // share of inputs whose result is one of the two neighbours of f(x)
  max_nonfinite,          // results that are inf or NaN where f(x) is not, or the wrong inf/NaN
  max_zero_sign,          // zeros of the wrong sign
  // +-max where the exact value overflows: results that differ from the reference only by the
  // overflow convention (Outcome::convention, the `saturated` column; metrics.hpp remark 7)
  max_saturated,
  max_abs_error,  // largest |y - f(x)| over finite results
  // The backward: the derivative of the check's function (gelu_erf -> gelu_erf_grad), computed
  // by gradient_implementation (default: the check's implementation) over the same inputs.
  gradient_max_ulp,        // largest |ULP error| of the backward over finite results
  gradient_max_nonfinite,  // non-finite/NaN results of the backward (default limit 0)
  // Saturation (saturation.hpp, over every finite input of the format, whatever the range): the
  // largest distance, in inputs of the format, between a plateau threshold of the
  // implementation and the correctly rounded one, over the function's asymptotes; a plateau
  // that one side has and the other lacks counts as all the inputs on it.
  saturation_threshold_tolerance,
  // assert_close (sweep/metrics.hpp): the share of inputs whose result passes
  // torch.testing.assert_close against the correctly rounded value (tolerances: the check's rtol
  // and atol, else PyTorch's defaults for the format).
  min_assert_close,
  max_distance,  // largest distance in values of the format from the correctly rounded result
  // Against diff_against (analysis/kernel_diff.hpp), over the same inputs: inputs where the two
  // results differ bitwise, and those where this implementation is not strictly closer to the
  // exact value ("must match eager bit for bit except where it is closer to exact").
  max_differing,
  max_differing_not_closer,
};
bool is_diff_metric(GateMetric m);
bool is_saturation_metric(GateMetric m);

struct GateMetricInfo {
  GateMetric metric;
  std::string_view key;  // the TOML key, also used in baselines and reports
  bool lower_bound;      // min_*: the measured value must be >= the limit
  bool is_count;
  bool backward;  // measured on the backward sweep
  std::string_view meaning;
};
const std::vector<GateMetricInfo>& gate_metrics();
const GateMetricInfo& info_of(GateMetric m);

// The derivative of a forward function, as its family links them (function.hpp); nullopt for a
// derivative.
std::optional<Function> backward_of(Function forward);

struct GateLimit {
  GateMetric metric;
  double limit = 0;
  bool is_default = false;  // max_nonfinite = 0 unless the check says otherwise
  std::string location;     // "FILE:LINE" of the key
};

struct GateCheck {
  std::string name;
  std::string location;  // "FILE:LINE" of the [[check]] header
  Function function{};
  const Format* format = nullptr;
  std::string implementation;       // as written in the gate file (baselines use this)
  std::string implementation_path;  // with plugin/file paths made relative to the gate file
  std::string implementation_location;
  // The backward's implementation, when a gradient_* limit is set (as written / paths resolved).
  std::string gradient_implementation, gradient_implementation_path;
  std::string gradient_implementation_location;
  DomainOptions domain;
  std::string domain_location;
  // Grading: the subnormal mode (empty: the implementation's declared one) and assert_close's
  // tolerance (unset: PyTorch's defaults for the format).
  std::optional<SubnormalMode> subnormals;
  std::optional<Tolerance> tolerance;
  // The implementation the max_differing limits compare with (as written / paths resolved).
  std::string diff_against, diff_against_path, diff_against_location;
  std::vector<GateLimit> limits;
  std::vector<std::pair<GateMetric, double>> baseline_tolerance;  // merged with the file's

  bool has_backward() const { return !gradient_implementation.empty(); }
};

struct GateFile {
  std::string path;
  std::vector<GateCheck> checks;
};

// Reads and validates a gate file (names, types, ranges); throws UsageError "FILE:LINE: what is
// wrong" for anything malformed.
GateFile read_gate_file(const std::string& path);

}  // namespace gelucheck::cli
