// CSV as RFC 4180 writes it, for every CSV gelucheck writes (docs/formats.md): fields separated
// by ',', records ended by "\n", a field holding ',', '"', CR or LF enclosed in double quotes with
// each '"' doubled. Numbers and built-in names never need quotes, so only text that can come from
// a user (implementation names with plugin or file paths, summaries) changes.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace gelucheck {

inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

// One record: the fields, each quoted where it must be, joined by ',' and ended by "\n".
template <class Fields>
std::string csv_record(const Fields& fields) {
  std::string out;
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out += ',';
    out += csv_field(f);
    first = false;
  }
  return out + "\n";
}

inline std::string csv_record(std::initializer_list<std::string_view> fields) {
  return csv_record<std::initializer_list<std::string_view>>(fields);
}

}  // namespace gelucheck
