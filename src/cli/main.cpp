// gelucheck: how accurate are low-precision GELU, tanh and their derivatives, input by input.
#include <cstdio>
#include <exception>
#include <new>
#include <system_error>

#include <fmt/format.h>  // fmt::print

#include "common.hpp"
#include "implementations/kernel_process.hpp"
#include "io/output_file.hpp"
#include "versioned_json.hpp"

namespace {

// Every error ends with exactly one line on stderr, user text escaped (errors.hpp).
int fail(int status, std::string_view kind, std::string_view what) {
  std::fflush(stdout);
  fmt::print(stderr, "gelucheck: {}: {}\n", kind, gelucheck::one_line(what));
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gelucheck;
  // A plugin's kernel runs in a copy of this program started for it (kernel_process.hpp).
  if (argc >= 2 && std::string_view(argv[1]) == kKernelWorkerArgument)
    return run_kernel_worker(argc, argv);
  install_output_cleanup_handlers();
  cli::remember_command_line(argc, argv);
  CLI::App app{
      "gelucheck: input-by-input accuracy of activation functions (GELU in its erf and tanh "
      "forms, tanh, SiLU, Softplus, Mish, ReLU^2) and their derivatives in fp32, fp16, bf16, "
      "the OCP FP8 (E4M3, E5M2, FNUZ) and MX FP6/FP4 formats, and graded pairs (-t bf16:e4m3 "
      "--scale S: a fused activation + quantization), against a correctly rounded MPFR "
      "reference."};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("gelucheck {}", cli::gelucheck_version()),
                       "Print the version and exit");
  // Options of every command (given before or after the command's name).
  bool force = false, in_process = false;
  double kernel_timeout = kDefaultKernelTimeoutSeconds;
  app.add_flag("--force", force, "Replace output files even when they are read-only");
  app.add_flag("--plugins-in-process", in_process,
               "Run plugin kernels inside gelucheck (faster; a kernel that crashes, exits or hangs "
               "then takes gelucheck with it) instead of in a separate worker process");
  app.add_option("--kernel-timeout", kernel_timeout,
                 "Seconds a plugin kernel may take for one batch of at most 2048 inputs before it "
                 "is reported as hung (isolated plugins)")
      ->capture_default_str();
  app.fallthrough();
  const std::vector<std::pair<std::string, cli::Runner>> commands = {
      {"list", cli::add_list(app)},
      {"sweep", cli::add_sweep(app)},
      {"table", cli::add_table(app)},
      {"eval", cli::add_eval(app)},
      {"saturation", cli::add_saturation(app)},
      {"inputs", cli::add_inputs(app)},
      {"gate", cli::add_gate(app)},
      {"gradients", cli::add_gradients(app)},
      {"gradcheck", cli::add_gradcheck(app)},
      {"report", cli::add_report(app)},
      {"merge", cli::add_merge(app)},
      {"diff", cli::add_diff(app)},
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    const int status = app.exit(e);
    try {
      flush_standard_output();
    } catch (const UsageError& error) {
      return fail(2, "error", error.what());
    }
    return status;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    fmt::print("{}\n", e.what());
    try {
      flush_standard_output();
    } catch (const UsageError& error) {
      return fail(2, "error", error.what());
    }
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string where = app.get_subcommands().empty()
                            ? std::string("gelucheck --help")
                            : "gelucheck " + app.get_subcommands().front()->get_name() + " --help";
    return fail(2, "error", fmt::format("{} (see `{}`)", e.what(), where));
  }
  try {
    if (!(kernel_timeout > 0) || !(kernel_timeout <= 86400))
      throw UsageError(
          fmt::format("bad --kernel-timeout {}: expected seconds in (0, 86400]", kernel_timeout));
    set_replace_read_only(force);
    if (!in_process) isolate_plugin_kernels(kernel_timeout);
    int status = 0;
    for (const auto& [name, run] : commands)
      if (app.got_subcommand(name)) status = run();
    flush_standard_output();
    return status;
  } catch (const KernelFailure& e) {
    return fail(1, "error", e.what());
  } catch (const UsageError& e) {
    return fail(2, "error", e.what());
  } catch (const std::bad_alloc&) {
    return fail(2, "error", "out of memory: the run needs more memory than the system gives it");
  } catch (const std::system_error& e) {
    // The system refused something (a thread, a file): a condition of the run, not a bug.
    return fail(2, "error", e.what());
  } catch (const std::exception& e) {
    return fail(3, "internal error", e.what());
  }
}
