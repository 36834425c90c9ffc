#include "implementations/plugin_implementation.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <string>

#include <fmt/format.h>  // fmt::format

#include "implementations/kernel_process.hpp"
#include "implementations/plugin_abi.h"
#include "implementations/user_kernels.hpp"
#include "io/errors.hpp"

namespace gelucheck {
namespace {

constexpr std::string_view kForms =
    "plugin:PATH.so:SYMBOL (float SYMBOL(float)) or plugin:PATH.so:SYMBOL:bits16 (void "
    "SYMBOL(const uint16_t*, uint16_t*, size_t))";

std::string summary_of(const PluginName& p) {
  return p.bits16 ? fmt::format(
                        "{} from {}: void(const uint16_t*, uint16_t*, size_t) over fp16 "
                        "or bf16 bit patterns",
                        p.symbol, p.path)
                  : fmt::format(
                        "{} from {}: float(float); 16-bit inputs widened, the result "
                        "rounded once to the format",
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
  return fmt::format("{}:{}{}", path, symbol, bits16 ? ":bits16" : "");
}

PluginName parse_plugin_name(std::string_view argument) {
  PluginName p;
  std::string_view rest = argument;
  auto last = rest.rfind(':');
  if (last != std::string_view::npos) {
    const std::string_view tail = rest.substr(last + 1);
    if ((tail == "float" || tail == "bits16") && rest.substr(0, last).find(':') != rest.npos) {
      p.bits16 = tail == "bits16";
      rest = rest.substr(0, last);
      last = rest.rfind(':');
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
  if (p.bits16) {
    const auto kernel = reinterpret_cast<gelucheck_bits16_kernel>(symbol);
    impl = implementation_from_bits16_kernel(name, kernel);
  } else {
    const auto kernel = reinterpret_cast<gelucheck_float_kernel>(symbol);
    impl = implementation_from_float_function(name, kernel);
  }
  impl.summary = summary_of(p);
  impl.used_in = "a user's kernel plugin";
  return impl;
}

}  // namespace gelucheck
