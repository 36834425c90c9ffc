// The registry and what families state: shared constants against MPFR, the links between specs,
// every spec complete, the catalogue's formula sets all provided, and each stated parity against
// the reference on every 16-bit input.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include <boost/math/constants/constants.hpp>
#include <boost/multiprecision/mpfr.hpp>

#include "functions/constants.hpp"
#include "functions/function.hpp"
#include "functions/function_spec.hpp"
#include "implementations/implementations.hpp"
#include "registered_functions.hpp"
#include "sweep/engine.hpp"

using namespace gelucheck;

TEST_CASE("shared constants are the doubles nearest the numbers they name", "[functions]") {
  namespace mp = boost::multiprecision;
  using R = mp::number<mp::mpfr_float_backend<80>, mp::et_off>;  // 267 bits
  const R pi = boost::math::constants::pi<R>();
  // R -> double rounds to nearest (mpfr_get_d, MPFR_RNDN).
  CHECK(constants::kInvSqrt2 == static_cast<double>(1 / sqrt(R(2))));
  CHECK(constants::kSqrt2 == static_cast<double>(sqrt(R(2))));
  CHECK(constants::kSqrt2OverPi == static_cast<double>(sqrt(2 / pi)));
  CHECK(constants::kInvSqrt2Pi == static_cast<double>(1 / sqrt(2 * pi)));
  CHECK(constants::kLog2E == static_cast<double>(1 / log(R(2))));
  CHECK(constants::kTanhFormCubic ==
        static_cast<double>(R(constants::kTanhFormCubicDecimal.data())));
}

TEST_CASE("the registry: unique names, consistent links, complete specs", "[functions]") {
  std::set<std::string> names;
  for (Function fn : all_functions()) {
    const FunctionSpec& s = fn.spec();
    INFO(s.name);
    CHECK(names.insert(std::string(s.name)).second);
    Function found;
    CHECK(parse_function(s.name, found));
    CHECK(found == fn);
    CHECK(!s.definition.empty());
    CHECK(s.fast.record != nullptr);
    CHECK(s.fast.replay != nullptr);
    for (auto step : s.mpfr.at) CHECK(step != nullptr);
    CHECK(s.mpfr.value_50_digits != nullptr);
    CHECK(!s.plateaus.empty());
    CHECK(!s.formulas.empty());
    // A forward links to its derivative and back; a derivative has its facts; not both.
    CHECK((s.derivative == nullptr) != (s.primitive == nullptr));
    if (s.derivative) {
      CHECK(s.derivative->primitive == &s);
      CHECK(s.finite_difference_length != nullptr);
      CHECK(!s.derivative_facts);
    }
    if (s.primitive) {
      CHECK(s.primitive->derivative == &s);
      CHECK(s.derivative_facts);
    }
    // Two forms name each other, exactly one approximates the other, and their derivatives are
    // forms of each other too.
    if (s.other_form) {
      CHECK(s.other_form->other_form == &s);
      CHECK(s.approximates_other_form != s.other_form->approximates_other_form);
      if (s.derivative) CHECK(s.derivative->other_form == s.other_form->derivative);
    }
  }
  // The six of the first release first, in their order (tables and reports list them so).
  CHECK(function_names() ==
        "gelu_erf, gelu_tanh, gelu_erf_grad, gelu_tanh_grad, tanh, tanh_grad, silu, silu_grad, "
        "softplus, softplus_grad, mish, mish_grad, relu2, relu2_grad");
  CHECK(derivative_names() ==
        "gelu_erf_grad, gelu_tanh_grad, tanh_grad, silu_grad, softplus_grad, mish_grad, "
        "relu2_grad");
  CHECK_THROWS_WITH(function_named("gelu"), Catch::Contains("valid: gelu_erf, gelu_tanh"));
}

TEST_CASE("every catalogue entry provides some function, every formula set has an entry",
          "[functions][catalogue]") {
  std::set<std::string> sets;
  for (Function fn : all_functions())
    for (const CatalogueFormula& c : fn.spec().formulas) sets.insert(std::string(c.set));
  for (const Implementation& impl : builtin_implementations()) {
    bool provides = false;
    // The fused activation + quantization entries grade 8-bit results and pairs only.
    const Format& f = impl.name.starts_with("fused_") || impl.name.starts_with("bf16_then_cast")
                          ? format_pair(bf16, e4m3)
                          : fp16;
    for (Function fn : all_functions()) provides = provides || impl.supports(fn, f);
    CHECK(!(f.is_pair() && impl.supports(fns::gelu_erf, fp16)));
    INFO(impl.name);
    CHECK(provides);
  }
  // The sets named by the entries (see implementations.cpp); each one a family writes is used.
  const std::set<std::string> used = {"textbook",     "as7126",    "sigmoid1702", "erfc_form",
                                      "sigmoid_form", "exp_tanh",  "mul_sigmoid", "naive",
                                      "stable",       "n_rewrite", "tfa"};
  CHECK(sets == used);
}

TEST_CASE("each stated parity holds for the reference on every 16-bit input",
          "[functions][exhaustive]") {
  // Rounding to nearest is symmetric: for an odd f the correctly rounded bits are mirror images
  // and the exact value and its side change sign; for an even f they are the same.
  CHECK(fns::tanh.spec().parity == Parity::odd);
  CHECK(fns::tanh_grad.spec().parity == Parity::even);
  CHECK(fns::gelu_erf.spec().parity == Parity::none);
  for (Function fn : all_functions()) {
    const Parity parity = fn.spec().parity;
    if (parity == Parity::none) continue;
    for (const Format* f : {&fp16, &bf16}) {
      const RefValue* t = reference_table(fn, *f, ReferenceMode::tiered, 0);
      uint64_t failures = 0;
      for (uint32_t x = 0; x < f->sign_mask(); ++x) {
        if (is_nan(*f, x)) continue;
        const RefValue &p = t[x], &n = t[x | f->sign_mask()];
        if (parity == Parity::odd)
          failures += n.correctly_rounded != (p.correctly_rounded ^ f->sign_mask()) ||
                      n.exact != -p.exact || n.side != -p.side;
        else
          failures +=
              n.correctly_rounded != p.correctly_rounded || n.exact != p.exact || n.side != p.side;
      }
      INFO(name_of(fn) << " " << f->name);
      CHECK(failures == 0);
    }
  }
}
