#include "io/errors.hpp"

#include <fmt/format.h>  // fmt::format

namespace gelucheck {
namespace {

// The length of the UTF-8 sequence starting at s[i] that encodes a printable character (not a
// C1 control, not an overlong form or a surrogate), or 0.
size_t printable_utf8(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xc0) == 0x80; };
  const unsigned char c = b(0);
  if (c >= 0xc2 && c <= 0xdf && cont(1)) return c == 0xc2 && b(1) < 0xa0 ? 0 : 2;  // C1 controls
  if (c >= 0xe0 && c <= 0xef && cont(1) && cont(2)) {
    if ((c == 0xe0 && b(1) < 0xa0) || (c == 0xed && b(1) >= 0xa0)) return 0;
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    if ((c == 0xf0 && b(1) < 0x90) || (c == 0xf4 && b(1) >= 0x90)) return 0;
    return 4;
  }
  return 0;
}

std::string escape(std::string_view text, size_t max, bool backslashes) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      if (c == '\\' && backslashes) out += '\\';
      out += char(c);
      ++i;
    } else if (c == '\n') {
      out += "\\n", ++i;
    } else if (c == '\t') {
      out += "\\t", ++i;
    } else if (c == '\r') {
      out += "\\r", ++i;
    } else if (const size_t n = c >= 0x80 ? printable_utf8(text, i) : 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string escaped(std::string_view text, size_t max) { return escape(text, max, true); }
std::string in_quotes(std::string_view text, size_t max) {
  std::string out(1, '\'');
  out += escaped(text, max);
  out += '\'';
  return out;
}
std::string one_line(std::string_view text, size_t max) { return escape(text, max, false); }

}  // namespace gelucheck
