// The .npy reader against files numpy writes (npy_numpy_files.py, run as a CTest fixture), and
// the writer against numpy's reader. Expected contents come from numpy: each NAME.expect lists
// the dtype, order and shape numpy reports and every element's bits in storage order.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "implementations/captured_outputs.hpp"
#include "io/errors.hpp"
#include "io/npy.hpp"

using namespace gelucheck;

namespace {

std::string numpy_file(const std::string& name) {
  return std::string(GELUCHECK_NUMPY_FILES) + "/" + name;
}

struct Expected {
  std::string descr;
  bool fortran = false;
  std::vector<uint64_t> shape;
  std::vector<uint64_t> bits;
};

Expected read_expected(const std::string& name) {
  std::ifstream in(numpy_file(name + ".expect"));
  REQUIRE(in);
  Expected e;
  std::string shape;
  int fortran = 0;
  in >> e.descr >> fortran >> shape;
  e.fortran = fortran != 0;
  if (shape != "-") {
    std::stringstream ss(shape);
    for (std::string part; std::getline(ss, part, 'x');) e.shape.push_back(std::stoull(part));
  }
  for (std::string hex; in >> hex;) e.bits.push_back(std::stoull(hex, nullptr, 16));
  return e;
}

std::string refusal(const std::string& name) {
  try {
    read_npy(numpy_file(name));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("files numpy writes are read element for element", "[npy][numpy]") {
  for (const char* name : {"float16_le",
                           "float16_be",
                           "uint16",
                           "int16",
                           "uint16_be",
                           "float32_le",
                           "float32_be",
                           "uint32",
                           "float64",
                           "uint8",
                           "c_order_2d",
                           "fortran_2d",
                           "scalar_0d",
                           "empty",
                           "version_2",
                           "version_3",
                           "bf16_values_as_float32",
                           "void2",
                           "void2_lt",
                           "void1"}) {
    INFO(name);
    const Expected e = read_expected(name);
    const NpyArray a = read_npy(numpy_file(std::string(name) + ".npy"));
    CHECK(a.dtype.descr() == e.descr);
    CHECK(a.fortran_order == e.fortran);
    CHECK(a.shape == e.shape);
    REQUIRE(a.count() == e.bits.size());
    uint64_t mismatches = 0, first = 0;
    for (uint64_t i = 0; i < a.count(); ++i) {
      if (a.raw_element(i) != e.bits[i] && mismatches++ == 0) first = i;
    }
    if (mismatches)
      FAIL_CHECK(fmt::format("{} mismatches; first at element {}: read {:#x}, numpy {:#x}",
                             mismatches, first, a.raw_element(first), e.bits[first]));
  }
}

TEST_CASE("dtypes numpy can write but outputs cannot be are refused by name", "[npy][numpy]") {
  CHECK_THAT(refusal("structured.npy"), Catch::Contains("structured dtype"));
  CHECK_THAT(refusal("complex.npy"), Catch::Contains("unsupported dtype '<c8' (complex)"));
  CHECK_THAT(refusal("boolean.npy"), Catch::Contains("unsupported dtype '|b1' (boolean)"));
}

TEST_CASE("numpy files become output bits of a format, or are refused saying why",
          "[npy][numpy][captured]") {
  SECTION("float16 values are fp16 bits; big-endian too") {
    for (const char* name : {"float16_le.npy", "float16_be.npy", "version_3.npy"}) {
      const auto bits = npy_outputs_as_bits(read_npy(numpy_file(name)), fp16, "file:x");
      REQUIRE(bits.size() == 65536);
      uint64_t mismatches = 0;
      for (uint32_t i = 0; i < 65536; ++i) mismatches += bits[i] != i;  // numpy.arange(65536)
      CHECK(mismatches == 0);
    }
  }
  SECTION("int16 and uint16 are bit patterns of either 16-bit format") {
    const auto bits = npy_outputs_as_bits(read_npy(numpy_file("int16.npy")), bf16, "file:x");
    CHECK(bits[0x8000] == 0x8000);
    CHECK(bits[0xffff] == 0xffff);
  }
  SECTION("void items ('<V2', '|V2': numpy.save of an ml_dtypes bfloat16 array) are bits") {
    for (const char* name : {"void2.npy", "void2_lt.npy"}) {
      const auto bits = npy_outputs_as_bits(read_npy(numpy_file(name)), bf16, "file:x");
      REQUIRE(bits.size() == 65536);
      uint64_t mismatches = 0;
      for (uint32_t i = 0; i < 65536; ++i) mismatches += bits[i] != i;  // numpy.arange(65536)
      CHECK(mismatches == 0);
    }
    CHECK_THROWS_WITH(npy_outputs_as_bits(read_npy(numpy_file("void1.npy")), bf16, "file:x"),
                      Catch::Contains("holds 256 void8 values"));
  }
  SECTION("float32 values that are all bf16 values are accepted exactly; NaNs stay NaN") {
    const auto bits =
        npy_outputs_as_bits(read_npy(numpy_file("bf16_values_as_float32.npy")), bf16, "file:x");
    uint64_t mismatches = 0;
    for (uint32_t i = 0; i < 65536; ++i)
      mismatches += is_nan(bf16, i) ? !is_nan(bf16, bits[i]) : bits[i] != i;
    CHECK(mismatches == 0);
  }
  SECTION("a float32 value that is not a bf16 value is named") {
    const NpyArray a = read_npy(numpy_file("not_bf16_float32.npy"));
    // Element 1000 is 1 + 2^-10 (npy_numpy_files.py), which needs 11 significant bits.
    CHECK_THROWS_WITH(npy_outputs_as_bits(a, bf16, "file:x"),
                      Catch::Contains("element 1000 is 1.0009765625 (0x1.004p+0), which is not "
                                      "a bf16 value"));
  }
  SECTION("float16 cannot hold bf16 outputs; the message lists what can") {
    CHECK_THROWS_WITH(
        npy_outputs_as_bits(read_npy(numpy_file("float16_le.npy")), bf16, "file:x"),
        Catch::Contains("file:x holds 65536 float16 values (shape (65536,)); bf16 outputs must "
                        "be bfloat16 bit patterns as uint16, int16 or void"));
    CHECK_THROWS_WITH(npy_outputs_as_bits(read_npy(numpy_file("uint8.npy")), fp16, "file:x"),
                      Catch::Contains("holds 256 uint8 values"));
  }
  SECTION("Fortran order with two non-unit dimensions is refused; C order is flattened") {
    CHECK_THROWS_WITH(npy_outputs_as_bits(read_npy(numpy_file("fortran_2d.npy")), fp16, "f"),
                      Catch::Contains("Fortran-ordered"));
    const auto bits = npy_outputs_as_bits(read_npy(numpy_file("c_order_2d.npy")), fp16, "f");
    CHECK(bits[257] == 257);
  }
}

TEST_CASE("files the writer writes are read back by numpy.load", "[npy][numpy]") {
  const std::string path = std::string(GELUCHECK_TEST_DATA_DIR) + "/writer_check.npy";
  std::vector<uint64_t> values;
  for (uint64_t i = 0; i < 70000; ++i) values.push_back((i * 2654435761u) & 0xffffffff);
  write_npy_1d(path, kNpyUint32, values);
  // numpy checks dtype, shape and the sum of the values (computed here independently).
  uint64_t sum = 0;
  for (uint64_t v : values) sum += v;
  const std::string command = fmt::format(
      "{} -c \"import numpy as n, sys; a = n.load('{}'); "
      "sys.exit(0 if a.dtype == n.uint32 and a.shape == (70000,) and int(a.astype(n.uint64).sum()) "
      "== {} and int(a[1]) == {} else 1)\"",
      GELUCHECK_PYTHON3, path, sum, values[1]);
  CHECK(std::system(command.c_str()) == 0);
  std::remove(path.c_str());
}
