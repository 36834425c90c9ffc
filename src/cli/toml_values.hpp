// Shared by the TOML readers (gate files, analysis specs): how a value's type is named in errors.
#pragma once

#include <string>

#include <toml++/toml.h>  // toml::node

namespace gelucheck::cli {

// "a string", "an integer", ...: for "'KEY' must be X, got Y".
inline std::string toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date/time";
  }
}

}  // namespace gelucheck::cli
