// Captured 8-bit outputs in .npy files written here byte by byte (NPY format 1.0), in the three
// dtypes a framework's 8-bit results arrive in: '|V1' and '<V1' (numpy.save of an ml_dtypes
// float8 array: void items, which numpy spells with '|' or '<'), and '|u1' (a uint8 view).
// Outputs and expected counts come from the E4M3 definition written below (OCP OFP8 r1.0,
// Table 1 and 2), not from gelucheck's encoder; only the order of the inputs is the program's
// (Domain, the order `gelucheck inputs` writes), as it is the file contract.
#include <catch2/catch.hpp>

#include "cli_run.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "implementations/captured_outputs.hpp"
#include "implementations/user_kernels.hpp"  // measure_accuracy
#include "registered_functions.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"

using namespace gelucheck;
using namespace cli_test;

namespace {

// NPY format 1.0 (numpy/lib/format.py): "\x93NUMPY", major 1, minor 0, HEADER_LEN as uint16
// little-endian, then the header dict padded with spaces and ended by '\n' so that
// 10 + HEADER_LEN is a multiple of 64, then the data.
std::string npy_v1(std::string_view descr, const std::vector<uint8_t>& items) {
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({},), }}",
                                   descr, items.size());
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string f("\x93NUMPY\x01\x00", 8);
  f += char(header.size() & 0xff);
  f += char(header.size() >> 8);
  return f + header + std::string(items.begin(), items.end());
}

std::string write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// E4M3 (E4M3FN) from OFP8 r1.0: S.EEEE.MMM, bias 7; E = 0 is subnormal, M 2^-9; otherwise
// (1 + M/8) 2^(E-7); S.1111.111 is NaN (the only special: no infinity); largest 448 = 0x7e.
double e4m3_value(uint8_t b) {
  const int e = (b >> 3) & 15, m = b & 7;
  const double magnitude = e == 0 ? std::ldexp(m, -9) : std::ldexp(8 + m, e - 10);
  return b & 0x80 ? -magnitude : magnitude;
}

// v >= 0 rounded to E4M3, ties to even, saturating (a fused kernel with __NV_SATFINITE): the
// quantum of v's binade, 2^(floor(log2 v) - 3), is 2^-9 at least (the subnormals); v / q is
// exact in double for every v below (2 bf16 x: 8 bits), nearbyint rounds it ties to even.
uint8_t e4m3_saturating(double v) {
  if (v == 0) return 0;
  const double q = std::ldexp(1, std::max(std::ilogb(v) - 3, -9));
  const double r = std::nearbyint(v / q) * q;
  if (r > 448) return 0x7e;
  for (uint8_t b = 0; b <= 0x7e; ++b)
    if (e4m3_value(b) == r) return b;
  FAIL("no E4M3 pattern for " << r);
  return 0;
}

double bf16_value(uint32_t bits) {
  const uint32_t u = bits << 16;
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

std::vector<uint32_t> inputs_of(const Domain& d) {
  std::vector<uint32_t> x(d.size());
  d.fill(0, x.size(), x.data());
  return x;
}

// The dtypes 8-bit results are saved as, each with the bytes as they are: a one-byte item has
// no byte order.
constexpr const char* kEightBitDescrs[] = {"|V1", "<V1", "|u1"};

}  // namespace

TEST_CASE("captured e4m3 outputs as '|V1', '<V1' and '|u1' are graded as their bits",
          "[captured][pairs]") {
  // relu2_grad = 2 max(x, 0) over the 254 finite E4M3 values (-0 and +0 both; the two NaNs
  // left out), captured from a saturating kernel: 2x exactly, +0 for x <= 0, and 448 where 2x
  // exceeds 448. The reference is non-saturating: 2x rounds to NaN from the midpoint 464 up
  // (464 itself ties to 448, even fraction 110), so the 8 inputs 240 (0x77, 2x = 480) and
  // 256 .. 448 (0x78 .. 0x7e, exponent field 15) are saturated, differing by convention only.
  // Three outputs are then spoiled by hand:
  //   x = 1 (0x38):      2.25 (0x41) for 2 (0x40), +1 ULP (ulp(2) = 2^(1-3) = 0.25);
  //   x = -1 (0xb8):     -0 (0x80) for +0, a zero of the wrong sign;
  //   x = 2^-9 (0x01):   NaN (0x7f) for 2^-8 (0x02).
  // Expected: 254 points, 8 saturated, 1 NaN, 1 zero sign, 254 - 8 - 3 = 243 correctly rounded,
  // largest |ULP error| 1 at x = 1.
  const Domain d = Domain::exhaustive(e4m3, -INFINITY, INFINITY);
  const std::vector<uint32_t> x = inputs_of(d);
  REQUIRE(x.size() == 254);
  std::vector<uint8_t> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    y[i] = e4m3_saturating(2 * std::max(e4m3_value(uint8_t(x[i])), 0.0));
    if (x[i] == 0x38) y[i] = 0x41;
    if (x[i] == 0xb8) y[i] = 0x80;
    if (x[i] == 0x01) y[i] = 0x7f;
  }
  const std::string dir = test_dir("captured_8bit_e4m3");
  for (const char* descr : kEightBitDescrs) {
    INFO(descr);
    const std::string path = write_file(dir + "/y.npy", npy_v1(descr, y));
    const ErrorStats s = measure_accuracy(fns::relu2_grad, d, make_captured_implementation(path));
    CHECK(s.points == 254);
    CHECK(s.convention == 8);
    CHECK(s.nan == 1);
    CHECK(s.zero_sign == 1);
    CHECK(s.nonfinite == 0);
    CHECK(s.correctly_rounded == 243);
    CHECK(s.max_abs_ulp.value == 1);
    CHECK(s.max_abs_ulp.x == 0x38);
  }
  // The command line reads the same file (the last, '|u1') to the same counts.
  const Run r = run(fmt::format(
      "table -f relu2_grad -t e4m3 -i file:{}/y.npy --output json -o {}/t.json", dir, dir));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const nlohmann::json row = nlohmann::json::parse(read(dir + "/t.json"))["rows"][0];
  CHECK(row["points"] == 254);
  CHECK(row["saturated"] == 8);
  CHECK(row["correctly_rounded"] == 243);
}

TEST_CASE("captured bf16:e4m3 outputs as '|V1', '<V1' and '|u1' are graded in e4m3 units",
          "[captured][pairs]") {
  // relu2_grad from every finite bf16 input (65280) to E4M3, captured from the saturating
  // kernel above: 2x rounded once, ties to even. The reference rounds 2x without saturating:
  // NaN where 2x > 464, i.e. x > 232. Finite bf16 values above 232: 233 .. 255 in [128, 256)
  // (step 2^(7-7) = 1: 23 values) and the binades 2^8 .. 2^127 (120 x 128 = 15360): 15383
  // saturated. Two outputs spoiled by hand:
  //   x = 1 (0x3f80):    2.25 (0x41) for 2 (0x40), +1 ULP of E4M3;
  //   x = 3 (0x4040):    NaN (0x7f) for 6 = 1.1b 2^2 (0x4c).
  // Expected: 65280 points, 15383 saturated, 1 NaN, 65280 - 15383 - 2 = 49895 correctly
  // rounded, largest |ULP error| 1 at x = 1.
  const Format& pair = format_pair(bf16, e4m3);
  const Domain d = Domain::exhaustive(pair, -INFINITY, INFINITY);
  const std::vector<uint32_t> x = inputs_of(d);
  REQUIRE(x.size() == 65280);
  std::vector<uint8_t> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    y[i] = e4m3_saturating(2 * std::max(bf16_value(x[i]), 0.0));
    if (x[i] == 0x3f80) y[i] = 0x41;
    if (x[i] == 0x4040) {
      CHECK(y[i] == 0x4c);
      y[i] = 0x7f;
    }
  }
  const std::string dir = test_dir("captured_8bit_pair");
  for (const char* descr : kEightBitDescrs) {
    INFO(descr);
    const std::string path = write_file(dir + "/y.npy", npy_v1(descr, y));
    const ErrorStats s = measure_accuracy(fns::relu2_grad, d, make_captured_implementation(path));
    CHECK(s.points == 65280);
    CHECK(s.convention == 15383);
    CHECK(s.nan == 1);
    CHECK(s.zero_sign == 0);
    CHECK(s.nonfinite == 0);
    CHECK(s.correctly_rounded == 49895);
    CHECK(s.max_abs_ulp.value == 1);
    CHECK(s.max_abs_ulp.x == 0x3f80);
  }
  const Run r = run(fmt::format(
      "table -f relu2_grad -t bf16:e4m3 -i file:{}/y.npy --output json -o {}/t.json", dir, dir));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const nlohmann::json row = nlohmann::json::parse(read(dir + "/t.json"))["rows"][0];
  CHECK(row["points"] == 65280);
  CHECK(row["saturated"] == 15383);
  CHECK(row["correctly_rounded"] == 49895);
}

TEST_CASE("captured 8-bit outputs of the wrong item size exit 2 with one line saying what fits",
          "[captured][pairs]") {
  // 254 items, the length of the e4m3 sweep.
  const std::string dir = test_dir("captured_8bit_refused");
  const std::vector<uint8_t> two_bytes(2 * 254, 0);
  // fp16 0x3c01 = 1 + 2^-10, stored little-endian: 11 significant bits, not an E4M3 value.
  std::vector<uint8_t> half_values;
  for (int i = 0; i < 254; ++i) half_values.insert(half_values.end(), {0x01, 0x3c});
  const struct {
    const char* descr;
    const std::vector<uint8_t>& data;
    const char* why;  // {}: the format graded
  } cases[] = {
      {"|V2", two_bytes, "holds 254 void16 values (shape (254,)); {} outputs must be "},
      {"<V2", two_bytes, "holds 254 void16 values (shape (254,)); {} outputs must be "},
      {"<u2", two_bytes, "holds 254 uint16 values (shape (254,)); {} outputs must be "},
      {"<f2", half_values,
       "element 0 is 1.0009765625 (0x1.004p+0), which is not an e4m3 value: the file must hold "
       "outputs already rounded to e4m3 ("},
  };
  for (const auto& c : cases) {
    INFO(c.descr);
    // The header numbers items, not bytes: two-byte items make the data 2 x 254 bytes.
    std::string file = npy_v1(c.descr, std::vector<uint8_t>(254));
    file.resize(file.size() - 254);
    file += std::string(c.data.begin(), c.data.end());
    write_file(dir + "/y.npy", file);
    for (const char* format : {"e4m3", "bf16:e4m3"}) {
      INFO(format);
      // The dtype is refused before the length is compared with the sweep's.
      const Run r = run(fmt::format("table -f relu2_grad -t {} -i file:{}/y.npy", format, dir));
      CHECK(r.status == 2);
      CHECK(r.output.find('\n') == r.output.size() - 1);  // one line
      CHECK_THAT(r.output, Catch::StartsWith("gelucheck: error: file:") &&
                               Catch::Contains(fmt::format(fmt::runtime(c.why), format)) &&
                               Catch::Contains("uint8 or int8 bit patterns ('|u1', '|i1'") &&
                               Catch::Contains("an ml_dtypes float8 array saved with "
                                               "numpy.save (void items '|V1' or '<V1')"));
    }
  }
}
