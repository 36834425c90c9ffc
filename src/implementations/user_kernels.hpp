// Implementations made from a user's own kernel: for a C++ project that grades its kernel inside
// its own tests (find_package(gelucheck), examples/consumer), and for plugin:PATH.so:SYMBOL.
//
// Two kernel shapes, the same as the plugin ABI (plugin_abi.h):
//  - a scalar float function, float f(float): inputs of every format are widened exactly to
//    float; for a 16-bit format the float result is rounded once, to nearest even, to the format
//    (as a kernel that computes in float and stores half or bfloat16 does);
//  - a batch kernel over 16-bit bit patterns, void f(const uint16_t* in, uint16_t* out, size_t n):
//    fp16 or bf16 kernels graded on their own bits, rounding included. 16-bit formats only;
//  - batch kernels with 8-bit (or narrower) results and the per-tensor scale: 8-bit inputs
//    (void f(const uint8_t*, uint8_t*, size_t n, float scale)) or 16-bit inputs (a fused
//    activation + quantization, void f(const uint16_t*, uint8_t*, size_t n, float scale)).
//  - a batch kernel over fp32 values, void f(const float* in, float* out, size_t n), for
//    vectorised float kernels. fp32 only.
//
// A kernel grades whatever function it is asked for (a kernel is one function): pass the function
// it computes. Sweeps call kernels from several threads at once, on disjoint batches; a kernel
// that is not thread-safe must be run with SweepOptions::threads = 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"
#include "sweep/stats.hpp"

namespace gelucheck {

using ScalarFloatKernel = std::function<float(float)>;
using Bits16Kernel = std::function<void(const uint16_t* in, uint16_t* out, size_t n)>;
using Batch32Kernel = std::function<void(const float* in, float* out, size_t n)>;

Implementation implementation_from_float_function(std::string name, ScalarFloatKernel kernel);
Implementation implementation_from_bits16_kernel(std::string name, Bits16Kernel kernel);
using Bits8Kernel = std::function<void(const uint8_t* in, uint8_t* out, size_t n, float scale)>;
using Bits16To8Kernel =
    std::function<void(const uint16_t* in, uint8_t* out, size_t n, float scale)>;
Implementation implementation_from_bits8_kernel(std::string name, Bits8Kernel kernel);
Implementation implementation_from_bits16to8_kernel(std::string name, Bits16To8Kernel kernel);
Implementation implementation_from_batch32_kernel(std::string name, Batch32Kernel kernel);

// The statistics of one implementation of `fn` over `domain` (sweep.hpp, one implementation).
// Throws UsageError if the implementation does not provide fn in the domain's format.
ErrorStats measure_accuracy(Function fn, const Domain& domain, const Implementation& impl,
                            const SweepOptions& options = {});

}  // namespace gelucheck
