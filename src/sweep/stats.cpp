#include "sweep/stats.hpp"

#include <mpfr.h>  // mpfr_sum: the exact sum rounded once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>

#include <fmt/format.h>  // fmt::format

namespace gelucheck {

void ExactSum::add(double x) {
  if (x == 0) return;
  // GROW-EXPANSION with zero elimination, in place: part k is written after part i >= k is read.
  double q = x;
  size_t k = 0;
  for (size_t i = 0; i < parts_.size(); ++i) {
    const double e = parts_[i];
    const double s = q + e;
    const double bb = s - q;
    const double h = (q - (s - bb)) + (e - bb);
    if (h != 0) parts_[k++] = h;
    q = s;
  }
  parts_.resize(k);
  if (q != 0) parts_.push_back(q);
}

void ExactSum::add(const ExactSum& other) {
  for (double p : other.parts_) add(p);
}

ExactSum ExactSum::from_parts(std::vector<double> parts) {
  ExactSum s;
  for (double p : parts) s.add(p);
  return s;
}

double ExactSum::value() const {
  if (parts_.empty()) return 0;
  std::vector<mpfr_t> terms(parts_.size());
  std::vector<mpfr_ptr> ptrs(parts_.size());
  for (size_t i = 0; i < parts_.size(); ++i) {
    mpfr_init2(terms[i], 53);
    mpfr_set_d(terms[i], parts_[i], MPFR_RNDN);  // exact
    ptrs[i] = terms[i];
  }
  mpfr_t sum;
  mpfr_init2(sum, 53);
  mpfr_sum(sum, ptrs.data(), ptrs.size(), MPFR_RNDN);
  const double v = mpfr_get_d(sum, MPFR_RNDN);
  mpfr_clear(sum);
  for (auto& t : terms) mpfr_clear(t);
  return v;
}

void BinadeStats::merge(const BinadeStats& o) {
  points += o.points;
  correctly_rounded += o.correctly_rounded;
  finite += o.finite;
  max_abs_ulp.merge(o.max_abs_ulp);
  sum_abs_ulp.add(o.sum_abs_ulp);
}

std::string binade_range(const Format& pair, int key) {
  const Format& f = pair.in();
  const char* sign = key < 0 ? "-" : "";
  const int field = std::abs(key) - 1;
  if (field == 0)
    return key < 0 ? fmt::format("(-2^{}, -0]", f.emin()) : fmt::format("[0, 2^{})", f.emin());
  if (field == f.max_exponent_field() && f.has_infinity()) return fmt::format("{}inf/nan", sign);
  const int e = field - f.bias();
  return key < 0 ? fmt::format("(-2^{}, -2^{}]", e + 1, e) : fmt::format("[2^{}, 2^{})", e, e + 1);
}

BinadeStats& ErrorStats::binade_at(int key) {
  binade_cache_.entry = &binades[key];  // map nodes are stable
  binade_cache_.key = key;
  return *binade_cache_.entry;
}

double UlpHistogram::lower_edge(int bin) { return bin == 0 ? 0.0 : std::ldexp(1.0, bin - 12); }
double UlpHistogram::upper_edge(int bin) {
  return bin == 0 ? 0x1p-11 : bin == kBins - 1 ? INFINITY : lower_edge(bin + 1);
}

void TopPoints::offer(const PointExample& e) {
  if (items.size() == kCapacity && !before(e, items.back())) return;
  items.insert(std::upper_bound(items.begin(), items.end(), e, before), e);
  if (items.size() > kCapacity) items.pop_back();
}

void TopPoints::offer(const Format& f, const PointRecord& p, double key) {
  offer(f, p.x, p.y, p.ref, p.ulp_error, p.tolerance_ratio, key);
}

void TopPoints::offer(const Format& f, uint32_t x, uint32_t y, const RefValue& ref,
                      double ulp_error, double tolerance_ratio, double key) {
  if (items.size() == kCapacity && key < items.back().key) return;  // offer(e) would drop it
  PointExample e;
  e.key = key;
  e.x = x;
  e.y = y;
  e.correctly_rounded = ref.correctly_rounded;
  e.x_ordinal = ordinal(f.in(), x);
  e.exact = ref.exact;
  e.ulp_log2 = ref.ulp_log2;
  e.ulp_error = ulp_error;
  e.tolerance_ratio = tolerance_ratio;
  offer(e);
}

[[gnu::always_inline]] inline void ErrorStats::count_finite(double abs_ulp_error, uint64_t distance,
                                                            bool is_zero_sign) {
  ++finite;
  zero_sign += is_zero_sign;
  if (distance) {
    pending_distance_ += double(distance);  // integers below 2^53: exact in any order
    // Logarithms are rounded: kept exactly (a count per small distance; above, an integer of
    // 2^-49 units), so that the total does not depend on how the points were grouped.
    if (distance < kSmallDistances) {
      ++pending_small_distances_[distance];
    } else {
      const uint64_t units = uint64_t(bits_of_error(distance) * 0x1p49);  // exact (stats.hpp)
      pending_large_bits_low_ += units;
      pending_large_bits_high_ += pending_large_bits_low_ < units;  // the carry
    }
  }
  pending_abs_ += abs_ulp_error;
  pending_sq_ += abs_ulp_error * abs_ulp_error;
  ++pending_count_;
}

bool ErrorStats::count(const Format& f, const PointRecord& p) {
  ++points;
  if (p.correctly_rounded) ++correctly_rounded;
  if (p.faithful) ++faithful;
  if (p.flushed) ++flushed;
  if (p.assert_close) {
    ++assert_close;
    if (!p.faithful) {
      ++assert_close_unfaithful;
      passes_unfaithful.offer(f, p, std::fabs(p.ulp_error));
    }
  } else if (p.faithful) {
    ++assert_close_faithful_fail;
    fails_faithful.offer(f, p, p.tolerance_ratio);
  }
  BinadeStats& b = binade(f, p.x);
  ++b.points;
  if (p.correctly_rounded) ++b.correctly_rounded;
  if (p.outcome == Outcome::finite) {
    ++b.finite;
    const double a = std::fabs(p.ulp_error);
    b.pending_abs += a;
    if (a >= b.max_abs_ulp.value) b.max_abs_ulp.offer(a, p.x, ordinal(f.in(), p.x));
  }
  switch (p.outcome) {
    case Outcome::nonfinite:
      ++nonfinite;
      return false;
    case Outcome::nan:
      ++nan;
      return false;
    case Outcome::convention:
      ++convention;
      return false;
    case Outcome::special:
    case Outcome::flushed:
      return false;
    case Outcome::finite:
      break;
  }
  count_finite(std::fabs(p.ulp_error), p.distance, p.zero_sign);
  return true;
}

void ErrorStats::add(const Format& f, const PointRecord& p) {
  if (!count(f, p)) return;
  const double a = std::fabs(p.ulp_error);
  const int64_t ord = ordinal(f.in(), p.x);
  max_abs_ulp.offer(a, p.x, ord);
  if (p.ulp_error > 0) max_ulp.offer(p.ulp_error, p.x, ord);
  if (p.ulp_error < 0) max_neg_ulp.offer(-p.ulp_error, p.x, ord);
  max_abs_error.offer(std::fabs(p.abs_error), p.x, ord);
  max_rel_error.offer(std::fabs(p.rel_error), p.x, ord);
  max_distance.offer(double(p.distance), p.x, ord);
  histogram.add(a);
}

void ErrorStats::add(const Format& f, uint32_t x, uint32_t y, const RefValue& ref,
                     const Grading& g) {
  if (!finite_and_correctly_rounded(f, y, ref)) {
    add(f, compare(f, x, y, ref, g));
    return;
  }
  // Correctly rounded and finite: faithful, no zero-sign mismatch, distance 0, passes
  // assert_close (y == c), untouched by the subnormal modes (which apply only where y is not c);
  // the error is what compare() computes, and the ordinal is needed only when an extreme might
  // change.
  ++points;
  ++correctly_rounded;
  ++faithful;
  ++finite;
  ++assert_close;
  const double abs_error = to_double(f, y) - ref.exact;
  const double e = in_ulps(abs_error, ref);
  const double a = std::fabs(e);
  pending_abs_ += a;
  pending_sq_ += a * a;
  ++pending_count_;
  histogram.add(a);
  const double abs_abs = std::fabs(abs_error);
  const double abs_exact = std::fabs(ref.exact);
  const int64_t ord = ordinal(f.in(), x);
  max_abs_ulp.offer(a, x, ord);
  if (e > 0) max_ulp.offer(e, x, ord);
  if (e < 0) max_neg_ulp.offer(-e, x, ord);
  max_abs_error.offer(abs_abs, x, ord);
  const double rel = abs_exact != 0 ? abs_abs / abs_exact : (abs_error == 0 ? 0.0 : INFINITY);
  max_rel_error.offer(rel, x, ord);
  if (max_distance.value <= 0) max_distance.offer(0, x, ord);
}

// n points of binade `key` with error exactly 0; bits_of(j), j < n, are their inputs. An error
// of 0 adds nothing to the sums, and changes an extreme only while the extreme is at most 0:
// then the smallest input ordinal of the run competes for the tie. Within one binade (one sign)
// the ordinal grows with the bit pattern for positive inputs and falls with it for negative ones.
template <class BitsOf>
[[gnu::always_inline]] inline void ErrorStats::add_zero_run(const Format& f, int key, size_t n,
                                                            BitsOf bits_of) {
  count_correctly_rounded(n);
  histogram.counts[0] += n;
  BinadeStats& b = binade(f, bits_of(0));
  b.count_correctly_rounded(n);
  Extreme* const extremes[] = {&max_abs_ulp, &max_abs_error, &max_rel_error, &max_distance,
                               &b.max_abs_ulp};
  if (std::none_of(std::begin(extremes), std::end(extremes),
                   [](const Extreme* e) { return e->value <= 0; }))
    return;
  uint32_t lo = UINT32_MAX, hi = 0;
  for (size_t j = 0; j < n; ++j) {
    lo = std::min(lo, bits_of(j));
    hi = std::max(hi, bits_of(j));
  }
  const uint32_t first = key > 0 ? lo : hi;
  const int64_t ord = ordinal(f.in(), first);
  for (Extreme* e : extremes)
    if (e->value <= 0) e->offer(0, first, ord);
}

[[gnu::always_inline]] inline void ErrorStats::add_zero_errors(const Format& f,
                                                               std::span<const uint32_t> x,
                                                               std::span<const uint32_t> at,
                                                               std::span<const int> key) {
  for (size_t j = 0; j < at.size();) {  // by runs of one binade
    size_t run_end = j + 1;
    while (run_end < at.size() && key[run_end] == key[j]) ++run_end;
    add_zero_run(f, key[j], run_end - j, [&](size_t k) { return x[at[j + k]]; });
    j = run_end;
  }
}

namespace {
// Every r of ref[start, end) is exactly its correctly rounded value (c - r is NaN, not 0, when r
// is not finite) and every input of x[start, end) has x[start]'s binade.
[[gnu::always_inline]] inline bool exact_in_one_binade(const Format& f, std::span<const uint32_t> x,
                                                       std::span<const RefValue> ref, size_t start,
                                                       size_t end) {
  const int key0 = binade_key(f, x[start]);
  bool all_exact = true;
  for (size_t i = start; i < end; ++i)
    all_exact &= (to_double(f, ref[i].correctly_rounded) - ref[i].exact == 0) &
                 (binade_key(f, x[i]) == key0);
  return all_exact;
}
}  // namespace

namespace {
// A correctly rounded result's errors at input i: y - r, and the ULP error.
struct CorrectlyRoundedError {
  double abs_error, ulp_error;
};
[[gnu::always_inline]] inline CorrectlyRoundedError correctly_rounded_error(const Format& f,
                                                                            const RefValue& r) {
  const double e = to_double(f, r.correctly_rounded) - r.exact;
  return {e, in_ulps(e, r)};
}
// |y - r|/|r|, as compare() has it for a finite y (inf where r = 0 != y).
[[gnu::always_inline]] inline double relative_error(double abs_abs_error, double abs_exact) {
  return abs_exact != 0 ? abs_abs_error / abs_exact : (abs_abs_error == 0 ? 0.0 : INFINITY);
}

// The summary of a usable block (ReferenceBlocks): sums, histogram, maxima. The first inputs
// attaining the maxima are found when needed (first_attaining).
[[gnu::always_inline]] inline void summarise_block(const Format& f, std::span<const RefValue> ref,
                                                   size_t start, size_t end,
                                                   ReferenceBlocks::CorrectlyRoundedBlock& b,
                                                   double* abs_ulp) {
  using Block = ReferenceBlocks::CorrectlyRoundedBlock;
  // Sums in four interleaved parts (exact in any order, above), maxima, and the histogram in
  // four copies: a chain of increments of one bin would wait on each store.
  double sum_abs[4] = {0, 0, 0, 0}, sum_sq[4] = {0, 0, 0, 0};
  double best[5] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
  uint16_t bins[4][Block::kBins] = {};
  for (size_t i = start; i < end; ++i) {
    const auto [e, err] = correctly_rounded_error(f, ref[i]);
    const double a = std::fabs(err), ae = std::fabs(e);
    abs_ulp[i] = a;
    sum_abs[i & 3] += a;
    sum_sq[i & 3] += a * a;
    const double pos = err > 0 ? err : -INFINITY, neg = err < 0 ? -err : -INFINITY;
    best[0] = a > best[0] ? a : best[0];
    best[1] = pos > best[1] ? pos : best[1];
    best[2] = neg > best[2] ? neg : best[2];
    best[3] = ae > best[3] ? ae : best[3];
    const double rel = relative_error(ae, std::fabs(ref[i].exact));
    best[4] = rel > best[4] ? rel : best[4];
    // A correctly rounded error is in the first kBins bins (above): min() only keeps the index
    // in bounds.
    ++bins[i & 3][std::min(UlpHistogram::bin_of(a), Block::kBins - 1)];
  }
  b.sum_abs = (sum_abs[0] + sum_abs[1]) + (sum_abs[2] + sum_abs[3]);
  b.sum_sq = (sum_sq[0] + sum_sq[1]) + (sum_sq[2] + sum_sq[3]);
  for (size_t bin = 0; bin < size_t(Block::kBins); ++bin)
    b.histogram[bin] = uint16_t(bins[0][bin] + bins[1][bin] + bins[2][bin] + bins[3][bin]);
  b.abs_ulp.value = best[0];
  b.ulp.value = best[1];
  b.neg_ulp.value = best[2];
  b.abs_error.value = best[3];
  b.rel_error.value = best[4];
  b.distance.value = 0;
  b.summarised = true;
}

// The offset in x[start, end) (one binade) of the smallest input ordinal where value_of(i) is
// `value` and counts(i) holds, or -1. In one binade the ordinal grows with the bits for positive
// inputs and falls with them for negative ones: it is the least x ^ flip.
template <class ValueOf, class Counts>
[[gnu::always_inline]] inline int32_t first_attaining(const Format& f, std::span<const uint32_t> x,
                                                      size_t start, size_t end, double value,
                                                      ValueOf value_of, Counts counts) {
  const uint32_t flip = is_negative(f.in(), x[start]) ? UINT32_MAX : 0;
  uint32_t first = UINT32_MAX;
  bool found = false;
  for (size_t i = start; i < end; ++i) {
    const bool attains = counts(i) && value_of(i) == value;
    found |= attains;
    const uint32_t candidate = attains ? x[i] ^ flip : UINT32_MAX;
    first = candidate < first ? candidate : first;
  }
  if (!found) return -1;
  size_t i = start;
  while (!(counts(i) && value_of(i) == value && (x[i] ^ flip) == first)) ++i;
  return int32_t(i - start);
}

// y is the zero of the other sign in place of a zero c, graded as in IEEE mode (remark 10 does
// not apply; remark 11 never flushes a zero of the other sign than r's).
[[gnu::always_inline]] inline bool only_zero_sign_differs(const Format& f, uint32_t x, uint32_t y,
                                                          uint32_t c, const Grading& g) {
  return y != c && to_double(f, y) == 0 && to_double(f, c) == 0 && !reads_input_as_zero(f, x, g);
}
}  // namespace

void ReferenceBlocks::assign(const Format& f, std::span<const uint32_t> x,
                             std::span<const RefValue> ref) {
  const size_t n = x.size();
  correctly_rounded.resize(n);
  abs_ulp.resize(n);
  blocks.resize((n + kBlock - 1) / kBlock);
  with_constant_format(
      f, [&](const Format& g) __attribute__((always_inline)) {
        for (size_t i = 0; i < n; ++i) correctly_rounded[i] = ref[i].correctly_rounded;
        for (size_t start = 0, b = 0; start < n; start += kBlock, ++b) {
          const size_t end = std::min(n, start + kBlock);
          const int key0 = binade_key(g, x[start]);
          bool usable = true, exact = true;
          for (size_t i = start; i < end; ++i) {
            usable &= finite_and_correctly_rounded(g, ref[i].correctly_rounded, ref[i]) &
                      (binade_key(g, x[i]) == key0);
            exact &= to_double(g, ref[i].correctly_rounded) - ref[i].exact == 0;
          }
          CorrectlyRoundedBlock& block = blocks[b];
          block = CorrectlyRoundedBlock{};
          block.usable = usable;
          block.exact = usable && exact;
        }
      });
}

[[gnu::always_inline]] inline bool ErrorStats::count_plain_finite(
    const Format& f, uint32_t x, uint32_t y, const RefValue& ref, const Grading& g,
    const Tolerance& t, double& ulp_error, double& abs_error, uint64_t& distance) {
  // compare() and count() for the points whose outcome is finite (outcome_of: r, c and y finite,
  // r not beyond the range), graded as in IEEE mode: the input not read as zero (remark 10), and
  // no zero of r's sign that FTZ might take for a flushed result (remark 11).
  const double yv = to_double(f, y), cr = to_double(f, ref.correctly_rounded);
  if (!std::isfinite(ref.exact) || ref.overflow || !std::isfinite(cr) || !std::isfinite(yv) ||
      reads_input_as_zero(f, x, g) ||
      (flushes_results(g.subnormals) && yv == 0 && std::signbit(yv) == std::signbit(ref.exact)))
    return false;
  const bool is_correctly_rounded = y == ref.correctly_rounded;
  distance = uint64_t(std::abs(value_ordinal(f, y) - value_ordinal(f, ref.correctly_rounded)));
  const bool is_faithful = faithful_at(distance, yv, cr, ref.side);
  const bool close = assert_close_passes(f, y, ref.correctly_rounded, t);
  abs_error = yv - ref.exact;
  ulp_error = in_ulps(abs_error, ref);
  const double a = std::fabs(ulp_error);
  ++points;
  correctly_rounded += is_correctly_rounded;
  faithful += is_faithful;
  assert_close += close;
  if (close != is_faithful) {  // count()'s examples of a disagreement
    double ratio = 0;
    assert_close_passes(f, y, ref.correctly_rounded, t, &ratio);
    if (close) {
      ++assert_close_unfaithful;
      passes_unfaithful.offer(f, x, y, ref, ulp_error, ratio, a);
    } else {
      ++assert_close_faithful_fail;
      fails_faithful.offer(f, x, y, ref, ulp_error, ratio, ratio);
    }
  }
  BinadeStats& b = binade(f, x);
  ++b.points;
  b.correctly_rounded += is_correctly_rounded;
  ++b.finite;
  b.pending_abs += a;
  if (a >= b.max_abs_ulp.value) b.max_abs_ulp.offer(a, x, ordinal(f.in(), x));
  count_finite(a, distance, yv == 0 && cr == 0 && std::signbit(yv) != std::signbit(cr));
  return true;
}

[[gnu::always_inline]] inline bool ErrorStats::count_not_finite(const Format& f, uint32_t x,
                                                                uint32_t y, const RefValue& ref,
                                                                const Grading& g) {
  // compare() grades a point of outcome special correctly rounded, faithful and passing
  // assert_close, and any other outcome that is not finite none of these (nor flushed: DAZ
  // aside, only a finite outcome can be flushed); count() adds nothing else but the outcome's
  // count and the binade's points.
  if (reads_input_as_zero(f, x, g)) return false;
  const Outcome outcome = outcome_of(f, y, ref);
  switch (outcome) {
    case Outcome::finite:
    case Outcome::flushed:
      return false;
    case Outcome::special: {
      ++correctly_rounded;
      ++faithful;
      ++assert_close;
      ++binade(f, x).correctly_rounded;
      break;
    }
    case Outcome::nan:
      ++nan;
      break;
    case Outcome::nonfinite:
      ++nonfinite;
      break;
    case Outcome::convention:
      ++convention;
      break;
  }
  ++points;
  ++binade(f, x).points;
  return true;
}

template <class TakePoint>
[[gnu::always_inline]] inline void ErrorStats::add_summarised_block(
    const Format& f, std::span<const uint32_t> x, std::span<const uint32_t> y,
    std::span<const RefValue> ref, const ReferenceBlocks& blocks,
    ReferenceBlocks::CorrectlyRoundedBlock& summary, size_t start, size_t end,
    std::span<const uint32_t> differs, const Grading& g, TakePoint take_point) {
  using Block = ReferenceBlocks::CorrectlyRoundedBlock;
  const uint32_t* const c = blocks.correctly_rounded.data();
  // y is c, or the zero of the other sign in place of a zero c, graded as in IEEE mode: every
  // error, extreme and bin is c's; only the count of correctly rounded results and of zero-sign
  // mismatches differ (compare()).
  const auto zero_sign_only = [&](size_t i) {
    return only_zero_sign_differs(f, x[i], y[i], c[i], g);
  };
  const auto graded_as_c = [&](size_t i) { return y[i] == c[i] || zero_sign_only(i); };
  // The points where y differs first, in input order, as pass 1 takes them (a zero of the other
  // sign as count_plain_finite() counts it); then the others, whose sums are those of the block
  // less those of the points taken (exact, ReferenceBlocks).
  BinadeStats& b = binade(f, x[start]);
  std::array<uint32_t, Block::kBins> bins;
  std::copy(summary.histogram.begin(), summary.histogram.end(), bins.begin());
  double sum_abs = summary.sum_abs, sum_sq = summary.sum_sq;
  size_t n_zero_sign = 0;
  for (const uint32_t i : differs) {
    const double a = blocks.abs_ulp[i];
    sum_abs -= a;
    sum_sq -= a * a;
    if (!zero_sign_only(i)) {
      take_point(i);
      --bins[size_t(std::min(UlpHistogram::bin_of(a), Block::kBins - 1))];
      continue;
    }
    ++n_zero_sign;  // counted below; the plain sums take a in input order (adding 0 is nothing)
    if (a != 0) {
      b.pending_abs += a;
      pending_abs_ += a;
      pending_sq_ += a * a;
    }
  }
  // count_plain_finite() of a zero of the other sign: faithful (distance 0), passing
  // assert_close (y == c as numbers), finite, not correctly rounded, a zero-sign mismatch.
  points += n_zero_sign;
  faithful += n_zero_sign;
  assert_close += n_zero_sign;
  finite += n_zero_sign;
  zero_sign += n_zero_sign;
  pending_count_ += uint32_t(n_zero_sign);
  b.points += n_zero_sign;
  b.finite += n_zero_sign;
  const size_t n_cr = end - start - differs.size();
  count_correctly_rounded(n_cr);
  pending_abs_ += sum_abs;
  pending_sq_ += sum_sq;
  for (size_t k = 0; k < bins.size(); ++k) histogram.counts[k] += bins[k];
  b.count_correctly_rounded(n_cr);
  b.pending_abs += sum_abs;
  // A maximum of the block stands for the points graded as c when it is attained there at its
  // first input: that input is among them, and none of them comes before it. Otherwise their
  // maximum is found again.
  const auto every_point = [](size_t) { return true; };
  auto offer = [&](Extreme & ext, Block::Best & best, auto value_of)
      __attribute__((always_inline)) {
    if (best.value == -INFINITY || best.value < ext.value) return;
    if (best.at < 0) best.at = first_attaining(f, x, start, end, best.value, value_of, every_point);
    size_t i = start + size_t(best.at);
    double value = best.value;
    if (!graded_as_c(i)) {
      value = -INFINITY;
      for (size_t k = start; k < end; ++k)
        if (graded_as_c(k)) value = std::max(value, value_of(k));
      if (value == -INFINITY || value < ext.value) return;
      i = start + size_t(first_attaining(f, x, start, end, value, value_of, graded_as_c));
    }
    ext.offer(value, x[i], ordinal(f.in(), x[i]));
  };
  const auto abs_ulp_of = [&](size_t i) { return blocks.abs_ulp[i]; };
  const auto ulp_error_of = [&](size_t i) { return correctly_rounded_error(f, ref[i]).ulp_error; };
  const auto abs_error_of = [&](size_t i) {
    return std::fabs(correctly_rounded_error(f, ref[i]).abs_error);
  };
  offer(max_abs_ulp, summary.abs_ulp, abs_ulp_of);
  offer(b.max_abs_ulp, summary.abs_ulp, abs_ulp_of);
  offer(max_ulp, summary.ulp, [&](size_t i) {
    const double e = ulp_error_of(i);
    return e > 0 ? e : -INFINITY;
  });
  offer(max_neg_ulp, summary.neg_ulp, [&](size_t i) {
    const double e = ulp_error_of(i);
    return e < 0 ? -e : -INFINITY;
  });
  offer(max_abs_error, summary.abs_error, abs_error_of);
  offer(max_rel_error, summary.rel_error,
        [&](size_t i) { return relative_error(abs_error_of(i), std::fabs(ref[i].exact)); });
  offer(max_distance, summary.distance, [](size_t) { return 0.0; });  // 0 at every point
}

void ErrorStats::add_batch(const Format& f, std::span<const uint32_t> x,
                           std::span<const uint32_t> y, std::span<const RefValue> ref,
                           const Grading& g, const ReferenceBlocks* blocks) {
  with_constant_format(
      f, [&](const Format& constant_f)
             __attribute__((always_inline)) { add_batch_in(constant_f, x, y, ref, g, blocks); });
}

[[gnu::always_inline]] inline void ErrorStats::add_batch_in(
    const Format& f, std::span<const uint32_t> x, std::span<const uint32_t> y,
    std::span<const RefValue> ref, const Grading& g, const ReferenceBlocks* blocks) {
  constexpr size_t kBlock = ReferenceBlocks::kBlock;
  const Tolerance tolerance = g.tolerance_for(f);
  // A block's points with a finite outcome that the block passes take (gathered): the correctly
  // rounded ones with a nonzero error at cr_pos[0, n_cr), the others counted already.
  double err[kBlock], abs_err[kBlock], abs_exact[kBlock], distance[kBlock];
  uint32_t at[kBlock], zero_at[kBlock], cr_pos[kBlock], differs[kBlock];
  int key[kBlock], zero_key[kBlock];
  size_t m = 0;
  // A point whose result is not the correctly rounded value, or is not finite: counted now, as
  // count() would, and gathered when its outcome is finite.
  auto take_point = [&](size_t i) __attribute__((always_inline)) {
    const RefValue& r = ref[i];
    uint64_t d = 0;
    if (count_plain_finite(f, x[i], y[i], r, g, tolerance, err[m], abs_err[m], d)) {
      abs_exact[m] = std::fabs(r.exact);
      distance[m] = double(d);
      key[m] = binade_key(f, x[i]);
      at[m++] = uint32_t(i);
      return;
    }
    if (count_not_finite(f, x[i], y[i], r, g)) return;
    const PointRecord p = compare(f, x[i], y[i], r, g);
    if (!count(f, p)) return;
    abs_err[m] = p.abs_error;
    err[m] = p.ulp_error;
    abs_exact[m] = std::fabs(p.ref.exact);
    distance[m] = double(p.distance);
    key[m] = binade_key(f, x[i]);
    at[m++] = uint32_t(i);
  };
  // Extreme `ext` offered its maximum over a block's points j (value_of(j), -inf where a point
  // does not compete), ties going to the smallest input ordinal; input_of(j) is point j's input.
  auto offer_maximum = [&](Extreme & ext, double best, size_t n, auto value_of, auto input_of)
      __attribute__((always_inline)) {
    if (best == -INFINITY || best < ext.value) return;
    int64_t best_ord = INT64_MAX;
    uint32_t best_x = 0;
    for (size_t j = 0; j < n; ++j) {
      if (value_of(j) != best) continue;
      const int64_t ord = ordinal(f.in(), input_of(j));
      if (ord < best_ord) best_ord = ord, best_x = input_of(j);
    }
    ext.offer(best, best_x, best_ord);
  };
  // Passes 2 and 3 over the gathered points.
  auto take_gathered = [&](size_t n_cr) __attribute__((always_inline)) {
    if (m == 0) return;
    // Pass 2: sums of the correctly rounded points (four interleaved partial sums; their errors
    // are multiples of 2^-10 ULP of magnitude <= 1/2, so the sums of a block are exact whatever
    // the order), histogram, and the block maxima of every gathered point in one sweep.
    double sa[4] = {0, 0, 0, 0}, sq[4] = {0, 0, 0, 0};
    double best_abs = -INFINITY, best_pos = -INFINITY, best_neg = -INFINITY,
           best_abs_err = -INFINITY, best_rel = -INFINITY, best_distance = -INFINITY;
    for (size_t j = 0; j < n_cr; ++j) {
      const double a = std::fabs(err[cr_pos[j]]);
      sa[j & 3] += a;
      sq[j & 3] += a * a;
    }
    for (size_t j = 0; j < m; ++j) {
      const double a = std::fabs(err[j]);
      histogram.add(a);
      const double pos = err[j] > 0 ? err[j] : -INFINITY, neg = err[j] < 0 ? -err[j] : -INFINITY;
      const double ae = std::fabs(abs_err[j]);
      best_abs = a > best_abs ? a : best_abs;
      best_pos = pos > best_pos ? pos : best_pos;
      best_neg = neg > best_neg ? neg : best_neg;
      best_abs_err = ae > best_abs_err ? ae : best_abs_err;
      best_distance = distance[j] > best_distance ? distance[j] : best_distance;
    }
    pending_abs_ += (sa[0] + sa[1]) + (sa[2] + sa[3]);
    pending_sq_ += (sq[0] + sq[1]) + (sq[2] + sq[3]);
    // Per-binade statistics of the correctly rounded points, over runs of one binade (in an
    // exhaustive sweep a block is one run).
    for (size_t j = 0; j < n_cr;) {
      size_t run_end = j + 1;
      while (run_end < n_cr && key[cr_pos[run_end]] == key[cr_pos[j]]) ++run_end;
      BinadeStats& b = binade(f, x[at[cr_pos[j]]]);
      double sum = 0, best = -INFINITY;
      for (size_t i = j; i < run_end; ++i) {
        const double a = std::fabs(err[cr_pos[i]]);
        sum += a;
        best = a > best ? a : best;
      }
      b.count_correctly_rounded(run_end - j);
      b.pending_abs += sum;
      offer_maximum(
          b.max_abs_ulp, best, run_end - j, [&](size_t i) { return std::fabs(err[cr_pos[j + i]]); },
          [&](size_t i) { return x[at[cr_pos[j + i]]]; });
      j = run_end;
    }
    double rel[kBlock];
    for (size_t j = 0; j < m; ++j) {
      rel[j] = relative_error(std::fabs(abs_err[j]), abs_exact[j]);
      best_rel = rel[j] > best_rel ? rel[j] : best_rel;
    }
    // Pass 3: for each block maximum that can change the running extreme, the smallest input
    // ordinal attaining it (the tie rule of Extreme).
    const auto input_of = [&](size_t j) { return x[at[j]]; };
    offer_maximum(
        max_abs_ulp, best_abs, m, [&](size_t j) { return std::fabs(err[j]); }, input_of);
    offer_maximum(
        max_ulp, best_pos, m, [&](size_t j) { return err[j] > 0 ? err[j] : -INFINITY; }, input_of);
    offer_maximum(
        max_neg_ulp, best_neg, m, [&](size_t j) { return err[j] < 0 ? -err[j] : -INFINITY; },
        input_of);
    offer_maximum(
        max_abs_error, best_abs_err, m, [&](size_t j) { return std::fabs(abs_err[j]); }, input_of);
    offer_maximum(
        max_rel_error, best_rel, m, [&](size_t j) { return rel[j]; }, input_of);
    offer_maximum(
        max_distance, best_distance, m, [&](size_t j) { return distance[j]; }, input_of);
  };
  for (size_t start = 0; start < x.size(); start += kBlock) {
    const size_t end = std::min(x.size(), start + kBlock);
    const size_t n = end - start;
    const int key0 = binade_key(f, x[start]);
    m = 0;
    if (blocks && blocks->blocks[start / kBlock].usable) {
      ReferenceBlocks::CorrectlyRoundedBlock& summary = blocks->blocks[start / kBlock];
      const uint32_t* const c = blocks->correctly_rounded.data();
      // The points where y is not c: a byte per point (a loop the compiler vectorizes), read 8
      // at a time, usually all 0 (byte k of a word is point k: little-endian).
      static_assert(std::endian::native == std::endian::little);
      uint8_t ne[kBlock + 8] = {};
      for (size_t k = 0; k < n; ++k) ne[k] = y[start + k] != c[start + k];
      size_t n_differs = 0;
      for (size_t k = 0; k < n; k += 8) {
        uint64_t word;
        std::memcpy(&word, ne + k, sizeof word);
        for (; word != 0; word &= word - 1)
          differs[n_differs++] = uint32_t(start + k + size_t(std::countr_zero(word)) / 8);
      }
      if (n_differs == 0 && summary.exact) {  // every error is 0: one run
        add_zero_run(f, key0, n, [&](size_t k) { return x[start + k]; });
        continue;
      }
      // The block's correctly rounded points from the reference's summary, less the points
      // where y differs, which are counted one by one. Not for one implementation alone, nor
      // where y is mostly not c (a zero of the other sign aside): the summary costs more than it
      // saves there.
      size_t n_taken = n_differs;
      if (4 * n_taken > 3 * n)
        for (size_t j = 0; j < n_differs; ++j)
          n_taken -= only_zero_sign_differs(f, x[differs[j]], y[differs[j]], c[differs[j]], g);
      if (blocks->sharers >= 2 && 4 * n_taken <= 3 * n) {
        if (!summary.summarised)
          summarise_block(f, ref, start, end, summary, blocks->abs_ulp.data());
        add_summarised_block(f, x, y, ref, *blocks, summary, start, end,
                             std::span(differs, n_differs), g, take_point);
        take_gathered(0);
        continue;
      }
    }
    // A block of one binade whose errors are all 0 (the tails and the head of an exhaustive
    // sweep): counted as one run. y - r is NaN, not 0, when r is not finite.
    if (!blocks &&
        std::equal(y.begin() + ptrdiff_t(start), y.begin() + ptrdiff_t(end),
                   ref.begin() + ptrdiff_t(start),
                   [](uint32_t v, const RefValue& r) { return v == r.correctly_rounded; }) &&
        exact_in_one_binade(f, x, ref, start, end)) {
      add_zero_run(f, key0, n, [&](size_t k) { return x[start + k]; });
      continue;
    }
    // Pass 1: points with a finite outcome are gathered, correctly rounded ones with error
    // exactly 0 apart (in an exhaustive sweep most are: the tails and the head near zero). The
    // others are compared one by one and counted (count()) in input order, so the plain sums
    // take them in the order add() would; the correctly rounded ones join the sums as block sums
    // after them, as before. Extremes and the histogram of every gathered point come from the
    // block passes (they do not depend on order).
    size_t z = 0, n_cr = 0;
    for (size_t i = start; i < end; ++i) {
      const RefValue& r = ref[i];
      if (!finite_and_correctly_rounded(f, y[i], r)) {
        take_point(i);
        continue;
      }
      const double e = to_double(f, y[i]) - r.exact;
      if (e == 0) {
        zero_key[z] = binade_key(f, x[i]);
        zero_at[z++] = uint32_t(i);
        continue;
      }
      abs_err[m] = e;
      err[m] = in_ulps(e, r);
      abs_exact[m] = std::fabs(r.exact);
      distance[m] = 0;
      key[m] = binade_key(f, x[i]);
      at[m] = uint32_t(i);
      cr_pos[n_cr++] = uint32_t(m++);
    }
    count_correctly_rounded(n_cr);
    add_zero_errors(f, x, std::span(zero_at, z), std::span(zero_key, z));
    take_gathered(n_cr);
  }
}

void ErrorStats::flush() {
  for (auto& [key, b] : binades) {
    b.sum_abs_ulp.add(b.pending_abs);
    b.pending_abs = 0;
  }
  sum_abs_ulp.add(pending_abs_);
  sum_sq_ulp.add(pending_sq_);
  sum_distance.add(pending_distance_);
  // n points at distance d add n log2(1 + d): the product n * b is p + e exactly (e by FMA), so
  // the exact sum is the one the points would have given one by one.
  for (uint64_t d = 1; d < kSmallDistances; ++d) {
    const uint64_t n = pending_small_distances_[d];
    if (!n) continue;
    const double b = bits_of_error(d), p = double(n) * b;
    sum_bits.add(p);
    sum_bits.add(std::fma(double(n), b, -p));
    pending_small_distances_[d] = 0;
  }
  // The 128-bit integer in pieces of 32 bits, each exact as a double and exactly scaled.
  const uint64_t large_bits[2] = {pending_large_bits_low_, pending_large_bits_high_};
  for (int piece = 0; piece < 4; ++piece) {
    const uint64_t bits = (large_bits[piece / 2] >> (32 * (piece % 2))) & 0xffffffffu;
    sum_bits.add(std::ldexp(double(bits), 32 * piece - 49));
  }
  pending_large_bits_low_ = pending_large_bits_high_ = 0;
  pending_abs_ = pending_sq_ = pending_distance_ = 0;
  pending_count_ = 0;
}

void ErrorStats::merge(const ErrorStats& o) {
  assert(o.pending_count_ == 0 && "flush() partial statistics before merging them");
  points += o.points;
  finite += o.finite;
  correctly_rounded += o.correctly_rounded;
  faithful += o.faithful;
  nonfinite += o.nonfinite;
  nan += o.nan;
  zero_sign += o.zero_sign;
  convention += o.convention;
  flushed += o.flushed;
  assert_close += o.assert_close;
  assert_close_unfaithful += o.assert_close_unfaithful;
  assert_close_faithful_fail += o.assert_close_faithful_fail;
  passes_unfaithful.merge(o.passes_unfaithful);
  fails_faithful.merge(o.fails_faithful);
  max_distance.merge(o.max_distance);
  sum_distance.add(o.sum_distance);
  sum_bits.add(o.sum_bits);
  sum_abs_ulp.add(o.sum_abs_ulp);
  sum_sq_ulp.add(o.sum_sq_ulp);
  max_abs_ulp.merge(o.max_abs_ulp);
  max_ulp.merge(o.max_ulp);
  max_neg_ulp.merge(o.max_neg_ulp);
  max_abs_error.merge(o.max_abs_error);
  max_rel_error.merge(o.max_rel_error);
  histogram.merge(o.histogram);
  for (const auto& [key, b] : o.binades) binades[key].merge(b);
}

double ErrorStats::mean_abs_ulp() const {
  return finite ? sum_abs_ulp.value() / double(finite) : 0.0;
}

double ErrorStats::rms_ulp() const {
  return finite ? std::sqrt(sum_sq_ulp.value() / double(finite)) : 0.0;
}

double ErrorStats::mean_distance() const {
  return finite ? sum_distance.value() / double(finite) : 0.0;
}

double ErrorStats::mean_bits() const { return finite ? sum_bits.value() / double(finite) : 0.0; }

double ErrorStats::max_bits() const {
  return max_distance.seen() ? bits_of_error(uint64_t(max_distance.value)) : 0.0;
}

}  // namespace gelucheck
