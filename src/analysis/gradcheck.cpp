#include "analysis/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include "analysis/gradients.hpp"  // envelope_ulps
#include "functions/function.hpp"
#include "implementations/finite_difference.hpp"
#include "reference/reference.hpp"
#include "sweep/metrics.hpp"

namespace gelucheck {
namespace {

// Keeps the `capacity` points with the largest ratio (ties: smaller input ordinal first).
class WorstPoints {
 public:
  // f: the inputs' format (a graded pair's f.in()).
  WorstPoints(const Format& f, size_t capacity) : f_(&f), capacity_(capacity) {}
  void offer(const GradcheckPoint& p) {
    if (capacity_ == 0) return;
    points_.push_back(p);
    if (points_.size() > 4 * capacity_ + 64) trim();
  }
  void merge(const WorstPoints& o) {
    points_.insert(points_.end(), o.points_.begin(), o.points_.end());
    trim();
  }
  std::vector<GradcheckPoint> take() {
    trim();
    return std::move(points_);
  }

 private:
  void trim() {
    std::sort(points_.begin(), points_.end(), [this](const auto& a, const auto& b) {
      if (a.ratio != b.ratio) return a.ratio > b.ratio;
      return ordinal(*f_, a.x) < ordinal(*f_, b.x);
    });
    if (points_.size() > capacity_) points_.resize(capacity_);
  }
  const Format* f_;
  size_t capacity_;
  std::vector<GradcheckPoint> points_;
};

void merge_counts(GradcheckResult& into, const GradcheckResult& part) {
  into.points += part.points;
  into.checked += part.checked;
  into.unjudged += part.unjudged;
  into.failures += part.failures;
  into.nonfinite_failures += part.nonfinite_failures;
  into.passed_by_atol_only += part.passed_by_atol_only;
  into.resolved += part.resolved;
}

// Runs body(slice, part, worst) over the evaluated slices of each chunk and merges the parts.
template <class Body>
void run_chunks(const Evaluation& e, const SweepOptions& options, size_t worst_count,
                GradcheckResult& result, Body body) {
  const Format& f = e.domain->format().in();
  WorstPoints worst(f, worst_count);
  evaluate(e, options, [&](uint64_t) {
    struct PerChunk {
      GradcheckResult part;
      WorstPoints worst;
    };
    auto c = std::make_shared<PerChunk>(PerChunk{{}, WorstPoints(f, worst_count)});
    ChunkTask task;
    task.slice = [c, &body](const Slice& s) { body(s, c->part, c->worst); };
    task.done = [c, &result, &worst] {
      merge_counts(result, c->part);
      worst.merge(c->worst);
    };
    return task;
  });
  result.worst = worst.take();
}

}  // namespace

double GradcheckTolerance::atol_for(const Format& f) const {
  return atol ? *atol : std::ldexp(1.0, -f.precision());
}

const char* against_name(GradcheckAgainst a) {
  return a == GradcheckAgainst::exact ? "exact" : "finite difference";
}

GradcheckResult gradcheck_exact(Function fn, const Domain& domain, const Implementation& backward,
                                const GradcheckTolerance& tol, size_t worst_count,
                                const SweepOptions& options) {
  const Format& f = domain.format();
  GradcheckResult result;
  result.derivative = fn;
  result.format = &f;
  result.backward = &backward;
  result.against = GradcheckAgainst::exact;
  result.domain = domain.describe();
  if (!backward.supports(fn, f)) return result;
  const double atol = tol.atol_for(f);
  const Implementation* impls[] = {&backward};
  run_chunks({fn, &domain, impls, true, true}, options, worst_count, result,
             [&](const Slice& s, GradcheckResult& part, WorstPoints& worst) {
               const size_t n = s.x.size();
               part.points += n;
               for (size_t i = 0; i < n; ++i) {
                 const uint32_t x = s.x[i], y = s.y[0][i];
                 const RefValue& ref = s.ref[i];
                 const PointRecord p = compare(f, x, y, ref);
                 ++part.checked;
                 // The saturating convention's +-max where S f' overflows is the value a
                 // saturating cast gives, not an error of the backward (metrics.hpp remark 7).
                 if (p.outcome == Outcome::special || p.outcome == Outcome::convention) continue;
                 GradcheckPoint g;
                 g.x = x;
                 g.backward = y;
                 g.expected = ref.exact;
                 const double xv = to_double(f.in(), x);
                 g.kappa = derivative_condition(fn, xv);
                 const double ulp = std::ldexp(1.0, ref.ulp_log2);
                 const double by_envelope =
                     tol.envelope_factor * envelope_ulps(fn, f, xv, ref.ulp_log2, g.kappa) * ulp;
                 g.allowed = std::max(by_envelope, atol);
                 if (p.outcome != Outcome::finite) {
                   g.abs_error = g.ulp_error = std::numeric_limits<double>::quiet_NaN();
                   g.ratio = INFINITY;
                   ++part.failures;
                   ++part.nonfinite_failures;
                 } else {
                   g.abs_error = p.abs_error;
                   g.ulp_error = p.ulp_error;
                   g.ratio = std::fabs(p.abs_error) / g.allowed;
                   if (g.ratio > 1)
                     ++part.failures;
                   else if (std::fabs(p.abs_error) > by_envelope)
                     ++part.passed_by_atol_only;
                 }
                 worst.offer(g);
               }
             });
  return result;
}

GradcheckResult gradcheck_finite_difference(Function fn, const Domain& domain,
                                            const Implementation& backward,
                                            const Implementation& forward,
                                            const GradcheckTolerance& tol, size_t worst_count,
                                            const SweepOptions& options) {
  const Format& f = domain.format();
  GradcheckResult result;
  result.derivative = fn;
  result.format = &f;
  result.backward = &backward;
  result.forward = &forward;
  result.against = GradcheckAgainst::finite_difference;
  result.domain = domain.describe();
  // The forward is evaluated on the stencils, inputs of this check's choosing, in the input
  // format: in a graded pair IN:OUT*S, D is the difference quotient of the forward's IN values
  // (its own outputs in OUT are too coarse to differentiate), and S D is what the backward's OUT
  // value is compared with, in OUT's units.
  const Format& in = f.in();
  const BatchKernel forward_kernel = forward.kernel_for(primitive_of(fn), in, nullptr);
  if (!backward.supports(fn, f) || !forward_kernel) return result;
  const double atol = tol.atol_for(f);
  const double scale = f.scale, max_finite = to_double(f, f.max_finite_bits());
  const Implementation* impls[] = {&backward};
  run_chunks(
      {fn, &domain, impls, false, true}, options, worst_count, result,
      [&](const Slice& s, GradcheckResult& part, WorstPoints& worst) {
        const size_t n = s.x.size();
        std::vector<FiniteDifference> d(n);
        finite_differences(fn, in, forward_kernel, s.x, d, true, tol.forward_ulps);
        part.points += n;
        for (size_t i = 0; i < n; ++i) {
          const double b = to_double(f, s.y[0][i]);
          const double value = scale * d[i].value, bound = scale * d[i].error_bound();
          // S D beyond OUT's range: which value is right there is the overflow
          // convention's question, not the derivative's (the exact check grades it).
          if (!std::isfinite(value) || !std::isfinite(bound) || std::fabs(value) > max_finite) {
            ++part.unjudged;
            continue;
          }
          ++part.checked;
          GradcheckPoint g;
          g.x = s.x[i];
          g.backward = s.y[0][i];
          g.expected = value;
          g.fd_error_bound = bound;
          const double ulp = std::ldexp(1.0, ulp_log2(f, value));
          g.allowed = tol.fd_factor * bound + 0.5 * tol.envelope_factor * ulp + atol;
          if (g.allowed < 0.1 * std::fabs(value)) ++part.resolved;
          if (!std::isfinite(b)) {
            g.abs_error = g.ulp_error = std::numeric_limits<double>::quiet_NaN();
            g.ratio = INFINITY;
            ++part.failures;
            ++part.nonfinite_failures;
          } else {
            g.abs_error = b - value;
            g.ulp_error = g.abs_error / ulp;
            g.ratio = std::fabs(g.abs_error) / g.allowed;
            if (g.ratio > 1)
              ++part.failures;
            else if (std::fabs(g.abs_error) > g.allowed - atol)
              ++part.passed_by_atol_only;
          }
          worst.offer(g);
        }
      });
  for (GradcheckPoint& g : result.worst) {
    uint32_t fx = 0;
    forward_kernel(std::span<const uint32_t>(&g.x, 1), std::span<uint32_t>(&fx, 1));
    const PointRecord p = compare(in, g.x, fx, reference(primitive_of(fn), in, g.x));
    g.forward_ulp_error =
        p.outcome == Outcome::finite ? p.ulp_error : std::numeric_limits<double>::quiet_NaN();
  }
  return result;
}

}  // namespace gelucheck
