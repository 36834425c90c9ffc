#include "sweep/threads.hpp"

#include <sched.h>  // sched_getaffinity, CPU_COUNT_S

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <thread>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"

namespace gelucheck {
namespace {

struct Choice {
  unsigned threads;
  std::string source;
};

// The value of an environment variable that sets the thread count, or nullopt when unset/empty.
std::optional<unsigned> threads_from_environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  std::string_view text(value);
  // OMP_NUM_THREADS may list the threads of nested levels: "4,2" starts 4 at the outer level.
  text = text.substr(0, text.find(','));
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  unsigned long n = 0;
  bool ok = !text.empty() && text.size() <= 5;
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) n = n * 10 + unsigned(c - '0');
  }
  if (!ok || n < 1 || n > kMaxDefaultThreads)
    throw UsageError(fmt::format(
        "bad {}={}: expected an integer from 1 to {} (the default thread count; --threads N "
        "overrides it)",
        name, in_quotes(value, 40), kMaxDefaultThreads));
  return unsigned(n);
}

Choice choose() {
  for (const char* name : {"OMP_NUM_THREADS", "SLURM_CPUS_PER_TASK"})
    if (const auto n = threads_from_environment(name)) return {*n, fmt::format("{}={}", name, *n)};
  if (const auto n = cpus_in_affinity_mask())
    return {std::min(*n, kMaxDefaultThreads), fmt::format("the {} CPUs this process may use", *n)};
  const unsigned n = std::max(1u, std::thread::hardware_concurrency());
  return {n, fmt::format("{} cores", n)};
}

}  // namespace

std::optional<unsigned> cpus_in_affinity_mask() {
  // A mask sized for 1024 CPUs and, on machines with more, doubled until the kernel accepts it.
  for (int cpus = 1024; cpus <= (1 << 16); cpus *= 2) {
    const size_t bytes = CPU_ALLOC_SIZE(cpus);
    const auto free_set = [](cpu_set_t* s) { CPU_FREE(s); };  // CPU_FREE is a macro
    std::unique_ptr<cpu_set_t, decltype(free_set)> set(CPU_ALLOC(cpus), free_set);
    if (!set) return std::nullopt;
    CPU_ZERO_S(bytes, set.get());
    if (sched_getaffinity(0, bytes, set.get()) == 0) {
      const int n = CPU_COUNT_S(bytes, set.get());
      if (n >= 1) return unsigned(n);
      return std::nullopt;
    }
    if (errno != EINVAL) return std::nullopt;
  }
  return std::nullopt;
}

unsigned default_thread_count() { return choose().threads; }

std::string default_thread_source() { return choose().source; }

}  // namespace gelucheck
