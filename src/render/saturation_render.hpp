// Renderers for the saturation report: Markdown for people, CSV (one row per fact) for
// spreadsheets and plots, JSON for programs. Every input that leaves the program is written as a
// shortest round-trip decimal and its bits.
#pragma once

#include <string>
#include <vector>

#include "analysis/saturation.hpp"
#include "render/table_render.hpp"  // OutputKind, value_with_bits

namespace gelucheck {

std::string render_saturation(const std::vector<SaturationReport>& reports, OutputKind kind);

// One plain-language line for one implementation of a report: its zones (with the measured
// alternatives to each failure zone), moved thresholds and wrong special values.
std::string saturation_summary(const SaturationReport& r, const ImplementationSaturation& s);

// "x >= 5.5", "x in [+0, 0.0003]", ...: the inputs a plateau covers.
std::string plateau_text(const Format& f, const Asymptote& a, const Plateau& p);

// "x = 3", "x <= -5.5", "x >= 88.72", "x in [-87.3, -16.6]": the inputs first..last of a zone.
std::string interval_text(const Format& f, uint32_t first, uint32_t last);

}  // namespace gelucheck
