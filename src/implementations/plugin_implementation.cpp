#include "implementations/plugin_implementation.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <string>

#include <fmt/format.h>  // fmt::format

#include "implementations/plugin_abi.h"
#include "implementations/user_kernels.hpp"
#include "io/errors.hpp"

namespace gelucheck {
namespace {

constexpr std::string_view kForms =
    "plugin:PATH.so:SYMBOL (float SYMBOL(float)) or plugin:PATH.so:SYMBOL:bits16 (void "
    "SYMBOL(const uint16_t*, uint16_t*, size_t))";

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
    throw UsageError(fmt::format("bad plugin name 'plugin:{}': expected {}", argument, kForms));
  p.path = std::string(rest.substr(0, last));
  p.symbol = std::string(rest.substr(last + 1));
  return p;
}

Implementation make_plugin_implementation(std::string_view argument) {
  const PluginName p = parse_plugin_name(argument);
  struct stat st {};
  if (stat(p.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw UsageError(
        fmt::format("plugin:{}: no such file '{}' (PATH is a shared library, "
                    "relative to the current directory; expected {})",
                    argument, p.path, kForms));
  // dlopen searches the library path for names without a slash; a plugin is a file named here.
  const std::string open_path = p.path.find('/') == std::string::npos ? "./" + p.path : p.path;
  void* handle = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw UsageError(fmt::format("plugin:{}: cannot load '{}': {}", argument, p.path, dlerror()));
  dlerror();
  void* symbol = dlsym(handle, p.symbol.c_str());
  if (!symbol)
    throw UsageError(fmt::format(
        "plugin:{}: '{}' exports no symbol '{}' (declare the kernel extern \"C\" with default "
        "visibility; `nm -D --defined-only {}` lists what it exports)",
        argument, p.path, p.symbol, p.path));
  // The library stays loaded: the implementation lives until the program ends.
  const std::string name = fmt::format("plugin:{}", argument);
  Implementation impl;
  if (p.bits16) {
    const auto kernel = reinterpret_cast<gelucheck_bits16_kernel>(symbol);
    impl = implementation_from_bits16_kernel(name, kernel);
    impl.summary = fmt::format(
        "{} from {}: void(const uint16_t*, uint16_t*, size_t) over fp16 "
        "or bf16 bit patterns",
        p.symbol, p.path);
  } else {
    const auto kernel = reinterpret_cast<gelucheck_float_kernel>(symbol);
    impl = implementation_from_float_function(name, kernel);
    impl.summary = fmt::format(
        "{} from {}: float(float); 16-bit inputs widened, the result "
        "rounded once to the format",
        p.symbol, p.path);
  }
  impl.used_in = "a user's kernel plugin";
  return impl;
}

}  // namespace gelucheck
