// gelucheck list: functions, formats and implementations, one line each.
#include <fmt/format.h>  // fmt::print

#include "common.hpp"

namespace gelucheck::cli {

Runner add_list(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("list", "List functions, formats and implementations");
  return [cmd]() {
    (void)cmd;
    fmt::print("Functions:\n");
    for (Function fn : all_functions()) fmt::print("  {:<16} {}\n", name_of(fn), definition_of(fn));
    fmt::print("\nFormats:\n");
    for (const Format* f : all_formats) {
      fmt::print(
          "  {:<16} {}: {} exponent + {} fraction bits, p = {}, normal exponents [{}, {}], "
          "min subnormal 2^{}, max {}\n",
          f->name, f->summary, f->exponent_bits, f->fraction_bits, f->precision(), f->emin(),
          f->emax(), f->min_subnormal_log2(), to_shortest_decimal(*f, f->max_finite_bits()));
    }
    fmt::print("\nImplementations (functions they provide in brackets):\n");
    for (const Implementation& impl : builtin_implementations()) {
      std::string fns;
      for (Function fn : all_functions()) {
        if (impl.supports(fn, fp32)) fns += (fns.empty() ? "" : ",") + std::string(name_of(fn));
      }
      fmt::print("  {:<20} {}\n  {:<20} Used in: {}\n  {:<20} [{}]\n", impl.name, impl.summary, "",
                 impl.used_in, "", fns);
    }
    fmt::print("\nImplementation schemes (wherever an implementation is named):\n");
    for (const ImplementationScheme& scheme : implementation_schemes())
      fmt::print("  {}\n", scheme.usage);
    return 0;
  };
}

}  // namespace gelucheck::cli
