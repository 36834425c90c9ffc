#include "sweep/domain.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>  // fmt::format

namespace gelucheck {
namespace {

// The i-th output (from 0) of SplitMix64 started at `seed` (Steele, Lea & Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014).
uint64_t splitmix64(uint64_t seed, uint64_t i) {
  uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// Nearest format value to x, kept inside the ordinal range.
uint32_t nearest_in(const Format& f, double x, const OrdinalRange& r) {
  int64_t ord = ordinal(f, round_to_format(f, x));
  if (std::isnan(x)) ord = r.first;
  return from_ordinal(f, std::clamp(ord, r.first, r.last));
}

std::vector<uint32_t> dedupe_sorted(const Format& f, std::vector<uint32_t> pts) {
  std::sort(pts.begin(), pts.end(),
            [&f](uint32_t a, uint32_t b) { return ordinal(f, a) < ordinal(f, b); });
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  return pts;
}

std::vector<uint32_t> geometric(const Format& f, double from, double to, uint64_t n,
                                const OrdinalRange& r) {
  std::vector<uint32_t> pts;
  if (n == 0) return pts;
  const double a = std::log(from), b = std::log(to);
  for (uint64_t i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : double(i) / double(n - 1);
    pts.push_back(nearest_in(f, std::exp(a + (b - a) * t), r));
  }
  return pts;
}

}  // namespace

const char* grid_name(GridKind k) {
  switch (k) {
    case GridKind::exhaustive:
      return "exhaustive";
    case GridKind::patterns:
      return "patterns";
    case GridKind::linear:
      return "linear";
    case GridKind::log:
      return "log";
    case GridKind::random_values:
      return "random";
    case GridKind::random_bits:
      return "random-bits";
    case GridKind::listed:
      return "listed";
  }
  return "?";
}

bool parse_grid(std::string_view name, GridKind& out) {
  for (GridKind k : {GridKind::exhaustive, GridKind::patterns, GridKind::linear, GridKind::log,
                     GridKind::random_values, GridKind::random_bits}) {
    if (name == grid_name(k)) {
      out = k;
      return true;
    }
  }
  return false;
}

Domain Domain::exhaustive(const Format& graded, double lo, double hi) {
  const Format& f = graded.in();
  Domain d;
  d.format_ = &graded;
  d.kind_ = GridKind::exhaustive;
  d.lo_ = lo;
  d.hi_ = hi;
  d.ordinals_ = finite_ordinals_in(f, lo, hi);
  d.size_ = d.ordinals_.size();
  return d;
}

Domain Domain::patterns(const Format& graded) {
  const Format& f = graded.in();
  Domain d;
  d.format_ = &graded;
  d.kind_ = GridKind::patterns;
  d.lo_ = -INFINITY;
  d.hi_ = INFINITY;
  d.size_ = f.pattern_count();
  return d;
}

Domain Domain::grid(const Format& graded, GridKind kind, double lo, double hi, uint64_t points,
                    uint64_t seed) {
  if (kind == GridKind::exhaustive) return exhaustive(graded, lo, hi);
  if (kind == GridKind::patterns) return patterns(graded);
  const Format& f = graded.in();
  Domain d;
  d.format_ = &graded;
  d.kind_ = kind;
  d.lo_ = lo;
  d.hi_ = hi;
  d.seed_ = seed;
  d.ordinals_ = finite_ordinals_in(f, lo, hi);
  if (d.ordinals_.size() == 0 || points == 0) return d;
  const double lo_v = to_double(f, from_ordinal(f, d.ordinals_.first));
  const double hi_v = to_double(f, from_ordinal(f, d.ordinals_.last));
  switch (kind) {
    case GridKind::random_values:
    case GridKind::random_bits:
      d.size_ = points;
      return d;
    case GridKind::linear: {
      std::vector<uint32_t> pts;
      pts.reserve(points);
      for (uint64_t i = 0; i < points; ++i) {
        const double t = points == 1 ? 0.0 : double(i) / double(points - 1);
        pts.push_back(nearest_in(f, lo_v + (hi_v - lo_v) * t, d.ordinals_));
      }
      d.points_ = std::make_shared<std::vector<uint32_t>>(dedupe_sorted(f, std::move(pts)));
      break;
    }
    case GridKind::log: {
      std::vector<uint32_t> pts;
      const double tiny = to_double(f, f.min_subnormal_bits());
      if (lo_v > 0 || hi_v < 0) {
        const double a = std::min(std::fabs(lo_v), std::fabs(hi_v));
        const double b = std::max(std::fabs(lo_v), std::fabs(hi_v));
        pts = geometric(f, a, b, points, d.ordinals_);
        if (hi_v < 0)
          for (uint32_t& p : pts) p = nearest_in(f, -to_double(f, p), d.ordinals_);
      } else {
        const double neg = lo_v < 0 ? std::log(-lo_v / tiny) : 0.0;
        const double pos = hi_v > 0 ? std::log(hi_v / tiny) : 0.0;
        const uint64_t n_neg =
            neg + pos > 0 ? uint64_t(std::llround(double(points) * neg / (neg + pos))) : 0;
        for (uint32_t p : geometric(f, tiny, -lo_v, lo_v < 0 ? n_neg : 0, d.ordinals_))
          pts.push_back(nearest_in(f, -to_double(f, p), d.ordinals_));
        pts.push_back(0);
        for (uint32_t p : geometric(f, tiny, hi_v, hi_v > 0 ? points - n_neg : 0, d.ordinals_))
          pts.push_back(p);
      }
      d.points_ = std::make_shared<std::vector<uint32_t>>(dedupe_sorted(f, std::move(pts)));
      break;
    }
    default:
      break;
  }
  d.size_ = d.points_->size();
  return d;
}

Domain Domain::listed(const Format& graded, std::vector<uint32_t> inputs) {
  Domain d;
  d.format_ = &graded;
  d.kind_ = GridKind::listed;
  d.lo_ = -INFINITY;
  d.hi_ = INFINITY;
  d.size_ = inputs.size();
  d.points_ = std::make_shared<std::vector<uint32_t>>(std::move(inputs));
  return d;
}

void Domain::fill(uint64_t first, size_t count, uint32_t* out) const {
  const Format& f = format_->in();
  switch (kind_) {
    case GridKind::exhaustive:
      for (size_t i = 0; i < count; ++i)
        out[i] = from_ordinal(f, ordinals_.first + int64_t(first + i));
      return;
    case GridKind::patterns:
      for (size_t i = 0; i < count; ++i) out[i] = static_cast<uint32_t>(first + i);
      return;
    case GridKind::linear:
    case GridKind::log:
    case GridKind::listed:
      std::copy_n(points_->begin() + int64_t(first), count, out);
      return;
    case GridKind::random_values: {
      const double lo_v = to_double(f, from_ordinal(f, ordinals_.first));
      const double hi_v = to_double(f, from_ordinal(f, ordinals_.last));
      for (size_t i = 0; i < count; ++i) {
        const double t = double(splitmix64(seed_, first + i) >> 11) * 0x1p-53;  // [0, 1)
        out[i] = nearest_in(f, lo_v + (hi_v - lo_v) * t, ordinals_);
      }
      return;
    }
    case GridKind::random_bits: {
      __extension__ typedef unsigned __int128 u128;  // 64x64 -> 128-bit product (g++)
      const auto n = static_cast<u128>(ordinals_.size());
      for (size_t i = 0; i < count; ++i) {
        // floor(draw * n / 2^64): uniform over [0, n) to within n/2^64.
        const auto k = static_cast<int64_t>((splitmix64(seed_, first + i) * n) >> 64);
        out[i] = from_ordinal(f, ordinals_.first + k);
      }
      return;
    }
  }
}

std::string Domain::describe() const {
  const Format& f = format_->in();
  auto bound = [&](int64_t ord) { return to_shortest_decimal(f, from_ordinal(f, ord)); };
  if (kind_ == GridKind::patterns)
    return fmt::format("every {} bit pattern: {} inputs", f.name, size_);
  if (kind_ == GridKind::listed) return fmt::format("{} listed {} inputs", size_, f.name);
  if (size_ == 0) return fmt::format("{} [{}, {}]: no inputs", grid_name(kind_), lo_, hi_);
  std::string s = fmt::format("{} [{}, {}]: {} inputs", grid_name(kind_), bound(ordinals_.first),
                              bound(ordinals_.last), size_);
  if (kind_ == GridKind::random_values || kind_ == GridKind::random_bits)
    s += fmt::format(" (seed {})", seed_);
  return s;
}

}  // namespace gelucheck
