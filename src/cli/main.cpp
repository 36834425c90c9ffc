// gelucheck: how accurate are low-precision GELU, tanh and their derivatives, input by input.
#include <cstdio>
#include <exception>

#include <fmt/format.h>  // fmt::print

#include "common.hpp"
#include "io/output_file.hpp"

int main(int argc, char** argv) {
  using namespace gelucheck;
  install_output_cleanup_handlers();
  CLI::App app{
      "gelucheck: input-by-input accuracy of activation functions (GELU in its erf and tanh "
      "forms, tanh, SiLU, Softplus, Mish, ReLU^2) and their derivatives in fp32, fp16 and bf16, "
      "against a correctly rounded MPFR reference."};
  app.require_subcommand(1);
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
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = app.get_subcommands().empty()
                            ? std::string("gelucheck --help")
                            : "gelucheck " + app.get_subcommands().front()->get_name() + " --help";
    fmt::print(stderr, "gelucheck: error: {} (see `{}`)\n", e.what(), where);
    return 2;
  }
  try {
    for (const auto& [name, run] : commands)
      if (app.got_subcommand(name)) return run();
  } catch (const UsageError& e) {
    fmt::print(stderr, "gelucheck: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "gelucheck: internal error: {}\n", e.what());
    return 3;
  }
  return 0;
}
