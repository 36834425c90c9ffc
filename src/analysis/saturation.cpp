#include "analysis/saturation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <tuple>
#include <type_traits>

#include <fmt/format.h>  // fmt::format

#include "sweep/engine.hpp"  // evaluate, reference_table
#include "sweep/metrics.hpp"

namespace gelucheck {

const char* approach_name(Approach a) {
  switch (a) {
    case Approach::positive_tail:
      return "x -> +inf";
    case Approach::negative_tail:
      return "x -> -inf";
    case Approach::zero_positive:
      return "x -> +0";
    case Approach::zero_negative:
      return "x -> -0";
  }
  return "";
}

bool is_tail(Approach a) { return a == Approach::positive_tail || a == Approach::negative_tail; }
bool is_negative_side(Approach a) {
  return a == Approach::negative_tail || a == Approach::zero_negative;
}

const char* zone_name(ZoneKind k) {
  switch (k) {
    case ZoneKind::premature_zero:
      return "premature_zero";
    case ZoneKind::underflow_zero:
      return "underflow_zero";
    case ZoneKind::cancellation:
      return "cancellation";
    case ZoneKind::overflow_nan:
      return "overflow_nan";
    case ZoneKind::overflow_inf:
      return "overflow_inf";
    case ZoneKind::intermediate_overflow:
      return "intermediate_overflow";
    case ZoneKind::late_saturation:
      return "late_saturation";
    case ZoneKind::zero_sign:
      return "zero_sign";
    case ZoneKind::forms_differ:
      return "forms_differ";
  }
  return "";
}

std::vector<Asymptote> asymptotes_of(Function fn) {
  const auto& p = fn.spec().plateaus;
  return {p.begin(), p.end()};
}

int64_t outward_distance(const Format& f, Approach a, uint32_t reference_x, uint32_t x) {
  const int64_t d = ordinal(f.in(), x) - ordinal(f.in(), reference_x);
  return is_negative_side(a) ? -d : d;
}

std::vector<SpecialInput> special_inputs(const Format& graded) {
  const Format& f = graded.in();
  std::vector<SpecialInput> out;
  out.push_back({"+0", 0});
  out.push_back({"-0", f.sign_mask()});
  if (f.has_infinity()) {
    out.push_back({"+inf", f.infinity_bits()});
    out.push_back({"-inf", f.sign_mask() | f.infinity_bits()});
  }
  if (f.has_nan()) out.push_back({"NaN", f.nan_bits()});
  out.push_back({"+min subnormal", f.min_subnormal_bits()});
  out.push_back({"-min subnormal", f.sign_mask() | f.min_subnormal_bits()});
  out.push_back({"+max", f.max_finite_bits()});
  out.push_back({"-max", f.sign_mask() | f.max_finite_bits()});
  return out;
}

bool is_failure(ZoneKind k) {
  return k == ZoneKind::premature_zero || k == ZoneKind::cancellation ||
         k == ZoneKind::overflow_nan || k == ZoneKind::overflow_inf;
}

uint64_t ImplementationSaturation::count(ZoneKind k) const {
  uint64_t n = 0;
  for (const Zone& z : zones)
    if (z.kind == k) n += z.inputs;
  return n;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Names of overflowing operations, interned to one byte per point (0: none).

class OperationNames {
 public:
  uint8_t id(const char* op) {
    if (!op) return 0;
    std::lock_guard lock(mutex_);
    for (size_t i = 1; i < names_.size(); ++i)
      if (names_[i] == op) return uint8_t(i);
    if (names_.size() == 255) return 255;  // more distinct names than any formula has
    names_.emplace_back(op);
    return uint8_t(names_.size() - 1);
  }
  std::string name(uint8_t id) {
    std::lock_guard lock(mutex_);
    return id < names_.size() ? names_[id] : std::string("?");
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> names_{""};
};

OperationNames& operation_names() {
  static OperationNames names;
  return names;
}

// ---------------------------------------------------------------------------------------------
// Evaluated inputs, in increasing ordinal order.

struct Columns {
  std::vector<int64_t> ord;
  std::vector<uint32_t> x;
  std::vector<RefValue> ref;
  std::vector<uint32_t> partner;         // the other GELU form's correctly rounded value
  std::vector<std::vector<uint32_t>> y;  // [implementation][point]
  std::vector<std::vector<uint8_t>> op;  // first overflowing operation, interned
  size_t size() const { return ord.size(); }
};

struct Context {
  Function fn;
  const Format* f;
  std::optional<Function> partner;
  std::vector<const Implementation*> impls;
  std::vector<BatchKernel> kernels;  // for the special inputs (the engine makes its own)
  std::vector<std::function<const char*(uint32_t)>> traces;
  const RefValue* table = nullptr;  // 16-bit formats: every pattern's reference
  const RefValue* partner_table = nullptr;
  SaturationOptions options;
  std::vector<Asymptote> asymptotes;
};

Columns evaluate_inputs(const Context& c, std::vector<int64_t> ords) {
  const Format& f = *c.f;
  const size_t n = ords.size(), n_impl = c.impls.size();
  Columns out;
  out.ord = std::move(ords);
  out.x.resize(n);
  for (size_t i = 0; i < n; ++i) out.x[i] = from_ordinal(f.in(), out.ord[i]);
  out.ref.resize(n);
  if (c.partner) out.partner.resize(n);
  out.y.assign(n_impl, std::vector<uint32_t>(n));
  out.op.assign(n_impl, std::vector<uint8_t>(n));
  if (n == 0) return out;
  const Domain inputs = Domain::listed(f, out.x);
  SweepOptions options;
  options.threads = c.options.threads;
  options.reference_mode = c.options.reference_mode;
  // The inputs are this analysis's own: kernels are made for inputs of the caller's choosing.
  evaluate({c.fn, &inputs, c.impls, true, false}, options, [&](uint64_t chunk) {
    ChunkTask task;
    task.slice = [&c, &out, &f, chunk, n_impl](const Slice& s) {
      const size_t first = chunk * kChunkSize + s.offset, count = s.x.size();
      std::copy(s.ref.begin(), s.ref.end(), out.ref.begin() + ptrdiff_t(first));
      if (c.partner) {
        if (c.partner_table) {
          for (size_t i = 0; i < count; ++i)
            out.partner[first + i] = c.partner_table[s.x[i]].correctly_rounded;
        } else {
          std::vector<RefValue> other(count);
          reference_batch(*c.partner, f, s.x, other, c.options.reference_mode);
          for (size_t i = 0; i < count; ++i) out.partner[first + i] = other[i].correctly_rounded;
        }
      }
      for (size_t k = 0; k < n_impl; ++k) {
        std::copy(s.y[k].begin(), s.y[k].end(), out.y[k].begin() + ptrdiff_t(first));
        if (c.traces[k])
          for (size_t i = 0; i < count; ++i)
            out.op[k][first + i] = operation_names().id(c.traces[k](s.x[i]));
      }
    };
    return task;
  });
  return out;
}

// Merges two evaluations, each in increasing ordinal order, with disjoint ordinals.
Columns merge(const Columns& a, const Columns& b) {
  const size_t n = a.size() + b.size(), n_impl = a.y.size();
  // source[j]: where output j comes from (true: b)
  std::vector<bool> from_b(n);
  for (size_t i = 0, j = 0, out = 0; out < n; ++out) {
    const bool take_b = i == a.size() || (j < b.size() && b.ord[j] < a.ord[i]);
    from_b[out] = take_b;
    (take_b ? j : i) += 1;
  }
  auto interleave = [&](const auto& va, const auto& vb) {
    std::remove_cvref_t<decltype(va)> out(n);
    for (size_t i = 0, j = 0, k = 0; k < n; ++k) out[k] = from_b[k] ? vb[j++] : va[i++];
    return out;
  };
  Columns out;
  out.ord = interleave(a.ord, b.ord);
  out.x = interleave(a.x, b.x);
  out.ref = interleave(a.ref, b.ref);
  if (!a.partner.empty()) out.partner = interleave(a.partner, b.partner);
  for (size_t k = 0; k < n_impl; ++k) {
    out.y.push_back(interleave(a.y[k], b.y[k]));
    out.op.push_back(interleave(a.op[k], b.op[k]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-point classification.

enum : uint32_t {
  kNan = 1 << 0,
  kInf = 1 << 1,
  kZero = 1 << 2,
  kPrematureZero = 1 << 3,
  kCancellation = 1 << 4,
  kZeroSign = 1 << 5,
  kUnderflowZero = 1 << 6,
  kAtAsymptote = 1 << 8,  // << asymptote index (at most 4)
};

// In a graded pair the asymptote is scale * a(x) rounded to the output format (the value the
// reference takes on its plateau).
bool at_asymptote(const Format& f, const Asymptote& a, uint32_t x, uint32_t y) {
  const double asymptote = a.at(to_double(f.in(), x));
  if (f.is_pair()) return to_double(f, y) == round_value(f, f.scale * asymptote);
  return to_double(f, y) == asymptote;  // NaN is at no asymptote
}

// The relative error as metrics.hpp defines it, where the cancellation zone needs it: y finite
// and non-zero, the correctly rounded reference a normal number.
std::optional<double> relative_error(const Format& f, uint32_t x, uint32_t y, const RefValue& r) {
  const double yv = to_double(f, y);
  const double crv = to_double(f, r.correctly_rounded);
  if (yv == 0 || !std::isfinite(yv) || !(std::fabs(crv) >= std::ldexp(1.0, f.emin())) ||
      !std::isfinite(crv))
    return std::nullopt;
  return compare(f, x, y, r).rel_error;
}

uint32_t classify(const Context& c, uint32_t x, uint32_t y, const RefValue& r) {
  const Format& f = *c.f;
  const double yv = to_double(f, y);
  const double crv = to_double(f, r.correctly_rounded);
  uint32_t flags = 0;
  if (std::isnan(yv)) flags |= kNan;
  if (std::isinf(yv)) flags |= kInf;
  if (yv == 0) {
    flags |= kZero;
    if (crv != 0)
      flags |= std::fabs(crv) >= std::ldexp(1.0, f.emin()) ? kPrematureZero : kUnderflowZero;
    else if (std::signbit(yv) != std::signbit(crv))
      flags |= kZeroSign;
  }
  if (const auto rel = relative_error(f, x, y, r);
      rel && std::fabs(*rel) > c.options.relative_error_limit)
    flags |= kCancellation;
  for (size_t k = 0; k < c.asymptotes.size(); ++k)
    if (at_asymptote(f, c.asymptotes[k], x, y)) flags |= kAtAsymptote << k;
  return flags;
}

// ---------------------------------------------------------------------------------------------
// Inputs.

std::vector<int64_t> all_finite_ordinals(const Format& f) {  // f: the input format
  const int64_t max = max_finite_ordinal(f);
  const int64_t min = ordinal(f, f.sign_mask() | f.max_finite_bits());  // -max - 1, or -max (FNUZ)
  std::vector<int64_t> out(size_t(max - min + 1));
  std::iota(out.begin(), out.end(), min);
  return out;
}

// The grid described in saturation.hpp, both signs, sorted (f: the input format).
std::vector<int64_t> binade_grid(const Format& f, const SaturationOptions& o) {
  std::vector<int64_t> positive;  // ordinals = bit patterns for x >= +0
  const int fb = f.fraction_bits;
  const int exponent_fields = f.max_exponent_field() + (f.has_infinity() ? 0 : 1);
  for (int e = 0; e < exponent_fields; ++e) {
    const uint32_t start = uint32_t(e) << fb;
    const uint32_t end = std::min<uint32_t>(((uint32_t(e) + 1) << fb) - 1, f.max_finite_bits());
    if (start > end) break;
    const double lo = to_double(f, start), hi = to_double(f, end);
    const bool dense = e > 0 && lo >= o.dense_lo && hi < o.dense_hi;
    const int k = std::min(dense ? o.dense_bits : o.sparse_bits, fb);
    const uint32_t stride = uint32_t{1} << (fb - k);
    for (uint64_t b = start; b <= end; b += stride) positive.push_back(int64_t(b));
    positive.push_back(end);
  }
  std::sort(positive.begin(), positive.end());
  positive.erase(std::unique(positive.begin(), positive.end()), positive.end());
  std::vector<int64_t> out;
  out.reserve(2 * positive.size());
  for (auto it = positive.rbegin(); it != positive.rend(); ++it) out.push_back(-*it - 1);
  out.insert(out.end(), positive.begin(), positive.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Plateaus.

size_t index_of_ordinal(const Columns& col, int64_t ord) {
  return size_t(std::lower_bound(col.ord.begin(), col.ord.end(), ord) - col.ord.begin());
}

// A plateau found in the evaluated inputs, with the index of its boundary and the direction
// away from the anchor (the boundary's other neighbour is boundary + step).
struct LocatedPlateau {
  Plateau plateau;
  size_t boundary = 0;
  int step = 1;
};

template <class ValueAt>
LocatedPlateau locate_plateau(const Format& f, const Columns& col, const Asymptote& a,
                              ValueAt value_at) {
  size_t anchor = 0;
  int step = 1;
  switch (a.approach) {
    case Approach::positive_tail:
      anchor = col.size() - 1, step = -1;
      break;
    case Approach::negative_tail:
      anchor = 0, step = 1;
      break;
    case Approach::zero_positive:
      anchor = index_of_ordinal(col, 0), step = 1;
      break;
    case Approach::zero_negative:
      anchor = index_of_ordinal(col, -1), step = -1;
      break;
  }
  LocatedPlateau out;
  out.step = step;
  Plateau& p = out.plateau;
  p.anchor_value = value_at(anchor);
  auto at = [&](size_t i) { return at_asymptote(f, a, col.x[i], value_at(i)); };
  if (!at(anchor)) return out;
  p.exists = true;
  size_t i = anchor;
  for (;;) {
    const int64_t next = int64_t(i) + step;
    if (next < 0 || next >= int64_t(col.size()) || !at(size_t(next))) break;
    // Do not cross zero: a tail plateau covering the whole side stops at +-0.
    if ((col.ord[size_t(next)] < 0) != (col.ord[anchor] < 0)) break;
    i = size_t(next);
  }
  p.x = col.x[i];
  p.inputs = uint64_t(std::llabs(col.ord[i] - col.ord[anchor])) + 1;
  out.boundary = i;
  return out;
}

template <class ValueAt>
Plateau find_plateau(const Format& f, const Columns& col, const Asymptote& a, ValueAt value_at) {
  return locate_plateau(f, col, a, value_at).plateau;
}

// Whether ordinal `o` lies on a plateau (between its boundary and its anchor).
bool on_plateau(const Format& f, const Asymptote& a, const Plateau& p, int64_t o) {
  if (!p.exists) return false;
  const int64_t b = ordinal(f.in(), p.x);
  switch (a.approach) {
    case Approach::positive_tail:
      return o >= b;
    case Approach::negative_tail:
      return o <= b;
    case Approach::zero_positive:
      return o >= 0 && o <= b;
    case Approach::zero_negative:
      return o < 0 && o >= b;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Zones.

// Collects flagged inputs into zones, in input order. Where the evaluated inputs are a grid with
// gaps, a gap between two flagged neighbours counts whole and a gap between a flagged and an
// unflagged neighbour counts half (the zone is then marked estimated).
class ZoneCollector {
 public:
  explicit ZoneCollector(const Columns& col) : col_(col) {}
  void add(ZoneKind kind, size_t i, uint8_t op = 0, double worst = 0) {
    const bool negative = col_.ord[i] < 0;
    Builder& b = builders_[{kind, negative, op}];
    Zone& z = b.zone;
    if (!b.started) {
      b.started = true;
      b.first_index = i;
      z.kind = kind;
      z.negative = negative;
      z.operation = operation_names().name(op);
      z.first = col_.x[i];
      z.runs = 1;
      z.inputs = 1;
      z.worst = worst;
      z.worst_x = col_.x[i];
      add_half_gap(z, i, -1);
    } else if (b.last_index + 1 == i) {
      const uint64_t gap = gap_after(i - 1);
      z.inputs += gap + 1;
      if (gap) z.estimated = true;
    } else {
      add_half_gap(z, b.last_index, +1);
      add_half_gap(z, i, -1);
      z.runs += 1;
      z.inputs += 1;
    }
    if (worst > z.worst) {
      z.worst = worst;
      z.worst_x = col_.x[i];
    }
    z.last = col_.x[i];
    b.last_index = i;
  }
  std::vector<Zone> zones(const Format& f) const {
    std::vector<Zone> out;
    for (const auto& [key, b] : builders_) {
      Zone z = b.zone;
      add_half_gap(z, b.last_index, +1);
      z.span = uint64_t(ordinal(f.in(), z.last) - ordinal(f.in(), z.first)) + 1;
      out.push_back(std::move(z));
    }
    return out;
  }
  // The evaluated indices of each zone's first and last input.
  std::vector<std::pair<size_t, size_t>> ends() const {
    std::vector<std::pair<size_t, size_t>> out;
    for (const auto& [key, b] : builders_) out.push_back({b.first_index, b.last_index});
    return out;
  }

 private:
  struct Builder {
    Zone zone{};
    bool started = false;
    size_t first_index = 0, last_index = 0;
  };
  uint64_t gap_after(size_t i) const {
    return i + 1 < col_.size() ? uint64_t(col_.ord[i + 1] - col_.ord[i] - 1) : 0;
  }
  // Half the unevaluated inputs on one side of i, whose neighbour there is not in the zone.
  void add_half_gap(Zone& z, size_t i, int side) const {
    const uint64_t gap = side > 0 ? gap_after(i) : (i > 0 ? gap_after(i - 1) : 0);
    if (!gap) return;
    z.inputs += gap / 2;
    z.estimated = true;
  }
  const Columns& col_;
  std::map<std::tuple<ZoneKind, bool, uint8_t>, Builder> builders_;
};

void collect_zones(const Context& c, const Columns& col, size_t k,
                   const std::vector<Plateau>& reference, ZoneCollector& zones) {
  const Format& f = *c.f;
  for (size_t i = 0; i < col.size(); ++i) {
    const uint32_t x = col.x[i], y = col.y[k][i];
    const RefValue& r = col.ref[i];
    const uint8_t op = col.op[k][i];
    const double yv = to_double(f, y);
    const uint32_t flags = classify(c, x, y, r);
    if (flags & kPrematureZero) zones.add(ZoneKind::premature_zero, i, 0, std::fabs(r.exact));
    if (flags & kUnderflowZero) zones.add(ZoneKind::underflow_zero, i, 0, std::fabs(r.exact));
    if (flags & kCancellation)
      zones.add(ZoneKind::cancellation, i, 0, std::fabs(*relative_error(f, x, y, r)));
    if (flags & kNan) zones.add(ZoneKind::overflow_nan, i, op);
    if ((flags & kInf) && std::isfinite(to_double(f, r.correctly_rounded)))  // not an overflow of f
      zones.add(ZoneKind::overflow_inf, i, op);
    if (op && std::isfinite(yv)) zones.add(ZoneKind::intermediate_overflow, i, op);
    if (flags & kZeroSign) zones.add(ZoneKind::zero_sign, i);
    if (std::isfinite(yv)) {
      for (size_t a = 0; a < c.asymptotes.size(); ++a) {
        if (!is_tail(c.asymptotes[a].approach) || (flags & (kAtAsymptote << a))) continue;
        if (on_plateau(f, c.asymptotes[a], reference[a], col.ord[i]))
          zones.add(ZoneKind::late_saturation, i, 0, std::fabs(compare(f, x, y, r).ulp_error));
      }
    }
  }
}

std::vector<Zone> implementation_zones(const Context& c, const Columns& col, size_t k,
                                       const std::vector<Plateau>& reference) {
  ZoneCollector zones(col);
  collect_zones(c, col, k, reference, zones);
  return zones.zones(*c.f);
}

// ---------------------------------------------------------------------------------------------
// Refinement of a grid: every gap next to a plateau boundary (the reference's and each
// implementation's) and just outside each zone's first and last input is evaluated in full, so
// thresholds and zone ends are exact inputs.

Columns refine(const Context& c, Columns col) {
  const Format& f = *c.f;
  std::vector<size_t> gaps;  // fill between i and i + 1
  auto fill_after = [&](size_t i) {
    if (i + 1 < col.size() && col.ord[i + 1] - col.ord[i] > 1) gaps.push_back(i);
  };
  auto fill_beside = [&](size_t i, int step) {
    if (step > 0)
      fill_after(i);
    else if (i > 0)
      fill_after(i - 1);
  };
  std::vector<Plateau> reference;
  for (const Asymptote& a : c.asymptotes) {
    const auto located =
        locate_plateau(f, col, a, [&](size_t i) { return col.ref[i].correctly_rounded; });
    if (located.plateau.exists) fill_beside(located.boundary, located.step);
    reference.push_back(located.plateau);
  }
  for (size_t k = 0; k < c.impls.size(); ++k) {
    for (const Asymptote& a : c.asymptotes) {
      const auto located = locate_plateau(f, col, a, [&](size_t i) { return col.y[k][i]; });
      if (located.plateau.exists) fill_beside(located.boundary, located.step);
    }
    ZoneCollector zones(col);
    collect_zones(c, col, k, reference, zones);
    for (const auto& [first, last] : zones.ends()) {
      fill_beside(first, -1);
      fill_beside(last, +1);
    }
  }
  if (!col.partner.empty()) {
    ZoneCollector differ(col);
    for (size_t i = 0; i < col.size(); ++i)
      if (col.partner[i] != col.ref[i].correctly_rounded) differ.add(ZoneKind::forms_differ, i);
    for (const auto& [first, last] : differ.ends()) {
      fill_beside(first, -1);
      fill_beside(last, +1);
    }
  }
  std::sort(gaps.begin(), gaps.end());
  gaps.erase(std::unique(gaps.begin(), gaps.end()), gaps.end());
  std::vector<int64_t> extra;
  for (size_t i : gaps)
    for (int64_t o = col.ord[i] + 1; o < col.ord[i + 1]; ++o) extra.push_back(o);
  if (extra.empty()) return col;
  return merge(col, evaluate_inputs(c, std::move(extra)));
}

// ---------------------------------------------------------------------------------------------
// Special inputs.

SpecialResult judge_special(const Format& f, uint32_t x, uint32_t y, const RefValue& r) {
  SpecialResult s;
  s.actual = y;
  const PointRecord p = compare(f, x, y, r);
  if (p.outcome == Outcome::special || (p.outcome == Outcome::finite && p.correctly_rounded)) {
    s.ok = true;
    s.verdict = "ok";
  } else if (p.outcome == Outcome::convention) {  // +-max where r overflows: not an error
    s.ok = true;
    s.verdict = "saturated";
  } else if (p.outcome == Outcome::nan) {
    s.verdict = is_nan(f, y) ? "NaN" : "not NaN";
  } else if (p.outcome == Outcome::nonfinite) {
    s.verdict = is_infinite(f, y) ? (is_negative(f, y) ? "-inf" : "inf") : "wrong value";
  } else if (p.zero_sign) {
    s.verdict = "wrong sign of zero";
  } else {
    s.verdict = fmt::format("{:+.3g} ULP", p.ulp_error);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Measured alternatives to each failure zone.

// Largest |ULP error| of implementation k over the evaluated inputs in [lo, hi] (ordinals);
// infinite where it is not finite.
double max_abs_ulp(const Context& c, const Columns& col, size_t k, int64_t lo, int64_t hi) {
  double worst = 0;
  for (size_t i = index_of_ordinal(col, lo); i < col.size() && col.ord[i] <= hi; ++i) {
    const PointRecord p = compare(*c.f, col.x[i], col.y[k][i], col.ref[i]);
    if (p.outcome == Outcome::special || p.outcome == Outcome::convention) continue;
    worst = std::max(worst, p.outcome == Outcome::finite ? std::fabs(p.ulp_error) : INFINITY);
  }
  return worst;
}

bool has_failure_in(const ImplementationSaturation& s, const Format& f, uint32_t first,
                    uint32_t last) {
  for (const Zone& z : s.zones)
    if (is_failure(z.kind) && ordinal(f.in(), z.first) <= ordinal(f.in(), last) &&
        ordinal(f.in(), z.last) >= ordinal(f.in(), first))
      return true;
  return false;
}

// For each failure zone of each implementation: the other implementations (not the reference)
// with no failure zone meeting it, and their largest |ULP error| there.
void add_alternatives(const Context& c, const Columns& col, SaturationReport& r) {
  const Format& f = *r.format;
  for (size_t k = 0; k < r.implementations.size(); ++k) {
    for (Zone& z : r.implementations[k].zones) {
      if (!is_failure(z.kind)) continue;
      for (size_t o = 0; o < r.implementations.size(); ++o)
        if (o != k && !r.implementations[o].implementation->is_reference &&
            !has_failure_in(r.implementations[o], f, z.first, z.last))
          z.alternatives.push_back(
              {r.implementations[o].implementation,
               max_abs_ulp(c, col, o, ordinal(f.in(), z.first), ordinal(f.in(), z.last))});
    }
  }
}

}  // namespace

SaturationReport analyze_saturation(Function fn, const Format& f,
                                    std::span<const Implementation* const> implementations,
                                    const SaturationOptions& options) {
  Context c;
  c.fn = fn;
  c.f = &f;
  if (has_other_form(fn)) c.partner = other_form_of(fn);
  c.options = options;
  // A correctly rounded result is off by up to 2^-p relative: in FP8 and narrower results (p <= 4,
  // 6.25% and more) a relative error of one ULP, 2^(1-p), is not cancellation. (At p >= 8 the
  // default 1% is above it.)
  c.options.relative_error_limit =
      std::max(options.relative_error_limit, std::ldexp(1.0, 1 - f.precision()));
  c.asymptotes = asymptotes_of(fn);
  for (const Implementation* impl : implementations) {
    BatchKernel k = impl->kernel_for(fn, f, nullptr);
    if (!k) continue;
    c.impls.push_back(impl);
    // NaN outputs as the canonical NaN (format.hpp), so reports are the same in every build.
    c.kernels.push_back([k, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      k(x, y);
      canonicalize_nans(f, y);
    });
    c.traces.push_back(impl->trace_for ? impl->trace_for(fn, f)
                                       : std::function<const char*(uint32_t)>{});
  }
  c.table = reference_table(fn, f, options.reference_mode, options.threads);
  if (c.partner)
    c.partner_table = reference_table(*c.partner, f, options.reference_mode, options.threads);

  SaturationReport r;
  r.function = fn;
  r.format = &f;
  r.asymptotes = c.asymptotes;
  r.relative_error_limit = c.options.relative_error_limit;
  Columns col;
  if (f.in().total_bits() <= 16) {
    col = evaluate_inputs(c, all_finite_ordinals(f.in()));
    r.grid_points = col.size();
    r.method = fmt::format("exhaustive: all {} finite inputs", col.size());
  } else {
    col = evaluate_inputs(c, binade_grid(f.in(), options));
    r.grid_points = col.size();
    col = refine(c, std::move(col));
    r.exhaustive = false;
    r.method = fmt::format(
        "grid in bit space, 2^{} inputs per binade and 2^{} for |x| in [{:g}, {:g}) ({} inputs), "
        "then every grid gap next to a threshold or a zone end evaluated in full ({} more "
        "inputs): thresholds and zone ends are exact inputs; a zone that opens and closes "
        "between two grid points is missed, and counts marked ~ are estimated from the grid",
        options.sparse_bits, options.dense_bits, options.dense_lo, options.dense_hi, r.grid_points,
        col.size() - r.grid_points);
  }
  r.evaluated = col.size();

  for (const Asymptote& a : c.asymptotes)
    r.reference.push_back(
        find_plateau(f, col, a, [&](size_t i) { return col.ref[i].correctly_rounded; }));

  if (c.partner) {
    FormComparison forms;
    forms.other = *c.partner;
    ZoneCollector differ(col);
    for (size_t i = 0; i < col.size(); ++i)
      if (col.partner[i] != col.ref[i].correctly_rounded) differ.add(ZoneKind::forms_differ, i);
    forms.zones = differ.zones(f);
    r.forms = std::move(forms);
  }

  r.specials = special_inputs(f);
  std::vector<uint32_t> special_x;
  std::vector<RefValue> special_ref;
  for (const SpecialInput& s : r.specials) {
    special_x.push_back(s.x);
    special_ref.push_back(reference(fn, f, s.x, options.reference_mode));
    r.special_expected.push_back(special_ref.back().correctly_rounded);
  }

  for (size_t k = 0; k < c.impls.size(); ++k) {
    ImplementationSaturation s;
    s.implementation = c.impls[k];
    for (size_t a = 0; a < c.asymptotes.size(); ++a) {
      s.plateaus.push_back(
          find_plateau(f, col, c.asymptotes[a], [&](size_t i) { return col.y[k][i]; }));
      if (s.plateaus[a].exists && r.reference[a].exists)
        s.distances.push_back(
            outward_distance(f, c.asymptotes[a].approach, r.reference[a].x, s.plateaus[a].x));
      else
        s.distances.push_back(std::nullopt);
    }
    s.zones = implementation_zones(c, col, k, r.reference);
    std::vector<uint32_t> special_y(special_x.size());
    c.kernels[k](special_x, special_y);
    for (size_t i = 0; i < special_x.size(); ++i)
      s.specials.push_back(judge_special(f, special_x[i], special_y[i], special_ref[i]));
    r.implementations.push_back(std::move(s));
  }
  add_alternatives(c, col, r);
  return r;
}

}  // namespace gelucheck
