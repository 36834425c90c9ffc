// gelucheck table: the ULP error table, one row per function x format x implementation.
#include <fmt/format.h>  // fmt::print

#include "../output_file.hpp"
#include "common.hpp"

namespace gelucheck::cli {

Runner add_table(CLI::App& app) {
  struct Opts {
    std::vector<std::string> functions, formats, implementations;
    std::string output_kind = "md", output = "-";
    DomainOptions domain;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "table",
      "The ULP error table: per function x format x implementation, max |ULP| and where, mean "
      "|ULP|, RMS, share correctly rounded and faithful, non-finite/NaN/zero-sign counts.\n"
      "Defaults: every function, format and implementation; exhaustive over 16-bit formats, "
      "1000000 random-bits points for fp32.");
  cmd->add_option("-f,--function", o->functions, "Functions (comma-separated; default all)")
      ->delimiter(',');
  cmd->add_option("-t,--format", o->formats, "Formats (comma-separated; default all)")
      ->delimiter(',');
  cmd->add_option("-i,--implementation", o->implementations,
                  "Implementations (comma-separated; default all)")
      ->delimiter(',');
  cmd->add_option("--output", o->output_kind, "md, csv or json")->capture_default_str();
  cmd->add_option("-o,--file", o->output, "Write to FILE (default: standard output)");
  o->domain.add_to(*cmd);
  o->engine.add_to(*cmd);
  return [o]() {
    const auto functions = functions_or_all(o->functions);
    const auto formats = formats_or_all(o->formats);
    const auto impls = implementations_or_all(o->implementations);
    const OutputKind kind = output_kind_named(o->output_kind);
    const SweepOptions options = o->engine.sweep_options();
    std::vector<Domain> domains;
    for (const Format* f : formats) domains.push_back(o->domain.build(*f));
    OutputFile out(o->output);  // fails early on an unwritable path

    std::vector<TableRow> rows;
    for (Function fn : functions) {
      for (size_t fi = 0; fi < formats.size(); ++fi) {
        const Format& f = *formats[fi];
        std::vector<const Implementation*> supported;
        for (const Implementation* i : impls)
          if (i->supports(fn, f)) supported.push_back(i);
        if (supported.empty()) continue;
        auto stats = run_sweep(fn, domains[fi], supported, options);
        for (size_t k = 0; k < supported.size(); ++k)
          rows.push_back({fn, &f, supported[k], domains[fi].describe(), std::move(stats[k])});
      }
    }
    if (rows.empty())
      throw UsageError("no implementation given provides the functions and formats given; see "
                       "`gelucheck list`");
    out.write(render_table(rows, kind));
    out.commit();
    return 0;
  };
}

}  // namespace gelucheck::cli
