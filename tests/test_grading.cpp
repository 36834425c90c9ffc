// Issue 16's grading views, on hand-derived cases: subnormal modes (sweep/metrics.hpp, remarks
// 7-9), assert_close, the integer distance and bits of error, and the diff of two kernels
// (analysis/kernel_diff.hpp). Values derived beside each case; the mpmath figures quoted were
// computed with python3-mpmath at 200 bits (gelu_erf(x) = x erfc(-x/sqrt 2)/2).
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <vector>

#include "analysis/kernel_diff.hpp"
#include "fp/arithmetic.hpp"
#include "implementations/implementations.hpp"
#include "reference/reference.hpp"
#include "sweep/engine.hpp"
#include "sweep/metrics.hpp"

using namespace gelucheck;

namespace {
uint32_t bits_of(float v) { return std::bit_cast<uint32_t>(v); }
constexpr uint32_t kMinusZero = 0x80000000u, kPlusZero = 0;
}  // namespace

TEST_CASE("FtzFloat flushes subnormal operands and results to a zero of their sign",
          "[grading][subnormals]") {
  // 2^-130 is subnormal in float (below 2^-126): read as +0; -2^-130 as -0.
  CHECK(FtzFloat(0x1p-130).v == 0.0f);
  CHECK(!std::signbit(FtzFloat(0x1p-130).v));
  CHECK(std::signbit(FtzFloat(-0x1p-130).v));
  // 2^-120 * 2^-10 = 2^-130: a subnormal product, flushed; 2^-120 * 2^-5 = 2^-125 stays.
  CHECK((FtzFloat(0x1p-120) * FtzFloat(0x1p-10)).v == 0.0f);
  CHECK(std::signbit((FtzFloat(-0x1p-120) * FtzFloat(0x1p-10)).v));
  CHECK((FtzFloat(0x1p-120) * FtzFloat(0x1p-5)).v == 0x1p-125f);
  // erfc(10) = 2.088e-45 (mpmath) is subnormal in float: flushed.
  CHECK(erfc(FtzFloat(10.0)).v == 0.0f);
}

TEST_CASE("FTZ: a subnormal result returned as the zero of its sign is accepted",
          "[grading][subnormals]") {
  const Function gelu = function_named("gelu_erf");
  // gelu_erf(-13.5) = -1.0555e-40 (mpmath): subnormal in fp32 (|r| < 2^-126 = 1.18e-38),
  // 75,330 steps of 2^-149 = 1.4e-45 from zero.
  const uint32_t x = bits_of(-13.5f);
  const RefValue r = reference(gelu, fp32, x);
  REQUIRE(r.correctly_rounded != kMinusZero);
  const Grading ieee = grading_for(gelu, fp32, SubnormalMode::ieee);
  const Grading ftz = grading_for(gelu, fp32, SubnormalMode::ftz);
  const PointRecord as_ieee = compare(fp32, x, kMinusZero, r, ieee);
  CHECK(as_ieee.outcome == Outcome::finite);
  CHECK(!as_ieee.faithful);
  CHECK(as_ieee.ulp_error > 75000);
  CHECK(as_ieee.ulp_error < 75400);
  const PointRecord as_ftz = compare(fp32, x, kMinusZero, r, ftz);
  CHECK(as_ftz.outcome == Outcome::flushed);
  CHECK(as_ftz.correctly_rounded);
  CHECK(as_ftz.flushed);
  CHECK(as_ftz.distance == 0);
  // +0 has the wrong sign: FTZ gives the zero of the result's sign, so it is graded as in IEEE.
  const PointRecord wrong_sign = compare(fp32, x, kPlusZero, r, ftz);
  CHECK(wrong_sign.outcome == Outcome::finite);
  CHECK(!wrong_sign.flushed);
  CHECK(!wrong_sign.correctly_rounded);
  CHECK(!wrong_sign.faithful);
  // gelu_erf(-13) = -7.952e-38 (mpmath) is normal: -0 there is an error in every mode.
  const uint32_t x13 = bits_of(-13.0f);
  const PointRecord normal = compare(fp32, x13, kMinusZero, reference(gelu, fp32, x13), ftz);
  CHECK(normal.outcome == Outcome::finite);
  CHECK(!normal.flushed);
  CHECK(!normal.faithful);
}

TEST_CASE("DAZ: a subnormal input read as zero is graded against f(+-0)", "[grading][subnormals]") {
  const Function tanh_fn = function_named("tanh");
  // x = 2^-149, the smallest fp32 subnormal: tanh(x) = x - x^3/3 + ... rounds to x, just below
  // it, so a DAZ kernel's tanh(+0) = +0 is (0 - r)/2^-149 = -(1 - 2^-298/3) ULP off in IEEE
  // mode: faithful, not correctly rounded.
  const uint32_t x = 1;
  const RefValue r = reference(tanh_fn, fp32, x);
  REQUIRE(r.correctly_rounded == x);
  const PointRecord as_ieee = compare(fp32, x, kPlusZero, r, grading_for(tanh_fn, fp32));
  CHECK(!as_ieee.correctly_rounded);
  CHECK(as_ieee.faithful);
  CHECK(as_ieee.ulp_error == -1.0);  // on the 2^-10 ULP grid
  const PointRecord as_daz =
      compare(fp32, x, kPlusZero, r, grading_for(tanh_fn, fp32, SubnormalMode::daz));
  CHECK(as_daz.correctly_rounded);
  CHECK(as_daz.flushed);
  CHECK(as_daz.ulp_error == 0);
  // -2^-149 reads as -0, and tanh(-0) = -0: +0 there has the wrong sign.
  const uint32_t nx = 0x80000001u;
  const PointRecord wrong = compare(fp32, nx, kPlusZero, reference(tanh_fn, fp32, nx),
                                    grading_for(tanh_fn, fp32, SubnormalMode::daz));
  CHECK(wrong.zero_sign);
  CHECK(!wrong.correctly_rounded);
}

TEST_CASE(
    "The FTZ catalogue entry has no subnormal-result failures under ftz, and the expected "
    "ones under ieee",
    "[grading][subnormals]") {
  // On [-14.5, -13.5] gelu_erf is subnormal in fp32 (mpmath: -8.8e-47 to -1.06e-40), and
  // erfc(-x/sqrt 2) <= erfc(9.54) = 3.5e-41 is subnormal too: erfc_form_ftz flushes it and
  // returns -0 everywhere. In IEEE mode the failures are exactly the inputs whose correctly
  // rounded value is not -0 (|r| above half the smallest subnormal); under FTZ there are none.
  const Function gelu = function_named("gelu_erf");
  const Implementation* impl = find_implementation("erfc_form_ftz");
  REQUIRE(impl);
  const Domain d = Domain::grid(fp32, GridKind::linear, -14.5, -13.5, 4096, 1);
  uint64_t nonzero_reference = 0;
  for (uint64_t i = 0; i < d.size(); ++i)
    nonzero_reference += reference(gelu, fp32, d.at(i)).correctly_rounded != kMinusZero;
  REQUIRE(nonzero_reference > 1000);
  const Implementation* impls[] = {impl};
  SweepOptions options;
  options.threads = 1;
  options.subnormals = SubnormalMode::ieee;
  const ErrorStats ieee = run_sweep(gelu, d, impls, options)[0];
  CHECK(ieee.points - ieee.correctly_rounded == nonzero_reference);
  CHECK(ieee.flushed == 0);
  options.subnormals = SubnormalMode::ftz;
  const ErrorStats ftz = run_sweep(gelu, d, impls, options)[0];
  CHECK(ftz.correctly_rounded == ftz.points);
  CHECK(ftz.flushed == nonzero_reference);
  // Declared ftz+daz, it is graded in that mode by default.
  CHECK(impl->subnormals == SubnormalMode::ftz_daz);
}

TEST_CASE("DAZ in a sweep: the reference implementation, graded pairs' inputs, FNUZ's zero",
          "[grading][subnormals]") {
  SweepOptions options;
  options.threads = 1;
  options.subnormals = SubnormalMode::daz;
  // The correctly rounded implementation graded as if it read subnormal inputs as zero (it had
  // no kernel to feed them to). fp16 tanh, every input: at each of the 2 x 1023 nonzero
  // subnormals x, tanh(x) = x - x^3/3 + ... rounds to x (|x|^3/3 < 2^-42 |x|, far below half an
  // ULP), so the value at the flushed input, tanh(+-0) = +-0, differs from it and is graded
  // against f(+-0) (remark 10): correct, and counted flushed.
  const Function tanh_fn = function_named("tanh");
  const Implementation* reference_impl[] = {find_implementation("correctly_rounded")};
  REQUIRE(reference_impl[0]);
  const ErrorStats tanh_daz =
      run_sweep(tanh_fn, Domain::patterns(fp16), reference_impl, options)[0];
  CHECK(tanh_daz.points == 65536);  // every pattern, +-inf and the NaNs with their own values
  CHECK(tanh_daz.correctly_rounded == tanh_daz.points);
  CHECK(tanh_daz.flushed == 2 * 1023);
  // bf16 inputs graded in e4m3: a subnormal bf16 x has |x| < 2^-126, so |gelu(x)| <= |x| rounds
  // to the zero of x's sign in e4m3 (smallest subnormal 2^-9), as gelu(+-0) = +-0 does: reading
  // those inputs as zero changes no result, and DAZ must grade the fp32 kernel exactly as IEEE.
  // (The flush once took e4m3's exponent field on bf16 patterns: 952 non-finite results.)
  const Function gelu = function_named("gelu_erf");
  const Implementation* fp32_impl[] = {find_implementation("fp32")};
  REQUIRE(fp32_impl[0]);
  const Format& pair = format_pair(bf16, e4m3);
  const ErrorStats pair_daz = run_sweep(gelu, Domain::patterns(pair), fp32_impl, options)[0];
  options.subnormals = SubnormalMode::ieee;
  const ErrorStats pair_ieee = run_sweep(gelu, Domain::patterns(pair), fp32_impl, options)[0];
  CHECK(pair_daz.nonfinite == 0);
  CHECK(pair_daz.flushed == 0);
  CHECK(pair_daz.correctly_rounded == pair_ieee.correctly_rounded);
  CHECK(pair_daz.faithful == pair_ieee.faithful);
  CHECK(pair_daz.max_abs_ulp.value == pair_ieee.max_abs_ulp.value);
  // FNUZ has no -0: its pattern S.0000.000 is the NaN. DAZ reads a negative subnormal as +0, the
  // only zero, and the NaN as itself. e4m3fnuz (bias 8) has the subnormals k 2^-10, k = 1..7, of
  // each sign, where tanh(x) = x (1 - x^2/3 + ...) rounds to x (x^2/3 < 2^-15, far below half an
  // ULP, 2^-4 of x or more). Fed +0, a kernel returns tanh(+0) = +0, graded against f(+0):
  // correct and flushed at all 14; every other pattern is correctly rounded, the NaN as NaN.
  // (Read as the NaN, the negative ones were graded NaN against NaN: 7 non-finite outcomes.)
  options.subnormals = SubnormalMode::daz;
  for (const char* name : {"correctly_rounded", "fp32"}) {
    INFO(name);
    const Implementation* impl[] = {find_implementation(name)};
    REQUIRE(impl[0]);
    const ErrorStats fnuz = run_sweep(tanh_fn, Domain::patterns(e4m3fnuz), impl, options)[0];
    CHECK(fnuz.points == 256);
    CHECK(fnuz.correctly_rounded == 256);
    CHECK(fnuz.flushed == 14);
    CHECK(fnuz.finite == 255);  // all but the NaN
    CHECK(fnuz.nan == 0);
  }
}

TEST_CASE("assert_close: PyTorch's rule and defaults, and its two disagreements with ULPs",
          "[grading][assert_close]") {
  // torch/testing/_comparison.py, _DTYPE_PRECISIONS.
  CHECK(torch_default_tolerance(fp32) == Tolerance{1.3e-6, 1e-5});
  CHECK(torch_default_tolerance(fp16) == Tolerance{1e-3, 1e-5});
  CHECK(torch_default_tolerance(bf16) == Tolerance{1.6e-2, 1e-5});
  // Hidden by atol: gelu_erf(-13) = -7.952e-38 returned as -0 is |y - c| = 7.95e-38 <= 1e-5:
  // passes, while being ord(c) = 0x01d87b8a values (31 million) off.
  const Function gelu = function_named("gelu_erf");
  const uint32_t x = bits_of(-13.0f);
  const PointRecord hidden = compare(fp32, x, kMinusZero, reference(gelu, fp32, x));
  CHECK(hidden.assert_close);
  CHECK(!hidden.faithful);
  CHECK(hidden.distance > 30000000);
  CHECK(hidden.tolerance_ratio < 1e-32);
  // Failing while faithful needs a tolerance tighter than one ULP: with PyTorch's defaults
  // rtol >= 2^(1-p) in all three formats (1.3e-6 > 2^-23, 1e-3 > 2^-10, 1.6e-2 > 2^-7), so a
  // neighbour of c always passes. With rtol = 5e-8, atol = 0 at tanh(1) = 0.76159 (mpmath):
  // one step is 2^-24 = 5.96e-8 > 5e-8 * 0.7616 = 3.81e-8.
  const Function tanh_fn = function_named("tanh");
  const uint32_t one = bits_of(1.0f);
  const RefValue r = reference(tanh_fn, fp32, one);
  REQUIRE(r.side != 0);
  const uint32_t other_neighbour = r.correctly_rounded + (r.side > 0 ? 1 : -1);  // positive
  Grading tight = grading_for(tanh_fn, fp32);
  tight.tolerance = Tolerance{5e-8, 0};
  const PointRecord strict = compare(fp32, one, other_neighbour, r, tight);
  CHECK(strict.faithful);
  CHECK(!strict.assert_close);
  CHECK(strict.tolerance_ratio == Approx(0x1p-24 / (5e-8 * 0.76159415595576)).epsilon(1e-6));
  const PointRecord defaults = compare(fp32, one, other_neighbour, r);
  CHECK(defaults.assert_close);
  // Equal values pass with any tolerance; inf passes only where c is that infinity.
  CHECK(assert_close_passes(fp32, bits_of(2.0f), bits_of(2.0f), Tolerance{0, 0}));
  CHECK(!assert_close_passes(fp32, 0x7f800000u, 0x7f7fffffu, Tolerance{1, 1}));
  CHECK(assert_close_passes(fp32, 0x7f800000u, 0x7f800000u, Tolerance{0, 0}));
}

TEST_CASE("Integer distance in values of the format and bits of error", "[grading][distance]") {
  // Ordinals: +0 and -0 are 0, the smallest subnormals +-1, the largest finite fp32 0x7f7fffff.
  CHECK(value_ordinal(fp32, kPlusZero) == 0);
  CHECK(value_ordinal(fp32, kMinusZero) == 0);
  CHECK(value_ordinal(fp32, 0x80000001u) == -1);
  CHECK(value_ordinal(fp32, 0x7f7fffffu) == 0x7f7fffff);
  CHECK(value_ordinal(fp16, 0xfbffu) == -0x7bff);
  // Herbie's bits of error log2(1 + d): 0 for d = 0, 1 for d = 1, 2 for d = 3.
  CHECK(bits_of_error(0) == 0);
  CHECK(bits_of_error(1) == 1);
  CHECK(bits_of_error(3) == 2);
  // tanh(1) = 0.76159 (mpmath) in fp16: ulp 2^-11, r = 1559.745 ulp, so c = 1560 * 2^-11
  // (0x3a18). Three values below c, 0x3a15, is at distance 3 (2 bits of error) and
  // (1557 - 1559.745) = -2.745 ULP off.
  const Function tanh_fn = function_named("tanh");
  const RefValue r = reference(tanh_fn, fp16, 0x3c00);
  REQUIRE(r.correctly_rounded == 0x3a18);
  const PointRecord p = compare(fp16, 0x3c00, 0x3a15, r);
  CHECK(p.distance == 3);
  CHECK(p.ulp_error == Approx(-2.745).margin(1e-3));
  // A zero of the wrong sign is at distance 0 (counted in zero_sign instead).
  const PointRecord z = compare(fp16, 0, 0x8000, reference(tanh_fn, fp16, 0));
  CHECK(z.zero_sign);
  CHECK(z.distance == 0);
}

TEST_CASE("diff: who is closer to the exact value, at hand-derived inputs", "[grading][diff]") {
  const Function tanh_fn = function_named("tanh");
  // tanh(1) in fp16 (above): 0x3a18 is 0.255 ULP from r, 0x3a17 0.745 ULP.
  const RefValue r = reference(tanh_fn, fp16, 0x3c00);
  const DiffPoint p = diff_point(tanh_fn, fp16, 0x3c00, 0x3a17, 0x3a18, r);
  CHECK(p.closer == Closer::b);
  CHECK(p.distance == 1);
  CHECK(p.both_finite);
  // +0 against -0 at x = +0 (tanh(+0) = +0): equally close; distance 0.
  const DiffPoint zeros = diff_point(tanh_fn, fp16, 0, 0x8000, 0, reference(tanh_fn, fp16, 0));
  CHECK(zeros.closer == Closer::tie);
  CHECK(zeros.distance == 0);
  // An exact midpoint, decided beyond the grid: relu2(1.46875) = 2.1572265625 (x^2 exactly),
  // halfway between the fp16 values 2.15625 (0x4050) and 2.158203125 (0x4051): a tie.
  const Function relu2 = function_named("relu2");
  const uint32_t x = 0x3de0;  // 1.46875
  const DiffPoint mid = diff_point(relu2, fp16, x, 0x4050, 0x4051, reference(relu2, fp16, x));
  CHECK(mid.closer == Closer::tie);
  // NaN against a finite result where r is finite: the finite one is closer.
  const DiffPoint nan = diff_point(tanh_fn, fp16, 0x3c00, 0x7e00, 0x3a17, r);
  CHECK(nan.closer == Closer::b);
  CHECK(!nan.both_finite);
}

TEST_CASE("diff: the correctly rounded kernel is closer wherever another differs",
          "[grading][diff][exhaustive]") {
  // A correctly rounded result is the nearest value of the format to r, so at every input
  // where another kernel differs the other is never strictly closer (a tie: +0 against -0, or r
  // at the midpoint of two values). Counted silently, asserted once.
  // exp_tanh: (e^2x - 1)/(e^2x + 1) in float, NaN from overflow; native gelu_erf: every
  // operation rounded to the format.
  for (const auto& [fn_name, other] : {std::pair{"tanh", "exp_tanh"}, {"gelu_erf", "native"}}) {
    const Function fn = function_named(fn_name);
    for (const Format* f : {&fp16, &bf16}) {
      const Domain d = Domain::patterns(*f);
      SweepOptions options;
      const DiffStats s =
          diff_implementations(fn, d, *find_implementation(other),
                               *find_implementation("correctly_rounded"), options, 5);
      INFO(fn_name << " " << f->name);
      CHECK(s.differing > 0);
      CHECK(s.a_closer == 0);
      CHECK(s.b_closer > 0);
      CHECK(s.a_closer + s.b_closer + s.ties == s.differing);
      CHECK(s.points == d.size());
      uint64_t in_histogram = 0;
      for (uint64_t n : s.histogram) in_histogram += n;
      CHECK(in_histogram == s.differing);
    }
  }
}
