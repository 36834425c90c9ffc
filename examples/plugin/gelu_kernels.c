/* Example GELU kernels for gelucheck's plugin ABI (gelucheck/plugin_abi.h).
 *
 *   gelu_erf_f32            float(float): exact GELU as 0.5 x erfc(-x/sqrt 2) in float, the
 *                           stable form (no 1 + erf cancellation for x << 0).
 *   gelu_erf_bf16           bits16: the same on bfloat16 bit patterns, computed in float and
 *                           rounded once to bf16, to nearest even (as c10::BFloat16 rounds).
 *   gelu_erf_grad_f32       float(float): the backward, Phi(x) + x phi(x) as
 *                           0.5 erfc(-x/sqrt 2) + x exp(-x^2/2)/sqrt(2 pi), in float.
 *   gelu_erf_bf16_degraded  bits16: deliberately degraded, for the failing CI example: the
 *                           textbook 0.5 x (1 + erf(x/sqrt 2)) (cancellation for x << 0) and a
 *                           result truncated to bf16 instead of rounded. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gelucheck/plugin_abi.h>

#define EXPORT __attribute__((visibility("default")))

/* M_SQRT1_2 rounded to float, as a kernel's (float)M_SQRT1_2 is. */
static const float kSqrt1_2 = 0.70710678118654752440f;

static float bf16_to_float(uint16_t b) {
  const uint32_t u = (uint32_t)b << 16; /* exact: bf16 is the top half of a binary32 */
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* Round to nearest even on the bit pattern; NaN stays a quiet NaN. */
static uint16_t float_to_bf16_rounded(float y) {
  uint32_t u;
  memcpy(&u, &y, sizeof u);
  if (isnan(y)) return (uint16_t)((u >> 16) | 0x0040);
  return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

static uint16_t float_to_bf16_truncated(float y) {
  uint32_t u;
  memcpy(&u, &y, sizeof u);
  return (uint16_t)(u >> 16);
}

EXPORT float gelu_erf_f32(float x) { return 0.5f * x * erfcf(-x * kSqrt1_2); }

/* 1/sqrt(2 pi) rounded to float. */
static const float kInvSqrt2Pi = 0.39894228040143267794f;

EXPORT float gelu_erf_grad_f32(float x) {
  return 0.5f * erfcf(-x * kSqrt1_2) + x * expf(-0.5f * x * x) * kInvSqrt2Pi;
}

EXPORT void gelu_erf_bf16(const uint16_t *in, uint16_t *out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = float_to_bf16_rounded(gelu_erf_f32(bf16_to_float(in[i])));
}

EXPORT void gelu_erf_bf16_degraded(const uint16_t *in, uint16_t *out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float x = bf16_to_float(in[i]);
    out[i] = float_to_bf16_truncated(0.5f * x * (1.0f + erff(x * kSqrt1_2)));
  }
}

/* The compiler checks the signatures against the ABI. */
static const gelucheck_float_kernel check_f32 __attribute__((unused)) = gelu_erf_f32;
static const gelucheck_float_kernel check_grad __attribute__((unused)) = gelu_erf_grad_f32;
static const gelucheck_bits16_kernel check_bf16 __attribute__((unused)) = gelu_erf_bf16;
static const gelucheck_bits16_kernel check_degraded __attribute__((unused)) =
    gelu_erf_bf16_degraded;
