// The functions of a report side by side (ReportSection::comparison): per format, how close the
// best and the worst shipping implementation come to each function, where the exact function
// saturates, overflows or rounds to zero, which implementations break, and how much gradient
// each lets through; and the plain-language "when to use" lines built from those numbers.
// Everything is read from the report's own sections (ULP table, saturation, gradient flow):
// nothing is measured again.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/accuracy_report.hpp"

namespace gelucheck {

// The tables, in Markdown.
std::string comparison_markdown(const ReportData& data);
// The same facts as CSV files, (name, content): the best and worst implementation per function x
// format, the reference's plateaus, the flow per derivative x sigma.
std::vector<std::pair<std::string, std::string>> comparison_csv(const ReportData& data);
// One line per function: when to use it, with the measured numbers behind the advice.
std::string when_to_use(const ReportData& data);

}  // namespace gelucheck
