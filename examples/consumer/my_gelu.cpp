#include "my_gelu.hpp"

#include <bit>
#include <cmath>

float my_gelu_float(float x) {
  // 0.5 x erfc(-x/sqrt 2): no 1 + erf cancellation for x << 0.
  return 0.5f * x * std::erfc(-x * 0.70710678118654752440f);
}

void my_gelu_bf16(const uint16_t* in, uint16_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float x = std::bit_cast<float>(uint32_t(in[i]) << 16);
    const uint32_t y = std::bit_cast<uint32_t>(my_gelu_float(x));
    // Round to nearest even on the bits (NaN stays NaN).
    out[i] = std::isnan(my_gelu_float(x)) ? uint16_t((y >> 16) | 0x40)
                                          : uint16_t((y + 0x7fff + ((y >> 16) & 1)) >> 16);
  }
}
