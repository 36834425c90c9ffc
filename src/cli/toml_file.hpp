// A TOML file read for checking (gate files, analysis specs): parsed on construction, and typed
// accessors whose errors name the file and line ("FILE:LINE: 'KEY' must be ..."), thrown as
// UsageError (exit status 2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>   // fmt::format
#include <toml++/toml.h>  // toml::table, toml::node

#include "io/errors.hpp"

namespace gelucheck::cli {

// "a string", "an integer", ...: for "'KEY' must be X, got Y".
std::string toml_type_name(const toml::node& n);

class TomlFile {
 public:
  // `kind` names the file in errors: "cannot read KIND 'PATH'", "(the KIND is not valid TOML)".
  TomlFile(std::string path, std::string_view kind);

  const std::string& path() const { return path_; }
  const toml::table& root() const { return root_; }

  std::string at(const toml::node& n) const;  // "FILE:LINE"
  [[noreturn]] void fail(const toml::node& n, const std::string& why) const;
  // Runs f, prefixing the location of n to a UsageError it throws.
  template <class F>
  decltype(auto) with_location(const toml::node& n, F&& f) const {
    try {
      return f();
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("{}: {}", at(n), e.what()));
    }
  }

  std::string string_value(const toml::node& n, std::string_view key) const;
  double number_value(const toml::node& n, std::string_view key) const;  // integer or float
  // In [min, max], or >= min without a max.
  int64_t integer_value(const toml::node& n, std::string_view key, int64_t min,
                        std::optional<int64_t> max = std::nullopt) const;
  // "LO:HI" as written, or [LO, HI] as shortest round-trip decimals ("inf" for infinities),
  // which parse_range reads back exactly.
  std::string range_value(const toml::node& n) const;

 private:
  std::string path_;
  toml::table root_;
};

}  // namespace gelucheck::cli
