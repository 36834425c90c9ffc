// Option parsing shared by the subcommands: names checked against the catalogues, ranges and
// grids validated, every failure a UsageError naming what is accepted.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>  // CLI::App, CLI::Option

#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "io/errors.hpp"
#include "reference/reference.hpp"
#include "render/table_render.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"

namespace gelucheck::cli {

// The options that select and shape a sweep's inputs.
struct DomainOptions {
  std::string range;  // "LO:HI", empty: every finite value
  std::string grid;   // empty: exhaustive (sampled for fp32)
  uint64_t points = 0;
  uint64_t seed = 1;
  std::string points_text, seed_text;  // as given on the command line (checked by build)
  void add_to(CLI::App& app);
  // Builds the domain for one format; throws UsageError on bad input or an empty domain.
  Domain build(const Format& f) const;
};

// -f, -t and -i of the commands that work on lists of them: comma-separated names, an empty list
// meaning every one (functions_or_all and friends below).
struct SelectionOptions {
  std::vector<std::string> functions, formats, implementations;
  std::string scale;  // --scale S: every format named becomes the pair FORMAT*S
  // The help texts of -f and -i, for commands where they mean something narrower. Returns -i.
  CLI::Option* add_to(
      CLI::App& app, std::string function_help = "Functions (comma-separated; default all)",
      std::string implementation_help = "Implementations (comma-separated; default all)");
  // -t's formats (default fp32, fp16, bf16) with --scale applied.
  std::vector<const Format*> selected_formats() const;
};

// -f and -t of the commands that work on one function in one format (both required).
struct OneFunctionOptions {
  std::string function, format, scale;
  void add_to(CLI::App& app);
  Function named_function() const;
  const Format& named_format() const;
};

// --output KIND and -o/--file FILE of the commands that render a result: one meaning in every
// command (--output the kind, -o the path).
struct OutputOptions {
  std::string kind = "md", file = "-";
  void add_to(CLI::App& app, std::string kinds = "md, csv or json");
  OutputKind output_kind() const;
};

// --subnormals, --rtol and --atol: how results are graded (sweep/metrics.hpp).
struct GradingOptions {
  std::string subnormals;  // empty: each implementation's declared mode
  std::string rtol, atol;  // empty: PyTorch's defaults for the format
  void add_to(CLI::App& app);
  // Sets options.subnormals and options.tolerance; throws UsageError on bad values.
  void apply(SweepOptions& options) const;
};
SubnormalMode subnormal_mode_named(const std::string& name);

// --threads and --reference.
struct EngineOptions {
  std::string threads;  // empty: default_thread_count() (sweep/threads.hpp)
  std::string reference = "tiered";
  void add_to(CLI::App& app);
  SweepOptions sweep_options() const;
};

// Default sampling for fp32 when no grid is given: exhaustive over 2^32 inputs is opt-in.
inline constexpr uint64_t kDefaultFp32Points = 1'000'000;

// A format by name: a plain one, or a graded pair IN:OUT (IN:OUT*S with a scale).
const Format& format_named(const std::string& name);
// --scale S (a positive finite float32; empty: 1) applied to f: the pair of f's input and output
// with the scale S (format_pair). Throws UsageError on a bad S.
const Format& with_scale(const Format& f, const std::string& scale_text);
inline constexpr const char* kScaleHelp =
    "Grade S * f(x) rounded to the output format (S a float32 > 0, e.g. a per-tensor FP8 scale "
    "448/amax); the value is computed exactly before its one rounding";
inline constexpr const char* kFormatHelp =
    "Formats (comma-separated; default fp32, fp16, bf16): a format, or IN:OUT for inputs of IN "
    "graded in OUT (e.g. bf16:e4m3)";
const Implementation& implementation_named(const std::string& name);
OutputKind output_kind_named(const std::string& name);
// The refusal of an --output KIND outside `valid`, pointing a path given there to -o/--file.
UsageError unknown_output_kind(const std::string& name, std::string_view valid);

std::vector<Function> functions_or_all(const std::vector<std::string>& names);
std::vector<const Format*> formats_or_all(const std::vector<std::string>& names);
std::vector<const Implementation*> implementations_or_all(const std::vector<std::string>& names);

// Parses "LO:HI" (decimal, hex float, inf); throws UsageError.
std::pair<double, double> parse_range(const std::string& text);

// The integer `text` given to `option`, which must be in [min, max]: decimal digits (1000000) or
// a power-of-ten form of an integer (1e6). Throws UsageError naming the option and the limits,
// with `why_max` after the upper limit when it is given.
uint64_t parse_count(const std::string& text, std::string_view option, uint64_t min, uint64_t max,
                     std::string_view why_max = "");

// "K/N" of --shard, shards counted from 0; throws UsageError.
std::pair<uint64_t, uint64_t> parse_shard(const std::string& text);

// The command line, as partial results record it (set once by main).
void remember_command_line(int argc, char** argv);
const std::string& command_line();

// Most shards a table is cut into (--shard K/N).
inline constexpr uint64_t kMaxShards = uint64_t{1} << 32;
// Most threads a command starts (--threads).
inline constexpr uint64_t kMaxThreads = 1024;
// Most points of a linear or log grid (held in memory, 4 bytes each).
inline constexpr uint64_t kMaxListedPoints = uint64_t{1} << 24;
// Most rows --worst keeps (held in memory until the sweep ends).
inline constexpr uint64_t kMaxWorstRows = 1'000'000;
// Most inputs a gate or gradcheck failure lists per check.
inline constexpr uint64_t kMaxListedInputs = 1000;

// Registration of each subcommand: returns the function that runs it after parsing.
using Runner = std::function<int()>;
Runner add_list(CLI::App& app);
Runner add_sweep(CLI::App& app);
Runner add_table(CLI::App& app);
Runner add_eval(CLI::App& app);
Runner add_saturation(CLI::App& app);
Runner add_inputs(CLI::App& app);
Runner add_gate(CLI::App& app);
Runner add_gradients(CLI::App& app);
Runner add_gradcheck(CLI::App& app);
Runner add_report(CLI::App& app);
Runner add_merge(CLI::App& app);
Runner add_diff(CLI::App& app);

}  // namespace gelucheck::cli
