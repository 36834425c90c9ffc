// The reference against mpmath: every vector written by mpmath_reference.py (an independent
// Python program: mpmath's functions, Python-integer rounding) must match the C++ reference in
// every fact, in both reference modes.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "reference/reference.hpp"

using namespace gelucheck;

namespace {
struct Vector {
  Function fn;
  const Format* format;
  uint32_t x;
  RefValue expected;
};

std::vector<Vector> load_vectors() {
  const std::string path = std::string(GELUCHECK_TEST_DATA_DIR) + "/mpmath_vectors.txt";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string fn_name, fmt_name, x_hex, cr_hex, grid_hex;
    int side = 0, ulp = 0;
    s >> fn_name >> fmt_name >> x_hex >> cr_hex >> side >> ulp >> grid_hex;
    Vector v;
    REQUIRE(parse_function(fn_name, v.fn));
    v.format = find_format(fmt_name);
    REQUIRE(v.format);
    v.x = static_cast<uint32_t>(std::stoul(x_hex, nullptr, 16));
    v.expected.correctly_rounded = static_cast<uint32_t>(std::stoul(cr_hex, nullptr, 16));
    v.expected.side = int8_t(side);
    v.expected.ulp_log2 = int16_t(ulp);
    v.expected.exact = std::strtod(grid_hex.c_str(), nullptr);
    out.push_back(v);
  }
  return out;
}

bool same(const RefValue& a, const RefValue& b) {
  return a.correctly_rounded == b.correctly_rounded && a.side == b.side &&
         a.ulp_log2 == b.ulp_log2 && a.exact == b.exact &&
         std::signbit(a.exact) == std::signbit(b.exact);
}

std::string show(const Format& f, const RefValue& r) {
  return fmt::format("cr {} ({}) side {} ulp 2^{} grid {:a}",
                     to_shortest_decimal(f, r.correctly_rounded),
                     to_hex_bits(f, r.correctly_rounded), r.side, r.ulp_log2, r.exact);
}

void check_all(ReferenceMode mode) {
  const auto vectors = load_vectors();
  REQUIRE(vectors.size() > 5000);
  size_t mismatches = 0;
  for (const Vector& v : vectors) {
    const RefValue got = reference(v.fn, *v.format, v.x, mode);
    if (!same(got, v.expected)) {
      if (++mismatches <= 10) {
        const double x = to_double(*v.format, v.x);
        UNSCOPED_INFO(fmt::format("{} {} x = {} ({}, {:a}):\n  mpmath {}\n  ours   {}",
                                  name_of(v.fn), v.format->name,
                                  to_shortest_decimal(*v.format, v.x), to_hex_bits(*v.format, v.x),
                                  x, show(*v.format, v.expected), show(*v.format, got)));
      }
    }
  }
  CHECK(mismatches == 0);
}
}  // namespace

TEST_CASE("tiered reference matches mpmath on every vector", "[reference][mpmath]") {
  check_all(ReferenceMode::tiered);
}

TEST_CASE("pure MPFR reference matches mpmath on every vector", "[reference][mpmath]") {
  check_all(ReferenceMode::mpfr);
}
