// The saturation report's reference thresholds against mpmath: every plateau boundary and every
// outermost erf-form/tanh-form difference that mpmath_thresholds.py finds by bisection (an
// independent Python program on mpmath) must be the one the report prints. fp16 and bf16 are
// exhaustive; fp32 runs on a deliberately coarse grid (2^7 inputs per binade, 2^11 in the dense
// range), so the test also checks that refinement pins each threshold to the exact input.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "analysis/saturation.hpp"
#include "implementations/implementations.hpp"

using namespace gelucheck;

namespace {

struct Line {
  std::string kind, function, other, format, where;
  uint32_t bits = 0;
};

std::vector<Line> load_lines() {
  const std::string path = std::string(GELUCHECK_TEST_DATA_DIR) + "/mpmath_thresholds.txt";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<Line> out;
  std::string text;
  while (std::getline(in, text)) {
    std::istringstream s(text);
    Line l;
    std::string bits;
    s >> l.kind;
    if (l.kind == "plateau")
      s >> l.function >> l.format >> l.where >> bits;
    else
      s >> l.function >> l.other >> l.format >> l.where >> bits;
    l.bits = static_cast<uint32_t>(std::stoul(bits, nullptr, 16));
    out.push_back(l);
  }
  return out;
}

Approach approach_of(const std::string& where) {
  if (where == "+inf") return Approach::positive_tail;
  if (where == "-inf") return Approach::negative_tail;
  if (where == "+0") return Approach::zero_positive;
  return Approach::zero_negative;
}

const SaturationReport& report_for(Function fn, const Format& f) {
  static std::map<std::pair<Function, const Format*>, SaturationReport> cache;
  auto it = cache.find({fn, &f});
  if (it == cache.end()) {
    SaturationOptions o;
    o.sparse_bits = 7;
    o.dense_bits = 11;
    const Implementation* reference = find_implementation("correctly_rounded");
    const Implementation* impls[] = {reference};
    it = cache.emplace(std::pair{fn, &f}, analyze_saturation(fn, f, impls, o)).first;
  }
  return it->second;
}

std::string show(const Format& f, uint32_t bits) {
  return fmt::format("{} ({}, {:a})", to_shortest_decimal(f, bits), to_hex_bits(f, bits),
                     to_double(f, bits));
}

}  // namespace

TEST_CASE("reference plateaus and form differences match mpmath bisection",
          "[saturation][mpmath]") {
  const auto lines = load_lines();
  // 3 formats x (20 plateaus + 4 form boundaries of the GELUs and tanh, and 21 plateaus of the
  // activations: 14 tails, 2 whole negative sides (relu2, relu2'), 5 near zero)
  REQUIRE(lines.size() == 135);
  size_t checked = 0, mismatches = 0;
  for (const Line& l : lines) {
    Function fn;
    REQUIRE(parse_function(l.function, fn));
    const Format* f = find_format(l.format);
    REQUIRE(f);
    const SaturationReport& r = report_for(fn, *f);
    std::optional<uint32_t> got;
    if (l.kind == "plateau") {
      for (size_t a = 0; a < r.asymptotes.size(); ++a)
        if (r.asymptotes[a].approach == approach_of(l.where) && r.reference[a].exists)
          got = r.reference[a].x;
    } else {
      REQUIRE(r.forms);
      CHECK(name_of(r.forms->other) == l.other);
      for (const Zone& z : r.forms->zones)
        if (z.negative == (l.where == "-")) got = z.negative ? z.first : z.last;
    }
    ++checked;
    if (got != l.bits) {
      ++mismatches;
      UNSCOPED_INFO(fmt::format("{} {} {} {}: mpmath {}, report {}", l.kind, l.function, l.format,
                                l.where, show(*f, l.bits),
                                got ? show(*f, *got) : std::string("none")));
    }
  }
  CHECK(checked == lines.size());
  CHECK(mismatches == 0);
}
