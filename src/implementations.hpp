// The implementations under test: a catalogue of named entries, each stating its formula and
// where it is used in practice. Adding one is adding an entry in implementations.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format.hpp"
#include "functions.hpp"

namespace gelucheck {

// Computes y[i] = f(x[i]) over bit patterns of one format.
using BatchKernel = std::function<void(std::span<const uint32_t> x, std::span<uint32_t> y)>;

struct Implementation {
  std::string name;
  std::string summary;  // how it computes
  std::string used_in;  // where this is done in practice
  bool is_reference = false;
  // An empty kernel when the entry does not implement `fn` for `f`.
  std::function<BatchKernel(Function fn, const Format& f)> kernel_for;

  bool supports(Function fn, const Format& f) const { return bool(kernel_for(fn, f)); }
};

const std::vector<Implementation>& builtin_implementations();
const Implementation* find_implementation(std::string_view name);
std::string implementation_names();

}  // namespace gelucheck
