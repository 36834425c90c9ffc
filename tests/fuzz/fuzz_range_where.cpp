// Fuzz target: the parsers of --range, --where and integer options (cli/common.hpp,
// sweep/record_filter.hpp). Input: "RANGE\nWHERE\nCOUNT". Bad text must end in a UsageError; an
// accepted range has LO <= HI, an accepted count lies within its limits.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common.hpp"
#include "io/errors.hpp"
#include "sweep/record_filter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gelucheck;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t a = text.find('\n');
  const size_t b = a == std::string::npos ? a : text.find('\n', a + 1);
  const std::string range = text.substr(0, a);
  const std::string where = a == std::string::npos ? "" : text.substr(a + 1, b - a - 1);
  const std::string count = b == std::string::npos ? "" : text.substr(b + 1);
  try {
    const auto [lo, hi] = cli::parse_range(range);
    if (!(lo <= hi)) __builtin_trap();
  } catch (const UsageError&) {
  }
  try {
    const RecordPredicate keep = parse_record_filter(fp16, where);
    PointRecord p;
    (void)keep(p);
  } catch (const UsageError&) {
  }
  try {
    const uint64_t v = cli::parse_count(count, "--points", 1, 1000000);
    if (v < 1 || v > 1000000) __builtin_trap();
  } catch (const UsageError&) {
  }
  return 0;
}
