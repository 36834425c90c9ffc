// Every JSON document gelucheck writes starts with the same members, so that a result can be
// traced to the build, the reference and the command that produced it (docs/formats.md):
//   {"gelucheck_version": "0.1.0", "schema_version": 1, "document": "table",
//    "reference": "tiered", "command_line": "gelucheck table ...", ...the document's members}
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reference/reference.hpp"
#include "render/table_render.hpp"

namespace gelucheck::cli {

// The version of the document layouts in docs/schemas/; raised when a member is renamed or
// removed or changes meaning (adding a member keeps it).
inline constexpr int kJsonSchemaVersion = 1;

// The program's version (CMake's PROJECT_VERSION).
std::string_view gelucheck_version();

std::string_view reference_mode_name(ReferenceMode mode);

// `rendered` is a renderer's JSON text (an object or an array). Returns the document with the
// common members first: an object's own members follow them, an array becomes the member
// `array_key`. `reference` empty: null (the document records no single reference mode).
std::string versioned_json(std::string_view document, std::optional<ReferenceMode> reference,
                           const std::string& rendered, std::string_view array_key = "rows");

// A renderer's output of `kind`: JSON versioned as above, Markdown and CSV as they are.
std::string versioned(OutputKind kind, std::string_view document,
                      std::optional<ReferenceMode> reference, std::string rendered,
                      std::string_view array_key = "rows");

}  // namespace gelucheck::cli
