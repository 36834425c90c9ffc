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

// relu2' = 2 max(x, 0) on E4M3 patterns by bit arithmetic (KIND bits8; the scale is ignored):
// doubling a subnormal m 2^-9 gives 2m 2^-9, whose pattern is 2m (from 8 on exponent field 1
// and fraction 2m - 8, the same number); a normal value's exponent field goes up by one (+8,
// which takes 240 = 0x77 to 0x7f, E4M3's NaN); exponent field 15 (256 to 448) would double
// beyond 448 and saturates to 448 (0x7e). Negative inputs give +0.
void relu2_grad_e4m3_bits8(const uint8_t* in, uint8_t* out, size_t n, float) {
  for (size_t i = 0; i < n; ++i) {
    const unsigned b = in[i];
    if (b & 0x80)
      out[i] = 0;
    else if (b < 8)
      out[i] = uint8_t(2 * b);
    else
      out[i] = (b >> 3) < 15 ? uint8_t(b + 8) : uint8_t{0x7e};
  }
}

// relu2' = 2 max(x, 0) from bf16 inputs to E4M3, times the scale, rounded to nearest even and
// saturating (KIND bits16to8), written from the OFP8 definition of E4M3 (bias 7, 3 fraction
// bits, smallest subnormal 2^-9, largest value 448 = 0x7e) without gelucheck's code: v = x (2 s)
// in float (exact for the scales the tests use; 2 s first, so that 2x does not overflow float
// at x >= 2^127 when s < 1), quantum q = 2^(floor(log2 v) - 3), at least 2^-9,
// v rounded to a multiple of q by nearbyint (the default rounding: ties to even), encoded.
void relu2_grad_bf16_to_e4m3_bits16to8(const uint16_t* in, uint8_t* out, size_t n, float scale) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t u = uint32_t(in[i]) << 16;
    float x;
    std::memcpy(&x, &u, sizeof x);
    const float v = std::fmax(x, 0.0f) * (2 * scale);
    if (!(v > 0)) {
      out[i] = 0;
      continue;
    }
    const int e = std::ilogb(v);
    const float q = std::ldexp(1.0f, e - 3 > -9 ? e - 3 : -9);
    const float r = std::nearbyint(v / q) * q;
    if (r > 448.0f) {
      out[i] = 0x7e;
    } else if (r < 0x1p-6f) {
      out[i] = uint8_t(r / 0x1p-9f);  // subnormal: r = m 2^-9 (r = 2^-6 is normal, below)
    } else {
      const int er = std::ilogb(r);
      out[i] = uint8_t(((er + 7) << 3) | (int(std::ldexp(r, -er) * 8) - 8));
    }
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
static_assert(std::is_same_v<decltype(&relu2_grad_e4m3_bits8), gelucheck_bits8_kernel>);
static_assert(
    std::is_same_v<decltype(&relu2_grad_bf16_to_e4m3_bits16to8), gelucheck_bits16to8_kernel>);
