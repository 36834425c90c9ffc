#include "versioned_json.hpp"

#include <nlohmann/json.hpp>  // nlohmann::ordered_json

#include "common.hpp"

namespace gelucheck::cli {

std::string_view gelucheck_version() { return GELUCHECK_VERSION; }

std::string_view reference_mode_name(ReferenceMode mode) {
  return mode == ReferenceMode::mpfr ? "mpfr" : "tiered";
}

std::string versioned_json(std::string_view document, std::optional<ReferenceMode> reference,
                           const std::string& rendered, std::string_view array_key) {
  // Parsing back what the renderer wrote keeps every number's text: doubles are written as
  // shortest round-trip decimals and read back to the same double.
  nlohmann::ordered_json body = nlohmann::ordered_json::parse(rendered);
  nlohmann::ordered_json out = {
      {"gelucheck_version", gelucheck_version()},
      {"schema_version", kJsonSchemaVersion},
      {"document", document},
      {"reference", reference ? nlohmann::ordered_json(reference_mode_name(*reference))
                              : nlohmann::ordered_json(nullptr)},
      {"command_line", command_line()}};
  if (body.is_object())
    for (auto& [key, value] : body.items()) out[key] = std::move(value);
  else
    out[std::string(array_key)] = std::move(body);
  return out.dump(2) + "\n";
}

std::string versioned(OutputKind kind, std::string_view document,
                      std::optional<ReferenceMode> reference, std::string rendered,
                      std::string_view array_key) {
  if (kind != OutputKind::json) return rendered;
  return versioned_json(document, reference, rendered, array_key);
}

}  // namespace gelucheck::cli
