// The default thread count: OMP_NUM_THREADS, then SLURM_CPUS_PER_TASK, then the affinity mask
// (what `taskset -c 0` restricts), checked by setting each in this process.
#include <catch2/catch.hpp>

#include <sched.h>
#include <stdlib.h>

#include <optional>
#include <string>

#include "io/errors.hpp"
#include "sweep/engine.hpp"
#include "sweep/threads.hpp"

using namespace gelucheck;

namespace {

// Sets (or, with nullopt, unsets) an environment variable for the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Confines this thread to its first allowed CPU for the scope (taskset -c 0 does it to a
// process; sched_getaffinity(0, ...) reads the calling thread's mask).
class ScopedOneCpu {
 public:
  ScopedOneCpu() {
    REQUIRE(sched_getaffinity(0, sizeof old_, &old_) == 0);
    int first = 0;
    while (!CPU_ISSET(first, &old_)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);
  }
  ~ScopedOneCpu() { sched_setaffinity(0, sizeof old_, &old_); }

 private:
  cpu_set_t old_;
};

}  // namespace

TEST_CASE("the default thread count follows affinity, then the environment", "[threads]") {
  const ScopedEnv omp("OMP_NUM_THREADS", std::nullopt);
  const ScopedEnv slurm("SLURM_CPUS_PER_TASK", std::nullopt);
  cpu_set_t mask;
  REQUIRE(sched_getaffinity(0, sizeof mask, &mask) == 0);
  CHECK(default_thread_count() == unsigned(CPU_COUNT(&mask)));
  {
    const ScopedOneCpu one;
    CHECK(cpus_in_affinity_mask() == 1u);
    CHECK(default_thread_count() == 1);
    CHECK(resolve_threads(0) == 1);
    CHECK(resolve_threads(3) == 3);  // --threads wins
    const ScopedEnv s("SLURM_CPUS_PER_TASK", "6");
    CHECK(default_thread_count() == 6);
    const ScopedEnv o("OMP_NUM_THREADS", "5,2");  // nested levels: the outer one
    CHECK(default_thread_count() == 5);
    CHECK(default_thread_source() == "OMP_NUM_THREADS=5");
  }
  const ScopedEnv empty("OMP_NUM_THREADS", "");  // set but empty: unset
  CHECK(default_thread_count() == unsigned(CPU_COUNT(&mask)));
  for (const char* bad : {"0", "-1", "two", "1025", "4x", "99999999999"}) {
    const ScopedEnv o("OMP_NUM_THREADS", bad);
    INFO(bad);
    CHECK_THROWS_AS(default_thread_count(), UsageError);
    CHECK_THROWS_WITH(default_thread_count(), Catch::Contains("bad OMP_NUM_THREADS="));
  }
}
