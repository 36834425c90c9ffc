// The narrow formats (OCP FP8 E4M3 and E5M2, the FNUZ variants, OCP MX FP6 and FP4) against a value
// table derived from their specifications by an independent program (narrow_formats_table.py:
// exact rational arithmetic on the sign, exponent and mantissa fields, no shared code): every
// encoding's class and value, round trips, order, ulp, ties to even at every midpoint, underflow
// and both overflow conventions (OFP8 r1.0 5.2.1 and Table 3).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "fp/format.hpp"

using namespace gelucheck;

namespace {
struct Encoding {
  uint32_t code;
  std::string cls;  // zero, subnormal, normal, NaN, Inf
  double value;
};

std::map<std::string, std::vector<Encoding>> load_table() {
  std::ifstream in(std::string(GELUCHECK_TEST_DATA_DIR) + "/narrow_formats_table.txt");
  REQUIRE(in.good());
  std::map<std::string, std::vector<Encoding>> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string name, code, cls, value;
    s >> name >> code >> cls >> value;
    out[name].push_back(
        {uint32_t(std::stoul(code, nullptr, 16)), cls, std::strtod(value.c_str(), nullptr)});
  }
  return out;
}

const std::map<std::string, std::vector<Encoding>>& table() {
  static const auto t = load_table();
  return t;
}

const Format* const kNarrow[] = {&e4m3, &e5m2, &e4m3fnuz, &e5m2fnuz, &e2m3, &e3m2, &e2m1};

// The finite encodings of the table, ordered by value, -0 (where it exists) below +0.
std::vector<Encoding> finite_in_order(const std::vector<Encoding>& t) {
  std::vector<Encoding> v;
  for (const Encoding& e : t)
    if (e.cls != "NaN" && e.cls != "Inf") v.push_back(e);
  std::sort(v.begin(), v.end(), [](const Encoding& a, const Encoding& b) {
    if (a.value != b.value) return a.value < b.value;
    return std::signbit(a.value) && !std::signbit(b.value);
  });
  return v;
}
}  // namespace

TEST_CASE("every encoding of every narrow format has the specification's value",
          "[format][narrow]") {
  for (const Format* f : kNarrow) {
    INFO(f->name);
    const auto& t = table().at(std::string(f->name));
    REQUIRE(t.size() == f->pattern_count());
    for (const Encoding& e : t) {
      INFO(fmt::format("code {:#x} {} {:a}", e.code, e.cls, e.value));
      const double v = to_double(*f, e.code);
      CHECK(is_nan(*f, e.code) == (e.cls == "NaN"));
      CHECK(is_infinite(*f, e.code) == (e.cls == "Inf"));
      CHECK(is_zero(*f, e.code) == (e.cls == "zero"));
      CHECK(is_finite(*f, e.code) == (e.cls != "NaN" && e.cls != "Inf"));
      if (e.cls == "NaN") {
        CHECK(std::isnan(v));
        continue;
      }
      CHECK(v == e.value);
      CHECK(std::signbit(v) == std::signbit(e.value));
      // Round trips: the value rounds to its own encoding, in both conventions (an infinity
      // saturates to the largest value).
      CHECK(round_to_format(*f, e.value) == e.code);
      if (e.cls != "Inf") CHECK(round_to_format_saturating(*f, e.value) == e.code);
      CHECK(exact_bits(*f, e.value) == std::optional<uint32_t>(e.code));
      CHECK(parse_value(*f, to_shortest_decimal(*f, e.code)) == std::optional<uint32_t>(e.code));
    }
  }
}

TEST_CASE("narrow formats: order, neighbours and ulp follow the table", "[format][narrow]") {
  for (const Format* f : kNarrow) {
    INFO(f->name);
    const auto finite = finite_in_order(table().at(std::string(f->name)));
    // Ordinals are strictly increasing and consecutive (FNUZ has no -0 and no gap for it).
    for (size_t i = 0; i + 1 < finite.size(); ++i) {
      INFO(fmt::format("{:#x} then {:#x}", finite[i].code, finite[i + 1].code));
      CHECK(ordinal(*f, finite[i + 1].code) == ordinal(*f, finite[i].code) + 1);
      CHECK(from_ordinal(*f, ordinal(*f, finite[i].code)) == finite[i].code);
      CHECK(next_up(*f, finite[i].code) == finite[i + 1].code);
      CHECK(next_down(*f, finite[i + 1].code) == finite[i].code);
      // ulp(v) = the gap to the next value up, for positive v (metrics.hpp's definition: the
      // spacing of v's binade, constant below the smallest normal).
      const double v = finite[i].value;
      if (v > 0 || (v == 0 && !std::signbit(v)))
        CHECK(std::ldexp(1.0, ulp_log2(*f, v)) == finite[i + 1].value - v);
    }
    const Encoding& top = finite.back();
    CHECK(top.code == f->max_finite_bits());
    CHECK(finite.front().code == (f->sign_mask() | f->max_finite_bits()));
    CHECK(max_finite_ordinal(*f) == ordinal(*f, top.code));
    // Above the largest value: the infinity, or the largest value itself.
    CHECK(next_up(*f, top.code) == (f->has_infinity() ? f->infinity_bits() : top.code));
    // The finite values of [lo, hi] as ordinals: all of them.
    const OrdinalRange all = finite_ordinals_in(*f, -INFINITY, INFINITY);
    CHECK(all.size() == finite.size());
  }
}

TEST_CASE("narrow formats round to nearest, ties to even, at every midpoint", "[format][narrow]") {
  for (const Format* f : kNarrow) {
    INFO(f->name);
    const auto finite = finite_in_order(table().at(std::string(f->name)));
    for (size_t i = 0; i + 1 < finite.size(); ++i) {
      const Encoding& a = finite[i];
      const Encoding& b = finite[i + 1];
      if (a.value == b.value) continue;            // -0 and +0
      const double mid = (a.value + b.value) / 2;  // exact in double
      INFO(fmt::format("between {:a} ({:#x}) and {:a} ({:#x})", a.value, a.code, b.value, b.code));
      // The even neighbour is the one whose encoding ends in 0 (its last mantissa bit); between
      // -min_subnormal and -0 (or +0 in FNUZ) it is the zero.
      const uint32_t even = (a.code & 1) == 0 ? a.code : b.code;
      CHECK(round_to_format(*f, mid) == even);
      CHECK(round_to_format(*f, std::nextafter(mid, -INFINITY)) == a.code);
      CHECK(round_to_format(*f, std::nextafter(mid, INFINITY)) == b.code);
      // The sticky bit of a double-double breaks the tie.
      CHECK(round_to_format(*f, mid, -1) == a.code);
      CHECK(round_to_format(*f, mid, +1) == b.code);
    }
  }
}

TEST_CASE("narrow formats underflow to a signed zero, +0 in FNUZ", "[format][narrow]") {
  for (const Format* f : kNarrow) {
    INFO(f->name);
    const double half_min = std::ldexp(1.0, f->min_subnormal_log2() - 1);  // a tie: to zero
    CHECK(round_to_format(*f, half_min) == 0);
    CHECK(round_to_format(*f, -half_min) == (f->has_negative_zero() ? f->sign_mask() : 0u));
    CHECK(round_to_format(*f, -1e-300) == (f->has_negative_zero() ? f->sign_mask() : 0u));
    CHECK(round_to_format(*f, -0.0) == (f->has_negative_zero() ? f->sign_mask() : 0u));
    CHECK(round_to_format(*f, std::nextafter(half_min, 1.0)) == 1);
  }
}

// OFP8 r1.0 5.2.1 and its Table 3: after rounding, a magnitude above the largest value gives the
// largest value (saturating) or NaN for E4M3 and infinity for E5M2 (non-saturating); the sign is
// kept except where a NaN is produced. FNUZ: its one NaN (LLVM APFloat handleOverflow, ml_dtypes,
// PyTorch fp8e4m3fnuz_from_fp32_value); an infinity gives NaN even when saturating (ONNX Cast,
// ml_dtypes). MX FP6/FP4 saturate in both (they have neither NaN nor infinity).
TEST_CASE("both overflow conventions, at the rounding boundary", "[format][narrow]") {
  struct Case {
    const Format* f;
    double max, tie;     // largest value, and max + ulp/2 (the midpoint above it)
    bool tie_goes_down;  // max has an even last bit (E4M3 only: S.1111.110)
    uint32_t nonsat_pos, nonsat_neg;
  };
  const Case cases[] = {
      {&e4m3, 448, 464, true, 0x7f, 0xff},      {&e5m2, 57344, 61440, false, 0x7c, 0xfc},
      {&e4m3fnuz, 240, 248, false, 0x80, 0x80}, {&e5m2fnuz, 57344, 61440, false, 0x80, 0x80},
      {&e2m3, 7.5, 7.75, false, 0x1f, 0x3f},    {&e3m2, 28, 30, false, 0x1f, 0x3f},
      {&e2m1, 6, 7, false, 0x7, 0xf},
  };
  for (const Case& c : cases) {
    const Format& f = *c.f;
    INFO(f.name);
    REQUIRE(to_double(f, f.max_finite_bits()) == c.max);
    const uint32_t max_pos = f.max_finite_bits(), max_neg = f.sign_mask() | f.max_finite_bits();
    for (int sign : {1, -1}) {
      const uint32_t nonsat = sign > 0 ? c.nonsat_pos : c.nonsat_neg;
      const uint32_t sat = sign > 0 ? max_pos : max_neg;
      CHECK(round_to_format(f, sign * std::nextafter(c.tie, 0.0)) == sat);
      CHECK(round_to_format(f, sign * c.tie) == (c.tie_goes_down ? sat : nonsat));
      CHECK(round_to_format(f, sign * std::nextafter(c.tie, INFINITY)) == nonsat);
      CHECK(round_to_format(f, sign * 1e30) == nonsat);
      CHECK(round_to_format(f, sign * INFINITY) == nonsat);
      CHECK(round_to_format_saturating(f, sign * c.tie) == sat);
      CHECK(round_to_format_saturating(f, sign * 1e30) == sat);
      CHECK(round_to_format_saturating(f, sign * INFINITY) ==
            (f.specials == Specials::fnuz ? 0x80u : sat));
    }
    CHECK(is_nan(f, round_to_format(f, NAN)) == f.has_nan());
    CHECK(is_nan(f, round_to_format_saturating(f, NAN)) == f.has_nan());
  }
  // The IEEE formats saturate the same way when asked (a saturating cast to fp16).
  CHECK(round_to_format_saturating(fp16, 1e6) == fp16.max_finite_bits());
  CHECK(round_to_format(fp16, 1e6) == fp16.infinity_bits());
}

TEST_CASE("narrow formats: names, lists and text", "[format][narrow]") {
  CHECK(format_names() == "fp32, fp16, bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz, e2m3, e3m2, e2m1");
  for (const Format* f : kNarrow) CHECK(find_format(f->name) == f);
  CHECK(to_hex_bits(e4m3, 0x7e) == "0x7e");
  CHECK(to_hex_bits(e2m1, 0x7) == "0x7");
  CHECK(to_shortest_decimal(e4m3, 0x7e) == "448");
  CHECK(to_shortest_decimal(e4m3, 0x7f) == "nan");
  CHECK(to_shortest_decimal(e4m3fnuz, 0x80) == "nan");
  CHECK(to_shortest_decimal(e5m2, 0xfc) == "-inf");
  CHECK(parse_value(e4m3, "470") == std::optional<uint32_t>(0x7f));  // rounds to 480: NaN
  CHECK(parse_value(e4m3, "464") == std::optional<uint32_t>(0x7e));  // the tie: down to 448
  CHECK(parse_value(e2m1, "nan") == std::nullopt);                   // MX has no NaN
  CHECK(parse_value(e4m3fnuz, "-nan") == std::optional<uint32_t>(0x80));
  CHECK(parse_value(e4m3fnuz, "-0") == std::optional<uint32_t>(0));  // no -0 in FNUZ
}
