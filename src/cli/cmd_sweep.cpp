// gelucheck sweep: one CSV row per input.
#include <fmt/format.h>  // fmt::format_to, fmt::memory_buffer

#include "../output_file.hpp"
#include "common.hpp"

namespace gelucheck::cli {

namespace {
const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::finite: return "finite";
    case Outcome::special: return "special";
    case Outcome::nonfinite: return "nonfinite";
    case Outcome::nan: return "nan";
  }
  return "?";
}
}  // namespace

// x, reference (correctly rounded) and value are shortest round-trip decimals in the format;
// exact is r on the grid ulp(r)*2^-10 as a shortest round-trip double; bits in hex.
constexpr const char* kSweepCsvHeader =
    "x,x_bits,reference,reference_bits,exact,value,value_bits,ulp_error,abs_error,rel_error,"
    "outcome\n";

void append_csv_row(fmt::memory_buffer& out, const Format& f, const PointRecord& p) {
  fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{},{},{},{}\n",
                 to_shortest_decimal(f, p.x), to_hex_bits(f, p.x),
                 to_shortest_decimal(f, p.ref.correctly_rounded),
                 to_hex_bits(f, p.ref.correctly_rounded), p.ref.exact, to_shortest_decimal(f, p.y),
                 to_hex_bits(f, p.y), p.ulp_error, p.abs_error, p.rel_error,
                 outcome_name(p.outcome));
}

Runner add_sweep(CLI::App& app) {
  struct Opts {
    std::string function, format, implementation, output = "-";
    DomainOptions domain;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "One CSV row per input: x, reference, value, ULP/absolute/relative error.\n"
      "Columns: " + std::string(kSweepCsvHeader).substr(0, std::string(kSweepCsvHeader).size() - 1) +
      "\nx, reference and value read back to the same bits; exact is r rounded to 2^-10 ULP.");
  cmd->add_option("-f,--function", o->function, "Function: " + function_names())->required();
  cmd->add_option("-t,--format", o->format, "Format: " + format_names())->required();
  cmd->add_option("-i,--implementation", o->implementation,
                  "Implementation (see `gelucheck list`)")
      ->required();
  cmd->add_option("-o,--output", o->output, "CSV file (default: standard output)");
  o->domain.add_to(*cmd);
  o->engine.add_to(*cmd);
  return [o]() {
    const Function fn = function_named(o->function);
    const Format& f = format_named(o->format);
    const Implementation& impl = implementation_named(o->implementation);
    if (!impl.supports(fn, f))
      throw UsageError(fmt::format("implementation '{}' does not provide {} in {}", impl.name,
                                   name_of(fn), f.name));
    const Domain domain = o->domain.build(f);
    const SweepOptions options = o->engine.sweep_options();
    OutputFile out(o->output);
    out.write(kSweepCsvHeader);
    const Implementation* impls[] = {&impl};
    run_sweep(fn, domain, impls, options,
              [&](size_t, std::span<const PointRecord> records) {
                fmt::memory_buffer buf;
                for (const PointRecord& p : records) append_csv_row(buf, f, p);
                out.write({buf.data(), buf.size()});
              });
    out.commit();
    return 0;
  };
}

}  // namespace gelucheck::cli
