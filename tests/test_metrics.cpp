// The ULP metric's edge cases (metrics.hpp remarks 1-5), with references built by hand: each
// RefValue below states r, and the expected numbers follow from the definition
//   ulp_error = (y - r)/ulp(r), ulp(r) = 2^(max(floor(log2|r|), emin) - p + 1).
#include <catch2/catch.hpp>

#include <cmath>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "implementations/implementations.hpp"
#include "sweep/engine.hpp"
#include "sweep/metrics.hpp"
#include "sweep/partial_result.hpp"
#include "sweep/stats.hpp"

using namespace gelucheck;

namespace {
// A hand-made reference for exact value r (exactly representable on the 2^-10 ULP grid).
RefValue ref_of(const Format& f, double r) {
  RefValue ref;
  ref.correctly_rounded = round_to_format(f, r);
  const double c = to_double(f, ref.correctly_rounded);
  ref.side = int8_t(r > c ? 1 : r < c ? -1 : 0);
  ref.ulp_log2 = int16_t(ulp_log2(f, r));
  ref.exact = r;
  return ref;
}
uint32_t bits(const Format& f, double v) { return *exact_bits(f, v); }
}  // namespace

TEST_CASE("ULP error in the middle of a binade", "[metric]") {
  // fp16, r = 1 + 0.3 * 2^-10: ulp(r) = 2^-10; y = 1 is -0.3 ULP, y = 1 + 2^-10 is +0.7 ULP.
  const double r = 1 + 0.296875 * 0x1p-10;  // 0.296875 = 19/64: on the 2^-10 grid
  const RefValue ref = ref_of(fp16, r);
  const PointRecord lo = compare(fp16, 0, bits(fp16, 1.0), ref);
  const PointRecord hi = compare(fp16, 0, bits(fp16, 1 + 0x1p-10), ref);
  CHECK(lo.ulp_error == -0.296875);
  CHECK(hi.ulp_error == 1 - 0.296875);
  CHECK(lo.correctly_rounded);
  CHECK(lo.faithful);
  CHECK_FALSE(hi.correctly_rounded);
  CHECK(hi.faithful);
  CHECK(lo.abs_error == -0.296875 * 0x1p-10);
}

TEST_CASE("ULP error just below a power of two uses the binade below", "[metric]") {
  // r = 1 - 2^-13 (in fp16's binade [1/2, 1), ulp 2^-11). The correctly rounded value is 1
  // (+0.25 ULP); 1 - 2^-11, the predecessor of 1, is -0.75 ULP; 1 - 2^-10 is -1.75 ULP.
  const double r = 1 - 0x1p-13;
  const RefValue ref = ref_of(fp16, r);
  CHECK(ref.ulp_log2 == -11);
  CHECK(compare(fp16, 0, bits(fp16, 1.0), ref).ulp_error == 0.25);
  CHECK(compare(fp16, 0, bits(fp16, 1 - 0x1p-11), ref).ulp_error == -0.75);
  const PointRecord two_below = compare(fp16, 0, bits(fp16, 1 - 0x1p-10), ref);
  CHECK(two_below.ulp_error == -1.75);
  CHECK_FALSE(two_below.faithful);
}

TEST_CASE("ULP error in the subnormal range and at zero", "[metric]") {
  // fp32: below 2^-126 the ulp is the smallest subnormal 2^-149, also for r = 0.
  const double tiny = 0x1p-149;
  const RefValue ref = ref_of(fp32, 0x1.8p-148);  // 3 subnormal steps
  CHECK(ref.ulp_log2 == -149);
  CHECK(compare(fp32, 0, bits(fp32, 0x1p-146), ref).ulp_error == 5.0);  // 8 - 3 steps
  const RefValue zero = ref_of(fp32, 0.0);
  CHECK(zero.ulp_log2 == -149);
  CHECK(compare(fp32, 0, bits(fp32, tiny), zero).ulp_error == 1.0);
  CHECK(compare(fp32, 0, bits(fp32, 2 * tiny), zero).rel_error == INFINITY);
}

TEST_CASE("wrong-signed zeros are counted, not hidden", "[metric]") {
  RefValue ref = ref_of(fp16, -0.0);  // r = -0 exactly (e.g. gelu(-0))
  const PointRecord p = compare(fp16, 0x8000, 0x0000, ref);
  CHECK(p.outcome == Outcome::finite);
  CHECK(p.zero_sign);
  CHECK(p.ulp_error == 0.0);
  CHECK_FALSE(p.correctly_rounded);  // bits differ
  CHECK(p.faithful);                 // the same value
}

TEST_CASE("non-finite and NaN results are their own outcomes", "[metric]") {
  const RefValue ref = ref_of(fp16, 0.5);
  const PointRecord inf = compare(fp16, 0, fp16.infinity_bits(), ref);
  CHECK(inf.outcome == Outcome::nonfinite);
  CHECK(std::isnan(inf.ulp_error));
  const PointRecord nan = compare(fp16, 0, fp16.nan_bits(), ref);
  CHECK(nan.outcome == Outcome::nan);
  RefValue nan_ref;
  nan_ref.correctly_rounded = fp16.nan_bits();
  nan_ref.exact = NAN;
  CHECK(compare(fp16, fp16.nan_bits(), fp16.nan_bits(), nan_ref).outcome == Outcome::special);
  CHECK(compare(fp16, fp16.nan_bits(), 0x3c00, nan_ref).outcome == Outcome::nan);
  RefValue inf_ref = ref_of(fp16, INFINITY);
  CHECK(compare(fp16, 0x7c00, 0x7c00, inf_ref).outcome == Outcome::special);
  CHECK(compare(fp16, 0x7c00, 0x7bff, inf_ref).outcome == Outcome::nonfinite);

  ErrorStats s;
  s.add(fp16, compare(fp16, 0, 0x3800, ref));  // exact: 0 ULP
  s.add(fp16, inf);
  s.add(fp16, nan);
  s.flush();
  CHECK(s.points == 3);
  CHECK(s.finite == 1);
  CHECK(s.nonfinite == 1);
  CHECK(s.nan == 1);
  CHECK(s.max_abs_ulp.value == 0.0);  // the infinite result is not a huge number in the stats
  CHECK(s.mean_abs_ulp() == 0.0);
}

TEST_CASE("exact sums do not depend on order or grouping", "[stats]") {
  // 2^60 + 1 - 2^60 in doubles is 0 left to right; the exact sum is 1.
  ExactSum a;
  for (double v : {0x1p60, 1.0, -0x1p60}) a.add(v);
  CHECK(a.value() == 1.0);
  ExactSum b, c;
  b.add(1e-30);
  b.add(0x1p60);
  c.add(-0x1p60);
  c.add(3.0);
  b.add(c);
  CHECK(b.value() == 3.0);  // 3 + 1e-30 rounds to 3
  ExactSum d;
  for (int i = 0; i < 1000; ++i) d.add(0.1);
  // The double 0.1 is 0.1000000000000000055511151231257827; 1000 of them sum exactly to
  // 100.0000000000000055511151231257827, within half an ulp (7.1e-15) of 100. A plain loop
  // gives 99.9999999999986.
  CHECK(d.value() == 100.0);
}

TEST_CASE("statistics merge the same in any order", "[stats]") {
  const RefValue ref = ref_of(fp16, 1 + 0.296875 * 0x1p-10);
  std::vector<PointRecord> pts;
  for (uint32_t y = 0x3bf0; y < 0x3c10; ++y) pts.push_back(compare(fp16, y, y, ref));
  ErrorStats whole, left, right;
  for (const auto& p : pts) whole.add(fp16, p);
  whole.flush();
  for (size_t i = 0; i < pts.size(); ++i) (i % 3 ? left : right).add(fp16, pts[i]);
  left.flush();
  right.flush();
  ErrorStats lr = left, rl = right;
  lr.merge(right);
  rl.merge(left);
  for (const ErrorStats* s : {&lr, &rl}) {
    CHECK(s->points == whole.points);
    CHECK(s->mean_abs_ulp() == whole.mean_abs_ulp());
    CHECK(s->rms_ulp() == whole.rms_ulp());
    CHECK(s->max_abs_ulp.value == whole.max_abs_ulp.value);
    CHECK(s->max_abs_ulp.x == whole.max_abs_ulp.x);
    CHECK(s->histogram.counts == whole.histogram.counts);
  }
}

TEST_CASE("histogram bins", "[stats]") {
  CHECK(UlpHistogram::bin_of(0) == 0);
  CHECK(UlpHistogram::bin_of(0x1p-11) == 1);
  CHECK(UlpHistogram::bin_of(0x1p-10) == 2);
  CHECK(UlpHistogram::bin_of(0.5) == 11);
  CHECK(UlpHistogram::bin_of(0.75) == 11);
  CHECK(UlpHistogram::bin_of(1.0) == 12);
  CHECK(UlpHistogram::lower_edge(12) == 1.0);
  CHECK(UlpHistogram::bin_of(0x1p300) == UlpHistogram::kBins - 1);
}

TEST_CASE("bits of error of distances of 1024 and more sum exactly", "[stats]") {
  // log2(1 + d) >= 10 for such d is a double in [8, 64): a multiple of 2^-49, its spacing in
  // [8, 16). 100 such terms, each below 2^6, add up below 2^13, so their sum needs at most 62
  // bits from 2^-49 up: exact in long double's 64-bit significand, then rounded once, as value()
  // rounds the exact sum. Distances grow by 7/5 a step, to about 4e17, across a flush.
  ErrorStats s;
  long double expected = 0;
  uint64_t d = 1024;
  for (uint32_t i = 0; i < 100; ++i, d = d / 5 * 7 + 3) {
    PointRecord p;
    p.x = i;
    p.distance = d;
    s.add(fp32, p);
    expected += std::log2(1.0 + double(d));
    if (i == 50) s.flush();
  }
  s.flush();
  CHECK(s.finite == 100);
  CHECK(s.sum_bits.value() == double(expected));
}

TEST_CASE("batched statistics equal point-by-point statistics on every 16-bit and 8-bit input",
          "[stats][exhaustive]") {
  // add_batch (the sweep's fast path: correctly rounded points gathered, sums in blocks) and
  // add(compare(...)) one point at a time must give the same numbers, extremes (with their
  // tie-breaks), histogram and per-binade statistics. Implementations chosen for a mix of
  // outcomes: NaN and inf (exp_tanh, native), premature zeros (fp32), correctly rounded. The
  // 8-bit formats bring the saturating convention, FNUZ's single zero, MX's missing NaN and inf;
  // the graded pair, inputs of one format graded in another.
  const Format& bf16_e4m3 = format_pair(bf16, e4m3);
  for (const Format* f : {&fp16, &bf16, &e4m3, &e5m2, &e4m3fnuz, &e2m1, &bf16_e4m3}) {
    for (Function fn : all_functions()) {
      std::vector<uint32_t> x(f->in().pattern_count());
      for (uint32_t i = 0; i < x.size(); ++i) x[i] = i;
      std::vector<RefValue> r(x.size());
      if (f == &fp16 || f == &bf16) {
        const RefValue* table = reference_table(fn, *f, ReferenceMode::tiered, 0);
        r.assign(table, table + x.size());
      } else {
        for (size_t i = 0; i < x.size(); ++i) r[i] = reference(fn, *f, x[i]);
      }
      // Uneven pieces, so that blocks and binade runs start anywhere; each piece's reference
      // blocks decided once and read by every implementation and grading after it, as the
      // engine hands them out (the first to need a block's summary fills it).
      std::vector<std::pair<size_t, size_t>> pieces;
      for (size_t start = 0, piece = 1; start < x.size(); start += piece, piece = piece * 3 + 1)
        pieces.emplace_back(start, std::min(piece, x.size() - start));
      std::vector<ReferenceBlocks> piece_blocks(pieces.size());
      for (size_t p = 0; p < pieces.size(); ++p)
        piece_blocks[p].assign(*f, std::span(x).subspan(pieces[p].first, pieces[p].second),
                               std::span(r).subspan(pieces[p].first, pieces[p].second));
      for (const char* name : {"fp32", "native", "exp_tanh", "correctly_rounded", "fp32_ftz"}) {
        const Implementation* impl = find_implementation(name);
        REQUIRE(impl);
        const BatchKernel kernel = impl->kernel_for(fn, *f, nullptr);
        if (!kernel) continue;
        std::vector<uint32_t> y(x.size());
        kernel(x, y);
        // IEEE grading, FTZ (a zero in place of a subnormal result graded as flushed), FTZ and
        // DAZ (a subnormal input read as zero where the result is not f(x)), and
        // IEEE with assert_close reduced to equality (rtol = atol = 0), under which every
        // faithful result that is not correctly rounded fails it: PyTorch's defaults never fail
        // a faithful fp16 or bf16 result (1 ULP is at most 2^-10 |c| and 2^-7 |c|, below rtol).
        const std::pair<SubnormalMode, std::optional<Tolerance>> gradings[] = {
            {SubnormalMode::ieee, std::nullopt},
            {SubnormalMode::ftz, std::nullopt},
            {SubnormalMode::ftz_daz, std::nullopt},
            {SubnormalMode::ieee, Tolerance{0, 0}}};
        for (const auto& [mode, tolerance] : gradings) {
          const Grading g = grading_for(fn, *f, mode, tolerance);
          ErrorStats batched, shared, pointwise;
          for (size_t p = 0; p < pieces.size(); ++p) {
            const auto [start, n] = pieces[p];
            const auto xs = std::span(x).subspan(start, n);
            const auto ys = std::span(y).subspan(start, n);
            const auto rs = std::span(r).subspan(start, n);
            batched.add_batch(*f, xs, ys, rs, g);
            batched.flush();
            shared.add_batch(*f, xs, ys, rs, g, &piece_blocks[p]);
            shared.flush();
            // Flushed at the same points: an exact sum's parts depend on how its terms were
            // grouped (its value does not).
            for (size_t i = start; i < start + n; ++i)
              pointwise.add(*f, compare(*f, x[i], y[i], r[i], g));
            pointwise.flush();
          }
          INFO(name_of(fn) << " " << f->name << " " << name << " " << subnormal_mode_name(mode)
                           << (tolerance ? " rtol = atol = 0" : ""));
          CHECK(stats_to_json(batched) == stats_to_json(pointwise));
          CHECK(stats_to_json(shared) == stats_to_json(pointwise));
          CHECK(batched.points == x.size());
        }
      }
    }
  }
}
