// Gradient check: is a backward right? Each input of a domain is judged against
//  - the exact derivative (reference(), correctly rounded), with a condition-aware tolerance: the
//    error may reach `envelope_factor` times the envelope max(1/2, kappa/2) ULP, kappa =
//    |x f''/f'| (what rounding the input alone explains; capped where kappa u is large, see
//    envelope_ulps in gradients.hpp), or `atol` in absolute value;
//  - the central finite difference D of a forward (finite_difference.hpp), with a tolerance
//    built from D's own error: |B - D| <= fd_factor (R + T + N) + envelope_factor/2 ulp(D) +
//    atol, R the rounding bound for a forward within `forward_ulps` ULP, T the Richardson
//    estimate of the truncation error, N the estimate of the forward's noise beyond that. This
//    check needs no exact derivative: it asks whether the backward is the derivative of the forward
//    it ships with (QuickGELU's backward passes against QuickGELU's forward and fails against the
//    exact GELU).
// Defaults (see docs/gradients.md for how they were chosen): envelope_factor 4, atol = u =
// 2^-p of the format (the rounding error a unit-size gradient already carries in the format),
// fd_factor 4, forward_ulps 1. A backward missing a factor is off by O(0.1..1) in absolute value
// over most of the range: hundreds of times any of these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"

namespace gelucheck {

struct GradcheckTolerance {
  double envelope_factor = 4;
  std::optional<double> atol;  // empty: 2^-p of the format
  double fd_factor = 4;
  double forward_ulps = 1;
  double atol_for(const Format& f) const;
};

enum class GradcheckAgainst { exact, finite_difference };
const char* against_name(GradcheckAgainst a);

// One judged input, with everything needed to replay it.
struct GradcheckPoint {
  uint32_t x = 0;
  uint32_t backward = 0;      // the backward's value (bits)
  double expected = 0;        // the exact derivative (on the 2^-10 ULP grid) or D
  double abs_error = 0;       // backward - expected (NaN when the backward is not finite)
  double ulp_error = 0;       // in ULP of the expected value (exact check) or of D
  double allowed = 0;         // the absolute error allowed at this input
  double ratio = 0;           // |abs_error| / allowed; > 1 fails; +inf for a non-finite backward
  double kappa = 0;           // exact check only
  double fd_error_bound = 0;  // finite-difference check only: R + T + N
  // Finite-difference check only: the forward's ULP error at x against the exact primitive
  // (NaN if not finite). Large values say the forward, not the backward, is off (or that the
  // forward computes another function, as QuickGELU does).
  double forward_ulp_error = 0;
};

struct GradcheckResult {
  Function derivative;
  const Format* format = nullptr;
  const Implementation* backward = nullptr;
  const Implementation* forward = nullptr;  // finite-difference check only
  GradcheckAgainst against = GradcheckAgainst::exact;
  std::string domain;
  uint64_t points = 0;
  uint64_t checked = 0;   // inputs judged
  uint64_t unjudged = 0;  // FD check: the forward was not finite around x
  uint64_t failures = 0;
  uint64_t nonfinite_failures = 0;  // backward inf/NaN where a finite value was expected
  uint64_t passed_by_atol_only = 0;
  uint64_t resolved = 0;              // FD check: inputs where the tolerance is below |D|/10
  std::vector<GradcheckPoint> worst;  // largest ratios first, then input order
  bool passed() const { return failures == 0 && checked > 0; }
};

GradcheckResult gradcheck_exact(Function derivative, const Domain& domain,
                                const Implementation& backward, const GradcheckTolerance& tol,
                                size_t worst_count, const SweepOptions& options);

GradcheckResult gradcheck_finite_difference(Function derivative, const Domain& domain,
                                            const Implementation& backward,
                                            const Implementation& forward,
                                            const GradcheckTolerance& tol, size_t worst_count,
                                            const SweepOptions& options);

}  // namespace gelucheck
