/* The C ABI of gelucheck kernel plugins: implementation names plugin:PATH.so:SYMBOL[:KIND].
 *
 * A plugin is a shared library (built with -shared -fPIC) that exports, with C linkage, one
 * function per kernel, of one of these kinds:
 *
 *   KIND float  (the default)  float SYMBOL(float x);
 *     Inputs of every format are widened exactly to float. For fp16 and bf16 the float result
 *     is rounded once, to nearest even, to the format, as a kernel that computes in float and
 *     stores half or bfloat16 does; for a pair (-t bf16:e4m3, --scale S) it is multiplied by S
 *     in float and rounded once to the output format (non-saturating).
 *
 *   KIND bits16                void SYMBOL(const uint16_t *in, uint16_t *out, size_t n);
 *     out[i] = f(in[i]) on binary16 or bfloat16 bit patterns (the format is the one the
 *     command grades, -t fp16 or -t bf16): the kernel's own rounding is graded.
 *
 *   KIND bits8   void SYMBOL(const uint8_t *in, uint8_t *out, size_t n, float scale);
 *     out[i] = q(scale * f(in[i])) on 8-bit patterns (FP8: -t e4m3, e5m2, e4m3fnuz, e5m2fnuz;
 *     MX FP6 and FP4 in the low bits of each byte: -t e2m3, e3m2, e2m1; or a pair of them,
 *     -t e5m2:e4m3). scale is the per-tensor scale of --scale (1 without it).
 *
 *   KIND bits16to8  void SYMBOL(const uint16_t *in, uint8_t *out, size_t n, float scale);
 *     A fused activation + quantization: 16-bit inputs (fp16 or bf16) to 8-bit or narrower
 *     results, out[i] = q(scale * f(in[i])), graded as the pair -t bf16:e4m3 (--scale S).
 *   KIND batch32               void SYMBOL(const float *in, float *out, size_t n);
 *     out[i] = f(in[i]) on fp32 values, a batch at a time (up to 2048 per call in a sweep), for
 *     vectorised float kernels; fp32 only: graded on its own float results.
 *
 * The kind is not visible in a shared library, so the name must state it: a bits16 kernel
 * loaded as float is called with the wrong signature. Kernels are called from several threads
 * at once on disjoint arrays and must be thread-safe (a pure function of their input).
 * Include this header from C or C++ to have the compiler check a kernel's signature. */
#ifndef GELUCHECK_PLUGIN_ABI_H
#define GELUCHECK_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef float (*gelucheck_float_kernel)(float x);
typedef void (*gelucheck_bits16_kernel)(const uint16_t *in, uint16_t *out, size_t n);
typedef void (*gelucheck_bits8_kernel)(const uint8_t *in, uint8_t *out, size_t n, float scale);
typedef void (*gelucheck_bits16to8_kernel)(const uint16_t *in, uint8_t *out, size_t n, float scale);
typedef void (*gelucheck_batch32_kernel)(const float *in, float *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* GELUCHECK_PLUGIN_ABI_H */
