// Plugin kernels evaluated in worker processes, so that a kernel that crashes, calls abort() or
// exit(), or never returns cannot take gelucheck down or end a CI gate with a false pass: it is
// reported as "the kernel crashed (SIGSEGV) at input x = 1.5 (0x3fc0)" (KernelFailure, exit
// status 1), and its writes to standard output go to standard error, away from gelucheck's
// output.
//
// A worker is a copy of the running executable started with kKernelWorkerArgument (the
// program's main() hands such a run to run_kernel_worker). It loads the plugin (a plugin that
// cannot be loaded is refused with the loader's message before any work), then answers batches
// over a socket: the format, n inputs, n outputs. Each thread of a sweep takes an idle worker
// from the plugin's pool, so workers run in parallel like kernels in process would. A batch that
// fails is evaluated again one input at a time, in fresh workers, to name the input. A batch
// (at most 2048 inputs) that takes longer than the timeout counts as a hang; the worker is
// killed. Workers ignore SIGINT and SIGTERM (gelucheck stops them), end when gelucheck closes
// their socket, and end themselves (SIGALRM) when a batch outlasts twice the timeout.
//
// Opt-out (a trusted kernel, every cycle counted): `gelucheck --plugins-in-process`.
#pragma once

#include <stdexcept>
#include <string_view>

#include "implementations/implementations.hpp"

namespace gelucheck {

inline constexpr std::string_view kKernelWorkerArgument = "__kernel-worker";
inline constexpr double kDefaultKernelTimeoutSeconds = 10;

// A user kernel crashed, exited or hung: the measurement cannot be made (exit status 1).
struct KernelFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// From now on, plugins (plugin:...) resolved in this process run in worker processes with this
// timeout per batch. The executable must call run_kernel_worker for kKernelWorkerArgument.
void isolate_plugin_kernels(double timeout_seconds);
bool plugin_kernels_isolated();

// The plugin implementation for the argument after "plugin:", evaluated in worker processes.
// Throws UsageError when the worker cannot load the plugin (its message).
Implementation isolated_plugin_implementation(std::string_view argument, std::string summary);

// The worker's main(): argv = {PROGRAM, kKernelWorkerArgument, PLUGIN_ARGUMENT, TIMEOUT}.
int run_kernel_worker(int argc, char** argv);

}  // namespace gelucheck
