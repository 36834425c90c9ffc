#include "implementations/plugin_implementation.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <string>
#include <utility>

#include <fmt/format.h>  // fmt::format

#include "implementations/kernel_process.hpp"
#include "implementations/plugin_abi.h"
#include "implementations/user_kernels.hpp"
#include "io/errors.hpp"

namespace gelucheck {
namespace {

constexpr std::string_view kForms =
    "plugin:PATH.so:SYMBOL (float SYMBOL(float)), plugin:PATH.so:SYMBOL:bits16 (void "
    "SYMBOL(const uint16_t*, uint16_t*, size_t)), plugin:PATH.so:SYMBOL:bits8 (void "
    "SYMBOL(const uint8_t*, uint8_t*, size_t, float scale)), plugin:PATH.so:SYMBOL:bits16to8 "
    "(void SYMBOL(const uint16_t*, uint8_t*, size_t, float scale)) or "
    "plugin:PATH.so:SYMBOL:batch32 (void SYMBOL(const float*, float*, size_t))";

constexpr std::pair<std::string_view, PluginKind> kKinds[] = {{"float", PluginKind::scalar_float},
                                                              {"bits16", PluginKind::bits16},
                                                              {"bits8", PluginKind::bits8},
                                                              {"bits16to8", PluginKind::bits16to8},
                                                              {"batch32", PluginKind::batch32}};

std::string summary_of(const PluginName& p) {
  switch (p.kind) {
    case PluginKind::bits16:
      return fmt::format(
          "{} from {}: void(const uint16_t*, uint16_t*, size_t) over fp16 or bf16 bit patterns",
          p.symbol, p.path);
    case PluginKind::bits8:
      return fmt::format(
          "{} from {}: void(const uint8_t*, uint8_t*, size_t, float scale) over 8-bit (FP8, "
          "MX) bit patterns",
          p.symbol, p.path);
    case PluginKind::bits16to8:
      return fmt::format(
          "{} from {}: void(const uint16_t*, uint8_t*, size_t, float scale): 16-bit inputs to "
          "8-bit results",
          p.symbol, p.path);
    case PluginKind::batch32:
      return fmt::format("{} from {}: void(const float*, float*, size_t) over fp32 values",
                         p.symbol, p.path);
    case PluginKind::scalar_float:
      break;
  }
  return fmt::format(
      "{} from {}: float(float); 16-bit inputs widened, the result rounded once to the format",
      p.symbol, p.path);
}

// The plugin's file, checked before anything loads it.
void require_plugin_file(std::string_view argument, const PluginName& p) {
  struct stat st {};
  if (stat(p.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw UsageError(
        fmt::format("plugin:{}: no such file {} (PATH is a shared library, "
                    "relative to the current directory; expected {})",
                    escaped(argument), in_quotes(p.path), kForms));
}

}  // namespace

std::string PluginName::argument() const {
  for (const auto& [name, k] : kKinds)
    if (k == kind && k != PluginKind::scalar_float)
      return fmt::format("{}:{}:{}", path, symbol, name);
  return fmt::format("{}:{}", path, symbol);
}

PluginName parse_plugin_name(std::string_view argument) {
  PluginName p;
  std::string_view rest = argument;
  auto last = rest.rfind(':');
  if (last != std::string_view::npos) {
    const std::string_view tail = rest.substr(last + 1);
    for (const auto& [name, kind] : kKinds) {
      if (tail != name || rest.substr(0, last).find(':') == rest.npos) continue;
      p.kind = kind;
      rest = rest.substr(0, last);
      last = rest.rfind(':');
      break;
    }
  }
  if (last == std::string_view::npos || last == 0 || last + 1 == rest.size())
    throw UsageError(fmt::format("bad plugin name {}: expected {}",
                                 in_quotes("plugin:" + std::string(argument)), kForms));
  p.path = std::string(rest.substr(0, last));
  p.symbol = std::string(rest.substr(last + 1));
  return p;
}

Implementation make_plugin_implementation(std::string_view argument) {
  if (!plugin_kernels_isolated()) return load_plugin_in_process(argument);
  const PluginName p = parse_plugin_name(argument);
  require_plugin_file(argument, p);
  return isolated_plugin_implementation(argument, summary_of(p));
}

Implementation load_plugin_in_process(std::string_view argument) {
  const PluginName p = parse_plugin_name(argument);
  require_plugin_file(argument, p);
  // dlopen searches the library path for names without a slash; a plugin is a file named here.
  const std::string open_path = p.path.find('/') == std::string::npos ? "./" + p.path : p.path;
  void* handle = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw UsageError(fmt::format("plugin:{}: cannot load {}: {}", escaped(argument),
                                 in_quotes(p.path), escaped(dlerror())));
  dlerror();
  void* symbol = dlsym(handle, p.symbol.c_str());
  if (!symbol)
    throw UsageError(fmt::format(
        "plugin:{}: {} exports no symbol {} (declare the kernel extern \"C\" with default "
        "visibility; `nm -D --defined-only {}` lists what it exports)",
        escaped(argument), in_quotes(p.path), in_quotes(p.symbol), escaped(p.path)));
  // The library stays loaded: the implementation lives until the program ends.
  const std::string name = fmt::format("plugin:{}", argument);
  Implementation impl;
  switch (p.kind) {
    case PluginKind::bits16:
      impl = implementation_from_bits16_kernel(name,
                                               reinterpret_cast<gelucheck_bits16_kernel>(symbol));
      break;
    case PluginKind::bits8:
      impl =
          implementation_from_bits8_kernel(name, reinterpret_cast<gelucheck_bits8_kernel>(symbol));
      break;
    case PluginKind::bits16to8:
      impl = implementation_from_bits16to8_kernel(
          name, reinterpret_cast<gelucheck_bits16to8_kernel>(symbol));
      break;
    case PluginKind::batch32:
      impl = implementation_from_batch32_kernel(name,
                                                reinterpret_cast<gelucheck_batch32_kernel>(symbol));
      break;
    case PluginKind::scalar_float:
      impl = implementation_from_float_function(name,
                                                reinterpret_cast<gelucheck_float_kernel>(symbol));
      break;
  }
  impl.summary = summary_of(p);
  impl.used_in = "a user's kernel plugin";
  return impl;
}

}  // namespace gelucheck
