// gelucheck gradcheck: is a backward right? Exit 0 if every check passes, 1 if one fails, 2 on
// bad input.
#include <cmath>

#include <fmt/format.h>  // fmt::print, fmt::format

#include "analysis/gradcheck.hpp"
#include "common.hpp"
#include "functions/function.hpp"
#include "io/output_file.hpp"
#include "render/gradient_render.hpp"
#include "versioned_json.hpp"

namespace gelucheck::cli {

std::vector<Function> derivatives_or_all(const std::vector<std::string>& names);  // gradients

Runner add_gradcheck(CLI::App& app) {
  struct Opts {
    SelectionOptions selection;
    OutputOptions output;
    std::vector<std::string> against;
    std::string forward;
    double envelope_factor = 4, fd_factor = 4, forward_ulps = 1;
    std::optional<double> atol;
    std::string worst = "10";
    DomainOptions domain;
    EngineOptions engine;
    size_t worst_count() const {
      return size_t(parse_count(worst, "--worst", 0, kMaxListedInputs));
    }
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "gradcheck",
      "Checks backward implementations against the exact derivative and against the central "
      "finite difference of their own forward; lists the worst inputs of each failing check.\n"
      "Exit status: 0 every check passes, 1 a check fails, 2 bad input.\n"
      "exact: an input passes if |error| <= F x max(1/2, kappa/2) ULP (kappa = |x f''/f'|; "
      "kappa/2 capped by the change of f' over x(1 +- 2^-p) where the linearization fails; "
      "F = --envelope-factor) or |error| <= --atol.\n"
      "fd: |B - D| <= --fd-factor x (R + T + N) + F/2 ulp(D) + atol, D = (Fwd(x+h) - "
      "Fwd(x-h))/2h in double, R its rounding bound for a forward within --forward-ulps ULP, T "
      "its truncation estimate (D at 2h vs h), N the forward's noise (4th difference). Passing fd "
      "means: the backward is the derivative of "
      "the forward it ships with.\n"
      "Defaults: exhaustive over 16-bit formats, 1000000 random-bits points for fp32.");
  o->selection
      .add_to(*cmd,
              "Derivatives (" + derivative_names() +
                  " or their functions; default every one the backward provides)",
              "Backwards to check (comma-separated; catalogue names, fd:IMPL, plugin:..., "
              "file:...)")
      ->required();
  cmd->add_option("--against", o->against,
                  "exact, fd or both (comma-separated; default both; fd is skipped with a note "
                  "when the backward has no forward and --forward is not given)")
      ->delimiter(',');
  cmd->add_option("--forward", o->forward,
                  "Forward whose finite difference the backward is compared with (default: the "
                  "backward's own implementation)");
  cmd->add_option("--envelope-factor", o->envelope_factor,
                  "Allowed error in units of the envelope max(1/2, kappa/2) ULP")
      ->capture_default_str();
  cmd->add_option("--atol", o->atol,
                  "Absolute error always accepted (default 2^-p: fp32 2^-24, fp16 2^-11, bf16 "
                  "2^-8, the rounding error a unit-size gradient carries in the format)");
  cmd->add_option("--fd-factor", o->fd_factor,
                  "Allowed |B - D| in units of D's error bound R + T + N")
      ->capture_default_str();
  cmd->add_option("--forward-ulps", o->forward_ulps,
                  "Assumed accuracy of the forward in ULP (scales R; raise it for forwards "
                  "computed in 16-bit arithmetic)")
      ->capture_default_str();
  cmd->add_option("--worst", o->worst, "Worst inputs listed per failing check")
      ->capture_default_str();
  o->output.add_to(*cmd, "md or json");
  o->domain.add_to(*cmd);
  o->engine.add_to(*cmd);
  return [o]() {
    const auto formats = o->selection.selected_formats();
    const auto backwards = implementations_or_all(o->selection.implementations);
    const OutputKind kind = o->output.output_kind();
    if (kind == OutputKind::csv)
      throw UsageError("gradcheck writes md or json (the worst inputs do not fit one CSV table)");
    const SweepOptions options = o->engine.sweep_options();
    const size_t worst = o->worst_count();
    auto positive = [](double v, const char* name) {
      if (!(v > 0) || !std::isfinite(v))
        throw UsageError(fmt::format("bad {} {}: expected a positive finite number", name, v));
    };
    positive(o->envelope_factor, "--envelope-factor");
    positive(o->fd_factor, "--fd-factor");
    positive(o->forward_ulps, "--forward-ulps");
    if (o->atol && (!(*o->atol >= 0) || !std::isfinite(*o->atol)))
      throw UsageError(fmt::format("bad --atol {}: expected a number >= 0", *o->atol));
    bool exact = o->against.empty(), fd = o->against.empty();
    for (const auto& a : o->against) {
      if (a == "exact")
        exact = true;
      else if (a == "fd")
        fd = true;
      else if (a == "both")
        exact = fd = true;
      else
        throw UsageError(fmt::format("unknown --against '{}'; valid: exact, fd, both", a));
    }
    const bool fd_explicit = !o->against.empty() && fd;
    const Implementation* forward_override =
        o->forward.empty() ? nullptr : &implementation_named(o->forward);
    std::vector<Function> derivatives = derivatives_or_all(o->selection.functions);
    std::vector<Domain> domains;
    for (const Format* f : formats) domains.push_back(o->domain.build(*f));
    GradcheckTolerance tol;
    tol.envelope_factor = o->envelope_factor;
    tol.atol = o->atol;
    tol.fd_factor = o->fd_factor;
    tol.forward_ulps = o->forward_ulps;
    OutputFile out(o->output.file);

    std::vector<GradcheckResult> results;
    for (const Implementation* b : backwards) {
      for (Function fn : derivatives) {
        for (size_t fi = 0; fi < formats.size(); ++fi) {
          const Format& f = *formats[fi];
          if (!b->supports(fn, f)) continue;
          if (exact) results.push_back(gradcheck_exact(fn, domains[fi], *b, tol, worst, options));
          if (!fd) continue;
          const Implementation& fwd = forward_override ? *forward_override : *b;
          // The difference is taken of the forward in the input format (f.in() of a pair).
          if (!fwd.supports(primitive_of(fn), f.in())) {
            if (fd_explicit)
              throw UsageError(fmt::format(
                  "'{}' has no {} in {} to take a finite difference of; give --forward IMPL",
                  fwd.name, name_of(primitive_of(fn)), f.in().name));
            fmt::print(stderr,
                       "gradcheck: note: '{}' has no {} in {}: finite-difference check "
                       "skipped (give --forward IMPL)\n",
                       fwd.name, name_of(primitive_of(fn)), f.in().name);
            continue;
          }
          results.push_back(
              gradcheck_finite_difference(fn, domains[fi], *b, fwd, tol, worst, options));
        }
      }
    }
    if (results.empty())
      throw UsageError(
          "no backward given provides the derivatives and formats given; see "
          "`gelucheck list`");
    out.write(
        versioned(kind, "gradcheck", options.reference_mode, render_gradcheck(results, tol, kind)));
    out.commit();
    for (const auto& r : results)
      if (!r.passed()) return 1;
    return 0;
  };
}

}  // namespace gelucheck::cli
