// The reference against mpmath: every vector written by mpmath_reference.py and mpmath_pairs.py
// (independent Python programs: mpmath's functions, Python-integer rounding; the second for
// graded pairs, inputs of one format and scale * f(x) rounded to another) must match the C++
// reference in every fact, in both reference modes.
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
  bool check_overflow = false;
};

// `file` in the test data directory; each line "function format x cr side ulp grid" and, for
// graded pairs, the overflow flag.
std::vector<Vector> load_vectors(const char* file = "mpmath_vectors.txt") {
  const std::string path = std::string(GELUCHECK_TEST_DATA_DIR) + "/" + file;
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string fn_name, fmt_name, x_hex, cr_hex, grid_hex;
    int side = 0, ulp = 0, overflow = -1;  // -1: not stated (mpmath_reference.py)
    s >> fn_name >> fmt_name >> x_hex >> cr_hex >> side >> ulp >> grid_hex >> overflow;
    Vector v;
    v.expected.overflow = overflow == 1;
    v.check_overflow = overflow >= 0;
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

bool same(const RefValue& a, const RefValue& b, bool check_overflow) {
  return a.correctly_rounded == b.correctly_rounded && a.side == b.side &&
         (!check_overflow || a.overflow == b.overflow) && a.ulp_log2 == b.ulp_log2 &&
         a.exact == b.exact && std::signbit(a.exact) == std::signbit(b.exact);
}

std::string show(const Format& f, const RefValue& r) {
  return fmt::format("cr {} ({}) side {} ulp 2^{} grid {:a}{}",
                     to_shortest_decimal(f, r.correctly_rounded),
                     to_hex_bits(f, r.correctly_rounded), r.side, r.ulp_log2, r.exact,
                     r.overflow ? " overflow" : "");
}

void check_all(ReferenceMode mode, const char* file = "mpmath_vectors.txt") {
  const auto vectors = load_vectors(file);
  REQUIRE(vectors.size() > 5000);
  size_t mismatches = 0;
  for (const Vector& v : vectors) {
    const RefValue got = reference(v.fn, *v.format, v.x, mode);
    if (!same(got, v.expected, v.check_overflow)) {
      if (++mismatches <= 10) {
        const Format& in = v.format->in();
        const double x = to_double(in, v.x);
        UNSCOPED_INFO(fmt::format("{} {} x = {} ({}, {:a}):\n  mpmath {}\n  ours   {}",
                                  name_of(v.fn), v.format->name, to_shortest_decimal(in, v.x),
                                  to_hex_bits(in, v.x), x, show(*v.format, v.expected),
                                  show(*v.format, got)));
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

TEST_CASE("graded pairs: the reference of scale * f(x) matches mpmath on every vector",
          "[reference][mpmath][pairs]") {
  check_all(ReferenceMode::tiered, "mpmath_pairs.txt");
  check_all(ReferenceMode::mpfr, "mpmath_pairs.txt");
}
