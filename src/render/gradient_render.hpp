// Renderers for the gradient report and the gradient check: Markdown for people, CSV (one
// section at a time) for plotting, JSON for programs. Every input is printed so it can be
// replayed: shortest decimal that reads back to the same bits, and the bits in hex.
#pragma once

#include <string>
#include <vector>

#include "analysis/gradcheck.hpp"
#include "analysis/gradients.hpp"
#include "render/table_render.hpp"  // OutputKind

namespace gelucheck {

// CSV renders exactly one section; Markdown and JSON every section in the report.
std::string render_gradient_report(const GradientReport& report, OutputKind kind);
// The CSV header of a section, for --help.
std::string gradient_csv_header(GradientSection section);

std::string render_gradcheck(const std::vector<GradcheckResult>& results,
                             const GradcheckTolerance& tolerance, OutputKind kind);

// "x <= -3.457", "[-0.7754, -0.7285]", "x >= 9.01", "all", joined by ", "; "none" if empty.
std::string intervals_text(const Format& f, OrdinalRange range,
                           const std::vector<InputInterval>& intervals);

}  // namespace gelucheck
