// Long and distributed sweeps give exactly the result of one run: shards merged, runs interrupted
// (by a test hook and by a real SIGINT) and resumed, the tiered reference against pure MPFR on
// exhaustive fp32 subranges; and row selection for sweeps too large to write whole.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"

using namespace cli_test;
namespace fs = std::filesystem;

namespace {

// bf16 exhaustive (the default for 16-bit formats) and 10^6 random fp32 patterns (the fp32
// default), two functions, three implementations: 2 x 2 sweeps of 3 rows.
const std::string kTable = "table -f gelu_erf,tanh_grad -t bf16,fp32 -i fp32,native,erfc_form";

// A table's JSON without the members that name how it was made (the command line, and the
// reference mode, which merged tables do not record): the results, as text. Everything else,
// version included, must be identical.
std::string results_of(const std::string& json_text) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(json_text);
  REQUIRE(j.contains("command_line"));
  REQUIRE(j.contains("reference"));
  j.erase("command_line");
  j.erase("reference");
  return j.dump(2);
}

std::string one_run(const std::string& dir, const std::string& extra = "") {
  const std::string out = dir + "/single.json";
  const Run r = run(fmt::format("{} {} --output json -o {}", kTable, extra, out));
  REQUIRE(r.status == 0);
  return results_of(read(out));
}

}  // namespace

TEST_CASE("shards merged in any order equal one run, byte for byte", "[scale][shard]") {
  const std::string d = test_dir("scale_shards");
  const std::string single = one_run(d);
  for (int k = 0; k < 3; ++k) {
    const Run r = run(fmt::format("{} --shard {}/3 --partial {}/p{}.json", kTable, k, d, k));
    REQUIRE(r.status == 0);
  }
  const Run merged =
      run(fmt::format("merge {0}/p2.json {0}/p0.json {0}/p1.json --output json -o {0}/m.json", d));
  REQUIRE(merged.status == 0);
  CHECK(results_of(read(d + "/m.json")) == single);
  // Merging partial files hierarchically changes nothing either.
  REQUIRE(run(fmt::format("merge {0}/p0.json {0}/p2.json --partial {0}/p02.json", d)).status == 0);
  REQUIRE(
      run(fmt::format("merge {0}/p1.json {0}/p02.json --output json -o {0}/m2.json", d)).status ==
      0);
  CHECK(results_of(read(d + "/m2.json")) == single);
}

TEST_CASE("merge and shard refuse what would give a wrong table", "[scale][shard][errors]") {
  const std::string d = test_dir("scale_merge_errors");
  for (int k = 0; k < 2; ++k)
    REQUIRE(run(fmt::format("table -f tanh -t bf16 --shard {}/2 --partial {}/p{}.json", k, d, k))
                .status == 0);
  const Run missing = run(fmt::format("merge {}/p0.json", d));
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Catch::Contains("missing chunks"));
  const Run twice = run(fmt::format("merge {0}/p0.json {0}/p1.json {0}/p1.json", d));
  CHECK(twice.status == 2);
  CHECK_THAT(twice.output, Catch::Contains("overlap"));
  CHECK(run(fmt::format("merge {}", write(d + "/bad.json", "{\"gelucheck_partial\": 1}"))).status ==
        2);
  CHECK(run(fmt::format("merge {}", write(d + "/text.json", "not json"))).status == 2);
  CHECK(run(fmt::format("merge {}/absent.json", d)).status == 2);
  CHECK(run(kTable + " --shard 1/2").status == 2);  // no --partial
  for (const char* bad : {"2/2", "1", "-1/2", "a/b", "1/0", "1/2x"}) {
    const Run r = run(fmt::format("{} --shard {} --partial {}/x.json", kTable, bad, d));
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Catch::Contains("K/N"));
  }
}

TEST_CASE("an interrupted run resumed from its checkpoint equals an uninterrupted run",
          "[scale][resume]") {
  const std::string d = test_dir("scale_resume");
  const std::string single = one_run(d);
  const std::string out = d + "/resumed.json";
  const std::string args = fmt::format("{} --output json -o {}", kTable, out);
  // Stopped after 7 chunks on one thread, then after 20 more on two, then to the end.
  Run r = run(fmt::format("{} --threads 1 --stop-after-chunks 7 --checkpoint {}/c1.json", args, d));
  CHECK(r.status == 130);
  CHECK_THAT(r.output, Catch::Contains("--resume"));
  CHECK_FALSE(fs::exists(out));  // no table that looks complete
  REQUIRE(fs::exists(d + "/c1.json"));
  r = run(fmt::format("{0} --stop-after-chunks 20 --resume {1}/c1.json --checkpoint {1}/c2.json",
                      args, d));
  CHECK(r.status == 130);
  r = run(fmt::format("{} --resume {}/c2.json", args, d));
  REQUIRE(r.status == 0);
  CHECK(results_of(read(out)) == single);

  // A checkpoint is refused by a command that sweeps something else.
  const Run other = run(fmt::format("{} --seed 2 --resume {}/c2.json", args, d));
  CHECK(other.status == 2);
  CHECK_THAT(other.output, Catch::Contains("options it was started with"));
}

TEST_CASE("Ctrl-C leaves a checkpoint and resuming from it gives the uninterrupted result",
          "[scale][resume][signal]") {
  // 2 * 10^5 fp32 inputs uniform in [-4, 4], where pure MPFR takes over 5 us per input: at
  // least half a second on two cores, so SIGINT after 0.3 s arrives mid-run. The tiered run it
  // is compared with also checks tiered == MPFR.
  const std::string d = test_dir("scale_sigint");
  const std::string sweep =
      "table -f gelu_erf -t fp32 -i fp32,erfc_form --grid random --range -4:4 --points 200000";
  REQUIRE(run(fmt::format("{} --output json -o {}/tiered.json", sweep, d)).status == 0);
  const std::string args = fmt::format(
      "{} --reference mpfr --output json -o {}/mpfr.json --checkpoint {}/ck.json", sweep, d, d);
  const Run interrupted = run(args, "timeout --preserve-status -s INT 0.3");
  REQUIRE(interrupted.status == 130);
  CHECK_FALSE(fs::exists(d + "/mpfr.json"));
  REQUIRE(run(fmt::format("{} --resume {}/ck.json", args, d)).status == 0);
  CHECK(results_of(read(d + "/mpfr.json")) == results_of(read(d + "/tiered.json")));
}

TEST_CASE("tiered and pure-MPFR references give the same exhaustive fp32 results on subranges",
          "[scale][reference]") {
  // Binade edges (1, 2), the fp32 premature-zero boundary near -5.5, subnormals, tanh's
  // saturation near 9-10, the GELU' zero crossing and maximum, large and tiny magnitudes.
  const std::string d = test_dir("scale_tiered_mpfr");
  for (const char* range :
       {"0.999:1.001", "1.999:2.001", "-5.505:-5.5", "-1e-40:1e-40", "9.99:10.01",
        "-0.7519:-0.7517", "1.4142:1.41422", "-1e30:-0.99999e30"}) {
    const std::string table = fmt::format(
        "table -t fp32 --grid exhaustive --range {} -i fp32,native,fp64 --output json", range);
    REQUIRE(run(fmt::format("{} -o {}/tiered.json", table, d)).status == 0);
    REQUIRE(run(fmt::format("{} --reference mpfr -o {}/mpfr.json", table, d)).status == 0);
    INFO(range);
    CHECK(results_of(read(d + "/tiered.json")) == results_of(read(d + "/mpfr.json")));
  }
}

TEST_CASE("sweep rows are selected by --where and --worst", "[scale][sweep]") {
  const std::string d = test_dir("scale_rows");
  const std::string sweep = "sweep -f gelu_erf -t bf16 -i native";
  const Run table = run("table -f gelu_erf -t bf16 -i native --output json");
  REQUIRE(table.status == 0);
  const auto stats = nlohmann::json::parse(table.output)["rows"][0];
  INFO(stats.dump());

  // not_cr keeps exactly the rows the table counts as not correctly rounded; every row it keeps
  // is a finite result whose |ULP error| is at least 1/2.
  REQUIRE(run(fmt::format("{} --where not_cr -o {}/not_cr.csv", sweep, d)).status == 0);
  const std::string rows = read(d + "/not_cr.csv");
  const auto lines = std::count(rows.begin(), rows.end(), '\n') - 1;
  CHECK(uint64_t(lines) ==
        stats["points"].get<uint64_t>() - stats["correctly_rounded"].get<uint64_t>());

  // abs_ulp>1 and x<0 together: each row satisfies both (column 8 is ulp_error, 1 is x).
  REQUIRE(run(fmt::format("{} --where 'abs_ulp>1' --where 'x<0' -o {}/f.csv", sweep, d)).status ==
          0);
  std::istringstream in(read(d + "/f.csv"));
  std::string line;
  std::getline(in, line);
  int checked = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cols.push_back(c);
    REQUIRE(cols.size() == 13);  // kSweepCsvHeader's columns
    CHECK(std::fabs(std::stod(cols[7])) > 1);
    CHECK(std::stod(cols[0]) < 0);
    ++checked;
  }
  CHECK(checked > 0);

  // --worst 1 is the table's maximum |ULP error| at the same input.
  REQUIRE(run(fmt::format("{} --worst 1 -o {}/w.csv", sweep, d)).status == 0);
  std::istringstream w(read(d + "/w.csv"));
  std::getline(w, line);
  std::getline(w, line);
  CHECK_THAT(line, Catch::StartsWith(stats["max_abs_ulp"]["x"].get<std::string>() + ","));

  // Refusals: a whole-fp32 CSV without selection, and malformed expressions.
  const Run huge = run("sweep -f tanh -t fp32 -i fp32 --grid patterns");
  CHECK(huge.status == 2);
  CHECK_THAT(huge.output, Catch::Contains("--where"));
  for (const char* bad : {"ulp", "ulp>", "ulp>>1", "speed>1", "ulp=1", "x>nan", "nonsense"})
    CHECK(run(fmt::format("{} --where '{}'", sweep, bad)).status == 2);
}
