#include "progress.hpp"

#include <unistd.h>  // isatty

#include <cstdio>

#include <fmt/format.h>  // fmt::print

namespace gelucheck::cli {

bool progress_wanted(bool no_progress) { return !no_progress && isatty(STDERR_FILENO); }

Progress::Progress(uint64_t total_inputs, bool enabled)
    : total_(total_inputs), enabled_(enabled && total_inputs > 0) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { finish(); }

void Progress::advance(uint64_t inputs) {
  done_ += inputs;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw(false);
}

void Progress::draw(bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? double(done_) / elapsed : 0;
  const double left = rate > 0 ? double(total_ - std::min(done_, total_)) / rate : 0;
  const auto eta = static_cast<long>(left + 0.5);
  fmt::print(stderr,
             "\r[{:5.1f}%] {:.3g} of {:.3g} inputs, {:.3g}/s, {} {}:{:02}:{:02}  {}\x1b[K{}",
             100.0 * double(done_) / double(total_), double(done_), double(total_), rate,
             final ? "took" : "ETA", (final ? long(elapsed) : eta) / 3600,
             (final ? long(elapsed) : eta) / 60 % 60, (final ? long(elapsed) : eta) % 60, label_,
             final ? "\n" : "");
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_) return;
  draw(true);
  enabled_ = false;
}

}  // namespace gelucheck::cli
