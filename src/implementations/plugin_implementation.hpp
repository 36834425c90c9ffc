// Implementations loaded from a shared library: plugin:PATH.so:SYMBOL[:KIND], KIND float (the
// default, float SYMBOL(float)), bits16 (void SYMBOL(const uint16_t*, uint16_t*, size_t)), bits8
// or bits16to8 (8-bit results, with the per-tensor scale), or batch32 (void SYMBOL(const float*,
// float*, size_t), fp32 only);
// plugin_abi.h documents the ABI. The library is loaded with dlopen when the name is resolved and
// stays loaded until the program ends: in worker processes when plugins are isolated
// (kernel_process.hpp, the command-line tool's default), else in this process.
#pragma once

#include <string>
#include <string_view>

#include "implementations/implementations.hpp"

namespace gelucheck {

// The kernel's signature, which a shared library does not record (plugin_abi.h).
enum class PluginKind { scalar_float, bits16, bits8, bits16to8, batch32 };

// The kinds a plugin name may end with, as help texts list them (float, the default, goes
// unwritten): every PluginKind but scalar_float, in the enum's order.
inline constexpr std::string_view kPluginKindSuffixes = "[:bits16|:bits8|:bits16to8|:batch32]";

// The parts of the argument after "plugin:": PATH:SYMBOL or PATH:SYMBOL:KIND (KIND float,
// bits16, bits8, bits16to8 or batch32), split from the right so that PATH may hold ':'. Throws
// UsageError if malformed.
struct PluginName {
  std::string path, symbol;
  PluginKind kind = PluginKind::scalar_float;
  std::string argument() const;  // back to PATH:SYMBOL[:KIND]
};
PluginName parse_plugin_name(std::string_view argument);

// Makes the implementation for the argument after "plugin:". Throws UsageError when the argument
// is malformed, the file does not exist or cannot be loaded, or the symbol is not exported.
Implementation make_plugin_implementation(std::string_view argument);
// The same, always loaded into this process (what a worker process runs).
Implementation load_plugin_in_process(std::string_view argument);

}  // namespace gelucheck
