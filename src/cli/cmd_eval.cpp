// gelucheck eval: everything about one input.
#include <fmt/format.h>  // fmt::print

#include "common.hpp"
#include "sweep/metrics.hpp"

namespace gelucheck::cli {

namespace {
std::string describe(const Format& f, uint32_t bits) {
  return fmt::format("{} ({}, {:a})", to_shortest_decimal(f, bits), to_hex_bits(f, bits),
                     to_double(f, bits));
}
}  // namespace

Runner add_eval(CLI::App& app) {
  struct Opts {
    OneFunctionOptions one;
    std::string x;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "Everything about one input: the exact value, the correctly rounded value, and every "
      "implementation's value and error.\nX may be a decimal, a hex float (0x1.8p-3), inf, or "
      "a bit pattern (bits:0x3c00); a decimal is rounded to the nearest value of the format.");
  o->one.add_to(*cmd);
  cmd->add_option("X", o->x, "The input")->required();
  return [o]() {
    const Function fn = o->one.named_function();
    const Format& f = o->one.named_format();
    const Format& in = f.in();  // x is an input: of IN in a pair IN:OUT
    const auto parsed = parse_value(in, o->x);
    if (!parsed)
      throw UsageError(
          fmt::format("bad input '{}': expected a decimal, a hex float, inf, nan or "
                      "bits:0xHEX (at most {} bits)",
                      o->x, in.total_bits()));
    const uint32_t x = *parsed;
    const double xv = to_double(in, x);
    fmt::print("{}(x) in {}\n", name_of(fn), f.name);
    fmt::print("  definition         {}\n", definition_of(fn));
    fmt::print("  x                  {}\n", describe(in, x));
    fmt::print("  exact              {}\n", exact_decimal(fn, xv, 30));
    if (f.is_pair())
      fmt::print("  graded             {} * f(x), computed exactly, rounded once to {}\n",
                 static_cast<float>(f.scale), f.out().name);
    const RefValue ref = reference(fn, f, x);
    fmt::print("  correctly rounded  {}\n", describe(f, ref.correctly_rounded));
    fmt::print("  exact vs rounded   {}\n", ref.side == 0  ? "equal"
                                            : ref.side > 0 ? "exact is above"
                                                           : "exact is below");
    fmt::print("  ulp(exact)         2^{}\n", ref.ulp_log2);
    if (ref.overflow)
      fmt::print(
          "  overflow           the exact value rounds beyond {}: non-saturating, as the "
          "reference is; +-max would be the saturating convention's result\n",
          to_shortest_decimal(f, f.max_finite_bits()));
    fmt::print("\n");
    fmt::print("  {:<20} {:<40} {:>12} {:>12}\n", "implementation", "value", "ULP error",
               "rel error");
    for (const Implementation& impl : builtin_implementations()) {
      const BatchKernel k = impl.kernel_for(fn, f, nullptr);
      if (!k) continue;
      uint32_t y;
      k(std::span<const uint32_t>(&x, 1), std::span<uint32_t>(&y, 1));
      canonicalize_nans(f, std::span<uint32_t>(&y, 1));
      const PointRecord p = compare(f, x, y, ref);
      std::string err = p.outcome == Outcome::finite       ? ulp_error_text(f, p.ulp_error)
                        : p.outcome == Outcome::special    ? "exact"
                        : p.outcome == Outcome::nan        ? "NaN mismatch"
                        : p.outcome == Outcome::convention ? "saturated"
                                                           : "non-finite";
      if (p.zero_sign) err += " (zero sign)";
      fmt::print("  {:<20} {:<40} {:>12} {:>12}\n", impl.name, describe(f, y), err,
                 p.outcome == Outcome::finite ? fmt::format("{:.3g}", p.rel_error) : "");
    }
    return 0;
  };
}

}  // namespace gelucheck::cli
