// The living report (`gelucheck report`): plot axes and bins, binned data against the sweep's own
// statistics, spec errors (exit 2, FILE:LINE), deterministic output, and --check failing on a
// stale, missing or orphaned file.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/accuracy_report.hpp"
#include "cli_run.hpp"
#include "registered_functions.hpp"
#include "render/report_page.hpp"
#include "render/svg_plot.hpp"
#include "render/text.hpp"

namespace fs = std::filesystem;
using namespace gelucheck;

namespace {

using cli_test::Run;
Run gelucheck_cli(const std::string& args) { return cli_test::run(args); }

std::string fresh_dir(const std::string& name) {
  const std::string d = std::string(GELUCHECK_TEST_DATA_DIR) + "/report_" + name;
  fs::remove_all(d);
  fs::create_directories(d + "/analyses");
  return d;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every file under a folder, by relative path.
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = read_file(e);
  return out;
}

// A small analysis (fp16 over [-8, 8], 2 (18 * 1024 + 1) = 36866 inputs: a fraction of a second)
// with every kind of plot: ULP error vs x, histograms, the tanh-vs-erf gap and the derivative
// landscape.
constexpr const char* kSmallSpec = R"(title = "Small"
question = "Does the report machinery work?"
functions = ["gelu_erf"]
formats = ["fp16"]
implementations = ["correctly_rounded", "fp32", "native"]
range = "-8:8"
sections = ["table", "ulp_plots", "histograms", "forms", "landscape"]
plot_views = ["-8:8", "all"]
plot_bins = 64
)";

// The lines of each Markdown table in a text whose cell count differs from its header's: "LINE
// (N cells, header M)". A cell count is the number of '|' not escaped by a backslash, less one.
std::vector<std::string> ragged_table_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  int header = -1;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with('|')) {
      header = -1;
      continue;
    }
    int cells = -1;
    for (size_t i = 0; i < line.size(); ++i)
      cells += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    if (header < 0) header = cells;
    if (cells != header)
      out.push_back(fmt::format("{} ({} cells, header {})", line, cells, header));
  }
  return out;
}

}  // namespace

TEST_CASE("Markdown tables have a header cell for every cell of their rows", "[report]") {
  // An e4m3 table with a saturating kernel has the saturated column (relu2' = 2x saturates at
  // 8 inputs: test_captured_8bit.cpp), in the table command's columns and a report's.
  const Run r = gelucheck_cli("table -f relu2_grad -t e4m3 -i fused_fp32_sat,correctly_rounded");
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("| flushed | saturated |\n"));
  CHECK(ragged_table_lines(r.output).empty());
  // Every committed report page: the FP8 one with saturated columns, and the implementation
  // tables whose descriptions hold a '|' ("|erf error|" of as7126, escaped by markdown_cell).
  size_t pages = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(GELUCHECK_SOURCE_DIR) / "reports")) {
    if (entry.path().extension() != ".md") continue;
    ++pages;
    INFO(entry.path().string());
    CHECK(ragged_table_lines(read_file(entry.path())) == std::vector<std::string>{});
  }
  CHECK(pages >= 9);  // one per analysis in analyses/
  CHECK(markdown_cell("(|erf error| <= 1.5e-7)") == "(\\|erf error\\| <= 1.5e-7)");
}

TEST_CASE("svg: symmetric log ticks over fp16's range", "[report]") {
  svg::Axis a;
  a.scale = svg::Scale::symlog;
  a.linear_threshold = 1e-3;
  a.lo = -65504;
  a.hi = 65504;
  // t(x) = sign(x) (1 + log10(|x| / 1e-3)) beyond 1e-3: t(65504) = 8.816, the axis spans 17.63
  // units; 10 ticks want neighbours >= 1.763 apart, so every second decade from 10^0:
  // t(0.01) = 2, t(1) = 4, t(100) = 6, t(10^4) = 8.
  // Every other decade from 1e-3 = c to 1e4 = the largest inside 65504 is a minor tick.
  std::vector<double> values, minor;
  for (const svg::Tick& t : svg::axis_ticks(a, 10))
    (t.label.empty() ? minor : values).push_back(t.value);
  CHECK(values == std::vector<double>{-1e4, -100, -1, -0.01, 0, 0.01, 1, 100, 1e4});
  CHECK(minor == std::vector<double>{-1e3, -10, -0.1, -1e-3, 1e-3, 0.1, 10, 1e3});
  CHECK(a.transform(5e-4) == 0.5);
  CHECK(a.transform(-1) == Approx(-4).epsilon(1e-15));
  CHECK(a.inverse(a.transform(123.0)) == Approx(123.0).epsilon(1e-14));
  // 4 ticks: neighbours >= 4.41 apart; stride 5 from 10^0 leaves only t(10^0) = 4 < 4.41 on
  // each side, so the ticks anchor at the outermost decade instead: 10^4 (t = 8).
  values.clear();
  minor.clear();
  for (const svg::Tick& t : svg::axis_ticks(a, 4))
    (t.label.empty() ? minor : values).push_back(t.value);
  CHECK(values == std::vector<double>{-1e4, 0, 1e4});
  CHECK(minor.size() == 14);  // the other 7 decades 1e-3 ... 1e3 on each side
  // +-1000 (the symmetric log view of a report cropped at |x| = 1000) in a 280 px panel: 14
  // units, 6 labels want neighbours >= 2.33 apart, so every third decade; anchored at 10^0 that
  // is 1 and 1000 (t = 4, 7), and each of the 7 decades 1e-3 ... 1e3 on each side has a tick.
  a.lo = -1000;
  a.hi = 1000;
  values.clear();
  minor.clear();
  for (const svg::Tick& t : svg::axis_ticks(a, 6))
    (t.label.empty() ? minor : values).push_back(t.value);
  CHECK(values == std::vector<double>{-1000, -1, 0, 1, 1000});
  CHECK(minor == std::vector<double>{-100, -10, -0.1, -0.01, -1e-3, 1e-3, 0.01, 0.1, 10, 100});
}

TEST_CASE("report: bin edges of linear and symmetric log views", "[report]") {
  PlotView linear;
  REQUIRE(parse_plot_view("-8:8", linear));
  std::vector<double> expected;
  for (int k = -8; k <= 8; ++k) expected.push_back(k);
  CHECK(view_edges(linear, 16, 65504) == expected);
  // Uniform in t: the middle edges are at t = +-8.816/2, x = +-1e-3 10^(t - 1) =
  // +-sqrt(1e-3 * 65504 / 10) = +-2.55937 (6 significant digits).
  PlotView all;
  REQUIRE(parse_plot_view("all", all));
  CHECK(view_edges(all, 4, 65504) == std::vector<double>{-65504, -2.55937, 0, 2.55937, 65504});
  PlotView bad;
  CHECK_FALSE(parse_plot_view("8:-8", bad));
  CHECK_FALSE(parse_plot_view("-8", bad));
  CHECK_FALSE(parse_plot_view("a:b", bad));
}

TEST_CASE("report: per-bin maxima add up to the sweep's statistics", "[report]") {
  ReportRequest rq;
  rq.name = "bins";
  rq.functions = {fns::gelu_erf};
  rq.formats = {&fp16};
  rq.domains = {Domain::exhaustive(fp16, -8, 8)};
  rq.ranges = {finite_ordinals_in(fp16, -8, 8)};
  rq.implementations = {find_implementation("fp32"), find_implementation("native")};
  rq.sections = {ReportSection::table, ReportSection::ulp_plots};
  rq.views.clear();
  for (const char* v : {"-8:8", "-2:2"}) {
    PlotView view;
    REQUIRE(parse_plot_view(v, view));
    rq.views.push_back(view);
  }
  rq.bins = 50;
  const ReportData data = run_report(rq);
  REQUIRE(data.sweeps.size() == 1);
  const SweepPart& part = data.sweeps[0];
  REQUIRE(part.rows.size() == 2);
  for (size_t impl = 0; impl < 2; ++impl) {
    const ErrorStats& stats = part.rows[impl].stats;
    // The [-8, 8] view covers the whole domain: its bins partition the inputs, and the largest
    // per-bin maximum is the sweep's max |ULP| at the same input.
    const BinnedView& whole = part.views[0];
    const BinnedSeries& s = whole.series[impl];
    uint64_t inputs = 0;
    Extreme max;
    for (size_t k = 0; k < s.inputs.size(); ++k) {
      inputs += s.inputs[k];
      max.merge(s.max_abs[k]);
      // Each bin's worst input lies in the bin.
      if (s.max_abs[k].seen()) {
        const double x = to_double(fp16, s.max_abs[k].x);
        CHECK(x >= whole.edges[k]);
        CHECK(x <= whole.edges[k + 1]);
      }
    }
    CHECK(inputs == stats.points);
    REQUIRE(max.seen());
    CHECK(max.value == stats.max_abs_ulp.value);
    CHECK(max.x == stats.max_abs_ulp.x);
    // The [-2, 2] view holds exactly the fp16 values with |x| <= 2: per sign, exponent fields 0
    // (zero and subnormals) to 15 ([1, 2), bias 15) with 1024 fractions each, and 2 itself.
    uint64_t inner = 0;
    for (uint64_t n : part.views[1].series[impl].inputs) inner += n;
    CHECK(inner == 2 * (16 * 1024 + 1));
  }
}

TEST_CASE("report: spec errors exit 2 naming the file and line", "[report]") {
  const std::string d = fresh_dir("spec_errors");
  const std::string spec = d + "/analyses/bad.toml";
  auto expect_error = [&](const std::string& text, const std::string& message) {
    write_file(spec, text);
    const Run r = gelucheck_cli(fmt::format("report {} --reports {}/reports", spec, d));
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Catch::Contains(message));
    CHECK_FALSE(fs::exists(d + "/reports"));
  };
  const std::string head = "title = \"t\"\nquestion = \"q\"\n";
  expect_error(head + "colour = \"red\"\n",
               spec + ":3: unknown key 'colour'; valid: title, question,");
  expect_error(head + "formats = [\"fp16\"]\nimplementations = [\"fp32\", \"fast\"]\n",
               spec + ":4: ");
  expect_error(head + "formats = [\"fp16\"]\nimplementations = [\"fp32\", \"fast\"]\n", "'fast'");
  expect_error(head + "plot_bins = 2\n", spec + ":3: 'plot_bins' must be in [8, 4096], got 2");
  expect_error(head + "sections = [\"table\", \"pie\"]\n",
               spec + ":3: unknown section 'pie'; valid: table, ulp_plots, histograms");
  expect_error(head + "functions = [\"tanh\"]\nsections = [\"forms\"]\n",
               spec + ":4: section 'forms' compares the two GELU forms");
  expect_error(head + "sections = [\"comparison\", \"table\"]\n",
               spec + ":3: section 'comparison' puts the other sections side by side");
  expect_error(head + "plot_views = [\"8:-8\"]\n", spec + ":3: bad plot view '8:-8'");
  expect_error(head + "ci = \"yes\"\n", spec + ":3: 'ci' must be true or false, got a string");
  expect_error(head + "[saturation]\nfp32_bits = 40\n",
               spec + ":4: 'fp32_bits' must be in [1, 23], got 40");
  expect_error(head + "range = \"-8:\"\n", spec + ":3: ");
  expect_error("title = \"t\"\n", spec + ": 'title' and 'question' are required");
  expect_error(head + "functions = [\"gelu\"\n", spec + ":3:");  // not TOML
  const Run missing = gelucheck_cli(fmt::format("report {}/analyses/none.toml", d));
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Catch::Contains("cannot read analysis"));
}

TEST_CASE("report: the same spec gives the same bytes, and --check catches stale files",
          "[report]") {
  const std::string d = fresh_dir("determinism");
  write_file(d + "/analyses/small.toml", kSmallSpec);
  const std::string common = fmt::format("--analyses {}/analyses", d);
  const Run first = gelucheck_cli(fmt::format("report {} --reports {}/a --threads 2", common, d));
  INFO(first.output);
  REQUIRE(first.status == 0);
  const Run second = gelucheck_cli(fmt::format("report {} --reports {}/b --threads 1", common, d));
  REQUIRE(second.status == 0);
  const auto a = tree(d + "/a"), b = tree(d + "/b");
  CHECK(a.size() >= 10);
  CHECK(a == b);

  // The page: relative links to files that exist, the summary before the ULP table.
  const std::string page = a.at("small/README.md");
  const std::regex link(R"(\]\(((plots|data)/[^)]+)\))");
  size_t links = 0;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), link); it != std::sregex_iterator();
       ++it, ++links)
    CHECK(a.count("small/" + (*it)[1].str()) == 1);
  CHECK(links >= 8);
  CHECK(page.find("![") != std::string::npos);
  CHECK(page.find("## Summary") < page.find("## ULP error table"));
  CHECK(a.at("README.md").find("[Small](small/README.md)") != std::string::npos);

  const std::string check = fmt::format("report {} --reports {}/a --check", common, d);
  const Run fresh = gelucheck_cli(check);
  CHECK(fresh.status == 0);
  CHECK_THAT(fresh.output, Catch::Contains("reports up to date"));

  // One byte changed in a CSV.
  const std::string csv = d + "/a/small/data/table.csv";
  std::string text = read_file(csv);
  REQUIRE(text.size() > 100);
  text[text.size() / 2] = text[text.size() / 2] == '7' ? '8' : '7';
  write_file(csv, text);
  Run stale = gelucheck_cli(check);
  CHECK(stale.status == 1);
  CHECK_THAT(stale.output, Catch::Contains("small/data/table.csv: differs from the regenerated"));
  CHECK_THAT(stale.output, Catch::Contains("refresh with"));
  write_file(csv, b.at("small/data/table.csv"));
  CHECK(gelucheck_cli(check).status == 0);

  // A plot deleted, a file no longer generated, a folder with no spec.
  fs::remove(d + "/a/small/plots/hist_gelu_erf_fp16.svg");
  stale = gelucheck_cli(check);
  CHECK(stale.status == 1);
  CHECK_THAT(stale.output, Catch::Contains("small/plots/hist_gelu_erf_fp16.svg: missing"));
  write_file(d + "/a/small/plots/hist_gelu_erf_fp16.svg",
             b.at("small/plots/hist_gelu_erf_fp16.svg"));
  write_file(d + "/a/small/plots/old.svg", "<svg/>");
  stale = gelucheck_cli(check);
  CHECK(stale.status == 1);
  CHECK_THAT(stale.output, Catch::Contains("small/plots/old.svg: not generated any more"));
  fs::remove(d + "/a/small/plots/old.svg");
  fs::create_directories(d + "/a/renamed");
  stale = gelucheck_cli(check);
  CHECK(stale.status == 1);
  CHECK_THAT(stale.output, Catch::Contains("renamed: no analysis spec generates it"));
  fs::remove(d + "/a/renamed");
  CHECK(gelucheck_cli(check).status == 0);
  // --check wrote nothing.
  CHECK(tree(d + "/a") == b);
}

TEST_CASE("report: a panel orders of magnitude above the others gets its own y axis", "[report]") {
  // gelu_erf in fp16 over every input. At x = -4: -4 sigmoid(-6.808) = -4.41e-3, while
  // gelu_erf(-4) = -4 Phi(-4) = -1.267e-4 with ulp 2^(-13 - 10) = 1.19e-7, so sigmoid1702 is
  // off by ~3.6e4 ULP (top decade >= 5). fp64 (one rounding of a double result) is within 1/2
  // ULP or just above, fp32 within a few ULP, erfc_form faithful: top decades <= 1, so
  // sigmoid1702 stands more than 2 decades above every other panel.
  const std::string d = fresh_dir("own_y_scale");
  write_file(d + "/analyses/own.toml", R"(title = "Own"
question = "Which panel has its own y axis?"
functions = ["gelu_erf"]
formats = ["fp16"]
implementations = ["correctly_rounded", "fp64", "erfc_form", "fp32", "sigmoid1702"]
sections = ["ulp_plots"]
plot_views = ["all"]
plot_bins = 64
plot_layout = "panels"
)");
  const Run r =
      gelucheck_cli(fmt::format("report --analyses {0}/analyses --reports {0}/r --threads 2", d));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto files = tree(d + "/r");
  const std::string svg = files.at("own/plots/ulp_gelu_erf_fp16_all.svg");
  CHECK_THAT(svg, Catch::Contains(">sigmoid1702 (own y scale)<"));
  for (const char* shared : {">fp64<", ">erfc_form<", ">fp32<"})
    CHECK_THAT(svg, Catch::Contains(shared));
  CHECK_THAT(svg, Catch::Contains("have a y axis of their own"));
}

TEST_CASE("report: the comparison section and its 'when to use' lines", "[report]") {
  // ReLU^2 and SiLU in fp16, every input. Facts checked, each derived here: x^2 rounds to inf in
  // fp16 from max + ulp/2 = 65504 + 16 = 65520 on, and 256 is the first fp16 value with
  // 256^2 = 65536 >= 65520 (255.875^2 = 65472.015625 < 65520); relu2' = 2 max(z, 0) is exactly 0
  // for z <= 0 and for z below half the smallest subnormal, so P(g = 0) = 1/2 + P(0 < z < 2^-25),
  // which prints as 50.000%; E[relu2'(z)^2] = 4 E[z^2; z > 0] = 2 sigma^2 = 2 at sigma = 1; and
  // every relu2 kernel (x*x rounded once) is correctly rounded.
  const std::string d = fresh_dir("comparison");
  write_file(d + "/analyses/side.toml", R"(title = "Side by side"
question = "Which one?"
functions = ["silu", "relu2"]
formats = ["fp16"]
implementations = ["correctly_rounded", "fp32", "native", "silu_mul_sigmoid"]
sections = ["table", "saturation", "gradients", "comparison"]

[gradients]
sections = ["accuracy", "flow"]
sigmas = [1]
)");
  const Run r = gelucheck_cli(fmt::format(
      "report {}/analyses/side.toml --analyses {}/analyses --reports {}/reports", d, d, d));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string page = read_file(d + "/reports/side/README.md");
  CHECK(page.find("## The functions side by side") < page.find("## ULP error table"));
  CHECK(page.find("When to use each function") < page.find("## The functions side by side"));
  CHECK_THAT(page, Catch::Contains("- **relu2**: every kernel measured returns the correctly "
                                   "rounded value at every input, in every format"));
  CHECK_THAT(page, Catch::Contains("its exact value overflows from x = 256 in fp16"));
  CHECK_THAT(page, Catch::Contains("E[f'^2] = 2 at sigma = 1, and a gradient of exactly 0 for "
                                   "50.000% of the inputs (fp16)"));
  CHECK_THAT(page, Catch::Contains("- **Exact kernels**: relu2 is correctly rounded"));
  CHECK_THAT(page, Catch::Contains("| relu2 | relu2(x) = inf: x >= 256 (0x5c00);"));
  // SiLU in fp16 arithmetic (native): x/(1 + exp(-x)) is -0 once exp(-x) overflows fp16, i.e.
  // e^-x >= 65520, x <= -11.09 (e^11.09 = 65537), while silu(x) is still a normal fp16 number
  // down to x = -12.2 (|silu| = 12.2 e^-12.2 = 6.1e-5 = 2^-14); the float kernels are not -0
  // there.
  CHECK_THAT(page, Catch::Contains("`native` in fp16 (0 where the exact value is normal for x in "
                                   "[-12.2, -11.09]"));
  const auto files = tree(d + "/reports/side");
  CHECK(files.count("data/comparison_accuracy.csv") == 1);
  CHECK(files.count("data/comparison_plateaus.csv") == 1);
  CHECK(files.count("data/comparison_flow.csv") == 1);
  CHECK_THAT(files.at("data/comparison_plateaus.csv"),
             Catch::Contains("relu2,fp16,relu2(x) = inf,x -> +inf,256,0x5c00"));
}
