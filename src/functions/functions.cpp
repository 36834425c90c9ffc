#include "functions/functions.hpp"

namespace gelucheck {

bool parse_function(std::string_view name, Function& out) {
  for (const FunctionInfo& info : function_infos) {
    if (info.name == name) {
      out = info.function;
      return true;
    }
  }
  return false;
}

std::string function_names() {
  std::string out;
  for (const FunctionInfo& info : function_infos) {
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

}  // namespace gelucheck
