#include "common.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"

namespace gelucheck::cli {

const Format& format_named(const std::string& name) {
  const Format* f = find_format(name);
  if (!f) throw UsageError(fmt::format("unknown format '{}'; valid: {}", name, format_names()));
  return *f;
}

const Implementation& implementation_named(const std::string& name) {
  return resolve_implementation(name);
}

OutputKind output_kind_named(const std::string& name) {
  OutputKind k;
  if (!parse_output_kind(name, k))
    throw UsageError(fmt::format("unknown output '{}'; valid: md, csv, json", name));
  return k;
}

std::vector<Function> functions_or_all(const std::vector<std::string>& names) {
  if (names.empty()) return {all_functions().begin(), all_functions().end()};
  std::vector<Function> out;
  for (const auto& n : names) out.push_back(function_named(n));
  return out;
}

std::vector<const Format*> formats_or_all(const std::vector<std::string>& names) {
  if (names.empty()) return {std::begin(all_formats), std::end(all_formats)};
  std::vector<const Format*> out;
  for (const auto& n : names) out.push_back(&format_named(n));
  return out;
}

std::vector<const Implementation*> implementations_or_all(const std::vector<std::string>& names) {
  std::vector<const Implementation*> out;
  if (names.empty()) {
    for (const Implementation& i : builtin_implementations()) out.push_back(&i);
    return out;
  }
  for (const auto& n : names) out.push_back(&implementation_named(n));
  return out;
}

namespace {
double parse_bound(const std::string& text, const std::string& whole) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (text.empty() || end != begin + text.size() || std::isnan(v))
    throw UsageError(fmt::format(
        "bad range '{}': expected LO:HI with LO and HI numbers (decimal, hex float or inf), "
        "e.g. -8:8",
        whole));
  return v;
}
}  // namespace

std::pair<double, double> parse_range(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos)
    throw UsageError(fmt::format("bad range '{}': expected LO:HI, e.g. -8:8", text));
  const double lo = parse_bound(text.substr(0, colon), text);
  const double hi = parse_bound(text.substr(colon + 1), text);
  if (lo > hi) throw UsageError(fmt::format("bad range '{}': LO is above HI", text));
  return {lo, hi};
}

void DomainOptions::add_to(CLI::App& app) {
  app.add_option("--range", range,
                 "Inputs in [LO, HI], e.g. -8:8 (default: every finite value of the format)");
  app.add_option("--grid", grid,
                 "exhaustive (default; for fp32 the default is random-bits with 1000000 points), "
                 "linear, log, random (uniform in value), random-bits (uniform over the format's "
                 "values), patterns (all bit patterns, NaN and inf included)");
  app.add_option("--points", points, "Number of points for linear/log/random grids");
  app.add_option("--seed", seed, "Seed for random grids (SplitMix64)")->capture_default_str();
}

Domain DomainOptions::build(const Format& f) const {
  double lo = -INFINITY, hi = INFINITY;
  if (!range.empty()) std::tie(lo, hi) = parse_range(range);
  GridKind kind = GridKind::exhaustive;
  uint64_t n = points;
  if (grid.empty()) {
    if (f.total_bits() > 16) {
      kind = GridKind::random_bits;
      if (n == 0) n = kDefaultFp32Points;
    }
  } else if (!parse_grid(grid, kind)) {
    throw UsageError(fmt::format(
        "unknown grid '{}'; valid: exhaustive, linear, log, random, random-bits, patterns", grid));
  }
  if (kind != GridKind::exhaustive && kind != GridKind::patterns && n == 0)
    throw UsageError(fmt::format("--grid {} needs --points N (N >= 1)", grid_name(kind)));
  if (kind == GridKind::random_values && (std::isinf(lo) || std::isinf(hi)) && !range.empty())
    throw UsageError(
        "--grid random needs a finite --range (uniform in value over an infinite "
        "range is undefined)");
  Domain d = Domain::grid(f, kind, lo, hi, n, seed);
  if (d.empty())
    throw UsageError(
        fmt::format("range '{}' holds no finite {} value", range.empty() ? "all" : range, f.name));
  return d;
}

CLI::Option* SelectionOptions::add_to(CLI::App& app, std::string function_help,
                                      std::string implementation_help) {
  app.add_option("-f,--function", functions, std::move(function_help))->delimiter(',');
  app.add_option("-t,--format", formats, "Formats (comma-separated; default all)")->delimiter(',');
  return app.add_option("-i,--implementation", implementations, std::move(implementation_help))
      ->delimiter(',');
}

void OneFunctionOptions::add_to(CLI::App& app) {
  app.add_option("-f,--function", function, "Function: " + function_names())->required();
  app.add_option("-t,--format", format, "Format: " + format_names())->required();
}

Function OneFunctionOptions::named_function() const { return function_named(function); }
const Format& OneFunctionOptions::named_format() const { return format_named(format); }

void OutputOptions::add_to(CLI::App& app, std::string kinds) {
  app.add_option("--output", kind, std::move(kinds))->capture_default_str();
  app.add_option("-o,--file", file, "Write to FILE (default: standard output)");
}

OutputKind OutputOptions::output_kind() const { return output_kind_named(kind); }

void EngineOptions::add_to(CLI::App& app) {
  app.add_option("--threads", threads, "Worker threads (default: one per core)");
  app.add_option("--reference", reference,
                 "tiered (default: fast double interval, MPFR where undecided) or mpfr (MPFR "
                 "everywhere outside the analytic tails; same results, slower)")
      ->capture_default_str();
}

SweepOptions EngineOptions::sweep_options() const {
  SweepOptions o;
  o.threads = threads;
  if (reference == "tiered")
    o.reference_mode = ReferenceMode::tiered;
  else if (reference == "mpfr")
    o.reference_mode = ReferenceMode::mpfr;
  else
    throw UsageError(fmt::format("unknown reference mode '{}'; valid: tiered, mpfr", reference));
  return o;
}

}  // namespace gelucheck::cli
