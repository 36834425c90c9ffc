// gelucheck saturation: where each function reaches its asymptotes, and where each implementation
// departs from them (premature zeros, cancellation, overflow, late saturation, special inputs).
#include <cmath>

#include <fmt/format.h>  // fmt::format

#include "analysis/saturation.hpp"
#include "common.hpp"
#include "io/output_file.hpp"
#include "render/saturation_render.hpp"
#include "versioned_json.hpp"

namespace gelucheck::cli {

Runner add_saturation(CLI::App& app) {
  struct Opts {
    SelectionOptions selection;
    OutputOptions output;
    EngineOptions engine;
    double relative_limit_percent = 1.0;
    int sparse_bits = SaturationOptions{}.sparse_bits;
    int dense_bits = SaturationOptions{}.dense_bits;
    std::string dense_range = "0.25:128";
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "saturation",
      "Saturation and special values, per function x format: the correctly rounded plateaus "
      "(tanh -> +-1, gelu(x) = x, silu -> -0, softplus -> +0, relu2 -> inf (overflow), gelu' -> 1 "
      "and -> 0, tanh(x) = x near 0, ...; each function states its own) as exact inputs; each "
      "implementation's own plateaus and their distance in inputs; "
      "premature-zero, underflow-to-zero, cancellation, overflow (with the operation that "
      "overflowed), late-saturation and zero-sign zones; where the two GELU forms (and their "
      "derivatives) round differently; +-0, +-inf, NaN, "
      "+-min subnormal and +-max for every implementation; one summary line each.\n"
      "Exhaustive for fp16 and bf16. fp32: a grid in bit space (--fp32-bits, --fp32-dense-bits "
      "inside --fp32-dense-range), every gap next to a threshold or a zone end then evaluated in "
      "full, so thresholds and zone ends are exact inputs; a zone narrower than the grid spacing "
      "can be missed and counts inside zones (~) are estimates. "
      "Defaults: every function, format and implementation; see "
      "docs/saturation.md.");
  o->selection.add_to(*cmd);
  o->output.add_to(*cmd);
  cmd->add_option("--cancellation", o->relative_limit_percent,
                  "Cancellation zone: |relative error| above this many percent where the "
                  "reference is a normal number")
      ->capture_default_str();
  cmd->add_option("--fp32-bits", o->sparse_bits,
                  "fp32 grid: 2^N inputs per binade outside the dense range (1..23; 23 is every "
                  "input)")
      ->capture_default_str();
  cmd->add_option("--fp32-dense-bits", o->dense_bits,
                  "fp32 grid: 2^N inputs per binade for |x| in the dense range (1..23)")
      ->capture_default_str();
  cmd->add_option("--fp32-dense-range", o->dense_range,
                  "fp32 grid: |x| range LO:HI (0 < LO < HI) sampled with --fp32-dense-bits; "
                  "where the tail thresholds lie (GELU 3-15, SiLU and Mish up to 109 in fp32)")
      ->capture_default_str();
  o->engine.add_to(*cmd);
  return [o]() {
    const auto functions = functions_or_all(o->selection.functions);
    const auto formats = o->selection.selected_formats();
    const auto impls = implementations_or_all(o->selection.implementations);
    const OutputKind kind = o->output.output_kind();
    SaturationOptions options;
    const SweepOptions sweep = o->engine.sweep_options();
    options.threads = sweep.threads;
    options.reference_mode = sweep.reference_mode;
    if (!(o->relative_limit_percent > 0) || !std::isfinite(o->relative_limit_percent))
      throw UsageError(fmt::format("bad --cancellation {}: expected a percentage above 0, e.g. 1",
                                   o->relative_limit_percent));
    options.relative_error_limit = o->relative_limit_percent / 100;
    for (const auto& [name, bits] :
         {std::pair{"--fp32-bits", o->sparse_bits}, {"--fp32-dense-bits", o->dense_bits}})
      if (bits < 1 || bits > 23)
        throw UsageError(fmt::format(
            "bad {} {}: expected 1..23 (log2 of the inputs per binade; 23 is all of them)", name,
            bits));
    options.sparse_bits = o->sparse_bits;
    options.dense_bits = o->dense_bits;
    const auto [lo, hi] = parse_range(o->dense_range);
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
      throw UsageError(fmt::format(
          "bad --fp32-dense-range '{}': expected LO:HI with 0 < LO < HI finite, e.g. 0.25:128",
          o->dense_range));
    options.dense_lo = lo;
    options.dense_hi = hi;
    OutputFile out(o->output.file);  // fails early on an unwritable path

    std::vector<SaturationReport> reports;
    for (Function fn : functions) {
      for (const Format* f : formats) {
        std::vector<const Implementation*> supported;
        for (const Implementation* i : impls)
          if (i->supports(fn, *f)) supported.push_back(i);
        if (supported.empty()) continue;
        reports.push_back(analyze_saturation(fn, *f, supported, options));
      }
    }
    if (reports.empty())
      throw UsageError(
          "no implementation given provides the functions and formats given; see "
          "`gelucheck list`");
    out.write(versioned(kind, "saturation", sweep.reference_mode, render_saturation(reports, kind),
                        "reports"));
    out.commit();
    return 0;
  };
}

}  // namespace gelucheck::cli
