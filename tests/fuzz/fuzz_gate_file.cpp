// Fuzz target: the gate-file reader (cli/gate_file.hpp) on arbitrary text. Malformed files must
// end in a UsageError ("FILE:LINE: ..."), never a crash or an unbounded allocation.
#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.hpp"
#include "gate_file.hpp"
#include "io/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gelucheck;
  try {
    const cli::GateFile gate = cli::read_gate_file(fuzz::file_with(data, size, ".toml"));
    if (gate.checks.empty()) __builtin_trap();  // the reader refuses a file without checks
  } catch (const UsageError&) {
  }
  return 0;
}
