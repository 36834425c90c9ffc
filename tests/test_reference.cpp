// The reference's own properties: the fast tier's stated error bound holds against MPFR; the
// tiered and pure-MPFR modes agree input for input; exact values at special inputs; symmetries;
// and known values of GELU and its derivative (derivations beside each).
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <mutex>
#include <random>

#include <fmt/format.h>

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
