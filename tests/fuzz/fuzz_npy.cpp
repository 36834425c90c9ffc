// Fuzz target: the .npy reader (io/npy.hpp) and the conversion of captured outputs on arbitrary
// bytes. Malformed input must end in a UsageError; an accepted array's data must be exactly its
// shape's elements.
#include <cstddef>
#include <cstdint>
#include <span>

#include "implementations/captured_outputs.hpp"
#include "io/errors.hpp"
#include "io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gelucheck;
  try {
    const NpyArray a = parse_npy(std::span(data, size), "fuzz");
    if (a.data.size() != a.count() * uint64_t(a.dtype.item_bytes)) __builtin_trap();
    if (a.count() > 0) (void)a.raw_element(a.count() - 1);
    for (const Format* f : all_formats) {
      try {
        if (npy_outputs_as_bits(a, *f, "fuzz").size() != a.count()) __builtin_trap();
      } catch (const UsageError&) {
      }
    }
  } catch (const UsageError&) {
  }
  return 0;
}
