// gelucheck gate: placeholder while the gate command is written (issue 5).
#include "common.hpp"

namespace gelucheck::cli {

Runner add_gate(CLI::App& app) {
  app.add_subcommand("gate", "Accuracy gate for CI (in progress)");
  return []() -> int { throw UsageError("gate: not implemented yet"); };
}

}  // namespace gelucheck::cli
