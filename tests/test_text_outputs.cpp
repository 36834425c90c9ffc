// The CSV writer (RFC 4180) and XML escaping (XML 1.0's Char production), against the rules as
// the standards state them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "io/csv_writer.hpp"
#include "io/xml_escape.hpp"

using namespace gelucheck;

TEST_CASE("CSV fields are quoted exactly where RFC 4180 requires it", "[csv]") {
  // RFC 4180 section 2: fields with commas, double quotes, CR or LF are enclosed in double
  // quotes, and a double quote inside is escaped by another one. Others are written as they are.
  CHECK(csv_field("fp32") == "fp32");
  CHECK(csv_field("plugin:/opt/a b.so:gelu") == "plugin:/opt/a b.so:gelu");
  CHECK(csv_field("") == "");
  CHECK(csv_field("plugin:/opt/my,lib.so:gelu") == "\"plugin:/opt/my,lib.so:gelu\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
  CHECK(csv_record({"a", "b,c", "", "\""}) == "a,\"b,c\",,\"\"\"\"\n");
  const std::vector<std::string> fields = {"x", "y"};
  CHECK(csv_record(fields) == "x,y\n");
}

TEST_CASE("XML text keeps every XML 1.0 character and names every other byte", "[xml]") {
  // Single bytes: tab, LF, CR and 0x20-0x7f are characters (five of them escaped as entities);
  // the other controls and every byte >= 0x80 alone (not a UTF-8 sequence) become \xNN.
  int wrong = 0;
  for (int b = 0; b < 256; ++b) {
    const std::string in(1, char(b));
    const bool is_char = b == 9 || b == 10 || b == 13 || (b >= 0x20 && b < 0x80);
    std::string expected = in;
    if (!is_char) {
      static const char* hex = "0123456789abcdef";
      expected = std::string("\\x") + hex[b >> 4] + hex[b & 15];
    } else if (b == '&') {
      expected = "&amp;";
    } else if (b == '<') {
      expected = "&lt;";
    } else if (b == '>') {
      expected = "&gt;";
    } else if (b == '"') {
      expected = "&quot;";
    }
    wrong += xml_escape(in) != expected;
  }
  CHECK(wrong == 0);
  // Multi-byte sequences: valid characters pass unchanged; overlong forms, surrogates, U+FFFE,
  // U+FFFF, code points above U+10FFFF and truncated sequences are escaped byte by byte.
  CHECK(xml_escape("\xc3\xa9") == "\xc3\xa9");                      // U+00E9
  CHECK(xml_escape("\xef\xbf\xbd") == "\xef\xbf\xbd");              // U+FFFD
  CHECK(xml_escape("\xf4\x8f\xbf\xbf") == "\xf4\x8f\xbf\xbf");      // U+10FFFF
  CHECK(xml_escape("\xe2\x80\x94") == "\xe2\x80\x94");              // U+2014
  CHECK(xml_escape("\xc0\x80") == "\\xc0\\x80");                    // overlong NUL
  CHECK(xml_escape("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // U+D800, a surrogate
  CHECK(xml_escape("\xef\xbf\xbe") == "\\xef\\xbf\\xbe");           // U+FFFE
  CHECK(xml_escape("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // U+110000
  CHECK(xml_escape("\xe2\x80") == "\\xe2\\x80");                    // truncated
  CHECK(xml_escape("check \x01<1>") == "check \\x01&lt;1&gt;");
}
