// The .npy reader and writer on hand-written files: each header below is spelled out byte by
// byte from the format specification (numpy/lib/format.py), so the expected values are those
// bytes, not the reader's output. Files written by numpy itself: test_npy_numpy.cpp.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "io/errors.hpp"
#include "io/npy.hpp"

using namespace gelucheck;

namespace {

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

// Magic, version 1.0, 2-byte little-endian header length, header, data.
std::vector<uint8_t> v1_file(std::string header, std::string_view data) {
  std::string f("\x93NUMPY\x01\x00", 8);
  f += char(header.size() & 0xff);
  f += char(header.size() >> 8);
  return bytes_of(f + header + std::string(data));
}

std::string error_of(const std::vector<uint8_t>& file) {
  try {
    parse_npy(file, "t.npy");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a version 1.0 header is read: dtype, shape, order, little-endian elements", "[npy]") {
  // Two float16 values, 1.0 = 0x3c00 and -2.0 = 0xc000, stored little-endian.
  const auto file = v1_file("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }\n",
                            std::string_view("\x00\x3c\x00\xc0", 4));
  const NpyArray a = parse_npy(file, "t.npy");
  CHECK(a.dtype == kNpyFloat16);
  CHECK(a.dtype.descr() == "<f2");
  CHECK(a.dtype.name() == "float16");
  CHECK(a.shape == std::vector<uint64_t>{2});
  CHECK(a.shape_text() == "(2,)");
  CHECK_FALSE(a.fortran_order);
  CHECK(a.count() == 2);
  CHECK(a.raw_element(0) == 0x3c00);
  CHECK(a.raw_element(1) == 0xc000);
}

TEST_CASE("big-endian elements, double quotes, Python 2 longs and no trailing comma", "[npy]") {
  const auto file = v1_file(R"({"descr": ">u4", "shape": (1L, 2L), "fortran_order": True})"
                            "\n",
                            std::string_view("\x12\x34\x56\x78\x9a\xbc\xde\xf0", 8));
  const NpyArray a = parse_npy(file, "t.npy");
  CHECK(a.dtype == NpyDtype{'u', 4, true});
  CHECK(a.dtype.name() == "uint32 (big-endian)");
  CHECK(a.shape == std::vector<uint64_t>{1, 2});
  CHECK(a.fortran_order);
  CHECK(a.raw_element(0) == 0x12345678);
  CHECK(a.raw_element(1) == 0x9abcdef0);
}

TEST_CASE("a version 2.0 header has a 4-byte length", "[npy]") {
  const std::string header = "{'descr': '<i2', 'fortran_order': False, 'shape': (), }\n";
  std::string f("\x93NUMPY\x02\x00", 8);
  f += std::string{char(header.size()), 0, 0, 0};
  const NpyArray a = parse_npy(bytes_of(f + header + std::string("\xff\xff", 2)), "t.npy");
  CHECK(a.shape.empty());  // 0-d: one element
  CHECK(a.count() == 1);
  CHECK(a.raw_element(0) == 0xffff);  // no sign extension
}

TEST_CASE("malformed files are refused with what is wrong", "[npy]") {
  const std::string ok = "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }\n";
  const std::string_view two("\x00\x3c\x00\xc0", 4);
  CHECK_THAT(error_of(bytes_of("PK\x03\x04 not npy")), Catch::Contains("not a .npy file"));
  CHECK_THAT(error_of(bytes_of(std::string("\x93NUMPY\x09\x00\x00\x00", 10))),
             Catch::Contains("version 9.0 is not supported"));
  CHECK_THAT(error_of(bytes_of(std::string("\x93NUMPY\x01\x00\xff\x00{", 11))),
             Catch::Contains("truncated .npy header (255 bytes announced, 1 present)"));
  CHECK_THAT(error_of(v1_file(ok, two.substr(0, 3))),
             Catch::Contains("shape (2,) of float16, which needs 4 bytes of data, but the file "
                             "holds 3 bytes"));
  CHECK_THAT(error_of(v1_file(ok, std::string_view("\x00\x3c\x00\xc0\x00", 5))),
             Catch::Contains("needs 4 bytes of data, but the file holds 5 bytes"));
  CHECK_THAT(error_of(v1_file("{'descr': '<f2', 'shape': (2,)}\n", two)),
             Catch::Contains("no 'fortran_order' key"));
  CHECK_THAT(error_of(v1_file("{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}\n", two)),
             Catch::Contains("unsupported dtype '<c8' (complex)"));
  CHECK_THAT(error_of(v1_file("{'descr': '<f2', 'fortran_order': False, 'shape': (2,)\n", two)),
             Catch::Contains("malformed .npy header"));
  CHECK_THAT(
      error_of(v1_file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}\n", two)),
      Catch::Contains("structured dtype"));
  CHECK_THAT(error_of(v1_file("{'descr': '<f2', 'fortran_order': False, 'shape': "
                              "(4294967296, 4294967296, 2)}\n",
                              "")),
             Catch::Contains("more than 2^64"));
  CHECK_THAT(error_of(v1_file("{'descr': '<f2', 'fortran_order': 0, 'shape': (2,)}\n", two)),
             Catch::Contains("'fortran_order' is not True or False"));
}

TEST_CASE("the preamble numpy.save would write: v1.0, padded to 64 bytes, newline", "[npy]") {
  const uint64_t shape[] = {65536};
  const std::string p = npy_preamble(kNpyUint16, shape);
  // The header numpy 1.24 writes for numpy.save(f, numpy.zeros(65536, numpy.uint16)).
  const std::string header = "{'descr': '<u2', 'fortran_order': False, 'shape': (65536,), }";
  REQUIRE(p.size() == 128);  // 10 + 59 + padding + '\n' rounded up to a multiple of 64
  CHECK(p.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  CHECK(uint8_t(p[8]) + 256 * uint8_t(p[9]) == 118);
  CHECK(p.substr(10, header.size()) == header);
  CHECK(p.back() == '\n');
  CHECK(p.find_first_not_of(' ', 10 + header.size()) == p.size() - 1);
  // And the reader reads it back.
  const NpyArray a = parse_npy(bytes_of(p + std::string(131072, '\0')), "t.npy");
  CHECK(a.dtype == kNpyUint16);
  CHECK(a.shape == std::vector<uint64_t>{65536});
}
