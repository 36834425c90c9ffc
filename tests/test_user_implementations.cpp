// User implementations: plugins (a test plugin whose kernels have errors known in closed form)
// and captured outputs (files written from built-in kernels, then graded: pairing each output
// with its input must reproduce the built-in kernel's statistics exactly).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "implementations/captured_outputs.hpp"
#include "implementations/plugin_implementation.hpp"
#include "implementations/user_kernels.hpp"
#include "io/errors.hpp"
#include "io/npy.hpp"
#include "registered_functions.hpp"
#include "sweep/engine.hpp"

using namespace gelucheck;

namespace {

std::string temp_path(const std::string& name) {
  return std::string(GELUCHECK_TEST_DATA_DIR) + "/user_impl_" + name;
}

// The outputs of a built-in implementation for every input of a domain, in the domain's order.
std::vector<uint64_t> builtin_outputs(const char* impl, Function fn, const Domain& d) {
  std::vector<uint32_t> x(d.size()), y(d.size());
  d.fill(0, x.size(), x.data());
  find_implementation(impl)->kernel_for(fn, d.format(), nullptr)(x, y);
  return {y.begin(), y.end()};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

void check_same_stats(const ErrorStats& a, const ErrorStats& b) {
  CHECK(a.points == b.points);
  CHECK(a.correctly_rounded == b.correctly_rounded);
  CHECK(a.faithful == b.faithful);
  CHECK(a.nonfinite == b.nonfinite);
  CHECK(a.nan == b.nan);
  CHECK(a.max_abs_ulp.value == b.max_abs_ulp.value);
  CHECK(a.max_abs_ulp.x == b.max_abs_ulp.x);
  CHECK(a.sum_abs_ulp.value() == b.sum_abs_ulp.value());
}

}  // namespace

TEST_CASE("plugin: a float kernel's worst input and error, derived by hand", "[plugin]") {
  const Implementation zero =
      make_plugin_implementation(fmt::format("{}:zero_f32", GELUCHECK_TEST_PLUGIN));
  // zero_f32 returns +0. Graded as tanh over bf16 [0.75, 1], tanh(x) lies in [0.635, 0.762]
  // (mpmath), inside the binade [1/2, 1) where ulp = 2^(-1-7) = 2^-8, so |error| = 256 tanh(x)
  // ULP, largest at x = 1 (0x3f80): 256 tanh(1) = 194.968103924675811 (mpmath).
  const ErrorStats s = measure_accuracy(fns::tanh, Domain::exhaustive(bf16, 0.75, 1), zero);
  CHECK(s.max_abs_ulp.x == 0x3f80);
  CHECK(s.correctly_rounded == 0);
  CHECK(std::fabs(s.max_abs_ulp.value - 194.968103924675811) <= 0x1p-11);
}

TEST_CASE("plugin: a float ReLU^2 is correctly rounded at every 16-bit input", "[plugin]") {
  // x^2 of an 11-bit (fp16) or 8-bit (bf16) significand has at most 22 bits: exact in float,
  // then rounded once to the format, which is the correct rounding, ties to even included; where
  // the float square overflows (|x| > 1.8e19, bf16 only) it is inf, and so is the correctly
  // rounded square (bf16 overflows from 1.845e19 as well: both are 2^64 and up). For x <= 0 it
  // is fmaxf(x, 0)^2 = +0.
  const Implementation k =
      make_plugin_implementation(fmt::format("{}:relu2_f32", GELUCHECK_TEST_PLUGIN));
  for (const Format* f : {&fp16, &bf16}) {
    const ErrorStats s =
        measure_accuracy(fns::relu2, Domain::exhaustive(*f, -INFINITY, INFINITY), k);
    INFO(f->name);
    CHECK(s.points == (f == &fp16 ? 63488u : 65280u));
    CHECK(s.correctly_rounded == s.points);
    CHECK(s.nonfinite == 0);
  }
}

TEST_CASE("plugin: a bits16 kernel is graded on its own bits", "[plugin]") {
  const Implementation k = make_plugin_implementation(
      fmt::format("{}:nan_above_4_bits16:bits16", GELUCHECK_TEST_PLUGIN));
  const ErrorStats s = measure_accuracy(fns::gelu_erf, Domain::exhaustive(bf16, -8, 8), k);
  // NaN exactly where 4 < |x| <= 8: the binade [4, 8) holds 2^7 bf16 values, so (4, 8] holds
  // 127 + 1 per sign.
  CHECK(s.nan == 256);
  CHECK(s.nonfinite == 0);
  CHECK_FALSE(k.supports(fns::gelu_erf, fp32));  // 16-bit formats only
}

TEST_CASE("plugin: a batch32 kernel is graded on its float results, fp32 only", "[plugin]") {
  // tanh_batch32 computes std::tanh(float) per element, as tanh_f32 does one at a time: the same
  // float results, so the same statistics to the bit, over fp32 inputs of [-3, 3] in random bits.
  const Implementation batch =
      make_plugin_implementation(fmt::format("{}:tanh_batch32:batch32", GELUCHECK_TEST_PLUGIN));
  const Implementation scalar =
      make_plugin_implementation(fmt::format("{}:tanh_f32", GELUCHECK_TEST_PLUGIN));
  const Domain d = Domain::grid(fp32, GridKind::random_bits, -3, 3, 100000, 7);
  const ErrorStats a = measure_accuracy(fns::tanh, d, batch);
  CHECK(a.points == 100000);
  check_same_stats(a, measure_accuracy(fns::tanh, d, scalar));
  CHECK_FALSE(batch.supports(fns::tanh, bf16));  // fp32 only
  CHECK_FALSE(batch.supports(fns::tanh, fp16));
}

TEST_CASE("plugin: a bits8 kernel is graded on its E4M3 bits, saturation counted apart",
          "[plugin][pairs]") {
  // relu2_grad_e4m3_bits8 doubles x >= 0 by bit arithmetic (plugin_test_kernels.cpp). Over the
  // 254 finite E4M3 values, 2x is exact where it fits: the 7 inputs 256 .. 448 (0x78 .. 0x7e)
  // double to 512 .. 896, above the overflow midpoint 464, where the reference (non-saturating)
  // is E4M3's NaN and the kernel gives 448: saturated. 240 (0x77) doubles to 480, also beyond
  // 464: NaN from both, which is correct. Every other result is the exact 2x (or +0).
  const Implementation k = make_plugin_implementation(
      fmt::format("{}:relu2_grad_e4m3_bits8:bits8", GELUCHECK_TEST_PLUGIN));
  const ErrorStats s =
      measure_accuracy(fns::relu2_grad, Domain::exhaustive(e4m3, -INFINITY, INFINITY), k);
  CHECK(s.points == 254);
  CHECK(s.convention == 7);
  CHECK(s.correctly_rounded == 254 - 7);
  CHECK(s.nonfinite + s.nan == 0);
  CHECK_FALSE(k.supports(fns::relu2_grad, bf16));                     // 8-bit results only
  CHECK_FALSE(k.supports(fns::relu2_grad, format_pair(bf16, e4m3)));  // and 8-bit inputs
}

TEST_CASE("plugin: a bits16to8 kernel is graded as the pair, with the scale passed to it",
          "[plugin][pairs]") {
  // relu2_grad_bf16_to_e4m3_bits16to8 computes 2 max(x, 0) * scale in float and rounds it to
  // E4M3 by its own code, saturating. With scale 0.5 the value is x itself, graded against x
  // rounded once to E4M3: correct everywhere but above the overflow midpoint 464 (464 ties to
  // 448), where it saturates to 448. bf16 values above 464: 466 .. 510 in steps of 2 (23), and
  // the binades 2^9 .. 2^127, 128 values each (119 * 128 = 15232): 15255 of the 65280 finite.
  // A kernel called with scale 1 would double every input: far fewer correct results.
  const Implementation k = make_plugin_implementation(
      fmt::format("{}:relu2_grad_bf16_to_e4m3_bits16to8:bits16to8", GELUCHECK_TEST_PLUGIN));
  const Format& half = format_pair(bf16, e4m3, 0.5);
  const ErrorStats s =
      measure_accuracy(fns::relu2_grad, Domain::exhaustive(half, -INFINITY, INFINITY), k);
  CHECK(s.points == 65280);
  CHECK(s.convention == 15255);
  CHECK(s.correctly_rounded == 65280 - 15255);
  CHECK(s.nonfinite + s.nan == 0);
  CHECK_FALSE(k.supports(fns::relu2_grad, bf16));  // 8-bit results only
  CHECK_FALSE(k.supports(fns::relu2_grad, e4m3));  // 16-bit inputs only
}

TEST_CASE("plugin: missing file, missing symbol and malformed names are refused", "[plugin]") {
  CHECK_THAT(error_of([] { make_plugin_implementation("/nonexistent/libx.so:f"); }),
             Catch::Contains("no such file '/nonexistent/libx.so'"));
  CHECK_THAT(error_of([] {
               make_plugin_implementation(fmt::format("{}:no_such_kernel", GELUCHECK_TEST_PLUGIN));
             }),
             Catch::Contains("exports no symbol 'no_such_kernel'") &&
                 Catch::Contains("nm -D --defined-only"));
  CHECK_THAT(error_of([] { make_plugin_implementation("libx.so"); }),
             Catch::Contains("bad plugin name 'plugin:libx.so'"));
  // A file that is not a shared library: dlopen's reason is passed on.
  CHECK_THAT(error_of([] {
               make_plugin_implementation(fmt::format("{}/CMakeLists.txt:f", GELUCHECK_SOURCE_DIR));
             }),
             Catch::Contains("cannot load"));
  const PluginName p = parse_plugin_name("dir:with:colons/lib.so:kernel:bits16");
  CHECK(p.path == "dir:with:colons/lib.so");
  CHECK(p.symbol == "kernel");
  CHECK(p.kind == PluginKind::bits16);
  CHECK(parse_plugin_name("lib.so:k:batch32").kind == PluginKind::batch32);
  CHECK(parse_plugin_name("lib.so:k:float").kind == PluginKind::scalar_float);
  CHECK(parse_plugin_name("lib.so:k").argument() == "lib.so:k");
  CHECK(parse_plugin_name("lib.so:k:batch32").argument() == "lib.so:k:batch32");
}

TEST_CASE("captured outputs are paired with the sweep's inputs in order", "[captured]") {
  const Domain d = Domain::exhaustive(bf16, -8, 8);
  const auto outputs = builtin_outputs("fp32", fns::gelu_erf, d);
  const std::string path = temp_path("bf16_fp32.npy");
  write_npy_1d(path, kNpyUint16, outputs);
  const Implementation captured = make_captured_implementation(path);
  const ErrorStats from_file = measure_accuracy(fns::gelu_erf, d, captured);
  const ErrorStats builtin = measure_accuracy(fns::gelu_erf, d, *find_implementation("fp32"));
  check_same_stats(from_file, builtin);

  // The same outputs in reverse order belong to other inputs: far from correctly rounded.
  std::vector<uint64_t> reversed(outputs.rbegin(), outputs.rend());
  const std::string reversed_path = temp_path("bf16_reversed.npy");
  write_npy_1d(reversed_path, kNpyUint16, reversed);
  const ErrorStats wrong =
      measure_accuracy(fns::gelu_erf, d, make_captured_implementation(reversed_path));
  CHECK(wrong.correctly_rounded < builtin.correctly_rounded / 2);
  std::remove(path.c_str());
  std::remove(reversed_path.c_str());
}

TEST_CASE("captured fp32 outputs of a random grid, as .npy and as raw bits", "[captured]") {
  // 20000 random-bits draws among the 2^20 + 1 fp32 values of [1, 2]: draws repeat (birthday
  // bound: about 190 pairs), which the pairing must accept when outputs agree.
  const Domain d = Domain::grid(fp32, GridKind::random_bits, 1, 2, 20000, 7);
  const auto outputs = builtin_outputs("erfc_form", fns::gelu_erf, d);
  const std::string npy = temp_path("fp32.npy"), raw = temp_path("fp32.bin");
  write_npy_1d(npy, kNpyFloat32, outputs);
  {
    std::ofstream out(raw, std::ios::binary);
    for (uint64_t v : outputs)
      for (int k = 0; k < 4; ++k) out.put(char((v >> (8 * k)) & 0xff));
  }
  const ErrorStats builtin = measure_accuracy(fns::gelu_erf, d, *find_implementation("erfc_form"));
  check_same_stats(measure_accuracy(fns::gelu_erf, d, make_captured_implementation(npy)), builtin);
  check_same_stats(measure_accuracy(fns::gelu_erf, d, make_captured_implementation(raw)), builtin);

  // Two different outputs for one repeated input are refused.
  std::vector<uint32_t> x(d.size());
  d.fill(0, x.size(), x.data());
  size_t later = 0;
  for (size_t i = 1; i < x.size() && !later; ++i)
    for (size_t j = 0; j < i && !later; ++j)
      if (x[j] == x[i]) later = i;
  REQUIRE(later > 0);
  auto conflicting = outputs;
  conflicting[later] ^= 1;
  write_npy_1d(npy, kNpyFloat32, conflicting);
  CHECK_THAT(
      error_of([&] { measure_accuracy(fns::gelu_erf, d, make_captured_implementation(npy)); }),
      Catch::Contains("outputs differ") && Catch::Contains("must be a function of the input"));
  std::remove(npy.c_str());
  std::remove(raw.c_str());
}

TEST_CASE("captured outputs of the wrong length or kind are refused saying what was expected",
          "[captured]") {
  const Domain d = Domain::exhaustive(bf16, -8, 8);  // 33282 inputs
  auto outputs = builtin_outputs("fp32", fns::gelu_erf, d);
  outputs.pop_back();
  const std::string path = temp_path("short.npy");
  write_npy_1d(path, kNpyUint16, outputs);
  CHECK_THAT(
      error_of([&] { measure_accuracy(fns::gelu_erf, d, make_captured_implementation(path)); }),
      Catch::Contains("expected 33282 bf16 outputs, one per input of the sweep "
                      "(exhaustive [-8, 8]: 33282 inputs") &&
          Catch::Contains("got 33281 uint16 values (shape (33281,))"));
  // A raw file whose size is not a whole number of values.
  const std::string raw = temp_path("odd.bin");
  std::ofstream(raw, std::ios::binary) << "abc";
  CHECK_THAT(
      error_of([&] { measure_accuracy(fns::gelu_erf, d, make_captured_implementation(raw)); }),
      Catch::Contains("3 bytes are not a multiple of 2"));
  // Named .npy but not one.
  const std::string fake = temp_path("fake.npy");
  std::ofstream(fake, std::ios::binary) << "not numpy";
  CHECK_THAT(error_of([&] { make_captured_implementation(fake); }),
             Catch::Contains("named .npy but not a .npy file"));
  CHECK_THAT(error_of([] { make_captured_implementation("/nonexistent/out.npy"); }),
             Catch::Contains("cannot read captured outputs '/nonexistent/out.npy'"));
  for (const std::string& p : {path, raw, fake}) std::remove(p.c_str());
}

TEST_CASE("outside a sweep, only files covering a whole 16-bit format can be used", "[captured]") {
  const Domain every_pattern = Domain::patterns(fp16);
  const std::string whole = temp_path("all_patterns.npy");
  write_npy_1d(whole, kNpyFloat16, builtin_outputs("fp64", fns::tanh, every_pattern));
  const Implementation captured = make_captured_implementation(whole);
  const BatchKernel k = captured.kernel_for(fns::tanh, fp16, nullptr);  // no sweep domain
  const uint32_t x[] = {0x3c00};                                        // 1.0
  uint32_t y[1];
  k(x, y);
  uint32_t expected[1];
  find_implementation("fp64")->kernel_for(fns::tanh, fp16, nullptr)(x, expected);
  CHECK(y[0] == expected[0]);

  const Domain part = Domain::exhaustive(fp16, -1, 1);
  const std::string partial = temp_path("partial.npy");
  write_npy_1d(partial, kNpyFloat16, builtin_outputs("fp64", fns::tanh, part));
  const Implementation captured_part = make_captured_implementation(partial);
  const BatchKernel unpaired = captured_part.kernel_for(fns::tanh, fp16, nullptr);
  CHECK_THAT(error_of([&] { unpaired(x, y); }), Catch::Contains("does not sweep a domain"));
  const BatchKernel paired = captured_part.kernel_for(fns::tanh, fp16, &part);  // as a sweep does
  paired(x, y);
  CHECK(y[0] == expected[0]);
  std::remove(whole.c_str());
  std::remove(partial.c_str());
}
