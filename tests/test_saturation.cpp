// The saturation report: special inputs against values derived by hand, zones against bounds
// derived beside each test (hardware _Float16 and float arithmetic, libm in double), rendering,
// determinism and bad input. Reference thresholds are checked against mpmath in
// test_mpmath_thresholds.cpp.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/saturation.hpp"
#include "implementations/implementations.hpp"
#include "registered_functions.hpp"
#include "render/saturation_render.hpp"

using namespace gelucheck;

namespace {

// A coarse fp32 grid keeps the tests fast; thresholds and zone ends are exact regardless
// (refinement), which test_mpmath_thresholds.cpp checks for the reference.
SaturationOptions fast_options() {
  SaturationOptions o;
  o.sparse_bits = 9;
  o.dense_bits = 11;
  return o;
}

SaturationReport analyze(Function fn, const Format& f, std::vector<std::string> names,
                         SaturationOptions o = fast_options()) {
  std::vector<const Implementation*> impls;
  for (const auto& n : names) impls.push_back(&resolve_implementation(n));
  return analyze_saturation(fn, f, impls, o);
}

const ImplementationSaturation& row(const SaturationReport& r, std::string_view name) {
  for (const auto& s : r.implementations)
    if (s.implementation->name == name) return s;
  FAIL("no row for " << name);
  throw;
}

std::vector<Zone> zones_of(const ImplementationSaturation& s, ZoneKind k, bool negative) {
  std::vector<Zone> out;
  for (const Zone& z : s.zones)
    if (z.kind == k && z.negative == negative) out.push_back(z);
  return out;
}

std::string show(const Format& f, uint32_t bits) {
  return fmt::format("{} ({}, {:a})", to_shortest_decimal(f, bits), to_hex_bits(f, bits),
                     to_double(f, bits));
}

uint32_t float_bits(float v) { return round_to_format(fp32, double(v)); }

}  // namespace

TEST_CASE("special inputs of the reference are the limits", "[saturation]") {
  // Limits from the definitions: gelu(+inf) = +inf, gelu(-inf) = -0 (gelu < 0 for x < 0),
  // gelu'(+inf) = 1, gelu'(-inf) = -0 (gelu' < 0 below -0.75), tanh(+-inf) = +-1,
  // tanh'(+-inf) = +0 (sech^2 > 0); f(NaN) = NaN; odd functions keep the sign of zero, the
  // derivatives are 1/2 and 1 at zero.
  const Format& f = fp16;
  const uint32_t pos0 = 0, neg0 = 0x8000, inf = 0x7c00, one = 0x3c00, half = 0x3800,
                 minus_one = 0xbc00;
  struct Expect {
    Function fn;
    uint32_t at_pos0, at_neg0, at_inf, at_ninf;
  };
  const Expect expects[] = {
      {fns::gelu_erf, pos0, neg0, inf, neg0},      {fns::gelu_tanh, pos0, neg0, inf, neg0},
      {fns::gelu_erf_grad, half, half, one, neg0}, {fns::gelu_tanh_grad, half, half, one, neg0},
      {fns::tanh, pos0, neg0, one, minus_one},     {fns::tanh_grad, one, one, pos0, pos0},
  };
  for (const Expect& e : expects) {
    const auto r = analyze(e.fn, f, {"correctly_rounded"});
    REQUIRE(r.specials[0].name == "+0");
    REQUIRE(r.specials[3].name == "-inf");
    INFO(name_of(e.fn));
    CHECK(r.special_expected[0] == e.at_pos0);
    CHECK(r.special_expected[1] == e.at_neg0);
    CHECK(r.special_expected[2] == e.at_inf);
    CHECK(r.special_expected[3] == e.at_ninf);
    CHECK(is_nan(f, r.special_expected[4]));
    for (const SpecialResult& s : r.implementations[0].specials) CHECK(s.ok);
  }
}

TEST_CASE("textbook formulas get the infinite and largest inputs wrong", "[saturation]") {
  // gelu_erf(-inf) = -inf * 0.5 * (1 + erf(-inf)) = -inf * 0 = NaN, expected -0.
  const auto gelu = analyze(fns::gelu_erf, fp32, {"fp32"});
  const auto& s = row(gelu, "fp32");
  CHECK_FALSE(s.specials[3].ok);
  CHECK(s.specials[3].verdict == "NaN");
  CHECK(s.specials[2].ok);  // +inf * 0.5 * 2 = +inf
  // gelu_tanh_grad at the largest float: x*x overflows, tanh(inf) = 1, so the second term is
  // (1 - 1) * ... * (1 + 0.134 * inf) = 0 * inf = NaN, expected 1. In fp16 the same formula in
  // float is fine: 65504^2 = 4.3e9 is a float.
  const auto grad32 = analyze(fns::gelu_tanh_grad, fp32, {"fp32"});
  const size_t max_index = 7;
  REQUIRE(grad32.specials[max_index].name == "+max");
  CHECK(grad32.special_expected[max_index] == 0x3f800000);
  CHECK(grad32.implementations[0].specials[max_index].verdict == "NaN");
  const auto grad16 = analyze(fns::gelu_tanh_grad, fp16, {"fp32"});
  CHECK(grad16.implementations[0].specials[max_index].ok);
  // tanh'(-0) through 1 - tanh^2 is 1 exactly; exp_tanh's tanh(-0) = (1 - 1)/(1 + 1) = +0: the
  // sign of zero is lost.
  const auto tanh = analyze(fns::tanh, fp32, {"exp_tanh"});
  CHECK(tanh.implementations[0].specials[1].verdict == "wrong sign of zero");
}

TEST_CASE("fp32 naive exact GELU returns 0 in the negative tail; erfc_form does not",
          "[saturation]") {
  const Format& f = fp32;
  const auto r = analyze(fns::gelu_erf, f, {"correctly_rounded", "fp32", "erfc_form"});
  const auto& naive = row(r, "fp32");
  const auto premature = zones_of(naive, ZoneKind::premature_zero, true);
  REQUIRE(premature.size() == 1);
  // 1 + erf(x/sqrt2) in float is 0 once erff(x/sqrt2) rounds to -1, i.e. once erfc(|x|/sqrt2),
  // the distance from -1, is below half the float spacing above -1, 2^-25. The crossing x*
  // (computed here in double, erfc decreasing) is near -5.54; erff is within an ulp or two near
  // -1 and erfc falls by a factor 2 over |x| + 0.12, so the zone must end within 0.15 of x*.
  double lo = 5, hi = 6;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (std::erfc(mid * M_SQRT1_2) > 0x1p-25 ? lo : hi) = mid;
  }
  const double crossing = -lo;
  const double end = to_double(f, premature[0].last);
  INFO("zone ends at " << show(f, premature[0].last) << ", derived crossing " << crossing);
  CHECK(std::fabs(end - crossing) < 0.15);
  // Below the zone the exact value is subnormal (underflow_zero), then rounds to -0: the zeros
  // run without a gap from the reference's -0 plateau up to the zone's end.
  const auto underflow = zones_of(naive, ZoneKind::underflow_zero, true);
  REQUIRE(underflow.size() == 1);
  const Plateau& ref_zero = r.reference[1];
  REQUIRE(r.asymptotes[1].approach == Approach::negative_tail);
  CHECK(underflow[0].first == next_up(f, ref_zero.x));
  CHECK(next_up(f, underflow[0].last) == premature[0].first);
  CHECK(std::fabs(to_double(f, premature[0].first)) < 13.2);  // phi(13.2) ~ 2^-127: normal ends
  // The naive plateau starts where its zeros start; the reference's is far out.
  CHECK(row(r, "fp32").plateaus[1].x == premature[0].last);
  CHECK(*row(r, "fp32").distances[1] < -10'000'000);

  const auto& stable = row(r, "erfc_form");
  CHECK(stable.count(ZoneKind::premature_zero) == 0);
  CHECK(stable.count(ZoneKind::cancellation) == 0);
  CHECK(saturation_summary(r, naive).find("returns 0 for x in [") != std::string::npos);
  CHECK(saturation_summary(r, naive).find("erfc_form") !=
        std::string::npos);  // the measured alternative
}

// _Float16: g++ has it; Clang 14 (the sanitizer build) does not on x86-64.
#if defined(__FLT16_MAX__)
TEST_CASE("fp16 native tanh-form GELU: x^3 overflows from |x| = 40.34, the result stays finite",
          "[saturation]") {
  const Format& f = fp16;
  // The first fp16 x whose (x*x)*x, each product rounded to half, is infinite: hardware
  // _Float16 arithmetic (each operation rounded once to binary16).
  uint32_t first_overflow = 0;
  for (uint32_t b = 0x3c00; b <= f.max_finite_bits(); ++b) {
    const auto x = static_cast<_Float16>(to_double(f, b));
    const _Float16 sq = x * x;
    const _Float16 cube = sq * x;
    if (std::isinf(static_cast<float>(cube))) {
      first_overflow = b;
      break;
    }
  }
  REQUIRE(first_overflow == 0x510b);  // 40.34: 40.34^2 = 1627.5 -> 1627, * 40.34 > 65520
  const auto r = analyze(fns::gelu_tanh, f, {"native"});
  const auto& s = r.implementations[0];
  for (bool negative : {false, true}) {
    const auto z = zones_of(s, ZoneKind::intermediate_overflow, negative);
    REQUIRE(z.size() == 1);
    CHECK(z[0].operation == "*");
    const uint32_t sign = negative ? f.sign_mask() : 0;
    CHECK((negative ? z[0].last : z[0].first) == (first_overflow | sign));
    CHECK((negative ? z[0].first : z[0].last) == (f.max_finite_bits() | sign));
    // exhaustive: every input in the zone, counted exactly
    CHECK(z[0].inputs == f.max_finite_bits() - first_overflow + 1);
    CHECK_FALSE(z[0].estimated);
  }
  // tanh(+-inf) = +-1 keeps the result finite: no NaN or inf anywhere.
  CHECK(s.count(ZoneKind::overflow_nan) == 0);
  CHECK(s.count(ZoneKind::overflow_inf) == 0);
  CHECK(saturation_summary(r, s).find("'*' overflows for x >= 40.34") != std::string::npos);
}
#endif

TEST_CASE("fp32 exp_tanh: NaN from e^2x overflow above 44.36, zero near 0", "[saturation]") {
  const Format& f = fp32;
  const auto r = analyze(fns::tanh, f, {"exp_tanh"});
  const auto& s = r.implementations[0];
  // expf(2x) is inf once e^2x reaches the float overflow threshold 2^128 (1 - 2^-25) (the
  // largest float plus half its ulp), i.e. 2x >= 128 ln 2 + ln(1 - 2^-25); then
  // (inf - 1)/(inf + 1) = NaN. 2x is exact below 2^127; from 2^127 on, 2x itself overflows.
  const double bound = 0.5 * (128 * M_LN2 + std::log1p(-0x1p-25));  // 44.3614195...
  const uint32_t derived = float_bits(std::nextafter(static_cast<float>(bound), INFINITY));
  const auto nan = zones_of(s, ZoneKind::overflow_nan, false);
  REQUIRE(nan.size() == 2);
  const Zone& by_exp = nan[0].operation == "exp" ? nan[0] : nan[1];
  const Zone& by_mul = nan[0].operation == "exp" ? nan[1] : nan[0];
  INFO("exp zone starts at " << show(f, by_exp.first) << ", derived " << show(f, derived));
  CHECK(std::llabs(ordinal(f, by_exp.first) - ordinal(f, derived)) <= 1);  // expf: <= 1 ulp
  CHECK(by_mul.operation == "*");
  CHECK(by_mul.first == 0x7f000000);  // 2^127
  CHECK(by_mul.last == f.max_finite_bits());
  CHECK(next_up(f, by_exp.last) == by_mul.first);
  CHECK_FALSE(s.plateaus[0].exists);  // never settles at 1: it ends in NaN
  // Near zero, expf(2x) rounds to 1 while 2x < 2^-24 (half the spacing above 1; at 2x = 2^-24
  // e^2x is just above the midpoint): (1 - 1)/(1 + 1) = 0 for normal 0 < x < 2^-25. Below 1 the
  // spacing is 2^-24: e^2x rounds to 1 while -2x <= 2^-25 (e^-2^-25 lies just above the
  // midpoint 1 - 2^-25), so for -2^-26 <= x < 0.
  const auto pos = zones_of(s, ZoneKind::premature_zero, false);
  const auto neg = zones_of(s, ZoneKind::premature_zero, true);
  REQUIRE(pos.size() == 1);
  REQUIRE(neg.size() == 1);
  CHECK(pos[0].first == 0x00800000);  // the smallest normal; below it: underflow_zero
  CHECK(pos[0].last == next_down(f, float_bits(0x1p-25f)));
  CHECK(neg[0].first == float_bits(-0x1p-26f));
  CHECK(neg[0].last == 0x80800000);
}

TEST_CASE("thresholds and zones do not depend on the thread count", "[saturation]") {
  SaturationOptions one = fast_options(), two = fast_options();
  one.threads = 1;
  two.threads = 2;
  for (const Format* f : {&fp16, &fp32}) {
    const auto a = analyze(fns::gelu_tanh, *f, {"native", "exp_tanh"}, one);
    const auto b = analyze(fns::gelu_tanh, *f, {"native", "exp_tanh"}, two);
    CHECK(render_saturation({a}, OutputKind::json) == render_saturation({b}, OutputKind::json));
  }
}

TEST_CASE("renderers: JSON parses, CSV rows have the header's width", "[saturation]") {
  const auto r = analyze(fns::gelu_erf, bf16, {"correctly_rounded", "fp32", "native"});
  const auto j = nlohmann::json::parse(render_saturation({r}, OutputKind::json));
  REQUIRE(j.size() == 1);
  CHECK(j[0]["function"] == "gelu_erf");
  CHECK(j[0]["implementations"].size() == 3);
  CHECK(j[0]["asymptotes"][0]["reference"]["boundary"]["bits"] ==
        to_hex_bits(bf16, r.reference[0].x));
  // CSV: count fields outside quotes
  std::istringstream csv(render_saturation({r}, OutputKind::csv));
  std::string line;
  size_t width = 0, rows = 0;
  while (std::getline(csv, line)) {
    size_t fields = 1;
    bool quoted = false;
    for (char c : line) {
      if (c == '"')
        quoted = !quoted;
      else if (c == ',' && !quoted)
        ++fields;
    }
    if (!width) width = fields;
    CHECK(fields == width);
    ++rows;
  }
  CHECK(rows > 10);
  const std::string md = render_saturation({r}, OutputKind::markdown);
  CHECK(md.find("## gelu_erf, bf16") != std::string::npos);
  CHECK(md.find("| *expected* |") != std::string::npos);
}

TEST_CASE("bad input to gelucheck saturation exits 2 with one clear line", "[saturation][cli]") {
  const std::string err = std::string(GELUCHECK_TEST_DATA_DIR) + "/saturation_stderr.txt";
  auto run = [&](const std::string& args) {
    const int status = std::system(
        fmt::format("{} saturation {} > /dev/null 2> {}", GELUCHECK_BINARY, args, err).c_str());
    std::ifstream in(err);
    std::stringstream text;
    text << in.rdbuf();
    return std::pair{WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
  };
  const std::pair<std::string, std::string> cases[] = {
      {"-f nope -t fp16", "unknown function 'nope'"},
      {"-t fp8 -f tanh", "unknown format 'fp8'"},
      {"-t fp16 -f tanh --fp32-bits 0", "bad --fp32-bits 0"},
      {"-t fp16 -f tanh --fp32-dense-bits 24", "bad --fp32-dense-bits 24"},
      {"-t fp16 -f tanh --fp32-dense-range 5:1", "LO is above HI"},
      {"-t fp16 -f tanh --fp32-dense-range 0:1", "bad --fp32-dense-range '0:1'"},
      {"-t fp16 -f tanh --cancellation -1", "bad --cancellation"},
      {"-t fp16 -f tanh --output xml", "unknown output 'xml'"},
      {"-t fp16 -f tanh -o /nonexistent-dir/x.md", "/nonexistent-dir"},
  };
  for (const auto& [args, message] : cases) {
    const auto [status, text] = run(args);
    INFO(args << " -> " << text);
    CHECK(status == 2);
    CHECK(text.find(message) != std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  }
  CHECK(run("-t fp16 -f tanh -i exp_tanh --output csv").first == 0);
}
