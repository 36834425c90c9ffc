// Fuzz target: the analysis-spec reader (cli/analysis_file.hpp) on arbitrary text. Malformed
// specs must end in a UsageError, never a crash. Specs that name plugins or captured files are
// passed over: resolving them loads or reads other files of the machine, which is not the
// reader's part (the plugin and file: tests cover those).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis_file.hpp"
#include "fuzz_input_file.hpp"
#include "io/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gelucheck;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("plugin") != text.npos || text.find("file") != text.npos) return 0;
  try {
    const std::string& path = fuzz::file_with(data, size, ".toml");
    (void)cli::read_analysis_file(path, "analyses/fuzz.toml", SweepOptions{});
  } catch (const UsageError&) {
  }
  return 0;
}
