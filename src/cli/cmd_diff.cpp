// gelucheck diff A B: two implementations compared input by input (analysis/kernel_diff.hpp).
#include <fmt/format.h>  // fmt::format

#include "analysis/kernel_diff.hpp"
#include "common.hpp"
#include "io/output_file.hpp"
#include "render/diff_render.hpp"
#include "versioned_json.hpp"

namespace gelucheck::cli {

Runner add_diff(CLI::App& app) {
  struct Opts {
    std::string a, b;
    OneFunctionOptions one;
    OutputOptions output;
    std::string worst = "10";
    DomainOptions domain;
    EngineOptions engine;
    GradingOptions grading;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "diff",
      "Two implementations compared input by input (catalogue names, plugin:..., file:..., "
      "fd:...): how many inputs they differ at bitwise, a histogram of how far apart they are "
      "in values of the format, at each differing input which one is closer to the exact value "
      "(a, b or tie, decided exactly), and the worst disagreements with both values and the "
      "exact one. E.g. gelucheck diff fp32 erfc_form -f gelu_erf -t bf16.\n"
      "--output csv lists the worst disagreements, one row each; md and json have everything. "
      "Gate files limit the same counts (max_differing, max_differing_not_closer).");
  cmd->add_option("A", o->a, "The first implementation (a)")->required();
  cmd->add_option("B", o->b, "The second implementation (b)")->required();
  o->one.add_to(*cmd);
  o->output.add_to(*cmd);
  cmd->add_option("--worst", o->worst, "Disagreements listed, largest distance first")
      ->capture_default_str();
  o->domain.add_to(*cmd);
  o->engine.add_to(*cmd);
  o->grading.add_to(*cmd);
  return [o]() {
    const Function fn = o->one.named_function();
    const Format& f = o->one.named_format();
    const OutputKind kind = o->output.output_kind();
    const size_t worst = size_t(parse_count(o->worst, "--worst", 0, kMaxListedInputs));
    SweepOptions options = o->engine.sweep_options();
    o->grading.apply(options);
    const Domain domain = o->domain.build(f);
    const Implementation& a = implementation_named(o->a);
    const Implementation& b = implementation_named(o->b);
    for (const Implementation* impl : {&a, &b})
      if (!impl->supports(fn, f))
        throw UsageError(fmt::format("implementation '{}' does not provide {} in {}",
                                     escaped(impl->name), name_of(fn), f.name));
    OutputFile out(o->output.file);
    const DiffStats d = diff_implementations(fn, domain, a, b, options, worst);
    out.write(versioned(kind, "diff", options.reference_mode,
                        render_diff({fn, &f, a.name, b.name, domain.describe()}, d, kind)));
    out.commit();
    return 0;
  };
}

}  // namespace gelucheck::cli
