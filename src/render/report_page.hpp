// Renders an accuracy report (accuracy_report.hpp) as files: a Markdown page (README.md, so a
// code host shows it when the folder is opened) that leads with a summary, then the sections the
// analysis asked for; the CSV data behind every table and plot (data/); the plots as SVG (plots/),
// embedded in the page by relative links. And the index of all reports (reports/README.md).
//
// Output is a pure function of the data: no timestamps, no paths outside the report, fixed
// number formatting, sections and files in a fixed order.
#pragma once

#include <string>
#include <vector>

#include "analysis/accuracy_report.hpp"

namespace gelucheck {

struct ReportFile {
  std::string path;  // relative to the report's own folder, e.g. "README.md", "plots/x.svg"
  std::string content;
};

std::vector<ReportFile> render_report(const ReportData& data);

// One line of the index (reports/README.md) per analysis, from its request alone (the index does
// not depend on which reports were regenerated in a run).
struct IndexEntry {
  std::string name, title, question, spec_path;
  std::string scope;  // functions, formats and inputs in a few words
  bool ci = true;     // regenerated and checked by the staleness test
};
IndexEntry index_entry(const ReportRequest& request, bool ci);
std::string render_report_index(const std::vector<IndexEntry>& entries);

// Colours, fixed per catalogue entry (and per format) so a line keeps its colour across plots.
std::string implementation_color(const Implementation& impl, size_t fallback_index);
std::string format_color(const Format& f);

// Markdown embedded under a heading of level `level`: the renderer's first line, when it is a
// level-1 heading, is dropped, and every other heading moves down by level - 1.
std::string embed_markdown(const std::string& markdown, int level);

}  // namespace gelucheck
