// Kernels for the plugin tests, with errors known in closed form (see the tests that use them).
#include <cmath>
#include <cstdio>
#include <cstdlib>
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

// tanh_f32 a batch at a time, as a vectorised fp32 kernel is called (KIND batch32).
void tanh_batch32(const float* in, float* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
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

// Kernels that misbehave at x = 1.5 and return x elsewhere, for the isolation tests: a segfault,
// abort(), exit(0) (which would end a gate with status 0 if it ran in gelucheck's process), an
// endless loop, and one that writes to standard output on every call.
float crash_at_1_5(float x) {
  if (x == 1.5f) {
    volatile int* p = nullptr;
    return float(*p);
  }
  return x;
}
float abort_at_1_5(float x) {
  if (x == 1.5f) std::abort();
  return x;
}
float exit_at_1_5(float x) {
  if (x == 1.5f) std::exit(0);
  return x;
}
float loop_at_1_5(float x) {
  volatile bool forever = x == 1.5f;
  while (forever) {
  }
  return x;
}
float prints(float x) {
  std::printf("kernel output\n");
  return x;
}

}  // extern "C"

static_assert(std::is_same_v<decltype(&zero_f32), gelucheck_float_kernel>);
static_assert(std::is_same_v<decltype(&nan_above_4_bits16), gelucheck_bits16_kernel>);
static_assert(std::is_same_v<decltype(&tanh_batch32), gelucheck_batch32_kernel>);
