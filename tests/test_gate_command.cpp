// `gelucheck gate` and `gelucheck inputs`, run as a CI job runs them: exit status, the lines a
// user reads, and the report files. Gate files are written by each test into its own directory.
#include <catch2/catch.hpp>

#include "cli_run.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "implementations/plugin_implementation.hpp"  // parse_plugin_name

using namespace std::string_literals;

namespace {

using namespace cli_test;

const std::string kPlugin = GELUCHECK_TEST_PLUGIN;

// tanhf graded in bf16: tanhf is within a few float ULP (2^-24 relative each) of tanh, so after
// one rounding to bf16 the error is at most 0.5 + 2^-14 bf16 ULP, and no result is non-finite.
const std::string kPassingCheck = fmt::format(R"(
[[check]]
name = "tanh bf16"
function = "tanh"
format = "bf16"
implementation = "plugin:{}:tanh_f32"
range = [-4.0, 4.0]
max_ulp = 0.51
)",
                                              kPlugin);

}  // namespace

TEST_CASE("gate: a passing gate exits 0 and writes JUnit and JSON", "[gate]") {
  const std::string d = test_dir("gate_pass");
  const std::string gate = write(d + "/gate.toml", kPassingCheck);
  const Run r = run(fmt::format("gate {} --junit {}/j.xml --json {}/r.json", gate, d, d));
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("1 checks, 1 passed, 0 failed"));
  CHECK_THAT(r.output, Catch::Contains("| max_ulp | <= 0.51 |"));
  CHECK_THAT(r.output, Catch::Contains("| max_nonfinite | <= 0 (default) | 0 | pass |"));
  // The JUnit file is well-formed XML (Python's parser) with one passing testcase.
  const std::string check_xml = fmt::format(
      "{} -c \"import xml.etree.ElementTree as E, sys; t = E.parse('{}/j.xml').getroot(); "
      "c = t.findall('./testsuite/testcase'); "
      "sys.exit(0 if t.get('failures') == '0' and len(c) == 1 and c[0].get('name') == 'tanh bf16' "
      "and c[0].find('failure') is None else 1)\"",
      GELUCHECK_PYTHON3, d);
  CHECK(std::system(check_xml.c_str()) == 0);
  const auto json = nlohmann::json::parse(read(d + "/r.json"));
  CHECK(json["passed"] == true);
  CHECK(json["checks"][0]["domain"] == "exhaustive [-4, 4]: 33026 inputs");
  CHECK(json["checks"][0]["metrics"]["max_nonfinite"] == 0);
}

TEST_CASE("gate: a failing check exits 1 naming the check, the limit and the worst inputs",
          "[gate]") {
  const std::string d = test_dir("gate_fail");
  // zero_f32 returns +0. Graded as tanh over bf16 [0.75, 1], tanh(x) lies in [tanh 0.75, tanh 1]
  // = [0.635, 0.762] (mpmath), inside the binade [1/2, 1) where ulp = 2^(-1-7) = 2^-8, so the
  // error is -256 tanh(x) ULP, largest in magnitude at x = 1: 256 tanh(1) = 194.968103924675811;
  // next at the bf16 value below 1, 0.99609375. No result is correctly rounded.
  const std::string gate = write(d + "/gate.toml", kPassingCheck + fmt::format(R"(
[[check]]
name = "zero as tanh"
function = "tanh"
format = "bf16"
implementation = "plugin:{}:zero_f32"
range = "0.75:1"
max_ulp = 1
min_correctly_rounded = 0.5
)",
                                                                               kPlugin));
  const Run r = run(fmt::format("gate {} --worst 2 --junit {}/j.xml", gate, d));
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("2 checks, 1 passed, 1 failed"));
  CHECK_THAT(r.output,
             Catch::Contains(fmt::format("FAIL zero as tanh ({}:10): tanh in bf16", gate)));
  CHECK_THAT(r.output, Catch::Contains("max_ulp = 194.968 fails <= 1"));
  CHECK_THAT(r.output, Catch::Contains("min_correctly_rounded = 0 fails >= 0.5"));
  CHECK_THAT(r.output, Catch::Contains("worst inputs by |ULP error|:\n"
                                       "    x = 1 (0x3f80, 0x1p+0): got 0 (0x0000), correctly "
                                       "rounded 0.76 (0x3f43), ULP error -195,"));
  CHECK_THAT(r.output, Catch::Contains("\n    x = 0.996 (0x3f7f, 0x1.fep-1): got 0 (0x0000)"));
  const std::string check_xml = fmt::format(
      "{} -c \"import xml.etree.ElementTree as E, sys; t = E.parse('{}/j.xml').getroot(); "
      "f = t.findall('./testsuite/testcase/failure'); "
      "sys.exit(0 if t.get('failures') == '1' and len(f) == 1 and 'max_ulp' in f[0].get('message') "
      "else 1)\"",
      GELUCHECK_PYTHON3, d);
  CHECK(std::system(check_xml.c_str()) == 0);
}

TEST_CASE("gate: non-finite results fail by default and are listed", "[gate]") {
  const std::string d = test_dir("gate_nonfinite");
  // NaN where 4 < |x| <= 8: 128 bf16 values per sign (the binade [4, 8) holds 2^7).
  const std::string gate = write(d + "/gate.toml", fmt::format(R"(
[[check]]
function = "gelu_erf"
format = "bf16"
implementation = "plugin:{}:nan_above_4_bits16:bits16"
range = "-8:8"
max_ulp = 1e30
)",
                                                               kPlugin));
  const Run r = run("gate " + gate + " --worst 1");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("max_nonfinite = 256 fails <= 0 (default)"));
  CHECK_THAT(r.output, Catch::Contains("first non-finite or NaN results:\n    x = -8 (0xc100, "
                                       "-0x1p+3): got nan (0x7fc0)"));
}

TEST_CASE("gate: softplus as log(1 + exp(x)) overflows where the stable form does not", "[gate]") {
  const std::string d = test_dir("gate_softplus");
  // fp16 inputs, computed in float: expf overflows above ln(FLT_MAX) = 88.7228, so the naive
  // log(1 + exp(x)) is inf from 88.75 (0x558c; the fp16 value before it is 88.6875) to the
  // largest 65504 (0x7bff): 0x7bff - 0x558c + 1 = 9844 inputs, while softplus(x) = x + (tiny)
  // is finite. max(x, 0) + log1p(exp(-|x|)) never overflows: within 0.5 ULP everywhere.
  const std::string gate = write(d + "/gate.toml", R"(
[defaults]
function = "softplus"
format = "fp16"
max_ulp = 0.5

[[check]]
name = "naive"
implementation = "softplus_naive"

[[check]]
name = "stable"
implementation = "softplus_stable"
)");
  const Run r = run("gate " + gate + " --worst 1");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("2 checks, 1 passed, 1 failed"));
  CHECK_THAT(r.output, Catch::Contains("max_nonfinite = 9844 fails <= 0 (default)"));
  CHECK_THAT(r.output, Catch::Contains("x = 88.75 (0x558c"));
}

TEST_CASE("gate: the backward is gated by gradient_* limits", "[gate][gradient]") {
  const std::string d = test_dir("gate_gradient");
  // Forward tanh by tanhf (within 0.51 ULP, see kPassingCheck); backward tanh_grad = sech^2 by
  // zero_f32. Over bf16 [1.5, 1.625], sech^2 falls from 0.180707 to 0.143734 (mpmath), inside
  // [1/8, 1/4) where ulp = 2^(-3-7) = 2^-10, so |error| = 1024 sech^2(x), largest at x = 1.5:
  // 185.043598 (mpmath).
  const std::string gate = write(d + "/gate.toml", fmt::format(R"(
[[check]]
name = "tanh with a zero backward"
function = "tanh"
format = "bf16"
range = "1.5:1.625"
implementation = "plugin:{0}:tanh_f32"
gradient_implementation = "plugin:{0}:zero_f32"
max_ulp = 0.51
gradient_max_ulp = 1
)",
                                                               kPlugin));
  const Run r = run("gate " + gate + " --worst 1");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("| max_ulp | <= 0.51 |"));
  CHECK_THAT(r.output, Catch::Contains("gradient_max_ulp = 185.044 fails <= 1"));
  CHECK_THAT(r.output, Catch::Contains(fmt::format(
                           "worst inputs of the backward (tanh_grad by plugin:{}:zero_f32) by "
                           "|ULP error|:\n    x = 1.5 (0x3fc0, 0x1.8p+0): got 0 (0x0000)",
                           kPlugin)));
  CHECK_THAT(r.output, Catch::Contains("| gradient_max_nonfinite | <= 0 (default) | 0 | pass |"));
}

TEST_CASE("gate: saturation thresholds are gated in inputs of the format", "[gate]") {
  const std::string d = test_dir("gate_saturation");
  // fp16 gelu_erf. The correctly rounded value is -0 while |x Phi(x)| < 2^-25 (half the
  // smallest subnormal; a tie rounds to 0 too): mpmath gives x Phi(x) / 2^-25 = -1.0069 at
  // -5.72265625 (0xc5b9) and -0.9846 at -5.7265625 (0xc5ba), so the plateau is [-max, 0xc5ba].
  // The naive float formula 0.5 x (1 + erff(x / sqrt2)) is 0 where erff rounds to -1: at
  // -5.54296875 (0xc58b) erf(x/sqrt2) = -1 + 2.95e-8 rounds to -1 in float, at -5.5390625
  // (0xc58a) to -0.99999994. 0xc5ba - 0xc58b = 47 consecutive fp16 inputs. The stable erfc form
  // has no premature zero: distance 0.
  const std::string gate = write(d + "/gate.toml", R"(
[defaults]
function = "gelu_erf"
format = "fp16"
saturation_threshold_tolerance = 0

[[check]]
name = "naive"
implementation = "fp32"

[[check]]
name = "stable"
implementation = "erfc_form"
)");
  const Run r = run(fmt::format("gate {} --json {}/r.json", gate, d));
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("2 checks, 1 passed, 1 failed"));
  CHECK_THAT(r.output, Catch::Contains("saturation_threshold_tolerance = 47 fails <= 0"));
  CHECK_THAT(r.output, Catch::Contains("gelu(x) = -0 (x -> -inf): correctly rounded from -5.727 "
                                       "(0xc5ba), fp32 from -5.543 (0xc58b), 47 inputs apart"));
  const auto json = nlohmann::json::parse(read(d + "/r.json"));
  CHECK(json["checks"][0]["metrics"]["saturation_threshold_tolerance"] == 47);
  CHECK(json["checks"][1]["metrics"]["saturation_threshold_tolerance"] == 0);
}

TEST_CASE("gate: max_saturated budgets results at +-max where the reference overflows",
          "[gate][pairs]") {
  // relu2 = x^2 over bf16 [0, 32] graded in e4m3, saturating (fused_fp32_sat: x^2 is exact in
  // float, then cast with __NV_SATFINITE). e4m3's largest value is 448 = 1.110b * 2^8 (even last
  // bit); x^2 overflows iff it is above the midpoint 464 to the next step 480 (464 ties to 448).
  // bf16 steps by 2^-3 in [16, 32): 21.5^2 = 462.25 does not overflow, 21.625^2 = 467.6 does,
  // so the inputs 21.625, 21.75, ..., 32 overflow: (32 - 21.625) * 8 + 1 = 84. Each gives +448
  // where the reference (non-saturating) is E4M3's NaN; every other result is correctly rounded.
  const std::string d = test_dir("gate_saturated");
  const auto gate_with = [&](int limit) {
    return write(d + fmt::format("/gate{}.toml", limit), fmt::format(R"(
[[check]]
name = "relu2 to e4m3, saturating"
function = "relu2"
format = "bf16:e4m3"
implementation = "fused_fp32_sat"
range = "0:32"
max_ulp = 0.5
max_saturated = {}
)",
                                                                     limit));
  };
  const Run pass = run(fmt::format("gate {}", gate_with(84)));
  INFO(pass.output);
  CHECK(pass.status == 0);
  CHECK_THAT(pass.output, Catch::Contains("| max_saturated | <= 84 | 84 | pass |"));
  CHECK_THAT(pass.output, Catch::Contains("| max_nonfinite | <= 0 (default) | 0 | pass |"));
  const Run fail = run(fmt::format("gate {}", gate_with(83)));
  INFO(fail.output);
  CHECK(fail.status == 1);
  CHECK_THAT(fail.output, Catch::Contains("max_saturated = 84 fails <= 83"));
  CHECK(run(fmt::format("gate {}", write(d + "/bad.toml", R"(
[[check]]
function = "relu2"
format = "bf16:e4m3"
implementation = "fused_fp32_sat"
max_saturated = -1
)")))
            .status == 2);
}

TEST_CASE("gate: malformed gate files exit 2 with FILE:LINE and what is wrong", "[gate]") {
  const std::string d = test_dir("gate_malformed");
  const std::string head = "[[check]]\nfunction = \"gelu_erf\"\nformat = \"bf16\"\n";
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {head + "implementation = \"fp32\"\nmax_ulp = = 1\n", "bad.toml:5:"},
      {head + "implementation = \"fp32\"\nmax_ulps = 1\n",
       "bad.toml:5: unknown key 'max_ulps' in a check; valid:"},
      {head + "implementation = \"fp32\"\nmax_ulp = \"one\"\n",
       "bad.toml:5: 'max_ulp' must be a number, got a string"},
      {head + "implementation = \"fp32\"\nmin_correctly_rounded = 99\n",
       "bad.toml:5: 'min_correctly_rounded' is a share of the inputs, between 0 and 1"},
      {head + "implementation = \"fp32\"\nmax_nonfinite = 0.5\n",
       "bad.toml:5: 'max_nonfinite' must be an integer, got a number"},
      {head + "implementation = \"fp32\"\n", "bad.toml:1: check sets no limit"},
      {"[[check]]\nformat = \"bf16\"\nimplementation = \"fp32\"\nmax_ulp = 1\n",
       "bad.toml:1: check has no 'function'"},
      {"[[check]]\nfunction = \"gelu\"\n", "bad.toml:2: unknown function 'gelu'; valid: gelu_erf"},
      {head + "implementation = \"fp32\"\nrange = \"8:-8\"\nmax_ulp = 1\n",
       "bad.toml:5: bad range '8:-8': LO is above HI"},
      {head + "implementation = \"fp32\"\nrange = \"1e-50:1e-49\"\nmax_ulp = 1\n",
       "bad.toml:5: range '1e-50:1e-49' holds no finite bf16 value"},
      {head + "implementation = \"nope\"\nmax_ulp = 1\n",
       "bad.toml:4: unknown implementation 'nope'; valid:"},
      {"[check]\nfunction = \"tanh\"\n", "bad.toml:1: 'check' must be an array of tables"},
      {"title = \"x\"\n", "bad.toml:1: unknown top-level key 'title'"},
      {"", "bad.toml: no checks"},
      {head + "implementation = \"fp32\"\nmax_ulp = 1\n" + head +
           "implementation = \"fp32\"\nmax_ulp = 2\n",
       "bad.toml:6: check name 'gelu_erf/bf16/fp32' is already used at /"},
      {head + "implementation = \"fp32\"\nsaturation_threshold_tolerance = -1\n",
       "bad.toml:5: 'saturation_threshold_tolerance' must be >= 0, got -1"},
      {"[[check]]\nfunction = \"gelu_erf_grad\"\nformat = \"bf16\"\nimplementation = \"fp32\"\n"
       "gradient_max_ulp = 1\n",
       "bad.toml:1: the gradient_* limits gate the backward of a forward function"},
  };
  for (const Case& c : cases) {
    const std::string gate = write(d + "/bad.toml", c.text);
    const Run r = run("gate " + gate);
    INFO(c.text);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Catch::Contains("gelucheck: error: " + d + "/" + c.expected));
  }
  const Run missing = run("gate " + d + "/missing.toml");
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Catch::Contains("cannot read gate file"));
}

TEST_CASE("gate: missing plugins and symbols exit 2 with the gate file's line", "[gate]") {
  const std::string d = test_dir("gate_plugin");
  const std::string head = "[[check]]\nfunction = \"tanh\"\nformat = \"bf16\"\nmax_ulp = 1\n";
  // Plugin paths are relative to the gate file.
  Run r = run("gate " + write(d + "/g.toml", head + "implementation = \"plugin:libnone.so:f\"\n"));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains(fmt::format("g.toml:5: plugin:{}/libnone.so:f: no such "
                                                   "file '{}/libnone.so'",
                                                   d, d)));
  r = run("gate " + write(d + "/g.toml",
                          head + "implementation = \"plugin:" + kPlugin + ":missing_kernel\"\n"));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("g.toml:5: plugin:" + kPlugin + ":missing_kernel: '" +
                                       kPlugin + "' exports no symbol 'missing_kernel'"));
}

TEST_CASE("plugin: a batch32 kernel in worker processes grades as its scalar twin", "[plugin]") {
  // tanh_batch32 computes std::tanh per element, as tanh_f32 does: the same float results, so
  // every field of the two table rows but the name is equal. The kernels run in gelucheck's
  // worker processes (the command line's default), fed batches over the socket.
  const std::string d = test_dir("batch32");
  const Run r = run(fmt::format(
      "table -f tanh -t fp32 --range -3:3 --points 20000 -i plugin:{0}:tanh_batch32:batch32,"
      "plugin:{0}:tanh_f32 --output json -o {1}/t.json",
      kPlugin, d));
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::ifstream in(d + "/t.json");
  nlohmann::json rows = nlohmann::json::parse(in)["rows"];
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["points"] == 20000);
  rows[0].erase("implementation");
  rows[1].erase("implementation");
  CHECK(rows[0] == rows[1]);
  // fp32 only: in bf16 nothing given provides tanh.
  const Run bf =
      run(fmt::format("table -f tanh -t bf16 -i plugin:{}:tanh_batch32:batch32", kPlugin));
  CHECK(bf.status == 2);
}

TEST_CASE("plugin: bits8 and bits16to8 kernels in worker processes", "[plugin][pairs]") {
  // The kernels of test_user_implementations.cpp, run in gelucheck's worker processes (the
  // command line's default) with the scale passed over the socket: the same counts, derived
  // there (E4M3 relu2': 7 saturated of 254; bf16 -> E4M3 with --scale 0.5: 15255 of 65280).
  const std::string d = test_dir("bits8");
  Run r = run(fmt::format(
      "table -f relu2_grad -t e4m3 -i plugin:{}:relu2_grad_e4m3_bits8:bits8 --output json -o "
      "{}/t8.json",
      kPlugin, d));
  INFO(r.output);
  REQUIRE(r.status == 0);
  nlohmann::json row = nlohmann::json::parse(read(d + "/t8.json"))["rows"][0];
  CHECK(row["points"] == 254);
  CHECK(row["saturated"] == 7);
  CHECK(row["correctly_rounded"] == 247);
  r = run(fmt::format(
      "table -f relu2_grad -t bf16:e4m3 --scale 0.5 -i "
      "plugin:{}:relu2_grad_bf16_to_e4m3_bits16to8:bits16to8 --output json -o {}/t16.json",
      kPlugin, d));
  REQUIRE(r.status == 0);
  row = nlohmann::json::parse(read(d + "/t16.json"))["rows"][0];
  CHECK(row["points"] == 65280);
  CHECK(row["saturated"] == 15255);
  CHECK(row["correctly_rounded"] == 65280 - 15255);
}

TEST_CASE("gate: captured outputs of the wrong length or dtype exit 2 before anything runs",
          "[gate][captured]") {
  const std::string d = test_dir("gate_captured");
  // Inputs of bf16 [-2, 2], then outputs made from them by numpy: one too few, and float16.
  REQUIRE(run(fmt::format("inputs -t bf16 --range -2:2 -o {}/in.npy", d)).status == 0);
  const std::string make = fmt::format(
      "{} -c \"import numpy as n; x = n.load('{}/in.npy'); n.save('{}/short.npy', x[:-1]); "
      "n.save('{}/half.npy', x.view(n.float16))\"",
      GELUCHECK_PYTHON3, d, d, d);
  REQUIRE(std::system(make.c_str()) == 0);
  const std::string head =
      "[[check]]\nfunction = \"gelu_erf\"\nformat = \"bf16\"\nrange = \"-2:2\"\nmax_ulp = 1\n";
  Run r = run("gate " + write(d + "/g.toml", head + "implementation = \"file:short.npy\"\n"));
  INFO(r.output);
  CHECK(r.status == 2);
  // [-2, 2] in bf16: 127 nonzero subnormals and the 127 binades [2^-126, 2^-125) .. [1, 2) of
  // 2^7 values each, plus 2 itself, per sign, and both zeros: 2 * (127 + 16256 + 1) + 2 = 32770.
  CHECK_THAT(r.output, Catch::Contains("g.toml:6: file:" + d +
                                       "/short.npy: expected 32770 bf16 "
                                       "outputs") &&
                           Catch::Contains("got 32769 uint16 values"));
  r = run("gate " + write(d + "/g.toml", head + "implementation = \"file:half.npy\"\n"));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("holds 32770 float16 values (shape (32770,)); bf16 outputs "
                                       "must be bfloat16 bit patterns as uint16, int16 or void"));
  // The same refusal from a command that is not a gate.
  r = run(fmt::format("table -f gelu_erf -t bf16 --range -2:2 -i file:{}/short.npy", d));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("expected 32770 bf16 outputs"));
}

TEST_CASE("gate: baselines are recorded, compared, and refused when stale", "[gate][baseline]") {
  const std::string d = test_dir("gate_baseline");
  const std::string gate = write(d + "/gate.toml", kPassingCheck + R"(
[baseline_tolerance]
mean_ulp = 0.001
)");
  const std::string base = d + "/base.json";
  Run r = run(fmt::format("gate {} --baseline {} --write-baseline", gate, base));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("recorded the measured metrics of 1 checks in " + base));
  // The same build compared with its own record: every metric equal, within tolerance (eight
  // accuracy metrics with max_saturated, min_assert_close and max_distance).
  r = run(fmt::format("gate {} --baseline {}", gate, base));
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("| baseline | 10 metrics no worse than recorded |"));

  // A baseline better than what is measured: the ratchet fails. max_ulp has no tolerance, so any
  // worsening fails; mean_ulp is allowed 0.001.
  auto j = nlohmann::json::parse(read(base));
  const double max_ulp = j["checks"]["tanh bf16"]["metrics"]["max_ulp"];
  const double mean_ulp = j["checks"]["tanh bf16"]["metrics"]["mean_ulp"];
  j["checks"]["tanh bf16"]["metrics"]["max_ulp"] = max_ulp / 2;
  j["checks"]["tanh bf16"]["metrics"]["mean_ulp"] = mean_ulp - 0.0005;
  write(base, j.dump());
  r = run(fmt::format("gate {} --baseline {}", gate, base));
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains(fmt::format("max_ulp vs baseline = {:.6g} fails <= {:.6g} "
                                                   "(baseline {:.6g} + 0)",
                                                   max_ulp, max_ulp / 2, max_ulp / 2)));
  CHECK_THAT(r.output, !Catch::Contains("mean_ulp vs baseline"));

  // Recorded for another range: refused, not compared.
  j["checks"]["tanh bf16"]["domain"] = "exhaustive [-8, 8]: 33282 inputs";
  write(base, j.dump());
  r = run(fmt::format("gate {} --baseline {}", gate, base));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("was recorded for domain 'exhaustive [-8, 8]: 33282 "
                                       "inputs' but the check now has 'exhaustive [-4, 4]: "
                                       "33026 inputs'; re-record it with --write-baseline"));
  write(base, "{\"checks\": ");
  r = run(fmt::format("gate {} --baseline {}", gate, base));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("baseline '" + base + "': not valid JSON"));
}

TEST_CASE("inputs: the sweep's inputs in order, as numpy reads them", "[inputs]") {
  const std::string d = test_dir("gate_inputs");
  REQUIRE(run(fmt::format("inputs -t fp16 --range -1:1 -o {}/h.npy", d)).status == 0);
  REQUIRE(run(fmt::format("inputs -t bf16 --range 1:2 --dtype float32 -o {}/b.npy", d)).status ==
          0);
  REQUIRE(run(fmt::format("inputs -t bf16 --range 1:2 --raw -o {}/b.bin", d)).status == 0);
  // numpy: fp16 [-1, 1] is increasing with -0 before +0 and has 1023 nonzero subnormals, the 14
  // binades [2^-14, 2^-13) .. [1/2, 1) of 1024 values and 1.0 per sign, so 15360 per sign and
  // 30722 in all, -0 at index 15360 and +0 at 15361; bf16 [1, 2] is
  // 1 + k/128, k = 0..128, as float32 and as raw little-endian uint16.
  const std::string check = fmt::format(
      "{} -c \"import numpy as n, sys; h = n.load('{}/h.npy'); b = n.load('{}/b.npy'); "
      "r = n.fromfile('{}/b.bin', dtype='<u2'); "
      "ok = h.dtype == n.float16 and h.size == 30722 and (n.diff(h.astype(n.float64)) >= 0).all() "
      "and n.signbit(h[15360]) and not n.signbit(h[15361]) and h[0] == -1 and h[-1] == 1; "
      "ok = ok and b.dtype == n.float32 and (b == 1 + n.arange(129) / 128).all(); "
      "ok = ok and (r == (b.view(n.uint32) >> 16)).all(); sys.exit(0 if ok else 1)\"",
      GELUCHECK_PYTHON3, d, d, d);
  CHECK(std::system(check.c_str()) == 0);
  const Run bad = run(fmt::format("inputs -t bf16 --dtype float8 -o {}/x.npy", d));
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output, Catch::Contains("unknown --dtype 'float8'; valid: auto, bits, float32"));
}

TEST_CASE("help texts and completion name every plugin kind and format the program accepts",
          "[gate][plugin]") {
  // The kinds of plugin_abi.h besides the default float, each parsed as its own kind.
  const std::pair<std::string, gelucheck::PluginKind> kinds[] = {
      {"bits16", gelucheck::PluginKind::bits16},
      {"bits8", gelucheck::PluginKind::bits8},
      {"bits16to8", gelucheck::PluginKind::bits16to8},
      {"batch32", gelucheck::PluginKind::batch32}};
  for (const auto& [name, kind] : kinds)
    CHECK(gelucheck::parse_plugin_name("lib.so:k:" + name).kind == kind);
  const std::string usage = "plugin:PATH.so:SYMBOL[:bits16|:bits8|:bits16to8|:batch32]";
  for (const char* command : {"--help", "gate --help", "list"}) {
    INFO(command);
    const Run r = run(command);
    CHECK(r.status == 0);
    CHECK_THAT(r.output, Catch::Contains(usage));
  }
  // bash completion of -t offers the 8-bit formats too (OCP FP8 e4m3, e4m3fnuz, e5m2, ...).
  const std::string d = test_dir("completion");
  const std::string complete = fmt::format(
      "bash -c 'source {}/share/gelucheck.bash-completion; COMP_WORDS=({} table -t e); "
      "COMP_CWORD=3; _gelucheck; echo \"${{COMPREPLY[@]}}\"' > {}/words",
      GELUCHECK_SOURCE_DIR, GELUCHECK_BINARY, d);
  REQUIRE(std::system(complete.c_str()) == 0);
  CHECK(read(d + "/words") == "e4m3 e5m2 e4m3fnuz e5m2fnuz e2m3 e3m2 e2m1\n");
}
