#include "common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"

namespace gelucheck::cli {

namespace {
std::string the_command_line;
}  // namespace

void remember_command_line(int argc, char** argv) {
  std::string line = "gelucheck";
  for (int i = 1; i < argc; ++i) line += " " + escaped(argv[i], 200);
  the_command_line = escaped(line, 2000);
}

const std::string& command_line() { return the_command_line; }

const Format& format_named(const std::string& name) {
  const Format* f = find_format(name);
  if (!f)
    throw UsageError(
        fmt::format("unknown format {}; valid: {}, or IN:OUT of two of them (inputs "
                    "of IN graded in OUT, e.g. bf16:e4m3)",
                    in_quotes(name), format_names()));
  return *f;
}

const Format& with_scale(const Format& f, const std::string& scale_text) {
  if (scale_text.empty()) return f;
  char* end = nullptr;
  const float s = std::strtof(scale_text.c_str(), &end);
  if (end != scale_text.c_str() + scale_text.size() || !(s > 0) || !std::isfinite(s))
    throw UsageError(fmt::format(
        "bad --scale {}: expected a positive finite number (read as a float32), e.g. 0.5, "
        "0x1p-3 or 448/amax computed",
        in_quotes(scale_text, 40)));
  return format_pair(f.in(), f.out(), static_cast<float>(f.scale * double(s)));
}

std::vector<const Format*> SelectionOptions::selected_formats() const {
  std::vector<const Format*> out = formats_or_all(formats);
  for (const Format*& f : out) f = &with_scale(*f, scale);
  return out;
}

const Implementation& implementation_named(const std::string& name) {
  return resolve_implementation(name);
}

UsageError unknown_output_kind(const std::string& name, std::string_view valid) {
  // Before one convention, `sweep` and `inputs` took the path as --output: say where it went.
  return UsageError(
      fmt::format("unknown output {}; valid: {} (--output is the kind of output; the file is "
                  "-o/--file FILE, e.g. -o {})",
                  in_quotes(name), valid, in_quotes(name, 80)));
}

OutputKind output_kind_named(const std::string& name) {
  OutputKind k;
  if (!parse_output_kind(name, k)) throw unknown_output_kind(name, "md, csv, json");
  return k;
}

std::vector<Function> functions_or_all(const std::vector<std::string>& names) {
  if (names.empty()) return {all_functions().begin(), all_functions().end()};
  std::vector<Function> out;
  for (const auto& n : names) out.push_back(function_named(n));
  return out;
}

std::vector<const Format*> formats_or_all(const std::vector<std::string>& names) {
  if (names.empty()) return {default_formats.begin(), default_formats.end()};
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
        "bad range {}: expected LO:HI with LO and HI numbers (decimal, hex float or inf), "
        "e.g. -8:8",
        in_quotes(whole)));
  return v;
}
}  // namespace

std::pair<double, double> parse_range(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos)
    throw UsageError(fmt::format("bad range {}: expected LO:HI, e.g. -8:8", in_quotes(text)));
  const double lo = parse_bound(text.substr(0, colon), text);
  const double hi = parse_bound(text.substr(colon + 1), text);
  if (lo > hi) throw UsageError(fmt::format("bad range {}: LO is above HI", in_quotes(text)));
  return {lo, hi};
}

uint64_t parse_count(const std::string& text, std::string_view option, uint64_t min, uint64_t max,
                     std::string_view why_max) {
  const auto refuse = [&] {
    return UsageError(fmt::format("bad {} {}: expected an integer from {} to {}{}{}", option,
                                  in_quotes(text, 40), min, max, why_max.empty() ? "" : " ",
                                  why_max));
  };
  const auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 20 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const auto e = text.find_first_of("eE");
  const std::string mantissa = text.substr(0, e);
  if (!digits(mantissa) ||
      (e != std::string::npos && (!digits(text.substr(e + 1)) || text.size() - e - 1 > 2)))
    throw refuse();
  __extension__ typedef unsigned __int128 u128;  // no overflow below 2^64 * 10
  u128 v = 0;
  for (char c : mantissa) v = std::min<u128>(v * 10 + unsigned(c - '0'), ~uint64_t{0});
  if (e != std::string::npos) {
    const unsigned long power = std::stoul(text.substr(e + 1));
    for (unsigned long k = 0; k < power && v != 0 && v <= max; ++k) v *= 10;
  }
  if (v < min || v > max) throw refuse();
  return uint64_t(v);
}

std::pair<uint64_t, uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos)
    throw UsageError(
        fmt::format("bad shard {}: expected K/N with 0 <= K < N (shards count from 0: 0/8 ... 7/8)",
                    in_quotes(text, 60)));
  const uint64_t n = parse_count(text.substr(slash + 1), "N of --shard K/N", 1, kMaxShards);
  const uint64_t k = parse_count(text.substr(0, slash), "K of --shard K/N", 0, n - 1,
                                 "(shards count from 0: 0/8 ... 7/8)");
  return {k, n};
}

void DomainOptions::add_to(CLI::App& app) {
  app.add_option("--range", range,
                 "Inputs in [LO, HI], e.g. -8:8 (default: every finite value of the format)");
  app.add_option("--grid", grid,
                 "exhaustive (default; for fp32 the default is random-bits with 1000000 points), "
                 "linear, log, random (uniform in value), random-bits (uniform over the format's "
                 "values), patterns (all bit patterns, NaN and inf included)");
  app.add_option("--points", points_text, "Number of points for linear/log/random grids")
      ->type_name("N");
  app.add_option("--seed", seed_text, "Seed for random grids (SplitMix64; default 1)")
      ->type_name("N");
}

Domain DomainOptions::build(const Format& f) const {
  double lo = -INFINITY, hi = INFINITY;
  if (!range.empty()) std::tie(lo, hi) = parse_range(range);
  GridKind kind = GridKind::exhaustive;
  uint64_t n = points;
  if (!points_text.empty()) n = parse_count(points_text, "--points", 1, ~uint64_t{0});
  const uint64_t random_seed =
      seed_text.empty() ? seed : parse_count(seed_text, "--seed", 0, ~uint64_t{0});
  if (grid.empty()) {
    if (f.in().total_bits() > 16) {
      kind = GridKind::random_bits;
      if (n == 0) n = kDefaultFp32Points;
    }
  } else if (!parse_grid(grid, kind)) {
    throw UsageError(fmt::format(
        "unknown grid {}; valid: exhaustive, linear, log, random, random-bits, patterns",
        in_quotes(grid)));
  }
  if (kind != GridKind::exhaustive && kind != GridKind::patterns && n == 0)
    throw UsageError(fmt::format("--grid {} needs --points N (N >= 1)", grid_name(kind)));
  // Limits: a linear or log grid is held in memory; a random grid larger than the format's
  // every value is better swept whole.
  const bool random = kind == GridKind::random_values || kind == GridKind::random_bits;
  if ((kind == GridKind::linear || kind == GridKind::log) && n > kMaxListedPoints)
    throw UsageError(fmt::format(
        "bad --points {}: a {} grid holds at most {} points (it is kept in memory); for more "
        "inputs use --grid random-bits or exhaustive",
        n, grid_name(kind), kMaxListedPoints));
  if (random && n > f.in().pattern_count())
    throw UsageError(fmt::format(
        "bad --points {}: more than the {} bit patterns of {}; use --grid {} to sweep every "
        "value",
        n, f.in().pattern_count(), f.in().name,
        f.in().total_bits() <= 16 ? "exhaustive" : "patterns"));
  if (kind == GridKind::random_values && (std::isinf(lo) || std::isinf(hi)) && !range.empty())
    throw UsageError(
        "--grid random needs a finite --range (uniform in value over an infinite "
        "range is undefined)");
  Domain d = Domain::grid(f, kind, lo, hi, n, random_seed);
  if (d.empty())
    throw UsageError(fmt::format("range {} holds no finite {} value",
                                 in_quotes(range.empty() ? "all" : range), f.in().name));
  return d;
}

CLI::Option* SelectionOptions::add_to(CLI::App& app, std::string function_help,
                                      std::string implementation_help) {
  app.add_option("-f,--function", functions, std::move(function_help))->delimiter(',');
  app.add_option("-t,--format", formats, kFormatHelp)->delimiter(',');
  app.add_option("--scale", scale, kScaleHelp)->type_name("S");
  return app.add_option("-i,--implementation", implementations, std::move(implementation_help))
      ->delimiter(',');
}

void OneFunctionOptions::add_to(CLI::App& app) {
  app.add_option("-f,--function", function, "Function: " + function_names())->required();
  app.add_option("-t,--format", format,
                 "Format: " + format_names() + ", or IN:OUT (inputs of IN graded in OUT)")
      ->required();
  app.add_option("--scale", scale, kScaleHelp)->type_name("S");
}

Function OneFunctionOptions::named_function() const { return function_named(function); }
const Format& OneFunctionOptions::named_format() const {
  return with_scale(format_named(format), scale);
}

void OutputOptions::add_to(CLI::App& app, std::string kinds) {
  app.add_option("--output", kind, "Kind of output: " + std::move(kinds))
      ->type_name("KIND")
      ->capture_default_str();
  app.add_option("-o,--file", file, "Write to FILE (default: standard output)")->type_name("FILE");
}

OutputKind OutputOptions::output_kind() const { return output_kind_named(kind); }

SubnormalMode subnormal_mode_named(const std::string& name) {
  SubnormalMode m;
  if (!parse_subnormal_mode(name, m))
    throw UsageError(
        fmt::format("unknown subnormal mode {}; valid: ieee, ftz, daz, ftz+daz", in_quotes(name)));
  return m;
}

void GradingOptions::add_to(CLI::App& app) {
  app.add_option("--subnormals", subnormals,
                 "Grade as if every kernel ran in this mode: ieee, ftz (a subnormal result may be "
                 "returned as a zero of its sign), daz (subnormal inputs read as zero), ftz+daz "
                 "(default: each implementation's declared mode, ieee unless it says)")
      ->type_name("MODE");
  app.add_option("--rtol", rtol,
                 "assert_close's relative tolerance (with --atol; default PyTorch's for the "
                 "format: fp32 1.3e-6, fp16 1e-3, bf16 1.6e-2)")
      ->type_name("R");
  app.add_option("--atol", atol,
                 "assert_close's absolute tolerance (with --rtol; default PyTorch's: 1e-5)")
      ->type_name("A");
}

namespace {
double tolerance_value(const std::string& text, std::string_view option) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (text.empty() || end != begin + text.size() || !std::isfinite(v) || v < 0)
    throw UsageError(fmt::format("bad {} {}: expected a finite number >= 0, e.g. 1e-3", option,
                                 in_quotes(text, 40)));
  return v;
}
}  // namespace

void GradingOptions::apply(SweepOptions& options) const {
  if (!subnormals.empty()) options.subnormals = subnormal_mode_named(subnormals);
  if (rtol.empty() != atol.empty())
    throw UsageError(
        "--rtol and --atol go together (as in torch.testing.assert_close): give both or "
        "neither");
  if (!rtol.empty())
    options.tolerance = Tolerance{tolerance_value(rtol, "--rtol"), tolerance_value(atol, "--atol")};
}

void EngineOptions::add_to(CLI::App& app) {
  app.add_option("--threads", threads,
                 "Worker threads, 1 to 1024 (default: OMP_NUM_THREADS, else SLURM_CPUS_PER_TASK, "
                 "else the CPUs this process may run on, e.g. 1 under taskset -c 0)")
      ->type_name("N");
  app.add_option("--reference", reference,
                 "tiered (default: fast double interval, MPFR where undecided) or mpfr (MPFR "
                 "everywhere outside the analytic tails; same results, slower)")
      ->capture_default_str();
}

SweepOptions EngineOptions::sweep_options() const {
  SweepOptions o;
  if (!threads.empty()) o.threads = unsigned(parse_count(threads, "--threads", 1, kMaxThreads));
  if (reference == "tiered")
    o.reference_mode = ReferenceMode::tiered;
  else if (reference == "mpfr")
    o.reference_mode = ReferenceMode::mpfr;
  else
    throw UsageError(
        fmt::format("unknown reference mode {}; valid: tiered, mpfr", in_quotes(reference)));
  return o;
}

}  // namespace gelucheck::cli
