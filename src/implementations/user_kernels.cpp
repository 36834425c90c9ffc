#include "implementations/user_kernels.hpp"

#include <algorithm>
#include <bit>
#include <memory>
#include <vector>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"

namespace gelucheck {

Implementation implementation_from_float_function(std::string name, ScalarFloatKernel kernel) {
  auto shared = std::make_shared<const ScalarFloatKernel>(std::move(kernel));
  Implementation impl;
  impl.name = std::move(name);
  impl.summary =
      "a user's float f(float), inputs widened exactly to float, the result rounded "
      "once to the format";
  impl.used_in = "user code";
  impl.kernel_for = [shared](Function, const Format& f, const Domain*) -> BatchKernel {
    if (&f == &fp32) {
      return [shared](std::span<const uint32_t> x, std::span<uint32_t> y) {
        for (size_t i = 0; i < x.size(); ++i)
          y[i] = std::bit_cast<uint32_t>((*shared)(std::bit_cast<float>(x[i])));
      };
    }
    return [shared, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      for (size_t i = 0; i < x.size(); ++i) {
        // Exact: float holds every value of every supported narrower format (format.hpp).
        const float xf = static_cast<float>(to_double(f.in(), x[i]));
        float v = (*shared)(xf);
        if (f.scale != 1) v *= static_cast<float>(f.scale);  // a graded pair's scale, in float
        y[i] = round_to_format(f, static_cast<double>(v));
      }
    };
  };
  return impl;
}

Implementation implementation_from_bits16_kernel(std::string name, Bits16Kernel kernel) {
  auto shared = std::make_shared<const Bits16Kernel>(std::move(kernel));
  Implementation impl;
  impl.name = std::move(name);
  impl.summary = "a user's batch kernel over 16-bit bit patterns";
  impl.used_in = "user code";
  impl.kernel_for = [shared](Function, const Format& f, const Domain*) -> BatchKernel {
    if (f.is_pair() || f.total_bits() != 16) return {};
    return [shared](std::span<const uint32_t> x, std::span<uint32_t> y) {
      std::vector<uint16_t> in(x.begin(), x.end()), out(x.size());
      (*shared)(in.data(), out.data(), in.size());
      std::copy(out.begin(), out.end(), y.begin());
    };
  };
  return impl;
}

namespace {
// A batch kernel from In-bit inputs to 8-bit results, for the graded formats whose inputs have
// at most In bits (and more than In/2 for 16-bit inputs) and whose results at most 8.
template <class In, class K>
Implementation narrow_batch_implementation(std::string name, std::string summary, K kernel) {
  auto shared = std::make_shared<const K>(std::move(kernel));
  Implementation impl;
  impl.name = std::move(name);
  impl.summary = std::move(summary);
  impl.used_in = "user code";
  impl.kernel_for = [shared](Function, const Format& f, const Domain*) -> BatchKernel {
    const int in_bits = f.in().total_bits();
    const bool fits = sizeof(In) == 1 ? in_bits <= 8 : in_bits == 16;
    if (!fits || f.total_bits() > 8) return {};
    return [shared, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      std::vector<In> in(x.begin(), x.end());
      std::vector<uint8_t> out(x.size());
      (*shared)(in.data(), out.data(), in.size(), static_cast<float>(f.scale));
      for (size_t i = 0; i < x.size(); ++i) y[i] = out[i] & f.all_bits_mask();
    };
  };
  return impl;
}
}  // namespace

Implementation implementation_from_batch32_kernel(std::string name, Batch32Kernel kernel) {
  auto shared = std::make_shared<const Batch32Kernel>(std::move(kernel));
  Implementation impl;
  impl.name = std::move(name);
  impl.summary = "a user's batch kernel over fp32 values";
  impl.used_in = "user code";
  impl.kernel_for = [shared](Function, const Format& f, const Domain*) -> BatchKernel {
    if (&f != &fp32) return {};
    return [shared](std::span<const uint32_t> x, std::span<uint32_t> y) {
      std::vector<float> in(x.size()), out(x.size());
      std::transform(x.begin(), x.end(), in.begin(),
                     [](uint32_t b) { return std::bit_cast<float>(b); });
      (*shared)(in.data(), out.data(), in.size());
      std::transform(out.begin(), out.end(), y.begin(),
                     [](float v) { return std::bit_cast<uint32_t>(v); });
    };
  };
  return impl;
}

Implementation implementation_from_bits8_kernel(std::string name, Bits8Kernel kernel) {
  return narrow_batch_implementation<uint8_t>(
      std::move(name), "a user's batch kernel over 8-bit patterns", std::move(kernel));
}

Implementation implementation_from_bits16to8_kernel(std::string name, Bits16To8Kernel kernel) {
  return narrow_batch_implementation<uint16_t>(
      std::move(name), "a user's fused kernel from 16-bit inputs to 8-bit results",
      std::move(kernel));
}

ErrorStats measure_accuracy(Function fn, const Domain& domain, const Implementation& impl,
                            const SweepOptions& options) {
  if (!impl.supports(fn, domain.format()))
    throw UsageError(fmt::format("implementation '{}' does not provide {} in {}", impl.name,
                                 name_of(fn), domain.format().name));
  const Implementation* impls[] = {&impl};
  return std::move(run_sweep(fn, domain, impls, options).front());
}

}  // namespace gelucheck
