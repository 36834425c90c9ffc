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
  void add_to(CLI::App& app);
  // Builds the domain for one format; throws UsageError on bad input or an empty domain.
  Domain build(const Format& f) const;
};

// -f, -t and -i of the commands that work on lists of them: comma-separated names, an empty list
// meaning every one (functions_or_all and friends below).
struct SelectionOptions {
  std::vector<std::string> functions, formats, implementations;
  // The help texts of -f and -i, for commands where they mean something narrower. Returns -i.
  CLI::Option* add_to(
      CLI::App& app, std::string function_help = "Functions (comma-separated; default all)",
      std::string implementation_help = "Implementations (comma-separated; default all)");
};

// -f and -t of the commands that work on one function in one format (both required).
struct OneFunctionOptions {
  std::string function, format;
  void add_to(CLI::App& app);
  Function named_function() const;
  const Format& named_format() const;
};

// --output KIND and -o/--file FILE of the commands that render a result.
struct OutputOptions {
  std::string kind = "md", file = "-";
  void add_to(CLI::App& app, std::string kinds = "md, csv or json");
  OutputKind output_kind() const;
};

// --threads and --reference.
struct EngineOptions {
  unsigned threads = 0;
  std::string reference = "tiered";
  void add_to(CLI::App& app);
  SweepOptions sweep_options() const;
};

// Default sampling for fp32 when no grid is given: exhaustive over 2^32 inputs is opt-in.
inline constexpr uint64_t kDefaultFp32Points = 1'000'000;

const Format& format_named(const std::string& name);
const Implementation& implementation_named(const std::string& name);
OutputKind output_kind_named(const std::string& name);

std::vector<Function> functions_or_all(const std::vector<std::string>& names);
std::vector<const Format*> formats_or_all(const std::vector<std::string>& names);
std::vector<const Implementation*> implementations_or_all(const std::vector<std::string>& names);

// Parses "LO:HI" (decimal, hex float, inf); throws UsageError.
std::pair<double, double> parse_range(const std::string& text);

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

}  // namespace gelucheck::cli
