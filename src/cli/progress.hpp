// A progress line on standard error, when it is a terminal: done/total inputs, rate, ETA.
// Quiet otherwise (logs and CI output stay clean).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace gelucheck::cli {

class Progress {
 public:
  Progress(uint64_t total_inputs, bool enabled);
  ~Progress();
  void set_label(std::string label) { label_ = std::move(label); }
  void advance(uint64_t inputs);  // not thread-safe: call from one thread at a time
  void finish();

 private:
  void draw(bool final);
  uint64_t total_, done_ = 0;
  bool enabled_;
  std::string label_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// Whether standard error is a terminal and progress was not switched off.
bool progress_wanted(bool no_progress);

}  // namespace gelucheck::cli
