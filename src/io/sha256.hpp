// SHA-256 (FIPS 180-4), for the digest that partial results and checkpoints carry.
#pragma once

#include <string>
#include <string_view>

namespace gelucheck {

// The digest of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace gelucheck
