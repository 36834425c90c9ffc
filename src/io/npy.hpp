// NumPy .npy files: the format numpy.save writes and numpy.load reads (and torch, JAX and CuPy
// through numpy), versions 1.0, 2.0 and 3.0, as specified in numpy/lib/format.py
// (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
//
//   "\x93NUMPY"  major  minor  HEADER_LEN (uint16 LE for 1.0, uint32 LE for 2.0/3.0)  HEADER  DATA
//
// HEADER is a Python dict literal, e.g. "{'descr': '<f2', 'fortran_order': False, 'shape':
// (65536,), }", padded with spaces and ended by '\n' so that DATA starts on a multiple of 64 bytes.
// DATA is the elements in C (row-major) order, or Fortran order when fortran_order is True.
//
// Only plain numeric dtypes are read: floats (f2, f4, f8), unsigned and signed integers (u1..u8,
// i1..i8), in either byte order. Structured, object, string, complex and datetime dtypes are
// refused with a message saying what is accepted.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gelucheck {

struct NpyDtype {
  char kind = 'f';          // 'f' float, 'u' unsigned integer, 'i' signed integer, 'V' void
  int item_bytes = 4;       // 1, 2, 4 or 8 (floats: 2, 4 or 8)
  bool big_endian = false;  // byte order of the elements in DATA

  std::string descr() const;  // numpy's spelling, e.g. "<f2", ">u4", "|u1"
  std::string name() const;   // numpy's dtype name, e.g. "float16", "uint16"
  friend bool operator==(const NpyDtype&, const NpyDtype&) = default;
};

inline constexpr NpyDtype kNpyFloat16{'f', 2, false};
inline constexpr NpyDtype kNpyFloat32{'f', 4, false};
inline constexpr NpyDtype kNpyUint16{'u', 2, false};
inline constexpr NpyDtype kNpyUint32{'u', 4, false};

struct NpyArray {
  NpyDtype dtype;
  std::vector<uint64_t> shape;  // empty for a 0-d array (one element)
  bool fortran_order = false;
  std::vector<uint8_t> data;  // the elements as stored, dtype.item_bytes each, file byte order

  uint64_t count() const;  // product of shape
  // Element i in storage order, its bytes read in the file's byte order into the low
  // 8 * item_bytes bits (no sign extension).
  uint64_t raw_element(uint64_t i) const;
  // "(65536,)" or "(256, 256)", as numpy prints shapes.
  std::string shape_text() const;
};

// Reads a whole .npy file. Throws UsageError naming the file and what is wrong (no magic,
// truncated header, unsupported version or dtype, data shorter or longer than the shape says).
NpyArray read_npy(const std::string& path);
// The same from bytes in memory; `what` names the source in messages.
NpyArray parse_npy(std::span<const uint8_t> bytes, std::string_view what);

// Whether bytes start with the .npy magic string "\x93NUMPY".
bool has_npy_magic(std::span<const uint8_t> bytes);

// The preamble (magic, version, header length, padded header) of a C-order array, version 1.0
// when the header fits (as numpy.save chooses), else 2.0.
std::string npy_preamble(const NpyDtype& dtype, std::span<const uint64_t> shape);

// Writes a 1-d .npy file through OutputFile (temporary name, then rename): `elements` are the
// values' low 8 * item_bytes bits, stored little-endian (dtype.big_endian must be false).
void write_npy_1d(const std::string& path, const NpyDtype& dtype,
                  std::span<const uint64_t> elements);

}  // namespace gelucheck
