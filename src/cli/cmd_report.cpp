// gelucheck report: runs the analyses in analyses/*.toml and writes reports/NAME/ (a Markdown
// page, CSV data, SVG plots) and the index reports/README.md; --check compares instead of
// writing and fails when a committed report is stale.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>  // fmt::print

#include "analysis_file.hpp"
#include "common.hpp"
#include "io/output_file.hpp"
#include "render/report_page.hpp"

namespace gelucheck::cli {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The first line where two texts differ, 1-based.
size_t first_different_line(const std::string& a, const std::string& b) {
  size_t line = 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) return line;
    if (a[i] == '\n') ++line;
  }
  return line;
}

// Files a report folder holds that a run may have generated (.md, .csv, .svg), relative to it.
std::set<std::string> existing_report_files(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string ext = it->path().extension().string();
    if (ext == ".md" || ext == ".csv" || ext == ".svg")
      out.insert(fs::relative(it->path(), dir).generic_string());
  }
  return out;
}

// The spec's path as pages print it: relative to the folder that holds the reports folder (the
// repository root in normal use), so it does not depend on the working directory.
std::string spec_path_for_pages(const fs::path& spec, const fs::path& reports_dir) {
  const fs::path root = fs::weakly_canonical(fs::absolute(reports_dir)).parent_path();
  return fs::weakly_canonical(fs::absolute(spec)).lexically_relative(root).generic_string();
}

struct Outcome {
  std::vector<std::string> stale;  // check mode: "path: what is wrong"
  size_t written = 0, unchanged = 0;
};

// Writes `content` to `path` (or, checking, compares it with the file there).
void deliver(const fs::path& path, const std::string& content, bool check, Outcome& out) {
  const auto existing = read_file(path);
  if (existing && *existing == content) {
    ++out.unchanged;
    return;
  }
  if (check) {
    out.stale.push_back(existing ? fmt::format("{}: differs from the regenerated file from line {}",
                                               path.generic_string(),
                                               first_different_line(*existing, content))
                                 : fmt::format("{}: missing", path.generic_string()));
    return;
  }
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    throw UsageError(fmt::format("cannot create directory '{}': {}",
                                 path.parent_path().generic_string(), ec.message()));
  OutputFile file(path.string());
  file.write(content);
  file.commit();
  ++out.written;
}

}  // namespace

Runner add_report(CLI::App& app) {
  struct Opts {
    std::vector<std::string> specs;
    std::string analyses = "analyses", reports = "reports";
    bool check = false, ci_only = false;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Runs analysis specs (TOML) and writes one report per spec: reports/NAME/README.md (summary, "
      "ULP table, plots, saturation and gradient sections as the spec asks), data/*.csv behind "
      "every table and plot, plots/*.svg; and the index reports/README.md. Output is "
      "deterministic: the same code and specs give the same bytes.\n"
      "With no SPEC: every analyses/*.toml. Run from the repository root: `gelucheck report`.\n"
      "--check writes nothing and exits 1, naming each stale, missing or orphaned file and the "
      "command that refreshes it, when the committed reports differ from what the code "
      "produces now (CI runs `gelucheck report --check --ci-only`).\n"
      "Spec keys: title, question, functions, formats, implementations, range, grid, points, "
      "seed, sections (" +
          report_section_names() +
          "), plot_views (\"all\" or \"LO:HI\"), plot_bins, plot_layout (auto, overlay, panels), "
          "ci, diffs ([[\"A\", \"B\"], ...] for the diffs section), [saturation], [gradients]; see "
          "src/cli/analysis_file.hpp and reports/README.md.");
  cmd->add_option("spec", o->specs, "Analysis specs (default: every ANALYSES/*.toml)");
  cmd->add_option("--analyses", o->analyses,
                  "Folder of the specs; the index lists every spec in it")
      ->capture_default_str();
  cmd->add_option("--reports", o->reports, "Folder the reports are written to")
      ->capture_default_str();
  cmd->add_flag("--check", o->check,
                "Compare with the files on disk instead of writing; exit 1 if any differs");
  cmd->add_flag("--ci-only", o->ci_only, "Only the specs with ci = true (the fast ones)");
  o->engine.add_to(*cmd);
  return [o]() {
    const SweepOptions options = o->engine.sweep_options();
    const fs::path reports_dir(o->reports);

    // The index lists every spec of the analyses folder, whichever are run.
    std::vector<fs::path> all_specs;
    std::error_code ec;
    if (fs::is_directory(o->analyses, ec)) {
      for (const auto& e : fs::directory_iterator(o->analyses, ec))
        if (e.is_regular_file() && e.path().extension() == ".toml") all_specs.push_back(e.path());
      std::sort(all_specs.begin(), all_specs.end());
    }
    std::vector<fs::path> specs;
    for (const auto& s : o->specs) {
      if (s.empty()) throw UsageError("an empty spec path: give analyses/NAME.toml");
      specs.emplace_back(s);
    }
    if (specs.empty()) {
      if (all_specs.empty())
        throw UsageError(fmt::format(
            "no analyses: '{}' holds no *.toml file; give specs as arguments or --analyses DIR",
            o->analyses));
      specs = all_specs;
    }
    std::vector<IndexEntry> index;
    for (const fs::path& p : all_specs) {
      const AnalysisFile a =
          read_analysis_file(p.string(), spec_path_for_pages(p, reports_dir), options);
      index.push_back(index_entry(a.request, a.ci));
    }
    // Parse every spec before running any, so a typo fails in a second, not after minutes.
    std::vector<AnalysisFile> analyses;
    std::set<std::string> names;
    for (const fs::path& p : specs) {
      AnalysisFile a = read_analysis_file(p.string(), spec_path_for_pages(p, reports_dir), options);
      if (!names.insert(a.request.name).second)
        throw UsageError(
            fmt::format("two specs named '{}': each report folder is named after "
                        "its spec's file name",
                        a.request.name));
      if (o->ci_only && !a.ci) continue;
      analyses.push_back(std::move(a));
    }

    Outcome outcome;
    std::vector<std::string> refresh;
    for (const AnalysisFile& a : analyses) {
      const auto start = std::chrono::steady_clock::now();
      const ReportData data = run_report(a.request);
      const std::vector<ReportFile> files = render_report(data);
      const fs::path dir = reports_dir / a.request.name;
      const size_t stale_before = outcome.stale.size();
      std::set<std::string> generated;
      for (const ReportFile& f : files) {
        generated.insert(f.path);
        deliver(dir / f.path, f.content, o->check, outcome);
      }
      for (const std::string& old : existing_report_files(dir)) {
        if (generated.count(old)) continue;
        const std::string p = (dir / old).generic_string();
        if (o->check)
          outcome.stale.push_back(p + ": not generated any more; delete it");
        else
          fmt::print(stderr, "gelucheck: {} is not generated any more; delete it\n", p);
      }
      if (outcome.stale.size() != stale_before) refresh.push_back(a.request.spec_path);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      fmt::print(stderr, "{}: {} files, {:.1f} s\n", dir.generic_string(), files.size(), seconds);
    }
    // A folder with no spec behind it (a renamed or deleted analysis) is stale too.
    std::set<std::string> spec_names;
    for (const IndexEntry& e : index) spec_names.insert(e.name);
    if (fs::is_directory(reports_dir, ec))
      for (const auto& e : fs::directory_iterator(reports_dir, ec)) {
        if (!e.is_directory() || spec_names.count(e.path().filename().string())) continue;
        const std::string p = e.path().generic_string();
        if (o->check)
          outcome.stale.push_back(p + ": no analysis spec generates it; delete it");
        else
          fmt::print(stderr, "gelucheck: {} has no analysis spec; delete it\n", p);
      }
    if (!index.empty()) {
      const size_t stale_before = outcome.stale.size();
      deliver(reports_dir / "README.md", render_report_index(index), o->check, outcome);
      if (outcome.stale.size() != stale_before && refresh.empty()) refresh.push_back("");
    }
    if (!o->check) {
      fmt::print("{} files written, {} unchanged\n", outcome.written, outcome.unchanged);
      return 0;
    }
    if (outcome.stale.empty()) {
      fmt::print("reports up to date: {} files checked\n", outcome.unchanged);
      return 0;
    }
    fmt::print("stale reports: the committed files differ from what the code produces now\n");
    for (const std::string& s : outcome.stale) fmt::print("  {}\n", s);
    std::string args;
    for (const std::string& r : refresh)
      if (!r.empty()) args += " " + r;
    fmt::print("refresh with (from the repository root): gelucheck report{}\n", args);
    return 1;
  };
}

}  // namespace gelucheck::cli
