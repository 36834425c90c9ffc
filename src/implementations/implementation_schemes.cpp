// Implementation names of the form SCHEME:ARGUMENT. Adding a scheme is one entry in kSchemes.
#include <algorithm>
#include <deque>
#include <mutex>
#include <vector>

#include <fmt/format.h>  // fmt::format

#include "implementations/captured_outputs.hpp"   // make_captured_implementation
#include "implementations/finite_difference.hpp"  // make_finite_difference
#include "implementations/implementations.hpp"
#include "implementations/plugin_implementation.hpp"  // make_plugin_implementation
#include "io/errors.hpp"

namespace gelucheck {
namespace {

// {"prefix", "PREFIX:ARG  what it is", &make_function}, with make_function declared in the
// scheme's own header.
const std::vector<ImplementationScheme> kSchemes = {
    {"plugin",
     "plugin:PATH.so:SYMBOL[:bits16|:bits8|:bits16to8|:batch32]  a kernel in a shared library "
     "(plugin_abi.h)",
     &make_plugin_implementation},
    {"file", "file:PATH  outputs captured for every input of the sweep (.npy or raw bits)",
     &make_captured_implementation},
    {"fd",
     "fd:IMPLEMENTATION  central finite difference of IMPLEMENTATION's forward (derivatives only)",
     &make_finite_difference},
};

// Schemes nest (fd:fd:fp32 is the difference of a difference); deeper than this is refused
// before it is resolved, so a name 20,000 levels deep cannot exhaust the stack.
constexpr int kMaxSchemeNesting = 4;

// How many scheme prefixes ("fd:", "plugin:", "file:") the name starts with, in a row.
int scheme_nesting(std::string_view name) {
  int depth = 0;
  for (;;) {
    const auto colon = name.find(':');
    if (colon == std::string_view::npos) return depth;
    const std::string_view prefix = name.substr(0, colon);
    if (std::none_of(kSchemes.begin(), kSchemes.end(),
                     [&](const ImplementationScheme& s) { return s.prefix == prefix; }))
      return depth;
    ++depth;
    if (prefix != "fd" || depth > kMaxSchemeNesting) return depth;  // plugin/file take paths
    name = name.substr(colon + 1);
  }
}

}  // namespace

std::span<const ImplementationScheme> implementation_schemes() { return kSchemes; }

const Implementation& resolve_implementation(std::string_view name) {
  if (const Implementation* i = find_implementation(name)) return *i;
  if (scheme_nesting(name) > kMaxSchemeNesting)
    throw UsageError(fmt::format("implementation {} nests schemes more than {} deep (fd:fd:...)",
                                 in_quotes(name, 60), kMaxSchemeNesting));
  static std::mutex mutex;
  static std::deque<Implementation> made;  // stable addresses
  const auto colon = name.find(':');
  if (colon != std::string_view::npos) {
    for (const ImplementationScheme& s : implementation_schemes()) {
      if (name.substr(0, colon) != s.prefix) continue;
      Implementation impl = s.make(name.substr(colon + 1));
      std::lock_guard lock(mutex);
      for (const Implementation& m : made)
        if (m.name == name) return m;
      made.push_back(std::move(impl));
      made.back().name = std::string(name);
      return made.back();
    }
  }
  std::string accepted = implementation_names();
  for (const ImplementationScheme& s : implementation_schemes())
    accepted += fmt::format(", {}", s.usage);
  throw UsageError(fmt::format("unknown implementation {}; valid: {}", in_quotes(name), accepted));
}

}  // namespace gelucheck
