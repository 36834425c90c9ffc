// Text made safe for XML and SVG: character data and double-quoted attribute values.
//
// XML 1.0 (section 2.2, Char) admits only tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and
// U+10000-U+10FFFF, and no character reference can stand for the others (&#1; is itself not
// well-formed), so a parser rejects a document holding them. A byte that is not part of such a
// character (a control character, an invalid or overlong UTF-8 sequence, an encoded surrogate,
// U+FFFE, U+FFFF) is written as the visible text \xNN instead: a JUnit report naming a check
// "a\x01b" stays readable and says which byte it was.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>  // fmt::format

namespace gelucheck {

// The length of the UTF-8 sequence of an XML 1.0 character starting at s[i], or 0.
inline size_t xml_char_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return uint8_t(s[k]); };
  const uint8_t b = byte(i);
  if (b < 0x80) return b >= 0x20 || b == '\t' || b == '\n' || b == '\r' ? 1 : 0;
  size_t n;
  uint32_t c;
  if ((b & 0xe0) == 0xc0) {
    n = 2;
    c = b & 0x1f;
  } else if ((b & 0xf0) == 0xe0) {
    n = 3;
    c = b & 0x0f;
  } else if ((b & 0xf8) == 0xf0) {
    n = 4;
    c = b & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    c = (c << 6) | (byte(i + k) & 0x3f);
  }
  const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < smallest[n] || c > 0x10ffff) return 0;  // overlong or beyond Unicode
  if ((c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff) return 0;
  return n;
}

inline std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t n = xml_char_length(text, i);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", uint8_t(text[i]));
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    switch (text[i]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += text[i];
    }
    ++i;
  }
  return out;
}

}  // namespace gelucheck
