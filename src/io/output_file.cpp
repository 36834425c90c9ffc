#include "io/output_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"

namespace gelucheck {
namespace {

// Temporary paths open right now, for the signal handler (fixed slots: async-signal-safe).
constexpr size_t kSlots = 16;
std::array<std::atomic<const char*>, kSlots> open_temps{};

void register_temp(const char* p) {
  for (auto& slot : open_temps) {
    const char* expected = nullptr;
    if (slot.compare_exchange_strong(expected, p)) return;
  }
}

void unregister_temp(const char* p) {
  for (auto& slot : open_temps) {
    const char* expected = p;
    if (slot.compare_exchange_strong(expected, nullptr)) return;
  }
}

std::atomic<bool> deferring{false};
std::atomic<bool> interrupted{false};

extern "C" void remove_temps_and_reraise(int sig) {
  if (deferring.load() && !interrupted.exchange(true)) return;  // first one: stop cleanly
  for (auto& slot : open_temps)
    if (const char* p = slot.load()) unlink(p);
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void defer_interrupts(bool defer) { deferring = defer; }
bool interrupt_requested() { return interrupted.load(); }

void install_output_cleanup_handlers() {
  struct sigaction sa {};
  sa.sa_handler = remove_temps_and_reraise;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    stream_ = stdout;
    return;
  }
  const auto slash = path_.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path_ : path_.substr(slash + 1);
  if (base.empty())
    throw UsageError(fmt::format("output path '{}' names a directory, not a file", path_));
  temp_path_ = fmt::format("{}{}.tmp.{}", slash == std::string::npos ? "" : dir, base, getpid());
  const int fd = open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw UsageError(
        fmt::format("cannot write '{}': {} (the directory '{}' must exist and be "
                    "writable)",
                    path_, std::strerror(errno), dir));
  stream_ = fdopen(fd, "w");
  register_temp(temp_path_.c_str());
}

OutputFile::~OutputFile() {
  if (stream_ && stream_ != stdout) {
    std::fclose(stream_);
    if (!committed_) {
      unlink(temp_path_.c_str());
    }
    unregister_temp(temp_path_.c_str());
  }
}

void OutputFile::write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), stream_) != text.size())
    throw std::runtime_error(fmt::format("writing '{}': {}", path_, std::strerror(errno)));
}

void OutputFile::commit() {
  if (stream_ == stdout) {
    std::fflush(stdout);
    return;
  }
  if (std::fflush(stream_) != 0 || fsync(fileno(stream_)) != 0)
    throw std::runtime_error(fmt::format("writing '{}': {}", path_, std::strerror(errno)));
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
    throw std::runtime_error(
        fmt::format("renaming '{}' to '{}': {}", temp_path_, path_, std::strerror(errno)));
  committed_ = true;
}

}  // namespace gelucheck
