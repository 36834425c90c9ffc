// The implementations under test: a catalogue of named entries, each stating its formula and
// where it is used in practice. Adding one is adding an entry in implementations.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fp/format.hpp"
#include "functions/function.hpp"
#include "sweep/metrics.hpp"

namespace gelucheck {

class Domain;

// Computes y[i] = f(x[i]) over bit patterns of one format.
using BatchKernel = std::function<void(std::span<const uint32_t> x, std::span<uint32_t> y)>;

struct Implementation {
  std::string name;
  std::string summary;  // how it computes
  std::string used_in;  // where this is done in practice
  bool is_reference = false;
  // How the implementation writes a result that rounds beyond the largest finite value
  // (format.hpp, metrics.hpp remark 7): declared, and listed with it.
  Overflow overflow = Overflow::nonsaturating;
  // The floating-point environment the kernel is declared to run in (sweep/metrics.hpp, remarks
  // 10-12): grading accepts its flushed inputs and results. --subnormals overrides it.
  SubnormalMode subnormals = SubnormalMode::ieee;
  // Outputs computed elsewhere (file:): the engine cannot hand such a kernel flushed inputs.
  bool captured = false;
  // The kernel of `fn` in `f`; an empty kernel when the entry does not implement fn for f.
  // `sweep` is the domain a sweep will evaluate the kernel on, in its order (an implementation
  // made of captured outputs pairs its outputs with those inputs); nullptr when the kernel is
  // asked for inputs of the caller's choosing (one input, a grid of its own).
  std::function<BatchKernel(Function fn, const Format& f, const Domain* sweep)> kernel_for;
  // Optional: evaluates one input and names the first operation that overflowed (finite
  // operands, infinite or NaN result), nullptr if none; empty when not traceable. Values are
  // the same as kernel_for's.
  std::function<std::function<const char*(uint32_t x)>(Function fn, const Format& f)> trace_for;

  // Catalogue entries: the formula set (implementations/formula.hpp), and where kernels write
  // fn's formula of that set, if its family says (empty otherwise, and for other schemes).
  std::string formula_set;
  std::function<std::string_view(Function fn)> source_for;

  bool supports(Function fn, const Format& f) const { return bool(kernel_for(fn, f, nullptr)); }
};

const std::vector<Implementation>& builtin_implementations();
const Implementation* find_implementation(std::string_view name);  // built-in entries only
std::string implementation_names();

// Resolves any implementation name: a built-in entry, or SCHEME:ARGUMENT for the schemes in
// implementation_schemes.cpp (e.g. finite differences, plugins, captured outputs). Throws
// UsageError with the accepted forms when the name is unknown or its argument is bad. Objects
// made for a scheme live until the program ends.
const Implementation& resolve_implementation(std::string_view name);

// One scheme: names "PREFIX:ARGUMENT" are made by make(ARGUMENT).
struct ImplementationScheme {
  std::string_view prefix;
  std::string_view usage;  // e.g. "fd:IMPLEMENTATION  central finite difference of a forward"
  Implementation (*make)(std::string_view argument);
};
std::span<const ImplementationScheme> implementation_schemes();

}  // namespace gelucheck
