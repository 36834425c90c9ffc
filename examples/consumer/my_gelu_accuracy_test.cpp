// Accuracy of the project's GELU kernel, asserted against gelucheck's correctly rounded reference.
#include <catch2/catch.hpp>

#include <gelucheck/implementations/user_kernels.hpp>  // implementation_from_bits16_kernel, measure_accuracy

#include "my_gelu.hpp"

using namespace gelucheck;

TEST_CASE("my_gelu_bf16 is correctly rounded almost everywhere in [-8, 8]") {
  const Implementation mine = implementation_from_bits16_kernel("my_gelu_bf16", my_gelu_bf16);
  const ErrorStats s =
      measure_accuracy(function_named("gelu_erf"), Domain::exhaustive(bf16, -8, 8), mine);
  INFO("worst input: " << to_shortest_decimal(bf16, s.max_abs_ulp.x) << " ("
                       << to_hex_bits(bf16, s.max_abs_ulp.x) << "), " << s.max_abs_ulp.value
                       << " ULP");
  CHECK(s.points == 33282);  // every bf16 value in [-8, 8], both zeros
  CHECK(s.nonfinite + s.nan == 0);
  CHECK(s.max_abs_ulp.value < 0.51);
  CHECK(s.share(s.correctly_rounded) >= 0.99);
}

TEST_CASE("my_gelu_float stays within 64 ULP over a million fp32 inputs in [-8, 8]") {
  const Implementation mine = implementation_from_float_function("my_gelu_float", my_gelu_float);
  const Domain inputs = Domain::grid(fp32, GridKind::random_bits, -8, 8, 1'000'000, /*seed=*/1);
  const ErrorStats s = measure_accuracy(function_named("gelu_erf"), inputs, mine);
  INFO("worst input: " << to_shortest_decimal(fp32, s.max_abs_ulp.x) << ", " << s.max_abs_ulp.value
                       << " ULP");
  CHECK(s.nonfinite + s.nan == 0);
  CHECK(s.max_abs_ulp.value <= 64);
}
