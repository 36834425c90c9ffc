// gelucheck gate: runs the checks of a gate file; exit 0 when all pass, 1 when any fails, 2 when
// the gate file, a baseline or an implementation named in it is malformed.
#include <chrono>

#include <fmt/format.h>  // fmt::print

#include "analysis/saturation.hpp"
#include "common.hpp"
#include "gate_file.hpp"
#include "gate_report.hpp"
#include "implementations/kernel_process.hpp"
#include "implementations/plugin_implementation.hpp"  // kPluginKindSuffixes
#include "io/output_file.hpp"
#include "versioned_json.hpp"

namespace gelucheck::cli {

namespace {

// A check made ready to run: everything that can be refused is refused before anything runs.
struct PreparedCheck {
  const GateCheck* check;
  const Implementation* implementation;
  const Implementation* backward = nullptr;      // when the check gates the backward
  const Implementation* diff_against = nullptr;  // when the check gates max_differing
  Domain domain;
  const BaselineEntry* baseline = nullptr;
};

template <class F>
decltype(auto) at_location(const std::string& location, F&& f) {
  try {
    return f();
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", location, e.what()));
  }
}

PreparedCheck prepare(const GateCheck& c, const Baseline* baseline, bool write_baseline) {
  PreparedCheck p{&c, nullptr, nullptr, nullptr,
                  at_location(c.domain_location, [&] { return c.domain.build(*c.format); })};
  auto ready = [&](const std::string& name, Function fn) -> const Implementation& {
    const Implementation& impl = resolve_implementation(name);
    if (!impl.supports(fn, *c.format))
      throw UsageError(fmt::format("implementation '{}' does not provide {} in {}", impl.name,
                                   name_of(fn), c.format->name));
    // Made once for the check's domain now, so that captured outputs of the wrong length are
    // refused before any check runs.
    (void)impl.kernel_for(fn, *c.format, &p.domain);
    return impl;
  };
  p.implementation = &at_location(c.implementation_location, [&]() -> const Implementation& {
    return ready(c.implementation_path, c.function);
  });
  if (c.has_backward())
    p.backward = &at_location(c.gradient_implementation_location, [&]() -> const Implementation& {
      return ready(c.gradient_implementation_path, *backward_of(c.function));
    });
  if (!c.diff_against.empty())
    p.diff_against = &at_location(c.diff_against_location, [&]() -> const Implementation& {
      return ready(c.diff_against_path, c.function);
    });
  if (baseline && !write_baseline) {
    if (const auto it = baseline->checks.find(c.name); it != baseline->checks.end()) {
      check_baseline_matches(*baseline, it->second, c, p.domain.describe());
      p.baseline = &it->second;
    }
  }
  return p;
}

// The largest distance, in inputs of the format, between the implementation's plateau
// thresholds and the correctly rounded ones (GateMetric::saturation_threshold_tolerance), and a
// line saying where.
std::pair<double, std::string> saturation_threshold_distance(Function fn, const Format& f,
                                                             const Implementation& impl,
                                                             const SweepOptions& sweep) {
  SaturationOptions options;
  options.threads = sweep.threads;
  options.reference_mode = sweep.reference_mode;
  const Implementation* impls[] = {&impl};
  const SaturationReport report = analyze_saturation(fn, f, impls, options);
  const ImplementationSaturation& mine = report.implementations.front();
  auto threshold = [&](const Plateau& p) {
    return p.exists ? fmt::format("from {}", value_with_bits(f, p.x)) : std::string("never");
  };
  double worst = 0;
  std::string where = "every threshold is where the correctly rounded one is";
  for (size_t a = 0; a < report.asymptotes.size(); ++a) {
    const Plateau &ref = report.reference[a], &got = mine.plateaus[a];
    double distance = 0;
    if (ref.exists && got.exists)
      distance =
          std::fabs(double(outward_distance(f, report.asymptotes[a].approach, ref.x, got.x)));
    else if (ref.exists != got.exists)
      distance = double(ref.exists ? ref.inputs : got.inputs);
    if (distance <= worst) continue;
    worst = distance;
    where = fmt::format("{} ({}): correctly rounded {}, {} {}, {} inputs apart",
                        report.asymptotes[a].label, approach_name(report.asymptotes[a].approach),
                        threshold(ref), impl.name, threshold(got), distance);
  }
  return {worst, where};
}

void measure(const PreparedCheck& p, const SweepOptions& options, CheckResult& r);

CheckResult run_check(const PreparedCheck& p, const SweepOptions& options, size_t worst_count,
                      const Baseline* baseline) {
  const GateCheck& c = *p.check;
  CheckResult r;
  r.check = &c;
  r.implementation = p.implementation->name;
  r.domain = p.domain.describe();
  r.worst.capacity = worst_count;
  const auto start = std::chrono::steady_clock::now();
  try {
    measure(p, options, r);
  } catch (const KernelFailure& e) {
    // The check fails (exit status 1) naming the input; the other checks still run.
    r.kernel_failure = e.what();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.kernel_failure.empty()) return r;
  for (const GateLimit& l : c.limits) {
    CriterionResult cr;
    cr.metric = l.metric;
    cr.kind = l.is_default ? CriterionResult::Kind::default_limit : CriterionResult::Kind::limit;
    cr.bound = l.limit;
    cr.measured = *measured_value(l.metric, r);
    cr.passed = within(l.metric, cr.measured, cr.bound);
    r.criteria.push_back(cr);
  }
  if (p.baseline)
    compare_with_baseline(*p.baseline, r);
  else if (baseline)
    r.baseline_note = fmt::format("no entry in {}", baseline->path);
  return r;
}

// The sweeps of a check (and its saturation thresholds), into r.
void measure(const PreparedCheck& p, const SweepOptions& engine_options, CheckResult& r) {
  const GateCheck& c = *p.check;
  SweepOptions options = engine_options;
  if (c.subnormals) options.subnormals = c.subnormals;
  if (c.tolerance) options.tolerance = c.tolerance;
  r.subnormals = subnormals_of(*p.implementation, options);
  r.tolerance = tolerance_of(*c.format, options);
  auto sweep = [&](Function fn, const Implementation* impl, WorstInputs& worst) {
    const Implementation* impls[] = {impl};
    return std::move(at_location(c.location, [&] {
                       return run_sweep(fn, p.domain, impls, options,
                                        [&](size_t, std::span<const PointRecord> records) {
                                          for (const PointRecord& rec : records) worst.offer(rec);
                                        });
                     }).front());
  };
  r.stats = sweep(c.function, p.implementation, r.worst);
  if (p.backward) {
    r.backward_function = backward_of(c.function);
    r.backward_implementation = p.backward->name;
    r.backward_worst.capacity = r.worst.capacity;
    r.backward_stats = sweep(*r.backward_function, p.backward, r.backward_worst);
  }
  if (p.diff_against) {
    r.diff_against = p.diff_against->name;
    r.diff = at_location(c.location, [&] {
      return diff_implementations(c.function, p.domain, *p.implementation, *p.diff_against, options,
                                  r.worst.capacity);
    });
  }
  if (std::any_of(c.limits.begin(), c.limits.end(),
                  [](const GateLimit& l) { return is_saturation_metric(l.metric); })) {
    const auto [distance, worst] = at_location(c.location, [&] {
      return saturation_threshold_distance(c.function, *c.format, *p.implementation, options);
    });
    r.saturation_distance = distance;
    r.saturation_worst = worst;
  }
}

}  // namespace

Runner add_gate(CLI::App& app) {
  struct Opts {
    std::string gate_file, junit, json, baseline;
    bool write_baseline = false;
    std::vector<std::string> only;
    std::string worst = "5";
    EngineOptions engine;
    size_t worst_count() const {
      return size_t(parse_count(worst, "--worst", 0, kMaxListedInputs));
    }
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "gate",
      fmt::format(
          "Runs the accuracy checks of a TOML gate file, for CI: exit 0 when every check passes, 1 "
          "when any fails (the report names the check, the limit and the worst inputs), 2 when the "
          "gate file is malformed (FILE:LINE and what is wrong).\n"
          "Each [[check]] has function, format, implementation (built-in, plugin:PATH.so:SYMBOL"
          "{} or file:CAPTURED.npy; paths relative to the gate file), optional range/grid/"
          "points/seed, and limits: max_ulp, mean_ulp, min_correctly_rounded, min_faithful, "
          "max_nonfinite (default 0), max_zero_sign, max_saturated, max_abs_error, "
          "min_assert_close "
          "(with optional "
          "rtol/atol), max_distance, max_differing and max_differing_not_closer (against "
          "diff_against), and for the backward (the derivative, by gradient_implementation or the "
          "same implementation) gradient_max_ulp, gradient_max_nonfinite (default 0); subnormals = "
          "ieee|ftz|daz|ftz+daz grades the check in that mode. See docs/gating.md.",
          kPluginKindSuffixes));
  cmd->add_option("GATE_FILE", o->gate_file, "The gate file (TOML)")->required();
  cmd->add_option("--junit", o->junit, "Also write JUnit XML (one testcase per check) to FILE");
  cmd->add_option("--json", o->json, "Also write the full results as JSON to FILE");
  cmd->add_option("--baseline", o->baseline,
                  "Fail when any metric is worse than recorded in this JSON file by more than "
                  "[baseline_tolerance] (default 0)");
  cmd->add_flag("--write-baseline", o->write_baseline,
                "Record the measured metrics in the --baseline file instead of comparing");
  cmd->add_option("--only", o->only, "Run only the checks with these names (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--worst", o->worst, "Worst inputs listed per failed check")
      ->capture_default_str();
  o->engine.add_to(*cmd);
  return [o]() {
    if (o->write_baseline && o->baseline.empty())
      throw UsageError("--write-baseline needs --baseline FILE (the file to record)");
    if (o->write_baseline && !o->only.empty())
      throw UsageError("--write-baseline records every check of the gate file; drop --only");
    const size_t worst = o->worst_count();
    require_distinct_outputs({{"--junit", o->junit},
                              {"--json", o->json},
                              {"--baseline", o->write_baseline ? o->baseline : ""}});
    const GateFile gate = read_gate_file(o->gate_file);
    const SweepOptions options = o->engine.sweep_options();
    std::vector<const GateCheck*> selected;
    for (const std::string& name : o->only) {
      if (std::none_of(gate.checks.begin(), gate.checks.end(),
                       [&](const GateCheck& c) { return c.name == name; })) {
        std::string names;
        for (const GateCheck& c : gate.checks) names += (names.empty() ? "" : ", ") + c.name;
        throw UsageError(fmt::format("--only: {} has no check named {}; its checks: {}",
                                     in_quotes(gate.path), in_quotes(name), escaped(names)));
      }
    }
    for (const GateCheck& c : gate.checks)
      if (o->only.empty() || std::find(o->only.begin(), o->only.end(), c.name) != o->only.end())
        selected.push_back(&c);

    std::optional<Baseline> baseline;
    if (!o->baseline.empty() && !o->write_baseline) baseline = read_baseline(o->baseline);
    std::vector<PreparedCheck> prepared;
    for (const GateCheck* c : selected)
      prepared.push_back(prepare(*c, baseline ? &*baseline : nullptr, o->write_baseline));
    // Report files are opened before the run, so an unwritable path fails early.
    std::optional<OutputFile> junit, json, baseline_out;
    if (!o->junit.empty()) junit.emplace(o->junit);
    if (!o->json.empty()) json.emplace(o->json);
    if (o->write_baseline) baseline_out.emplace(o->baseline);

    std::vector<CheckResult> results;
    for (const PreparedCheck& p : prepared)
      results.push_back(run_check(p, options, worst, baseline ? &*baseline : nullptr));

    fmt::print("{}", render_gate_table(gate, results));
    std::fflush(stdout);
    if (junit) {
      junit->write(render_gate_junit(gate, results));
      junit->commit();
    }
    if (json) {
      json->write(versioned_json("gate", options.reference_mode, render_gate_json(gate, results)));
      json->commit();
    }
    const bool kernel_failed =
        std::any_of(results.begin(), results.end(),
                    [](const CheckResult& r) { return !r.kernel_failure.empty(); });
    if (baseline_out && kernel_failed) {
      fmt::print("\nno baseline recorded: a kernel failed, so some metrics were not measured\n");
    } else if (baseline_out) {
      baseline_out->write(
          versioned_json("baseline", options.reference_mode, render_baseline(gate, results)));
      baseline_out->commit();
      fmt::print("\nrecorded the measured metrics of {} checks in {}\n", results.size(),
                 o->baseline);
    }
    const bool all_passed = std::all_of(results.begin(), results.end(),
                                        [](const CheckResult& r) { return r.passed(); });
    return all_passed ? 0 : 1;
  };
}

}  // namespace gelucheck::cli
