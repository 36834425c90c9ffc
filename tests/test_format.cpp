// Formats: bits <-> values, rounding, order, ulp and text, checked against independent
// references: the hardware double->float conversion, g++'s _Float16 conversion (libgcc's soft-fp,
// one rounding from double), the bfloat16 bit trick frameworks use for float->bf16, MPFR's own
// rounding (mpfr_strtofr + mpfr_subnormalize), and values derived by hand below.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstring>
#include <random>

#include <fmt/format.h>
#include <mpfr.h>

#include "fp/format.hpp"

using namespace gelucheck;

namespace {

// _Float16: g++ has it; Clang 14 (the sanitizer build) does not on x86-64.
#if defined(__FLT16_MAX__)
uint16_t bits_of(_Float16 h) {
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
#endif

// float -> bf16, round to nearest even, as c10::BFloat16 and TensorFlow do it on the bit pattern.
uint16_t bf16_bit_trick(float x) {
  const uint32_t u = std::bit_cast<uint32_t>(x);
  if (std::isnan(x)) return 0x7fc0;
  return static_cast<uint16_t>((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

// Doubles spread over a format's range and beyond: random significands with exponents in
// [lo_exp, hi_exp], both signs.
std::vector<double> random_doubles(int lo_exp, int hi_exp, int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> e(lo_exp, hi_exp);
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const double m = 1.0 + double(rng() >> 11) * 0x1p-53;
    out.push_back((rng() & 1 ? -1 : 1) * std::ldexp(m, e(rng)));
  }
  return out;
}

// For every pair of neighbouring finite values: their midpoint and the doubles just around it,
// the cases where rounding is decided by the last bit.
std::vector<double> midpoints_and_neighbours(const Format& f) {
  std::vector<double> out;
  for (uint32_t b = 0; b < f.max_finite_bits(); ++b) {
    const double m = (to_double(f, b) + to_double(f, b + 1)) / 2;  // exact in double
    out.insert(out.end(), {m, std::nextafter(m, 0.0), std::nextafter(m, INFINITY), -m});
  }
  return out;
}

}  // namespace

TEST_CASE("descriptors derive the published limits", "[format]") {
  CHECK(fp16.bias() == 15);
  CHECK(fp16.precision() == 11);
  CHECK(to_double(fp16, fp16.max_finite_bits()) == 65504.0);
  CHECK(to_double(fp16, fp16.min_subnormal_bits()) == 0x1p-24);
  CHECK(to_double(fp32, fp32.max_finite_bits()) == double(std::numeric_limits<float>::max()));
  CHECK(to_double(fp32, fp32.min_subnormal_bits()) ==
        double(std::numeric_limits<float>::denorm_min()));
  CHECK(to_double(bf16, bf16.max_finite_bits()) == 0x1.fep127);
  CHECK(to_double(bf16, bf16.min_subnormal_bits()) == 0x1p-133);
  CHECK(fp16.infinity_bits() == 0x7c00);
  CHECK(bf16.infinity_bits() == 0x7f80);
  CHECK(fp32.infinity_bits() == 0x7f800000);
  CHECK(fp16.one_bits() == 0x3c00);
  CHECK(bf16.one_bits() == 0x3f80);
}

TEST_CASE("every 16-bit pattern round-trips bits -> value -> bits", "[format][exhaustive]") {
  for (const Format* f : {&fp16, &bf16}) {
    uint64_t failures = 0, nans = 0;
    for (uint32_t b = 0; b < f->pattern_count(); ++b) {
      const double v = to_double(*f, b);
      if (std::isnan(v)) {
        ++nans;
        failures += !is_nan(*f, round_to_format(*f, v));
        continue;
      }
      failures += round_to_format(*f, v) != b;
      failures += from_ordinal(*f, ordinal(*f, b)) != b;
    }
    INFO(f->name);
    CHECK(failures == 0);
    CHECK(nans == 2 * ((uint64_t{1} << f->fraction_bits) - 1));  // all-ones exponent, fraction != 0
  }
}

TEST_CASE("fp32 values agree with the float type", "[format]") {
  for (double d : random_doubles(-160, 130, 200000, 1)) {
    const float x = static_cast<float>(d);  // the hardware's rounding
    if (std::isinf(x) || x == 0) continue;
    REQUIRE(to_double(fp32, std::bit_cast<uint32_t>(x)) == double(x));
  }
}

TEST_CASE("rounding to fp32 matches the hardware double->float conversion", "[format]") {
  uint64_t failures = 0;
  auto check = [&](double d) {
    failures += round_to_format(fp32, d) != std::bit_cast<uint32_t>(static_cast<float>(d));
  };
  for (double d : random_doubles(-160, 130, 500000, 2)) check(d);
  // Ties and near-ties at every binade and in the subnormals: x = (2k+1) 2^(e-25) +- tiny.
  for (int e = -150; e <= 128; ++e) {
    for (double m : {0x1.000001p0, 0x1.000003p0, 0x1.fffffdp0, 0x1.ffffffp0}) {
      const double t = std::ldexp(m, e);
      for (double d : {t, std::nextafter(t, 0.0), std::nextafter(t, INFINITY)}) {
        check(d);
        check(-d);
      }
    }
  }
  CHECK(failures == 0);
}

// _Float16: g++ has it; Clang 14 (the sanitizer build) does not on x86-64.
#if defined(__FLT16_MAX__)
TEST_CASE("rounding to fp16 matches g++'s _Float16 conversion", "[format]") {
  uint64_t failures = 0;
  auto check = [&](double d) {
    const _Float16 h = static_cast<_Float16>(d);
    if (std::isnan(static_cast<float>(h))) return;
    failures += round_to_format(fp16, d) != bits_of(h);
  };
  for (double d : random_doubles(-28, 17, 500000, 3)) check(d);
  for (double d : midpoints_and_neighbours(fp16)) check(d);
  check(65519.99);  // just below the overflow threshold 65520: max
  check(65520.0);   // the threshold itself ties to even: 65536, which overflows to inf
  CHECK(failures == 0);
  CHECK(round_to_format(fp16, 65520.0) == 0x7c00);
  CHECK(round_to_format(fp16, 65519.99) == 0x7bff);
}
#endif

TEST_CASE("rounding to bf16 matches the float bit trick and MPFR's rounding", "[format]") {
  uint64_t failures = 0;
  for (double d : random_doubles(-136, 129, 300000, 4)) {
    const float x = static_cast<float>(d);
    if (std::isinf(x)) continue;
    failures += round_to_format(bf16, double(x)) != bf16_bit_trick(x);
  }
  for (double d : midpoints_and_neighbours(bf16)) {
    const float x = static_cast<float>(d);  // bf16 midpoints are floats exactly
    if (double(x) == d) failures += round_to_format(bf16, d) != bf16_bit_trick(x);
  }
  CHECK(failures == 0);

  // From double, MPFR rounds straight from the exact binary value (parse_value of a hex float).
  uint64_t mpfr_failures = 0;
  for (double d : random_doubles(-136, 129, 20000, 5))
    mpfr_failures += round_to_format(bf16, d) != *parse_value(bf16, fmt::format("{:a}", d));
  CHECK(mpfr_failures == 0);
}

TEST_CASE("rounding to bf16 from double is one rounding, not two", "[format]") {
  // 1 + 2^-8 + 2^-30: to bf16 directly it is above the midpoint 1 + 2^-8, so 0x1.02p+0; through
  // float it first becomes 1 + 2^-8 exactly (the 2^-30 is lost), a tie that goes to even, 1.
  const double y = 1 + 0x1p-8 + 0x1p-30;
  CHECK(round_to_format(bf16, y) == 0x3f81);
  CHECK(to_double(bf16, 0x3f81) == 0x1.02p+0);
  CHECK(bf16_bit_trick(static_cast<float>(y)) == 0x3f80);
}

TEST_CASE("sticky bit breaks exact ties", "[format]") {
  // 1 + 2^-11 is the midpoint between fp16 1 and 1 + 2^-10: even is 1.
  CHECK(round_to_format(fp16, 1 + 0x1p-11) == 0x3c00);
  CHECK(round_to_format(fp16, 1 + 0x1p-11, +1) == 0x3c01);
  CHECK(round_to_format(fp16, 1 + 0x1p-11, -1) == 0x3c00);
  CHECK(round_to_format(fp16, -(1 + 0x1p-11), -1) == 0xbc01);  // -midpoint - tiny: away
  // Half the smallest subnormal ties to 0 (even); a hair above goes to the subnormal.
  CHECK(round_to_format(fp32, 0x1p-150) == 0);
  CHECK(round_to_format(fp32, 0x1p-150, +1) == 1);
  CHECK(round_to_format(fp32, -0x1p-150) == 0x80000000);
  // Exactly representable values ignore the sticky sign.
  CHECK(round_to_format(fp16, 1.0, -1) == 0x3c00);
  CHECK(round_to_precision(1 + 0x1p-11, 11, -24, +1) == 1 + 0x1p-10);
}

// round_to_precision by MPFR: x + sticky * 2^(ilogb(x) - 200) (the dropped part, far below any
// quantum used here) held exactly, scaled by 2^-q and rounded to an integer, ties to even.
double mpfr_round_to_precision(double x, int precision, int min_quantum_log2, int sticky) {
  const int q = std::max(std::ilogb(x) - (precision - 1), min_quantum_log2);
  mpfr_t t;
  mpfr_init2(t, 400);
  mpfr_set_si_2exp(t, sticky, std::ilogb(x) - 200, MPFR_RNDN);  // exact
  mpfr_add_d(t, t, x, MPFR_RNDN);                               // exact in 400 bits
  mpfr_mul_2si(t, t, -q, MPFR_RNDN);
  mpfr_rint(t, t, MPFR_RNDN);
  mpfr_mul_2si(t, t, q, MPFR_RNDN);
  const double r = mpfr_get_d(t, MPFR_RNDN);  // exact: an integer <= 2^52 times 2^q, q >= -1074
  mpfr_clear(t);
  return r == 0 ? std::copysign(0.0, x) : r;
}

TEST_CASE("round_to_precision agrees with MPFR, ties to even or broken by the sticky part",
          "[format]") {
  // Random normal and subnormal x, precisions 2..52, quantum floors below and above x's own
  // quantum (up to where x rounds to 0 or 2^q), each sticky sign; half of the x moved to the
  // midpoint of their quantum cell, (floor(|x|/2^q) + 1/2) 2^q, where sticky decides.
  std::mt19937_64 gen(2026);
  uint64_t mismatches = 0, ties = 0, n = 0;
  for (int i = 0; i < 300000; ++i) {
    const uint64_t m = gen() & ((uint64_t{1} << 52) - 1);
    const int e = int(gen() % 2097) - 1073;  // [-1073, 1023]: finite, subnormal below -1022
    double x = std::ldexp(std::bit_cast<double>((uint64_t{1023} << 52) | m), e);
    if (gen() & 1) x = -x;
    const int precision = 2 + int(gen() % 51);
    const int min_quantum = std::ilogb(x) - (precision - 1) + int(gen() % 62) - 4;
    if (min_quantum < -1074) continue;  // the result must be a double
    if (gen() & 1) {
      const int q = std::max(std::ilogb(x) - (precision - 1), min_quantum);
      x = std::copysign(std::ldexp(std::floor(std::ldexp(std::fabs(x), -q)) + 0.5, q), x);
      if (!std::isfinite(x)) continue;  // a cell above double's range
    }
    const int own_quantum = std::ilogb(x) - (precision - 1);
    const int sticky = int(gen() % 3) - 1;
    const double got = round_to_precision(x, precision, min_quantum, sticky);
    const double want = mpfr_round_to_precision(x, precision, min_quantum, sticky);
    const double scaled = std::ldexp(std::fabs(x), -std::max(own_quantum, min_quantum));
    ties += scaled - std::floor(scaled) == 0.5;
    ++n;
    if (std::bit_cast<uint64_t>(got) != std::bit_cast<uint64_t>(want) && mismatches++ < 5)
      UNSCOPED_INFO(fmt::format("x {:a} p {} q {} sticky {}: {:a}, MPFR {:a}", x, precision,
                                min_quantum, sticky, got, want));
  }
  CHECK(mismatches == 0);
  CHECK(ties > n / 4);  // the exact halfway cases, where sticky decides, were exercised
}

TEST_CASE("ordinals and neighbours", "[format]") {
  CHECK(ordinal(fp16, 0x0000) == 0);
  CHECK(ordinal(fp16, 0x8000) == -1);
  CHECK(ordinal(fp16, 0x0001) == 1);
  CHECK(ordinal(fp16, 0x8001) == -2);
  CHECK(next_up(fp16, 0x8000) == 0x0000);
  CHECK(next_up(fp16, 0x0000) == 0x0001);
  CHECK(next_down(fp16, 0x0000) == 0x8000);
  CHECK(next_up(fp16, fp16.max_finite_bits()) == 0x7c00);
  CHECK(next_up(fp16, 0x7c00) == 0x7c00);
  CHECK(next_down(fp16, 0xfc00) == 0xfc00);
  CHECK(next_down(fp16, 0x3c00) == 0x3bff);
  CHECK(to_double(fp16, next_up(fp16, 0x3c00)) - 1.0 == 0x1p-10);
  CHECK(1.0 - to_double(fp16, next_down(fp16, 0x3c00)) == 0x1p-11);
}

TEST_CASE("finite values in a range", "[format]") {
  // fp16 has 2^5 - 1 = 31 finite exponent fields of 2^10 fractions, for each sign.
  CHECK(finite_ordinals_in(fp16, -INFINITY, INFINITY).size() == 2 * 31 * 1024);
  CHECK(finite_ordinals_in(bf16, -INFINITY, INFINITY).size() == 2 * 255 * 128);
  CHECK(finite_ordinals_in(fp32, -INFINITY, INFINITY).size() == 2ull * 255 * (1u << 23));
  CHECK(finite_ordinals_in(fp16, 0, 0).size() == 2);          // -0 and +0
  CHECK(finite_ordinals_in(fp16, 1, 2).size() == 1024 + 1);   // [1, 2): 1024 values, and 2
  CHECK(finite_ordinals_in(fp16, 1.0001, 2).size() == 1024);  // 1 excluded
  CHECK(finite_ordinals_in(fp16, 1e-30, 1e-29).size() == 0);  // between 0 and min subnormal
  CHECK(finite_ordinals_in(fp16, 7e4, 8e4).size() == 0);      // above max
  CHECK(finite_ordinals_in(fp16, 2, 1).size() == 0);
  CHECK(finite_ordinals_in(fp16, NAN, 1).size() == 0);
  const auto r = finite_ordinals_in(fp16, -1, 1);
  CHECK(from_ordinal(fp16, r.first) == 0xbc00);
  CHECK(from_ordinal(fp16, r.last) == 0x3c00);
}

TEST_CASE("ulp as the metric defines it", "[format][metric]") {
  // ulp(x) = 2^(max(floor(log2|x|), emin) - p + 1)
  CHECK(ulp_log2(fp32, 1.0) == -23);
  CHECK(ulp_log2(fp32, std::nextafter(1.0, 0.0)) == -24);  // just below 1: the binade below
  CHECK(ulp_log2(fp32, -3.0) == -22);
  CHECK(ulp_log2(fp32, 0x1p-126) == -149);  // smallest normal
  CHECK(ulp_log2(fp32, 0x1p-140) == -149);  // subnormal range: constant
  CHECK(ulp_log2(fp32, 0.0) == -149);
  CHECK(ulp_log2(fp16, 65504.0) == 5);
  CHECK(ulp_log2(fp16, 1.0) == -10);
  CHECK(ulp_log2(bf16, 1.0) == -7);
  // Against the spacing of floats, for normal floats: nextafter above the binade's start.
  for (double d : random_doubles(-126, 127, 20000, 6)) {
    const float x = std::fabs(static_cast<float>(d));
    const float start = std::ldexp(1.0f, std::ilogb(x));
    REQUIRE(std::ldexp(1.0, ulp_log2(fp32, x)) == double(std::nextafter(start, INFINITY) - start));
  }
}

TEST_CASE("shortest decimals read back to the same bits", "[format][exhaustive]") {
  CHECK(to_shortest_decimal(fp16, 0x3c00) == "1");
  CHECK(to_shortest_decimal(fp16, 0x2e66) == "0.1");
  CHECK(to_shortest_decimal(fp16, 0x7bff) == "65504");  // "6.55e+04" reads back too; plain is kept
  CHECK(to_shortest_decimal(fp16, 0xd380) == "-60");
  CHECK(to_shortest_decimal(fp16, 0x7c00) == "inf");
  CHECK(to_shortest_decimal(fp16, 0xfc00) == "-inf");
  CHECK(to_shortest_decimal(fp16, 0x7e00) == "nan");
  // bf16 0x3f81 = 1.0078125; its neighbours are 1 and 1.015625, so "1.01" is nearest to it.
  CHECK(to_shortest_decimal(bf16, 0x3f81) == "1.01");
  CHECK(to_shortest_decimal(fp32, 0x3dcccccd) == "0.1");
  for (const Format* f : {&fp16, &bf16}) {
    uint64_t failures = 0;
    for (uint32_t b = 0; b < f->pattern_count(); ++b) {
      if (is_nan(*f, b)) continue;
      const std::string s = to_shortest_decimal(*f, b);
      failures += parse_value(*f, s) != std::optional<uint32_t>(b);
    }
    INFO(f->name);
    CHECK(failures == 0);
  }
}

TEST_CASE("parsing values", "[format]") {
  CHECK(parse_value(fp16, "0.1") == 0x2e66u);
  CHECK(parse_value(fp16, "  1 ") == 0x3c00u);
  CHECK(parse_value(fp16, "bits:0x3c00") == 0x3c00u);
  CHECK(parse_value(fp16, "bits:3c01") == 0x3c01u);
  CHECK(parse_value(fp16, "0x1p-24") == 0x0001u);
  CHECK(parse_value(fp16, "-inf") == 0xfc00u);
  CHECK(parse_value(fp16, "65520") == 0x7c00u);  // the overflow threshold ties to inf
  CHECK(parse_value(fp16, "65519.99") == 0x7bffu);
  CHECK(parse_value(fp16, "2.9e-8") == 0x0000u);  // below half the smallest subnormal, 2^-25
  CHECK(parse_value(fp16, "3e-8") == 0x0001u);    // above it
  CHECK(parse_value(fp16, "-0") == 0x8000u);
  // 0x1.0000008p+0 = 1 + 2^-25 + 2^-... in decimal; exact decimal rounding to bf16:
  // 1.00390625 = 1 + 2^-8 is the midpoint of bf16 1 and 1 + 2^-7: ties to even, 1.
  CHECK(parse_value(bf16, "1.00390625") == 0x3f80u);
  CHECK(parse_value(bf16, "1.00390625000000000000000001") == 0x3f81u);
  CHECK_FALSE(parse_value(fp16, "abc"));
  CHECK_FALSE(parse_value(fp16, "1.5x"));
  CHECK_FALSE(parse_value(fp16, ""));
  CHECK_FALSE(parse_value(fp16, "bits:0x10000"));
}
