// Kernels for the plugin tests, with errors known in closed form (see the tests that use them).
#include <cmath>
#include <cstring>
#include <type_traits>

#include "implementations/plugin_abi.h"

extern "C" {

// Always +0.
float zero_f32(float) { return 0.0f; }

// tanhf: within a few float ULP of tanh, so within 0.5 + 2^-14 bf16 ULP once rounded to bf16.
float tanh_f32(float x) { return std::tanh(x); }

// max(x, 0)^2 in float, as ggml's CUDA op_relu_sqr writes it.
float relu2_f32(float x) {
  const float r = std::fmax(x, 0.0f);
  return r * r;
}

// NaN (bf16 0x7fc0) where |x| > 4, the input itself elsewhere.
void nan_above_4_bits16(const uint16_t* in, uint16_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t u = uint32_t(in[i]) << 16;
    float x;
    std::memcpy(&x, &u, sizeof x);
    out[i] = std::fabs(x) > 4.0f ? uint16_t{0x7fc0} : in[i];
  }
}

}  // extern "C"

static_assert(std::is_same_v<decltype(&zero_f32), gelucheck_float_kernel>);
static_assert(std::is_same_v<decltype(&nan_above_4_bits16), gelucheck_bits16_kernel>);
