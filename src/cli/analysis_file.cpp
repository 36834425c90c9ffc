#include "analysis_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>   // fmt::format
#include <toml++/toml.h>  // toml::table, toml::node

#include "toml_file.hpp"

namespace gelucheck::cli {

namespace {

constexpr std::string_view kTopKeys =
    "title, question, functions, formats, implementations, range, grid, points, seed, sections, "
    "plot_views, plot_bins, plot_layout, ci, diffs, [saturation], [gradients]";
constexpr std::string_view kSaturationKeys =
    "cancellation_percent, fp32_bits, fp32_dense_bits, fp32_dense_range";
constexpr std::string_view kGradientKeys = "sections, thresholds, sigmas";

// One paragraph: runs of whitespace (TOML multi-line strings) become one space, so the text fits
// a Markdown table cell.
std::string one_paragraph(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

class Reader : TomlFile {
 public:
  explicit Reader(std::string path) : TomlFile(std::move(path), "analysis") {}

  AnalysisFile read(const std::string& spec_path, const SweepOptions& options) {
    const toml::table& root = this->root();
    AnalysisFile out;
    ReportRequest& rq = out.request;
    rq.name = std::filesystem::path(path()).stem().string();
    for (char c : rq.name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
        throw UsageError(fmt::format(
            "{}: the file name '{}' names the report folder: use letters, digits, '_', '-', '.'",
            path(), rq.name));
    rq.spec_path = spec_path;
    rq.options = options;
    DomainOptions domain;
    std::vector<std::string> functions, formats, implementations;
    std::vector<std::string> sections = {"table", "ulp_plots", "histograms"};
    std::vector<std::string> views = {"all", "-8:8"};
    const toml::node* domain_node = &root;
    sections_node_ = views_node_ = &root;
    bool have_title = false, have_question = false;
    const toml::node* diffs_node = nullptr;
    for (auto&& [key, node] : root) {
      const std::string k(key.str());
      if (k == "title") {
        rq.title = one_paragraph(string_value(node, k));
        have_title = !rq.title.empty();
      } else if (k == "question") {
        rq.question = one_paragraph(string_value(node, k));
        have_question = !rq.question.empty();
      } else if (k == "functions") {
        functions = strings(node, k);
      } else if (k == "formats") {
        formats = strings(node, k);
      } else if (k == "implementations") {
        implementations = strings(node, k);
      } else if (k == "range") {
        domain.range = range_value(node);
        domain_node = &node;
      } else if (k == "grid") {
        domain.grid = string_value(node, k);
        domain_node = &node;
      } else if (k == "points") {
        domain.points = uint64_t(integer_value(node, k, 1, INT64_MAX));
      } else if (k == "seed") {
        domain.seed = uint64_t(integer_value(node, k, 0, INT64_MAX));
      } else if (k == "sections") {
        sections = strings(node, k);
        sections_node_ = &node;
      } else if (k == "plot_views") {
        views = strings(node, k);
        views_node_ = &node;
      } else if (k == "plot_bins") {
        rq.bins = int(integer_value(node, k, 8, 4096));
      } else if (k == "plot_layout") {
        const std::string v = string_value(node, k);
        if (v == "auto")
          rq.layout = PlotLayout::automatic;
        else if (v == "overlay")
          rq.layout = PlotLayout::overlay;
        else if (v == "panels")
          rq.layout = PlotLayout::panels;
        else
          fail(node, fmt::format("unknown plot_layout '{}'; valid: auto, overlay, panels", v));
      } else if (k == "ci") {
        const auto* b = node.as_boolean();
        if (!b) fail(node, fmt::format("'ci' must be true or false, got {}", toml_type_name(node)));
        out.ci = b->get();
      } else if (k == "diffs") {
        diffs_node = &node;
      } else if (k == "saturation") {
        saturation(node, rq.saturation);
      } else if (k == "gradients") {
        gradients(node, rq);
      } else {
        fail(node, fmt::format("unknown key '{}'; valid: {}", k, kTopKeys));
      }
    }
    if (!have_title || !have_question)
      throw UsageError(fmt::format(
          "{}: 'title' and 'question' are required (the page's heading and what it answers)",
          path()));
    // Catalogue names are checked against the line of their key.
    auto key_node = [&](std::string_view key) -> const toml::node& {
      const toml::node* n = root.get(key);
      return n ? *n : root;
    };
    with_location(key_node("functions"), [&] { rq.functions = functions_or_all(functions); });
    with_location(key_node("formats"), [&] { rq.formats = formats_or_all(formats); });
    with_location(key_node("implementations"),
                  [&] { rq.implementations = implementations_or_all(implementations); });
    double lo = -INFINITY, hi = INFINITY;
    with_location(*domain_node, [&] {
      if (!domain.range.empty()) std::tie(lo, hi) = parse_range(domain.range);
      for (const Format* f : rq.formats) {
        rq.domains.push_back(domain.build(*f));
        rq.ranges.push_back(finite_ordinals_in(f->in(), lo, hi));
      }
    });
    for (const std::string& s : sections) {
      ReportSection r;
      if (!parse_report_section(s, r))
        fail(*sections_node_,
             fmt::format("unknown section '{}'; valid: {}", s, report_section_names()));
      if (!rq.has(r)) rq.sections.push_back(r);
    }
    if (rq.sections.empty())
      fail(*sections_node_, fmt::format("'sections' is empty; valid: {}", report_section_names()));
    std::sort(rq.sections.begin(), rq.sections.end());  // the page's order
    const bool has_forms = std::any_of(rq.functions.begin(), rq.functions.end(), has_other_form);
    if (rq.has(ReportSection::forms) && !has_forms) {
      std::string with_forms;
      for (Function fn : all_functions())
        if (has_other_form(fn))
          with_forms += (with_forms.empty() ? "" : ", ") + std::string(fn.name());
      fail(*sections_node_,
           fmt::format("section 'forms' compares the two GELU forms: 'functions' needs one "
                       "of {}",
                       with_forms));
    }
    if (rq.has(ReportSection::comparison)) {
      const auto& g = rq.gradient_sections;
      const bool has_flow = std::find(g.begin(), g.end(), GradientSection::flow) != g.end();
      const bool has_accuracy = std::find(g.begin(), g.end(), GradientSection::accuracy) != g.end();
      if (!rq.has(ReportSection::table) || !rq.has(ReportSection::saturation) ||
          !rq.has(ReportSection::gradients) || !has_flow || !has_accuracy)
        fail(*sections_node_,
             "section 'comparison' puts the other sections side by side: 'sections' needs "
             "'table', 'saturation' and 'gradients' too, and [gradients] 'sections' 'accuracy' "
             "and 'flow'");
    }
    rq.views.clear();
    for (const std::string& v : views) {
      PlotView view;
      if (!parse_plot_view(v, view))
        fail(*views_node_, fmt::format("bad plot view '{}': expected \"all\" (every input, "
                                       "symmetric log axis) or \"LO:HI\" with finite LO < HI",
                                       v));
      rq.views.push_back(view);
    }
    if (rq.views.empty()) fail(*views_node_, "'plot_views' is empty; e.g. [\"all\", \"-8:8\"]");
    if (diffs_node) rq.diff_pairs = diff_pairs(*diffs_node);
    if (rq.has(ReportSection::diffs) && rq.diff_pairs.empty())
      fail(*sections_node_,
           "section 'diffs' compares pairs of implementations: set diffs = [[\"A\", \"B\"], ...]");
    if (!rq.has(ReportSection::diffs) && diffs_node)
      fail(*diffs_node, "'diffs' is set but 'sections' has no 'diffs'");
    return out;
  }

 private:
  const toml::node* sections_node_ = nullptr;
  const toml::node* views_node_ = nullptr;

  // An array of strings (a single string is accepted as a one-element array).
  std::vector<std::string> strings(const toml::node& n, std::string_view key) const {
    if (n.is_string()) return {n.as_string()->get()};
    const toml::array* a = n.as_array();
    if (!a)
      fail(n, fmt::format("'{}' must be an array of strings, got {}", key, toml_type_name(n)));
    std::vector<std::string> out;
    for (const toml::node& e : *a) out.push_back(string_value(e, key));
    return out;
  }

  // diffs = [["A", "B"], ...]: pairs of catalogue names (a = the first).
  std::vector<std::pair<const Implementation*, const Implementation*>> diff_pairs(
      const toml::node& n) const {
    const char* expected =
        "'diffs' must be an array of pairs of implementations, e.g. "
        "[[\"fp32\", \"erfc_form\"]]";
    const toml::array* a = n.as_array();
    if (!a || a->empty()) fail(n, expected);
    std::vector<std::pair<const Implementation*, const Implementation*>> out;
    for (const toml::node& e : *a) {
      const std::vector<std::string> pair =
          e.is_array() ? strings(e, "diffs") : std::vector<std::string>{};
      if (pair.size() != 2) fail(e, expected);
      const Implementation* x = nullptr;
      const Implementation* y = nullptr;
      with_location(e, [&] {
        x = &implementation_named(pair[0]);
        y = &implementation_named(pair[1]);
      });
      out.push_back({x, y});
    }
    return out;
  }

  void saturation(const toml::node& n, SaturationOptions& o) const {
    const toml::table* t = n.as_table();
    if (!t)
      fail(n,
           fmt::format("'saturation' must be a table ([saturation]), got {}", toml_type_name(n)));
    for (auto&& [key, value] : *t) {
      const std::string k(key.str());
      if (k == "cancellation_percent") {
        const double v = number_value(value, k);
        if (!(v > 0) || !std::isfinite(v))
          fail(value, fmt::format("'{}' must be a percentage above 0, e.g. 1", k));
        o.relative_error_limit = v / 100;
      } else if (k == "fp32_bits") {
        o.sparse_bits = int(integer_value(value, k, 1, 23));
      } else if (k == "fp32_dense_bits") {
        o.dense_bits = int(integer_value(value, k, 1, 23));
      } else if (k == "fp32_dense_range") {
        const std::string text = string_value(value, k);  // Clang 14 cannot capture `value`
        with_location(value, [&] {
          const auto [lo, hi] = parse_range(text);
          if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
            throw UsageError("'fp32_dense_range' must be \"LO:HI\" with 0 < LO < HI finite");
          o.dense_lo = lo;
          o.dense_hi = hi;
        });
      } else {
        fail(value, fmt::format("unknown key '{}' in [saturation]; valid: {}", k, kSaturationKeys));
      }
    }
  }

  void gradients(const toml::node& n, ReportRequest& rq) const {
    const toml::table* t = n.as_table();
    if (!t)
      fail(n, fmt::format("'gradients' must be a table ([gradients]), got {}", toml_type_name(n)));
    for (auto&& [key, value] : *t) {
      const std::string k(key.str());
      if (k == "sections") {
        rq.gradient_sections.clear();
        for (const std::string& s : strings(value, k)) {
          GradientSection g;
          if (!parse_section(s, g))
            fail(value, fmt::format("unknown gradient section '{}'; valid: landscape, accuracy, "
                                    "comparison, flow, histogram",
                                    s));
          rq.gradient_sections.push_back(g);
        }
        if (rq.gradient_sections.empty()) fail(value, "[gradients] 'sections' is empty");
      } else if (k == "thresholds") {
        rq.thresholds.clear();
        for (const std::string& s : strings(value, k)) {
          Threshold th;
          if (!parse_threshold(s, th))
            fail(value, fmt::format("bad threshold '{}': a positive number or eps", s));
          rq.thresholds.push_back(th);
        }
      } else if (k == "sigmas") {
        const toml::array* a = value.as_array();
        if (!a)
          fail(value,
               fmt::format("'sigmas' must be an array of numbers, got {}", toml_type_name(value)));
        rq.sigmas.clear();
        for (const toml::node& e : *a) {
          const double v = number_value(e, k);
          if (!(v > 0) || !std::isfinite(v)) fail(e, "'sigmas' must be positive finite numbers");
          rq.sigmas.push_back(v);
        }
      } else {
        fail(value, fmt::format("unknown key '{}' in [gradients]; valid: {}", k, kGradientKeys));
      }
    }
  }
};

}  // namespace

AnalysisFile read_analysis_file(const std::string& path, const std::string& spec_path,
                                const SweepOptions& options) {
  return Reader(path).read(spec_path, options);
}

}  // namespace gelucheck::cli
