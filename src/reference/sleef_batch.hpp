// SLEEF's elementary functions over arrays of doubles, through its vector functions: AVX2 (4
// lanes) where the processor has it, SSE2 (2 lanes) on every other x86-64, scalar elsewhere.
// Every variant has the accuracy SLEEF documents for its name, whatever the lane count: erf,
// exp, tanh and log1p within 1.0 ULP (u10), erfc within 1.5 ULP (u15). The vector forms run 4 to 7
// times faster per value than the scalar ones (README, Performance).
#pragma once

#include <cstddef>
#include <cstdint>

namespace gelucheck {

enum class SleefFunction : uint8_t { erf, erfc, exp, tanh, log1p };
inline constexpr size_t kSleefFunctions = 5;

// out[i] = fn(in[i]) for i < n.
void sleef_batch(SleefFunction fn, const double* in, double* out, size_t n);

// fn(x) by SLEEF's scalar function of the same accuracy, for one value. The fast tier's formulas
// take their SLEEF values in batches (record, evaluate, replay: reference/tiers.hpp), which needs
// every argument known before any value is; an argument that is itself a SLEEF value (log1p of
// an exp) is computed with this instead.
double sleef_one(SleefFunction fn, double x);

// The variant sleef_batch uses on this machine: "avx2", "sse2" or "scalar".
const char* sleef_batch_variant();

}  // namespace gelucheck
