// How many worker threads a sweep starts when the caller does not say (SweepOptions::threads 0,
// the command line without --threads): what a job scheduler or the user's environment granted,
// else the CPUs this process may run on.
#pragma once

#include <optional>
#include <string>

namespace gelucheck {

// In order, the first that is set:
//  1. OMP_NUM_THREADS (the usual knob of numerical code; its first entry when it is a list such
//     as "4,2"),
//  2. SLURM_CPUS_PER_TASK (set by `sbatch --cpus-per-task`; a Slurm task is confined to that many
//     CPUs, which the affinity mask below also shows where Slurm binds tasks),
//  3. the number of CPUs in this process's affinity mask (sched_getaffinity: `taskset -c 0`,
//     cgroups cpusets, Slurm's binding), else std::thread::hardware_concurrency().
// An environment variable that is set but not an integer from 1 to kMaxDefaultThreads throws
// UsageError naming it. An empty variable counts as unset.
unsigned default_thread_count();

// The source of default_thread_count()'s answer, for --help and messages: "OMP_NUM_THREADS=4",
// "affinity: 2 CPUs".
std::string default_thread_source();

inline constexpr unsigned kMaxDefaultThreads = 1024;

// The CPUs this process may run on (sched_getaffinity), or nullopt where that is unknown.
std::optional<unsigned> cpus_in_affinity_mask();

}  // namespace gelucheck
