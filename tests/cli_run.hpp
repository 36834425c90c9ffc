// Running the gelucheck binary from tests as a user or a CI job would: exit status and output.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

namespace cli_test {

struct Run {
  int status = -1;        // exit status; -1 if killed by a signal
  bool signaled = false;  // ended by a signal (sh reports a child's signal N as status 128 + N)
  std::string output;     // stdout and stderr
};

// `prefix` goes before the binary, e.g. "timeout --preserve-status -s INT 2"; `suffix` after the
// redirection of stderr into the output, e.g. "> /dev/full" (stdout elsewhere).
inline Run run(const std::string& args, const std::string& prefix = "",
               const std::string& suffix = "") {
  const std::string command =
      fmt::format("{} {} {} 2>&1 {}", prefix, GELUCHECK_BINARY, args, suffix);
  Run r;
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  const int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.signaled = WIFSIGNALED(raw) || (WIFEXITED(raw) && WEXITSTATUS(raw) > 128);
  return r;
}

// A fresh directory per test case (CTest runs test cases in parallel processes).
inline std::string test_dir(const std::string& name) {
  const std::string d = std::string(GELUCHECK_TEST_DATA_DIR) + "/" + name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

inline std::string write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

inline std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace cli_test
