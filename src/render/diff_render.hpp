// Renderers of a diff of two implementations (analysis/kernel_diff.hpp): Markdown for people,
// CSV (the listed disagreements, one row each), JSON (everything).
#pragma once

#include <string>

#include "analysis/kernel_diff.hpp"
#include "render/table_render.hpp"

namespace gelucheck {

struct DiffRequest {
  Function function;
  const Format* format;
  std::string a, b;    // implementation names
  std::string domain;  // Domain::describe()
};

std::string render_diff(const DiffRequest& rq, const DiffStats& d, OutputKind kind);

// The distance bins of the histogram as text: "0 (+0 against -0)", "1", "2-3", "4-7", ...,
// "inf or NaN in one of them".
std::string diff_bin_label(int bin);

}  // namespace gelucheck
