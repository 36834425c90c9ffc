#include "analysis/kernel_diff.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>

namespace gelucheck {

namespace {

// How well a result stands, for results that are not both finite (kernel_diff.hpp): the correct
// special value, a finite result, a wrong inf or NaN.
int standing(const PointRecord& p) {
  switch (p.outcome) {
    case Outcome::special:
    case Outcome::flushed:
    case Outcome::convention:  // +-max by the saturating convention (metrics.hpp remark 7)
      return 2;
    case Outcome::finite:
      return 1;
    case Outcome::nonfinite:
    case Outcome::nan:
      return 0;
  }
  return 0;
}

// Which of two finite results is nearer the exact value r (finite), exactly.
Closer nearer(Function fn, const Format& f, uint32_t x, double a, double b, const RefValue& ref) {
  if (a == b) return Closer::tie;  // +0 and -0
  // On the grid: r_q = r + e, |e| <= h ulp(r). Both distances move by at most |e|, so a
  // difference of the grid distances above 2|e| (with room for the roundings of the
  // subtractions, 2^-50 of each) decides.
  const double e = std::ldexp(ulp_error_bound(f), ref.ulp_log2);
  const double da = std::fabs(a - ref.exact), db = std::fabs(b - ref.exact);
  const double margin = 2 * e + (da + db) * 0x1p-50;
  if (da + margin < db) return Closer::a;
  if (db + margin < da) return Closer::b;
  // r is next to the midpoint m = (a + b)/2 (exact as a double-double, halving is exact).
  const double lo = std::min(a, b), hi = std::max(a, b);
  const double s = lo + hi, t = (lo - (s - (s - lo))) + (hi - (s - lo));  // two_sum
  const int side = sign_of_difference(fn, f, x, s / 2, t / 2);
  if (side == 0) return Closer::tie;
  const bool low_is_nearer = side < 0;
  return (low_is_nearer == (a < b)) ? Closer::a : Closer::b;
}

bool worse_first(const DiffPoint& p, const DiffPoint& q) {
  // Not both finite ranks above every distance; then larger distance; then the earlier input.
  const bool pf = p.both_finite, qf = q.both_finite;
  if (pf != qf) return !pf;
  if (p.distance != q.distance) return p.distance > q.distance;
  return p.x_ordinal < q.x_ordinal;
}

}  // namespace

const char* closer_name(Closer c) {
  switch (c) {
    case Closer::a:
      return "a";
    case Closer::b:
      return "b";
    case Closer::tie:
      return "tie";
  }
  return "?";
}

int DiffStats::bin_of(const DiffPoint& p) {
  if (!p.both_finite) return kBins - 1;
  return std::min(int(std::bit_width(p.distance)), kBins - 2);  // 0 only for +0 against -0
}

std::pair<uint64_t, uint64_t> DiffStats::bin_range(int bin) {
  if (bin == 0) return {0, 0};
  return {uint64_t{1} << (bin - 1), (uint64_t{1} << bin) - 1};
}

void DiffStats::add(const DiffPoint& p) {
  ++differing;
  (p.closer == Closer::a ? a_closer : p.closer == Closer::b ? b_closer : ties) += 1;
  ++histogram[size_t(bin_of(p))];
  if (p.both_finite) max_distance = std::max(max_distance, p.distance);
  if (capacity == 0) return;
  if (worst.size() == capacity && !worse_first(p, worst.back())) return;
  worst.insert(std::upper_bound(worst.begin(), worst.end(), p, worse_first), p);
  if (worst.size() > capacity) worst.pop_back();
}

void DiffStats::merge(const DiffStats& o) {
  points += o.points;
  differing += o.differing;
  a_closer += o.a_closer;
  b_closer += o.b_closer;
  ties += o.ties;
  for (int i = 0; i < kBins; ++i) histogram[size_t(i)] += o.histogram[size_t(i)];
  max_distance = std::max(max_distance, o.max_distance);
  for (const DiffPoint& p : o.worst) {
    if (capacity == 0) break;
    if (worst.size() == capacity && !worse_first(p, worst.back())) continue;
    worst.insert(std::upper_bound(worst.begin(), worst.end(), p, worse_first), p);
    if (worst.size() > capacity) worst.pop_back();
  }
}

DiffPoint diff_point(Function fn, const Format& f, uint32_t x, uint32_t ya, uint32_t yb,
                     const RefValue& ref) {
  DiffPoint p;
  p.a = compare(f, x, ya, ref);
  p.b = compare(f, x, yb, ref);
  p.x_ordinal = ordinal(f.in(), x);
  const double a = to_double(f, ya), b = to_double(f, yb);
  p.both_finite = std::isfinite(a) && std::isfinite(b);
  if (p.both_finite) p.distance = uint64_t(std::abs(value_ordinal(f, ya) - value_ordinal(f, yb)));
  if (p.a.outcome == Outcome::finite && p.b.outcome == Outcome::finite) {
    p.closer = nearer(fn, f, x, a, b, ref);
  } else {
    const int sa = standing(p.a), sb = standing(p.b);
    p.closer = sa > sb ? Closer::a : sb > sa ? Closer::b : Closer::tie;
  }
  return p;
}

DiffStats diff_implementations(Function fn, const Domain& domain, const Implementation& a,
                               const Implementation& b, const SweepOptions& options, size_t worst) {
  const Format& f = domain.format();
  const Implementation* impls[] = {&a, &b};
  const SubnormalMode modes[] = {subnormals_of(a, options), subnormals_of(b, options)};
  const Evaluation e{fn, &domain, impls, true, true, modes};
  DiffStats total;
  total.capacity = worst;
  evaluate(e, options, [&](uint64_t) {
    auto part = std::make_shared<DiffStats>();
    part->capacity = worst;
    ChunkTask task;
    task.slice = [part, fn, &f](const Slice& s) {
      part->points += s.x.size();
      const std::span<const uint32_t> ya = s.y[0], yb = s.y[1];
      for (size_t i = 0; i < s.x.size(); ++i)
        if (ya[i] != yb[i]) part->add(diff_point(fn, f, s.x[i], ya[i], yb[i], s.ref[i]));
    };
    task.done = [part, &total] { total.merge(*part); };
    return task;
  });
  return total;
}

}  // namespace gelucheck
