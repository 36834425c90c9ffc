// gelucheck gradients: the gradient report (landscape, backward accuracy, tanh form vs exact,
// gradient flow, log2 histogram) per derivative x format x implementation.
#include <cmath>

#include <fmt/format.h>  // fmt::format

#include "analysis/gradients.hpp"
#include "common.hpp"
#include "functions/function.hpp"
#include "io/output_file.hpp"
#include "render/gradient_render.hpp"
#include "versioned_json.hpp"

namespace gelucheck::cli {

namespace {
std::string section_list() {
  std::string s;
  for (GradientSection g : kAllGradientSections)
    s += (s.empty() ? "" : ", ") + std::string(section_name(g));
  return s;
}
}  // namespace

// Derivatives named directly or through their function (a forward means its derivative); every
// derivative when none is given.
std::vector<Function> derivatives_or_all(const std::vector<std::string>& names) {
  if (names.empty()) return derivative_functions();
  std::vector<Function> out;
  for (const auto& n : names) {
    const Function d = derivative_of(function_named(n));
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  }
  return out;
}

Runner add_gradients(CLI::App& app) {
  struct Opts {
    SelectionOptions selection;
    OutputOptions output;
    std::vector<std::string> sections, thresholds, sigmas;
    DomainOptions domain;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "gradients",
      "The gradient report, per derivative x format (x implementation):\n"
      "  landscape   the exact derivative rounded to the format: max/min and where, the zero "
      "crossing, where f' < 0, where |f'| < each threshold, where it rounds to 0 (exact over "
      "every value in --range, fp32 included)\n"
      "  accuracy    each backward: ULP statistics as in `table`, absolute error, and points "
      "above the envelope max(1/2, kappa/2) ULP, kappa = |x f''/f'| (kappa/2 capped by the change "
      "of f' over x(1 +- 2^-p); error the input's rounding "
      "cannot explain)\n"
      "  comparison  the tanh-form derivative (correctly rounded) graded as the exact one\n"
      "  flow        E[g(z)^2] and P(g = 0) for z ~ N(0, sigma^2): exact, and as each format and "
      "backward produces it\n"
      "  histogram   counts of inputs per binade of |f'| (for plots; --output csv)\n"
      "Defaults: every derivative, format, implementation and section; exhaustive over 16-bit "
      "formats, 1000000 random-bits points for fp32. -f " +
          std::string(all_functions().front().name()) + " means its derivative.");
  o->selection.add_to(
      *cmd,
      "Derivatives (" + derivative_names() + ", or their functions; comma-separated; default all)",
      "Backwards (comma-separated; default every catalogue entry; fd:IMPL for a "
      "finite difference)");
  cmd->add_option("--section", o->sections,
                  "Sections (comma-separated: " + section_list() +
                      "; default all; --output csv takes exactly one)")
      ->delimiter(',');
  cmd->add_option("--thresholds", o->thresholds,
                  "Landscape thresholds on |f'| (numbers or eps = 2^(1-p); default 1e-2,1e-4,eps)")
      ->delimiter(',');
  cmd->add_option("--sigma", o->sigmas, "Pre-activation scales for the flow (default 0.5,1,2,4)")
      ->delimiter(',');
  o->output.add_to(*cmd);
  o->domain.add_to(*cmd);
  o->engine.add_to(*cmd);
  return [o]() {
    GradientReportRequest rq;
    rq.derivatives = derivatives_or_all(o->selection.functions);
    rq.formats = o->selection.selected_formats();
    rq.implementations = implementations_or_all(o->selection.implementations);
    const OutputKind kind = o->output.output_kind();
    rq.options = o->engine.sweep_options();
    for (const auto& s : o->sections) {
      GradientSection g;
      if (!parse_section(s, g))
        throw UsageError(fmt::format("unknown section '{}'; valid: {}", s, section_list()));
      rq.sections.push_back(g);
    }
    if (rq.sections.empty()) {
      if (kind == OutputKind::csv)
        throw UsageError(fmt::format(
            "--output csv writes one section; give --section with one of: {}", section_list()));
      rq.sections.assign(std::begin(kAllGradientSections), std::end(kAllGradientSections));
    }
    if (kind == OutputKind::csv && rq.sections.size() != 1)
      throw UsageError(
          fmt::format("--output csv writes one section, got {}; use md or json for "
                      "several",
                      rq.sections.size()));
    if (!o->thresholds.empty()) {
      rq.thresholds.clear();
      for (const auto& t : o->thresholds) {
        Threshold th;
        if (!parse_threshold(t, th))
          throw UsageError(
              fmt::format("bad threshold '{}': expected a positive number (e.g. 1e-3) or eps", t));
        rq.thresholds.push_back(th);
      }
    }
    if (!o->sigmas.empty()) {
      rq.sigmas.clear();
      for (const auto& s : o->sigmas) {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !(v > 0) || !std::isfinite(v))
          throw UsageError(
              fmt::format("bad sigma '{}': expected a positive finite number, e.g. 0.5", s));
        rq.sigmas.push_back(v);
      }
    }
    double lo = -INFINITY, hi = INFINITY;
    if (!o->domain.range.empty()) std::tie(lo, hi) = parse_range(o->domain.range);
    for (const Format* f : rq.formats) {
      rq.domains.push_back(o->domain.build(*f));
      rq.ranges.push_back(finite_ordinals_in(f->in(), lo, hi));
    }
    OutputFile out(o->output.file);  // fails early on an unwritable path
    const GradientReport report = make_gradient_report(rq);
    out.write(versioned(kind, "gradients", rq.options.reference_mode,
                        render_gradient_report(report, kind)));
    out.commit();
    return 0;
  };
}

}  // namespace gelucheck::cli
