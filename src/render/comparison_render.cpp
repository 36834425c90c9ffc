#include "render/comparison_render.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include <fmt/format.h>  // fmt::format, fmt::join

#include "functions/function.hpp"
#include "io/csv_writer.hpp"
#include "render/saturation_render.hpp"
#include "render/text.hpp"

namespace gelucheck {
namespace {

// --- what the sections measured, looked up ----------------------------------------------------

// One implementation's statistics over one function and format.
struct Graded {
  const Implementation* implementation;
  const ErrorStats* stats;
  const Format* format;
};

std::vector<Graded> forward_rows(const ReportData& d, Function fn, const Format* f) {
  std::vector<Graded> out;
  for (const SweepPart& p : d.sweeps)
    if (p.function == fn && p.format == f)
      for (const TableRow& r : p.rows) out.push_back({r.implementation, &r.stats, f});
  return out;
}

std::vector<Graded> backward_rows(const ReportData& d, Function fn, const Format* f) {
  std::vector<Graded> out;
  if (!d.gradients) return out;
  for (const BackwardAccuracy& a : d.gradients->accuracy)
    if (a.derivative == fn && a.format == f) out.push_back({a.implementation, &a.stats, f});
  return out;
}

const SaturationReport* saturation_of(const ReportData& d, Function fn, const Format* f) {
  for (const SaturationReport& r : d.saturation)
    if (r.function == fn && r.format == f) return &r;
  return nullptr;
}

// A shipping implementation is every implementation of the analysis but the reference.
std::vector<Graded> shipping(std::vector<Graded> rows) {
  std::erase_if(rows, [](const Graded& g) { return g.implementation->is_reference; });
  return rows;
}

// Ranking: NaN/inf where the function is finite is worst; then the largest |ULP error|, then
// the mean.
std::tuple<bool, double, double> rank(const ErrorStats& s) {
  return {s.nonfinite + s.nan > 0, s.max_abs_ulp.seen() ? s.max_abs_ulp.value : 0.0,
          s.mean_abs_ulp()};
}
const Graded* best_of(const std::vector<Graded>& rows) {
  const Graded* best = nullptr;
  for (const Graded& g : rows)
    if (!best || rank(*g.stats) < rank(*best->stats)) best = &g;
  return best;
}
const Graded* worst_of(const std::vector<Graded>& rows) {
  const Graded* worst = nullptr;
  for (const Graded& g : rows)
    if (!worst || rank(*worst->stats) < rank(*g.stats)) worst = &g;
  return worst;
}

bool all_correctly_rounded(const ErrorStats& s) { return s.correctly_rounded == s.points; }

std::string bad_text(const ErrorStats& s) {
  const uint64_t bad = s.nonfinite + s.nan;
  return bad ? fmt::format(", NaN/inf at {} input{}", bad, bad == 1 ? "" : "s") : "";
}

std::string graded_cell(const Graded* g) {
  if (!g) return "-";
  const ErrorStats& s = *g->stats;
  const double h = ulp_error_bound(*g->format);
  return fmt::format("`{}` {} ({}){}", g->implementation->name,
                     s.max_abs_ulp.seen() ? ulp_text(s.max_abs_ulp.value, h) : "-",
                     ulp_text(s.mean_abs_ulp(), h), bad_text(s));
}

std::string exact_everywhere_cell(const std::vector<Graded>& rows) {
  std::vector<std::string> names;
  for (const Graded& g : rows)
    if (all_correctly_rounded(*g.stats)) names.push_back("`" + g.implementation->name + "`");
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

// The reference's plateaus: where the exact function, rounded, saturates, overflows or is 0.
std::string plateaus_cell(const SaturationReport* r) {
  if (!r) return "-";
  std::vector<std::string> parts;
  for (size_t a = 0; a < r->asymptotes.size(); ++a)
    if (r->reference[a].exists)
      parts.push_back(fmt::format("{}: {}", r->asymptotes[a].label,
                                  plateau_text(*r->format, r->asymptotes[a], r->reference[a])));
  return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, "; "));
}

const char* failure_text(ZoneKind k) {
  switch (k) {
    case ZoneKind::premature_zero:
      return "0 where the exact value is normal";
    case ZoneKind::cancellation:
      return "relative error above the limit";
    case ZoneKind::overflow_nan:
      return "NaN";
    case ZoneKind::overflow_inf:
      return "inf";
    default:
      return "";
  }
}

// The failure zones (saturation.hpp, is_failure) of one implementation, as text; empty if none.
std::string failures_text(const SaturationReport& r, const ImplementationSaturation& s) {
  std::vector<std::string> parts;
  for (const Zone& z : s.zones)
    if (is_failure(z.kind))
      parts.push_back(fmt::format("{} for {} ({}{} inputs)", failure_text(z.kind),
                                  interval_text(*r.format, z.first, z.last), z.estimated ? "~" : "",
                                  z.inputs));
  return fmt::format("{}", fmt::join(parts, "; "));
}

// The flow rows of one derivative at one sigma: the exact one and per format and implementation.
const FlowRow* flow_row(const ReportData& d, Function fn, double sigma, const Format* f,
                        bool reference) {
  if (!d.gradients) return nullptr;
  for (const FlowRow& row : d.gradients->flow)
    if (row.derivative == fn && row.sigma == sigma && row.format == f &&
        (f == nullptr || row.implementation->is_reference == reference))
      return &row;
  return nullptr;
}

// The sigma the summary quotes: 1 if the report has it, else the first.
double quoted_sigma(const ReportData& d) {
  const auto& s = d.request->sigmas;
  if (s.empty()) return 1;
  return std::find(s.begin(), s.end(), 1.0) != s.end() ? 1.0 : s.front();
}

std::string num(double v) { return fmt::format("{:.4g}", v); }

// --- Markdown tables --------------------------------------------------------------------------

std::string accuracy_table(const ReportData& d, bool backward) {
  const ReportRequest& rq = *d.request;
  std::string out =
      "| function | format | implementations | correctly rounded at every input | best: max "
      "(mean) ULP | worst: max (mean) ULP |\n|---|---|---:|---|---|---|\n";
  for (Function forward : rq.functions) {
    const Function fn = backward ? derivative_of(forward) : forward;
    for (const Format* f : rq.formats) {
      const auto rows = shipping(backward ? backward_rows(d, fn, f) : forward_rows(d, fn, f));
      if (rows.empty()) continue;
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", name_of(fn), f->name, rows.size(),
                         exact_everywhere_cell(rows), graded_cell(best_of(rows)),
                         graded_cell(worst_of(rows)));
    }
  }
  return out;
}

std::string saturation_table(const ReportData& d) {
  const ReportRequest& rq = *d.request;
  std::string out = "| function |";
  std::string rule = "|---|";
  for (const Format* f : rq.formats) {
    out += fmt::format(" {} |", f->name);
    rule += "---|";
  }
  out += fmt::format("\n{}\n", rule);
  for (Function fn : rq.functions) {
    out += fmt::format("| {} |", name_of(fn));
    for (const Format* f : rq.formats)
      out += fmt::format(" {} |", plateaus_cell(saturation_of(d, fn, f)));
    out += "\n";
  }
  return out;
}

std::string failures_table(const ReportData& d) {
  const ReportRequest& rq = *d.request;
  std::string rows;
  for (Function fn : rq.functions)
    for (const Format* f : rq.formats)
      if (const SaturationReport* r = saturation_of(d, fn, f))
        for (const ImplementationSaturation& s : r->implementations)
          if (const std::string t = failures_text(*r, s); !t.empty())
            rows += fmt::format("| {} | {} | `{}` | {} |\n", name_of(fn), f->name,
                                s.implementation->name, t);
  if (rows.empty()) return "None: no implementation returns NaN, inf or 0 where it should not.\n";
  return "| function | format | implementation | fails |\n|---|---|---|---|\n" + rows;
}

std::string flow_table(const ReportData& d) {
  const ReportRequest& rq = *d.request;
  std::string out = "| derivative | sigma | exact E[f'^2] |";
  std::string rule = "|---|---:|---:|";
  for (const Format* f : rq.formats) {
    out += fmt::format(" {}: E[g^2] (g = 0) |", f->name);
    rule += "---|";
  }
  out += fmt::format(" shipping backwards: largest change of E |\n{}---|\n", rule);
  for (Function forward : rq.functions) {
    const Function fn = derivative_of(forward);
    for (double sigma : rq.sigmas) {
      const FlowRow* exact = flow_row(d, fn, sigma, nullptr, false);
      if (!exact) continue;
      out += fmt::format("| {} | {:g} | {} |", name_of(fn), sigma, num(exact->exact));
      for (const Format* f : rq.formats) {
        const FlowRow* cr = flow_row(d, fn, sigma, f, true);
        out += cr ? fmt::format(" {} ({}) |", num(cr->result.mean_square),
                                percent_prose(cr->result.zero_mass))
                  : " - |";
      }
      const FlowRow* far = nullptr;
      double change = -1;
      for (const FlowRow& row : d.gradients->flow)
        if (row.derivative == fn && row.sigma == sigma && row.format &&
            !row.implementation->is_reference) {
          const double c = std::fabs(row.result.mean_square / row.exact - 1);
          if (!(c <= change)) far = &row, change = c;
        }
      out +=
          far ? fmt::format(
                    " {:+.3g}% (`{}`, {}{}) |\n", 100 * (far->result.mean_square / far->exact - 1),
                    far->implementation->name, far->format->name,
                    far->result.nonfinite_mass > 0
                        ? fmt::format("; NaN/inf for {}", percent_prose(far->result.nonfinite_mass))
                        : "")
              : " - |\n";
    }
  }
  return out;
}

}  // namespace

std::string comparison_markdown(const ReportData& d) {
  std::string out =
      "The functions side by side, from the sections below (nothing is measured twice). A "
      "shipping implementation is every implementation of the analysis except the correctly "
      "rounded reference; the best and the worst are ranked by NaN/inf where the function is "
      "finite first, then by the largest |ULP error|, then by the mean.\n\n";
  out += "### Forward accuracy\n\n" + accuracy_table(d, false);
  out += "\n### Backward accuracy\n\n" + accuracy_table(d, true);
  out +=
      "\n### Where the exact function saturates, overflows or rounds to zero\n\n"
      "The correctly rounded function's plateaus: from these inputs on, every implementation "
      "that is right returns the asymptote's value.\n\n" +
      saturation_table(d);
  out +=
      "\n### Where shipping implementations break\n\n"
      "NaN or inf where the function is finite, 0 where it is a normal number, or a relative "
      "error above the saturation limit (the saturation section's failure zones).\n\n" +
      failures_table(d);
  out +=
      "\n### Gradient flow\n\n"
      "E[f'(z)^2] for pre-activations z ~ N(0, sigma^2): exact, and in each format for the "
      "correctly rounded backward with, in brackets, the probability that its gradient is "
      "exactly 0; last, the shipping backward whose E moves furthest from the exact one.\n\n" +
      flow_table(d);
  return out;
}

std::vector<std::pair<std::string, std::string>> comparison_csv(const ReportData& d) {
  const ReportRequest& rq = *d.request;
  std::string accuracy =
      "pass,function,format,rank,implementation,max_abs_ulp,mean_abs_ulp,nonfinite,nan,"
      "correctly_rounded_everywhere\n";
  for (bool backward : {false, true})
    for (Function forward : rq.functions) {
      const Function fn = backward ? derivative_of(forward) : forward;
      for (const Format* f : rq.formats) {
        const auto rows = shipping(backward ? backward_rows(d, fn, f) : forward_rows(d, fn, f));
        for (const auto& [label, g] : {std::pair{"best", best_of(rows)}, {"worst", worst_of(rows)}})
          if (g)
            accuracy +=
                fmt::format("{},{},{},{},{},{},{},{},{},{}\n", backward ? "backward" : "forward",
                            name_of(fn), f->name, label, csv_field(g->implementation->name),
                            g->stats->max_abs_ulp.seen() ? g->stats->max_abs_ulp.value : 0.0,
                            g->stats->mean_abs_ulp(), g->stats->nonfinite, g->stats->nan,
                            all_correctly_rounded(*g->stats) ? "yes" : "no");
      }
    }
  std::string plateaus = "function,format,asymptote,approach,boundary,boundary_bits\n";
  for (Function fn : rq.functions)
    for (const Format* f : rq.formats)
      if (const SaturationReport* r = saturation_of(d, fn, f))
        for (size_t a = 0; a < r->asymptotes.size(); ++a)
          if (r->reference[a].exists)
            plateaus +=
                fmt::format("{},{},{},{},{},{}\n", name_of(fn), f->name, r->asymptotes[a].label,
                            approach_name(r->asymptotes[a].approach),
                            to_shortest_decimal(f->in(), r->reference[a].x),
                            to_hex_bits(f->in(), r->reference[a].x));
  std::string flow = "derivative,sigma,exact_mean_square";
  for (const Format* f : rq.formats)
    flow += fmt::format(",{}_mean_square,{}_zero_mass", f->name, f->name);
  flow += "\n";
  for (Function forward : rq.functions) {
    const Function fn = derivative_of(forward);
    for (double sigma : rq.sigmas) {
      const FlowRow* exact = flow_row(d, fn, sigma, nullptr, false);
      if (!exact) continue;
      flow += fmt::format("{},{},{}", name_of(fn), sigma, exact->exact);
      for (const Format* f : rq.formats) {
        const FlowRow* cr = flow_row(d, fn, sigma, f, true);
        flow += cr ? fmt::format(",{},{}", cr->result.mean_square, cr->result.zero_mass) : ",,";
      }
      flow += "\n";
    }
  }
  return {{"comparison_accuracy", accuracy},
          {"comparison_plateaus", plateaus},
          {"comparison_flow", flow}};
}

namespace {

// What each function's kernels do where they break, in one clause: the kernels that break where
// another kernel of the analysis does not (the zone's measured alternatives), and the zones where
// every kernel breaks. Cancellation is left to the tables (a relative error, not a wrong kind of
// value).
std::string breakage_clause(const ReportData& d, Function fn) {
  std::vector<std::string> avoid, everyone;
  for (const Format* f : d.request->formats) {
    const SaturationReport* r = saturation_of(d, fn, f);
    if (!r) continue;
    bool all_noted = false;
    for (const ImplementationSaturation& s : r->implementations)
      for (const Zone& z : s.zones) {
        if (!is_failure(z.kind) || z.kind == ZoneKind::cancellation) continue;
        const std::string what =
            fmt::format("{} for {}", failure_text(z.kind), interval_text(*f, z.first, z.last));
        if (!z.alternatives.empty()) {
          std::vector<std::string> fine;
          for (const Zone::Alternative& a : z.alternatives)
            fine.push_back("`" + a.implementation->name + "`");
          avoid.push_back(fmt::format("`{}` in {} ({}; not {})", s.implementation->name, f->name,
                                      what, fmt::join(fine, ", ")));
        } else if (!all_noted) {
          all_noted = true;
          everyone.push_back(fmt::format("in {} no kernel measured avoids {} (the zone of `{}`)",
                                         f->name, what, s.implementation->name));
        }
      }
  }
  std::vector<std::string> parts;
  if (!avoid.empty()) parts.push_back(fmt::format("avoid {}", fmt::join(avoid, ", ")));
  for (std::string& e : everyone) parts.push_back(std::move(e));
  return fmt::format("{}", fmt::join(parts, "; "));
}

// The largest probability, over the formats, that the correctly rounded backward is exactly 0.
std::pair<double, const Format*> zero_gradient(const ReportData& d, Function fn, double sigma) {
  double zero = 0;
  const Format* where = nullptr;
  for (const Format* f : d.request->formats)
    if (const FlowRow* cr = flow_row(d, derivative_of(fn), sigma, f, true);
        cr && cr->result.zero_mass > zero)
      zero = cr->result.zero_mass, where = f;
  return {zero, where};
}

}  // namespace

std::string when_to_use(const ReportData& d) {
  const ReportRequest& rq = *d.request;
  const double sigma = quoted_sigma(d);
  std::string out = fmt::format(
      "When to use each function, from the measurements below (ULP errors over every input "
      "checked, thresholds exact, gradient flow at sigma = {:g}):\n\n",
      sigma);
  std::vector<std::string> exact_functions;
  std::vector<std::pair<double, std::string>> flows;
  for (Function fn : rq.functions) {
    std::vector<std::string> parts;
    // Accuracy of the kernels.
    bool exact_everywhere = true;
    std::vector<std::string> best;
    std::optional<Graded> worst;  // a copy: each format's rows end with the loop body
    const Format* worst_format = nullptr;
    for (const Format* f : rq.formats) {
      const auto rows = shipping(forward_rows(d, fn, f));
      for (const Graded& g : rows) exact_everywhere &= all_correctly_rounded(*g.stats);
      if (const Graded* b = best_of(rows))
        best.push_back(fmt::format("{} ULP in {} (`{}`{})",
                                   ulp_text(b->stats->max_abs_ulp.value, ulp_error_bound(*f)),
                                   f->name, b->implementation->name, bad_text(*b->stats)));
      if (const Graded* w = worst_of(rows); w && (!worst || rank(*worst->stats) < rank(*w->stats)))
        worst = *w, worst_format = f;
    }
    if (best.empty()) continue;
    if (exact_everywhere) {
      exact_functions.push_back(std::string(name_of(fn)));
      parts.push_back(
          "every kernel measured returns the correctly rounded value at every input, in every "
          "format");
    } else {
      parts.push_back(fmt::format("the best kernel is within {}", fmt::join(best, ", ")));
      parts.push_back(
          fmt::format("the worst reaches {} ULP (`{}`, {}{})",
                      ulp_text(worst->stats->max_abs_ulp.value, ulp_error_bound(*worst_format)),
                      worst->implementation->name, worst_format->name, bad_text(*worst->stats)));
    }
    // Where the exact value itself leaves the format.
    std::vector<std::string> overflow;
    for (const Format* f : rq.formats)
      if (const SaturationReport* r = saturation_of(d, fn, f))
        for (size_t a = 0; a < r->asymptotes.size(); ++a)
          if (std::isinf(r->asymptotes[a].value) && r->reference[a].exists)
            overflow.push_back(
                fmt::format("{} in {}", to_shortest_decimal(f->in(), r->reference[a].x), f->name));
    if (!overflow.empty())
      parts.push_back(fmt::format(
          "its exact value overflows from x = {}: keep pre-activations below that in that format",
          fmt::join(overflow, ", ")));
    // Gradient flow at the quoted sigma.
    if (const FlowRow* exact = flow_row(d, derivative_of(fn), sigma, nullptr, false)) {
      flows.push_back({exact->exact, std::string(name_of(fn))});
      std::string flow = fmt::format("E[f'^2] = {} at sigma = {:g}", num(exact->exact), sigma);
      if (const auto [zero, where] = zero_gradient(d, fn, sigma); zero >= 1e-3)
        flow += fmt::format(", and a gradient of exactly 0 for {} of the inputs ({})",
                            percent_prose(zero), where->name);
      parts.push_back(flow);
    }
    if (const std::string b = breakage_clause(d, fn); !b.empty()) parts.push_back(b);
    out += fmt::format("- **{}**: {}.\n", name_of(fn), fmt::join(parts, "; "));
  }
  // Across the functions.
  if (!exact_functions.empty())
    out += fmt::format(
        "- **Exact kernels**: {} {} correctly rounded by every kernel measured, at every input "
        "of every format; every other function has kernels that are not, somewhere.\n",
        fmt::join(exact_functions, ", "), exact_functions.size() == 1 ? "is" : "are");
  if (!flows.empty()) {
    std::stable_sort(flows.begin(), flows.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> ranked, dead;
    for (const auto& [e, name] : flows) ranked.push_back(fmt::format("{} {}", name, num(e)));
    for (Function fn : rq.functions)
      if (const auto [zero, where] = zero_gradient(d, fn, sigma); zero >= 1e-3)
        dead.push_back(fmt::format("{} {} ({})", name_of(fn), percent_prose(zero), where->name));
    out += fmt::format("- **Gradient flow** E[f'^2] at sigma = {:g}, largest first: {}.", sigma,
                       fmt::join(ranked, ", "));
    out += dead.empty()
               ? " No function's gradient is exactly 0 for as much as 0.1% of the inputs.\n"
               : fmt::format(
                     " A gradient of exactly 0 for at least 0.1% of the inputs: {}; every other "
                     "function below 0.1%.\n",
                     fmt::join(dead, ", "));
  }
  return out;
}

}  // namespace gelucheck
