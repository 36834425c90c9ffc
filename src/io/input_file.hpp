// Files read as input (partial results, baselines, gate files, analysis specs, captured outputs,
// .npy files): regular files only, of bounded size, and JSON of bounded nesting, so that a
// directory, a FIFO that never opens, /dev/zero or a crafted document ends with exit status 2
// and one line instead of blocking, exhausting memory or the stack.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>  // nlohmann::json

namespace gelucheck {

// Deepest nesting of arrays and objects accepted in JSON read back (the files gelucheck writes
// nest 6 deep).
inline constexpr int kMaxJsonDepth = 32;

// The bytes of `path`, which must be a regular file of at most max_bytes; `what` names it in
// messages, e.g. "partial result". Throws UsageError naming the path and the reason.
std::string read_regular_file(const std::string& path, std::string_view what,
                              uint64_t max_bytes = uint64_t{1} << 30);

// Throws UsageError unless `path` is a regular file that can be opened for reading.
void require_regular_file(const std::string& path, std::string_view what);

// Parses JSON, refusing nesting deeper than kMaxJsonDepth; throws UsageError "WHAT: ..." (no
// prefix when `what` is empty).
nlohmann::json parse_json_text(const std::string& text, std::string_view what);

}  // namespace gelucheck
