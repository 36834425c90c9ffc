#include "io/output_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

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
std::atomic<bool> replace_read_only{false};

extern "C" void remove_temps_and_reraise(int sig) {
  if (deferring.load() && !interrupted.exchange(true)) return;  // first one: stop cleanly
  for (auto& slot : open_temps)
    if (const char* p = slot.load()) unlink(p);
  signal(sig, SIG_DFL);
  raise(sig);
}

UsageError cannot_write(const std::string& path, const std::string& why) {
  return UsageError(fmt::format("cannot write {}: {}", in_quotes(path), why));
}

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void check_directory(const std::string& path, const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0)
    throw cannot_write(path, fmt::format("its directory {} does not exist ({})", in_quotes(dir),
                                         std::strerror(errno)));
  if (!S_ISDIR(st.st_mode))
    throw cannot_write(path, fmt::format("{} is not a directory", in_quotes(dir)));
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    throw cannot_write(path, fmt::format("its directory {} is not writable ({})", in_quotes(dir),
                                         std::strerror(errno)));
}

// How a path is written.
struct Plan {
  enum class Kind { standard_output, direct, replace } kind = Kind::replace;
  std::string target;  // replace: the regular file (or new path) renamed over
  mode_t mode = 0666;  // replace: the mode the file gets (an existing file keeps its own)
};

// A symbolic link into /proc (/dev/stdout, /dev/fd/N) is a descriptor the caller set up.
bool names_a_descriptor(const std::string& path) {
  if (path.starts_with("/proc/") || path.starts_with("/dev/fd/")) return true;
  char buf[PATH_MAX];
  const ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 && std::string_view(buf, size_t(n)).starts_with("/proc/");
}

Plan plan_for(const std::string& path) {
  if (path == "-") return {Plan::Kind::standard_output, {}, 0};
  if (path.empty())
    throw UsageError("an empty output path: give a file name, or - for standard output");
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) throw cannot_write(path, std::strerror(errno));
    if (path.back() == '/') throw cannot_write(path, "it names a directory, not a file");
    check_directory(path, directory_of(path));
    return {Plan::Kind::replace, path, 0666};
  }
  std::string target = path;
  if (S_ISLNK(st.st_mode)) {
    if (stat(path.c_str(), &st) != 0)
      throw cannot_write(
          path, fmt::format("it is a symbolic link to a missing file ({})", std::strerror(errno)));
    if (names_a_descriptor(path) && !S_ISDIR(st.st_mode)) return {Plan::Kind::direct, path, 0};
    if (S_ISREG(st.st_mode)) {
      char* real = realpath(path.c_str(), nullptr);
      if (!real) throw cannot_write(path, std::strerror(errno));
      target = real;
      std::free(real);
    }
  }
  if (S_ISDIR(st.st_mode)) throw cannot_write(path, "it is a directory; give a file name");
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode))
    return {Plan::Kind::direct, path, 0};
  if (!S_ISREG(st.st_mode))
    throw cannot_write(path, "it is a socket; give a regular file, a device, a FIFO or -");
  if (!replace_read_only.load() && ((st.st_mode & 0222) == 0 || access(target.c_str(), W_OK) != 0))
    throw cannot_write(path, "the file is read-only; pass --force to replace it");
  check_directory(path, directory_of(target));
  return {Plan::Kind::replace, target, st.st_mode & 0777};
}

uint64_t unpredictable() {
  uint64_t r = 0;
  if (getrandom(&r, sizeof r, 0) == ssize_t(sizeof r)) return r;
  std::random_device device;
  return (uint64_t(device()) << 32) ^ device();
}

// Creates the temporary file beside `target`: a fresh name, never a file or link already there.
int create_temp(const std::string& path, const std::string& target, std::string& temp_path) {
  const auto slash = target.find_last_of('/');
  const std::string prefix = slash == std::string::npos ? "" : target.substr(0, slash + 1);
  // NAME_MAX is 255: the target's name is cut so that the temporary name fits.
  const std::string base = target.substr(slash == std::string::npos ? 0 : slash + 1).substr(0, 200);
  for (int attempt = 0; attempt < 64; ++attempt) {
    temp_path = fmt::format("{}.{}.{:016x}.tmp", prefix, base, unpredictable());
    const int fd =
        open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    if (errno != EEXIST) throw cannot_write(path, std::strerror(errno));
  }
  throw cannot_write(path, "no fresh temporary name in its directory after 64 attempts");
}

}  // namespace

void defer_interrupts(bool defer) { deferring = defer; }
bool interrupt_requested() { return interrupted.load(); }
void set_replace_read_only(bool replace) { replace_read_only = replace; }

void install_output_cleanup_handlers() {
  struct sigaction sa {};
  sa.sa_handler = remove_temps_and_reraise;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void check_output_path(const std::string& path) { (void)plan_for(path); }

void require_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  auto identity = [](const std::string& path) {
    if (path == "-") return std::string("-");
    struct stat st {};
    if (stat(path.c_str(), &st) == 0 && !S_ISCHR(st.st_mode))
      return fmt::format("inode {}:{}", st.st_dev, st.st_ino);
    std::error_code ec;
    const auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
    return p.string();
  };
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].second.empty()) continue;
    for (size_t j = 0; j < i; ++j) {
      if (outputs[j].second.empty()) continue;
      if (identity(outputs[i].second) == identity(outputs[j].second))
        throw UsageError(fmt::format("{} {} and {} {} name the same file; give each its own",
                                     outputs[j].first, in_quotes(outputs[j].second),
                                     outputs[i].first, in_quotes(outputs[i].second)));
    }
  }
}

void flush_standard_output() {
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    const int e = errno;
    std::clearerr(stdout);
    throw UsageError(
        fmt::format("writing standard output: {}", e ? std::strerror(e) : "write error"));
  }
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  const Plan plan = plan_for(path_);
  switch (plan.kind) {
    case Plan::Kind::standard_output:
      stream_ = stdout;
      return;
    case Plan::Kind::direct: {
      const int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
      if (fd < 0) throw cannot_write(path_, std::strerror(errno));
      stream_ = fdopen(fd, "w");
      if (!stream_) {
        close(fd);
        throw cannot_write(path_, std::strerror(errno));
      }
      return;
    }
    case Plan::Kind::replace:
      break;
  }
  target_ = plan.target;
  const int fd = create_temp(path_, target_, temp_path_);
  register_temp(temp_path_.c_str());
  // The file gets the mode a new file would have (0666 less the umask), or keeps its own.
  mode_t mode = plan.mode;
  if (mode == 0666) {
    const mode_t mask = umask(0);
    umask(mask);
    mode &= ~mask;
  }
  stream_ = fdopen(fd, "w");
  if (fchmod(fd, mode) != 0 || !stream_) {
    const int e = errno;
    if (stream_)
      std::fclose(stream_);
    else
      close(fd);
    stream_ = nullptr;
    unlink(temp_path_.c_str());
    unregister_temp(temp_path_.c_str());
    throw cannot_write(path_, std::strerror(e));
  }
}

OutputFile::~OutputFile() {
  if (stream_ && stream_ != stdout) std::fclose(stream_);
  if (!temp_path_.empty()) {
    if (!committed_) unlink(temp_path_.c_str());
    unregister_temp(temp_path_.c_str());
  }
}

void OutputFile::write(std::string_view text) {
  if (!stream_) throw cannot_write(path_, "the file is closed");
  if (std::fwrite(text.data(), 1, text.size(), stream_) != text.size()) {
    if (stream_ == stdout) flush_standard_output();
    throw cannot_write(path_, std::strerror(errno));
  }
}

void OutputFile::commit() {
  if (stream_ == stdout) {
    flush_standard_output();
    committed_ = true;
    return;
  }
  if (!stream_) throw cannot_write(path_, "the file is closed");
  errno = 0;
  bool failed = std::fflush(stream_) != 0 || std::ferror(stream_);
  if (!failed && !temp_path_.empty() && fsync(fileno(stream_)) != 0) failed = true;
  const int flush_errno = errno;
  const bool close_failed = std::fclose(stream_) != 0;
  const int e = failed ? flush_errno : errno;
  stream_ = nullptr;
  if (failed || close_failed) throw cannot_write(path_, e ? std::strerror(e) : "write error");
  if (temp_path_.empty()) {
    committed_ = true;
    return;
  }
  if (std::rename(temp_path_.c_str(), target_.c_str()) != 0)
    throw cannot_write(
        path_, fmt::format("renaming the finished file into place: {}", std::strerror(errno)));
  committed_ = true;
}

}  // namespace gelucheck
