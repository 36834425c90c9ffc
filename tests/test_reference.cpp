// The reference's own properties: the fast tier's stated error bound holds against MPFR; the
// tiered and pure-MPFR modes agree input for input; exact values at special inputs; symmetries;
// and known values of every function (derivations beside each), ReLU^2's ties and overflow.
#include <catch2/catch.hpp>

#include <atomic>
#include <bit>
#include <cmath>
#include <mutex>
#include <random>

#include <fmt/format.h>
#include <boost/math/special_functions/lambert_w.hpp>  // lambert_w0

#include "reference/reference.hpp"
#include "registered_functions.hpp"
#include "sweep/engine.hpp"

using namespace gelucheck;

namespace {

std::string where(Function fn, const Format& f, uint32_t x) {
  return fmt::format("{} {} x = {} ({}, {:a})", name_of(fn), f.name, to_shortest_decimal(f, x),
                     to_hex_bits(f, x), to_double(f, x));
}

bool same(const RefValue& a, const RefValue& b) {
  return a.correctly_rounded == b.correctly_rounded && a.side == b.side &&
         a.ulp_log2 == b.ulp_log2 &&
         (a.exact == b.exact || (std::isnan(a.exact) && std::isnan(b.exact))) &&
         std::signbit(a.exact) == std::signbit(b.exact);
}

// fp32 inputs worth checking densely: random patterns plus runs around the hard places.
std::vector<uint32_t> fp32_sample(size_t random_count) {
  std::mt19937_64 rng(7);
  std::vector<uint32_t> xs;
  for (size_t i = 0; i < random_count; ++i) xs.push_back(static_cast<uint32_t>(rng()));
  for (double centre : {0.0, 0x1p-126, -0.7517915241, 1.41421356, -1.41421356, -5.5, -9.0, 9.0, 1.0,
                        -1.0, 20.0, -20.0}) {
    const uint32_t c = round_to_format(fp32, centre);
    for (int k = -500; k <= 500; ++k) xs.push_back(from_ordinal(fp32, ordinal(fp32, c) + k));
  }
  return xs;
}

}  // namespace

// fp32 inputs where the fast tier decides (special values, tails and the head near zero go
// elsewhere): uniform over the binades 2^-30 .. 2^5 of both signs, and the first and last 32
// values of each of those binades.
std::vector<uint32_t> fp32_fast_tier_sample(size_t random_count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> xs;
  auto bits_of = [](uint32_t sign, int e, uint32_t fraction) {
    return (sign << 31) | (uint32_t(e + 127) << 23) | fraction;
  };
  for (size_t i = 0; i < random_count; ++i) {
    const uint64_t r = rng();
    xs.push_back(bits_of(r & 1, int((r >> 1) % 36) - 30, uint32_t(r >> 32) & 0x7fffff));
  }
  for (uint32_t sign : {0u, 1u})
    for (int e = -30; e <= 5; ++e)
      for (uint32_t k = 0; k < 32; ++k) {
        xs.push_back(bits_of(sign, e, k));
        xs.push_back(bits_of(sign, e, 0x7fffff - k));
      }
  return xs;
}

TEST_CASE("the fast tier's error bound holds against MPFR", "[reference][exhaustive]") {
  // Every fp16 and bf16 input, and over 10^7 fp32 inputs where the fast tier is used (the rest
  // of the sample is decided by the head or tail rules); an upper bound of the ratio |r - (a + d)|
  // / b (fast_bound_ratio) must be <= 1.
  uint64_t fp32_checked = 0;
  for (Function fn : all_functions()) {
    std::atomic<uint64_t> checked{0}, violations{0};
    std::mutex m;
    double worst = 0;
    std::string worst_at;
    auto visit = [&](const Format& f, uint32_t x) {
      const auto ratio = detail::fast_bound_ratio(fn, f, to_double(f, x));
      if (!ratio) return;
      ++checked;
      if (!(*ratio <= 1)) ++violations;
      if (!(*ratio <= worst)) {
        std::lock_guard lock(m);
        if (!(*ratio <= worst)) {
          worst = *ratio;
          worst_at = where(fn, f, x);
        }
      }
    };
    for (const Format* f : {&fp16, &bf16})
      parallel_for(f->pattern_count(), 0, [&](uint64_t x) { visit(*f, uint32_t(x)); });
    const uint64_t before_fp32 = checked;
    const auto xs = fp32_fast_tier_sample(2'000'000, 11 + uint64_t(fn.index()));
    parallel_for(xs.size(), 0, [&](uint64_t i) { visit(fp32, xs[i]); });
    fp32_checked += checked - before_fp32;
    INFO(fmt::format("{}: {} inputs, worst ratio {:.3g} at {}", name_of(fn), checked.load(), worst,
                     worst_at));
    CHECK(violations == 0);
    CHECK(checked - before_fp32 > 1'000'000);
  }
  CHECK(fp32_checked >= 10'000'000);
}

TEST_CASE("tiered and pure MPFR references agree on every 16-bit input",
          "[reference][exhaustive]") {
  for (const Format* f : {&fp16, &bf16}) {
    for (Function fn : all_functions()) {
      const RefValue* tiered = reference_table(fn, *f, ReferenceMode::tiered, 0);
      const RefValue* mpfr = reference_table(fn, *f, ReferenceMode::mpfr, 0);
      uint64_t mismatches = 0;
      std::string first;
      for (uint32_t x = 0; x < f->pattern_count(); ++x) {
        if (!same(tiered[x], mpfr[x]) && mismatches++ == 0) first = where(fn, *f, x);
      }
      INFO(first);
      CHECK(mismatches == 0);
    }
  }
}

TEST_CASE("tiered and pure MPFR references agree on fp32 samples", "[reference]") {
  const auto xs = fp32_sample(30000);
  for (Function fn : all_functions()) {
    std::atomic<uint64_t> mismatches{0};
    std::mutex m;
    std::string first;
    parallel_for(xs.size(), 0, [&](uint64_t i) {
      const RefValue a = reference(fn, fp32, xs[i], ReferenceMode::tiered);
      const RefValue b = reference(fn, fp32, xs[i], ReferenceMode::mpfr);
      if (!same(a, b) && mismatches++ == 0) {
        std::lock_guard lock(m);
        first = where(fn, fp32, xs[i]);
      }
    });
    INFO(first);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("mish near zero is decided by the fast tier, with the values of its series",
          "[reference]") {
  // mish(x) = 3x/5 + 0.32 x^2 + O(x^3) (mish.cpp). Where x = 5k 2^e, 3x/5 = 3k 2^e is an fp32
  // value c and r lies 0.53|x| (relative) above it for either sign of x: for |x| < 2^-30 far
  // below half an ulp, so c is the correctly rounded value and r is above it (side +1). These
  // inputs went to MPFR before the fast tier anchored r at 3x/5.
  std::vector<uint32_t> xs;
  std::vector<double> expected;
  for (int e : {-149, -140, -126, -100, -60, -40})
    for (int k = 1; k <= 201; k += 4)
      for (double sign : {1.0, -1.0}) {
        const double x = sign * std::ldexp(5.0 * k, e);
        xs.push_back(std::bit_cast<uint32_t>(float(x)));
        REQUIRE(double(float(x)) == x);
        expected.push_back(sign * std::ldexp(3.0 * k, e));
      }
  std::vector<RefValue> tiered(xs.size());
  reference_counters() = {};
  reference_batch(fns::mish, fp32, xs, tiered);
  CHECK(reference_counters().mpfr == 0);
  for (size_t i = 0; i < xs.size(); ++i) {
    INFO(where(fns::mish, fp32, xs[i]));
    CHECK(to_double(fp32, tiered[i].correctly_rounded) == expected[i]);
    CHECK(tiered[i].side == 1);
    CHECK(same(tiered[i], reference(fns::mish, fp32, xs[i], ReferenceMode::mpfr)));
  }
}

TEST_CASE("special inputs have exact or limiting values", "[reference]") {
  for (const Format* f : {&fp32, &fp16, &bf16}) {
    const uint32_t pz = 0, nz = f->sign_mask(), pinf = f->infinity_bits(),
                   ninf = f->sign_mask() | f->infinity_bits(), nan = f->nan_bits();
    const uint32_t one = f->one_bits(), half = *exact_bits(*f, 0.5),
                   minus_one = f->sign_mask() | f->one_bits();
    for (Function fn : {fns::gelu_erf, fns::gelu_tanh, fns::tanh}) {
      // Odd functions with f(0) = 0: the sign of zero is kept.
      CHECK(reference(fn, *f, pz).correctly_rounded == pz);
      CHECK(reference(fn, *f, nz).correctly_rounded == nz);
      CHECK(reference(fn, *f, pz).side == 0);
    }
    for (Function fn : {fns::gelu_erf_grad, fns::gelu_tanh_grad}) {
      // d/dx x Phi(x) at 0 = Phi(0) = 1/2; likewise 0.5 (1 + tanh 0) = 1/2.
      CHECK(reference(fn, *f, pz).correctly_rounded == half);
      CHECK(reference(fn, *f, nz).correctly_rounded == half);
      // Limits: 1 at +inf; at -inf the derivative tends to 0 from below.
      CHECK(reference(fn, *f, pinf).correctly_rounded == one);
      CHECK(reference(fn, *f, ninf).correctly_rounded == nz);
    }
    CHECK(reference(fns::tanh_grad, *f, pz).correctly_rounded == one);
    CHECK(reference(fns::tanh, *f, pinf).correctly_rounded == one);
    CHECK(reference(fns::tanh, *f, ninf).correctly_rounded == minus_one);
    CHECK(reference(fns::tanh_grad, *f, ninf).correctly_rounded == pz);
    CHECK(reference(fns::gelu_erf, *f, pinf).correctly_rounded == pinf);
    CHECK(reference(fns::gelu_erf, *f, ninf).correctly_rounded == nz);  // x Phi(x) < 0
    CHECK(reference(fns::gelu_tanh, *f, ninf).correctly_rounded == nz);
    CHECK(is_nan(*f, reference(fns::gelu_erf, *f, nan).correctly_rounded));
  }
}

TEST_CASE("known values of GELU and its derivative", "[reference]") {
  // The correctly rounded fp32 value at the fp32 input nearest x. Expected values: the exact
  // value (25 digits below) rounded to 24 bits, from mpmath (mp.dps = 50; ncdf, npdf, tanh at the
  // fp32 input), independent of this code.
  auto value = [](Function fn, double x) {
    return to_double(fp32, reference(fn, fp32, round_to_format(fp32, x)).correctly_rounded);
  };
  // GELU(1) = Phi(1) = 0.8413447460685429485852325 (A&S table 26.1).
  CHECK(value(fns::gelu_erf, 1.0) == 0x1.aec4bep-1);
  // d/dx x Phi(x) = Phi(x) + x phi(x) = 0 at the minimum x* = -0.75179152469356445746 (root of
  // Phi(x) = -x phi(x)); at x* rounded to fp32 (-0x1.80ead2p-1), GELU =
  // -0.1699712074799036300308642 and GELU' rounds to a value below 2^-24 in magnitude.
  CHECK(value(fns::gelu_erf, -0.7517915246935645) == -0x1.5c19dep-3);
  CHECK(std::fabs(value(fns::gelu_erf_grad, -0.7517915246935645)) < 0x1p-24);
  // f'' = phi(x) (2 - x^2) vanishes at +-sqrt 2, the extremes of f': f'(sqrt 2) = Phi(sqrt 2) +
  // sqrt 2 phi(sqrt 2) = 1.12890414518515478634 and f'(-sqrt 2) = 1 - f'(sqrt 2) (Phi(-x) =
  // 1 - Phi(x), phi even); at sqrt 2 rounded to fp32 (0x1.6a09e6p+0), 1.128904145185154664756473
  // and -0.1289041451851546647564732.
  CHECK(value(fns::gelu_erf_grad, std::sqrt(2.0)) == 0x1.20ffdcp+0);
  CHECK(value(fns::gelu_erf_grad, -std::sqrt(2.0)) == -0x1.07fee6p-3);
  // tanh(1) = 0.7615941559557648881194583; 1 - tanh(1)^2 = 0.4199743416140260693944967.
  CHECK(value(fns::tanh, 1.0) == 0x1.85efacp-1);
  CHECK(value(fns::tanh_grad, 1.0) == 0x1.ae0dcp-2);
}

TEST_CASE("GELU of the smallest subnormal is just above a midpoint", "[reference]") {
  // gelu(s) = s Phi(s) = s/2 + s^2/sqrt(2 pi) + O(s^4): the exact value lies above s/2, the
  // midpoint between 0 and s, by a relative 2^-149-ish amount; it must round up to s.
  for (const Format* f : {&fp32, &fp16, &bf16}) {
    for (Function fn : {fns::gelu_erf, fns::gelu_tanh}) {
      const RefValue r = reference(fn, *f, f->min_subnormal_bits(), ReferenceMode::tiered);
      INFO(f->name << " " << name_of(fn));
      CHECK(r.correctly_rounded == f->min_subnormal_bits());
      CHECK(r.side == -1);  // the exact value is below the rounded one, s
      const RefValue neg = reference(fn, *f, f->sign_mask() | 1, ReferenceMode::tiered);
      // gelu(-s) = -s/2 + s^2/sqrt(2 pi): just above -s/2 in value, so it rounds to -0.
      CHECK(neg.correctly_rounded == f->sign_mask());
      CHECK(neg.side == -1);
    }
  }
}

TEST_CASE("known values of SiLU, Softplus, Mish and their derivatives", "[reference]") {
  // The correctly rounded fp32 value at the fp32 input nearest x; expected values are the exact
  // value (25 digits below, mpmath at mp.dps = 50 from the definitions) rounded to 24 bits.
  auto value = [](Function fn, double x) {
    return to_double(fp32, reference(fn, fp32, round_to_format(fp32, x)).correctly_rounded);
  };
  // SiLU's minimum. silu' = sigma(x) (1 + x sigma(-x)) = 0 means 1 + x/(1 + e^x) = 0, i.e.
  // x + 1 + e^x = 0; with u = -(x + 1), u e^u = 1/e, so x* = -1 - W(1/e), and there
  // e^x* = u gives silu(x*) = x*/(1 + 1/u) = -W(1/e). W(1/e) from Boost (lambert_w0, double).
  const double w = boost::math::lambert_w0(std::exp(-1.0));
  CHECK(std::fabs(w - 0.27846454276107379511) < 1e-16);
  const double x_star = -1 - w;
  // At the fp32 input nearest x* (-0x1.474974p+0) silu is -W(1/e) + O(delta^2), delta < 2^-24:
  // its rounding, -0x1.1d25dp-2, is that of -W(1/e) = -0.2784645427610737951 (between the fp32
  // values -0x1.1d25dp-2 and -0x1.1d25cep-2, above their midpoint in magnitude), and
  // silu' = silu''(x*) delta = -2.827039668e-9 there.
  CHECK(value(fns::silu, x_star) == double(float(-w)));
  CHECK(value(fns::silu, x_star) == -0x1.1d25dp-2);
  CHECK(value(fns::silu_grad, x_star) == -0x1.848b9ep-29);
  // silu'' = sigma sigma(-x) (2 - x tanh(x/2)) = 0 at +-x0, x0 = 2.3993572805154676678; since
  // sigma(-x) = 1 - sigma(x), silu'(x) + silu'(-x) = 1: at the fp32 input nearest x0
  // (0x1.331e24p+0), 1.099839320128866849605580 and -0.09983932012886684960558014.
  CHECK(value(fns::silu_grad, 2.3993572805154677) == 0x1.198f12p+0);
  CHECK(value(fns::silu_grad, -2.3993572805154677) == -0x1.98f11ep-4);
  // sigma(1) = 0.7310585786300048792511592 = silu(1) = softplus'(1); softplus(1) = ln(1 + e) =
  // 1.313261687518222834048995; mish(1) = tanh(softplus(1)) = 0.8650983882673103461162334.
  CHECK(value(fns::silu, 1.0) == 0x1.764d5p-1);
  CHECK(value(fns::softplus_grad, 1.0) == 0x1.764d5p-1);
  CHECK(value(fns::softplus, 1.0) == 0x1.5031eap+0);
  CHECK(value(fns::mish, 1.0) == 0x1.baee2ep-1);
  // Mish's minimum at -1.1924312145154952 (mish' = 0; mpmath findroot), -0.3088434130172504054
  // at its fp32 input; mish' extremes (mish'' = 0) at -2.2563763963607931 and 1.4905711794854285:
  // -0.1125261223894619158253617 and 1.088498161251727692534681 at their fp32 inputs.
  CHECK(value(fns::mish, -1.1924312145154952) == -0x1.3c4172p-2);
  CHECK(value(fns::mish_grad, -2.2563763963607931) == -0x1.cce83p-4);
  CHECK(value(fns::mish_grad, 1.4905711794854285) == 0x1.16a7dp+0);
  // At 0 two values are not doubles and come from the tiers: softplus(0) = ln 2 =
  // 0.6931471805599453094 rounds to 0x1.62e43p-1; mish'(0) = tanh(ln 2) = (2 - 1/2)/(2 + 1/2) =
  // 3/5 = 0x1.33333333...p-1 rounds up to 0x1.333334p-1 (the bits after the 23rd are 0011..., a
  // 1 then more): both signs of zero, side -1 (the exact value is below).
  for (uint32_t zero : {0u, fp32.sign_mask()}) {
    const RefValue sp = reference(fns::softplus, fp32, zero);
    CHECK(to_double(fp32, sp.correctly_rounded) == 0x1.62e43p-1);
    CHECK(sp.side == -1);
    const RefValue mg = reference(fns::mish_grad, fp32, zero);
    CHECK(to_double(fp32, mg.correctly_rounded) == 0x1.333334p-1);
    CHECK(mg.side == -1);
  }
}

TEST_CASE("ReLU^2: exact squares, ties to even, overflow", "[reference]") {
  // x = 47 * 2^-3 = 5.875 (11 bits: 101111 * 2^-3) has x^2 = 2209 * 2^-6 = 34.515625, 2209 odd
  // with 12 bits: exactly halfway between the fp16 neighbours 34.5 = 1104 * 2^-5 (even) and
  // 34.53125 = 1105 * 2^-5. Round half to even gives 34.5, the exact value above it (side +1).
  // (An odd m has m^2 = 8j + 1: a square's tie always rounds down, to the even 4j.)
  const RefValue tie = reference(fns::relu2, fp16, round_to_format(fp16, 5.875));
  CHECK(to_double(fp16, tie.correctly_rounded) == 34.5);
  CHECK(tie.side == 1);
  // bf16 (p = 8): x = 13 * 2^-2 = 3.25 has x^2 = 169 * 2^-4 = 10.5625, and 169 = 10101001b
  // has 8 bits: exact, side 0. x = 19 * 2^-4 = 1.1875 has x^2 = 361 * 2^-8, 361 = 101101001b
  // (9 bits, odd): halfway between 180 * 2^-7 = 1.40625 (even) and 181 * 2^-7: 1.40625, side +1.
  const RefValue fits = reference(fns::relu2, bf16, round_to_format(bf16, 3.25));
  CHECK(to_double(bf16, fits.correctly_rounded) == 10.5625);
  CHECK(fits.side == 0);
  const RefValue bf_tie = reference(fns::relu2, bf16, round_to_format(bf16, 1.1875));
  CHECK(to_double(bf16, bf_tie.correctly_rounded) == 1.40625);
  CHECK(bf_tie.side == 1);
  // Both modes, the tiered (fast exact value) and pure MPFR, give the same.
  CHECK(reference(fns::relu2, fp16, round_to_format(fp16, 5.875), ReferenceMode::mpfr)
            .correctly_rounded == tie.correctly_rounded);
  // Overflow: x^2 rounds to inf in fp16 at and above max + ulp/2 = 65520; 255.875^2 =
  // 65472.015625 rounds to 65472, 256^2 = 65536 to inf. relu2' = 2x overflows from 32768
  // (2 * 32752 = 65504 is the largest value).
  CHECK(to_double(fp16,
                  reference(fns::relu2, fp16, round_to_format(fp16, 255.875)).correctly_rounded) ==
        65472);
  CHECK(
      is_infinite(fp16, reference(fns::relu2, fp16, round_to_format(fp16, 256)).correctly_rounded));
  CHECK(
      to_double(fp16,
                reference(fns::relu2_grad, fp16, round_to_format(fp16, 32752)).correctly_rounded) ==
      65504);
  CHECK(is_infinite(
      fp16, reference(fns::relu2_grad, fp16, round_to_format(fp16, 32768)).correctly_rounded));
  // x <= 0: max(x, 0) = +0, so +0 (not -0), exact.
  for (const Format* f : {&fp32, &fp16, &bf16})
    for (uint32_t x : {f->sign_mask(), f->sign_mask() | f->one_bits(),
                       f->sign_mask() | f->max_finite_bits(), f->sign_mask() | f->infinity_bits()})
      for (Function fn : {fns::relu2, fns::relu2_grad}) {
        const RefValue r = reference(fn, *f, x);
        CHECK(r.correctly_rounded == 0);
        CHECK(r.side == 0);
      }
}

TEST_CASE("the activations' limits, zeros and far tails", "[reference]") {
  for (const Format* f : {&fp32, &fp16, &bf16}) {
    const uint32_t pz = 0, nz = f->sign_mask(), pinf = f->infinity_bits(),
                   ninf = f->sign_mask() | f->infinity_bits(), one = f->one_bits(),
                   half = *exact_bits(*f, 0.5);
    auto cr = [&](Function fn, uint32_t x) { return reference(fn, *f, x).correctly_rounded; };
    INFO(f->name);
    // x sigma(x) and x tanh(softplus(x)) are odd-signed at 0 and tend to x and to 0 from below.
    for (Function fn : {fns::silu, fns::mish}) {
      CHECK(cr(fn, pz) == pz);
      CHECK(cr(fn, nz) == nz);
      CHECK(cr(fn, pinf) == pinf);
      CHECK(cr(fn, ninf) == nz);
    }
    // Their derivatives tend to 1 and to 0 from below (silu' ~ x e^x, mish' ~ (1 + x) e^x);
    // silu'(0) = sigma(0) = 1/2.
    for (Function fn : {fns::silu_grad, fns::mish_grad}) {
      CHECK(cr(fn, pinf) == one);
      CHECK(cr(fn, ninf) == nz);
    }
    CHECK(cr(fns::silu_grad, pz) == half);
    CHECK(cr(fns::silu_grad, nz) == half);
    // softplus > 0 and sigma > 0 tend to +0; softplus -> inf, sigma -> 1; sigma(0) = 1/2.
    CHECK(cr(fns::softplus, ninf) == pz);
    CHECK(cr(fns::softplus, pinf) == pinf);
    CHECK(cr(fns::softplus_grad, ninf) == pz);
    CHECK(cr(fns::softplus_grad, pinf) == one);
    CHECK(cr(fns::softplus_grad, nz) == half);
    CHECK(cr(fns::relu2, pinf) == pinf);
    CHECK(cr(fns::relu2_grad, pinf) == pinf);
    // The far left tails, below MPFR's exponent range (e^x at x = -max is 2^(-4.9e38)): only the
    // tail rules decide them. The exact values keep their signs: -0 for silu, mish and their
    // derivatives (negative there), +0 for softplus and sigma, each with its side.
    const uint32_t far = f->sign_mask() | f->max_finite_bits();
    for (Function fn : {fns::silu, fns::mish, fns::silu_grad, fns::mish_grad}) {
      const RefValue r = reference(fn, *f, far);
      CHECK(r.correctly_rounded == nz);
      CHECK(r.side == -1);
    }
    for (Function fn : {fns::softplus, fns::softplus_grad}) {
      const RefValue r = reference(fn, *f, far);
      CHECK(r.correctly_rounded == pz);
      CHECK(r.side == 1);
    }
  }
}
