#include "io/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"

namespace gelucheck {
namespace {

// An open descriptor of a regular file, closed on scope exit.
struct RegularFile {
  int fd = -1;
  uint64_t size = 0;
  RegularFile(const std::string& path, std::string_view what) {
    if (path.empty()) throw UsageError(fmt::format("{}: an empty path", what));
    // O_NONBLOCK: a FIFO opens at once (and is then refused) instead of waiting for a writer.
    fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      throw UsageError(
          fmt::format("cannot read {} {}: {}", what, in_quotes(path), std::strerror(errno)));
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      const int e = errno;
      close(fd);
      throw UsageError(
          fmt::format("cannot read {} {}: {}", what, in_quotes(path), std::strerror(e)));
    }
    if (!S_ISREG(st.st_mode)) {
      close(fd);
      throw UsageError(fmt::format("cannot read {} {}: {}", what, in_quotes(path),
                                   S_ISDIR(st.st_mode) ? "it is a directory"
                                   : S_ISFIFO(st.st_mode)
                                       ? "it is a FIFO (only regular files are read)"
                                       : "it is a device or socket (only regular files are read)"));
    }
    size = uint64_t(st.st_size);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  }
  ~RegularFile() { close(fd); }
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;
};

}  // namespace

void require_regular_file(const std::string& path, std::string_view what) {
  RegularFile file(path, what);
}

std::string read_regular_file(const std::string& path, std::string_view what, uint64_t max_bytes) {
  RegularFile file(path, what);
  if (file.size > max_bytes)
    throw UsageError(fmt::format("cannot read {} {}: {} bytes, more than the {} this reader takes",
                                 what, in_quotes(path), file.size, max_bytes));
  std::string bytes;
  bytes.resize(size_t(file.size));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = read(file.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw UsageError(
          fmt::format("cannot read {} {}: {}", what, in_quotes(path), std::strerror(errno)));
    if (n == 0) break;  // the file shrank while being read
    done += size_t(n);
  }
  bytes.resize(done);
  return bytes;
}

nlohmann::json parse_json_text(const std::string& text, std::string_view what) {
  const std::string prefix = what.empty() ? "" : fmt::format("{}: ", what);
  const auto bounded = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxJsonDepth)
      throw UsageError(fmt::format("{}JSON nested more than {} deep", prefix, kMaxJsonDepth));
    return true;
  };
  try {
    return nlohmann::json::parse(text, bounded);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}not valid JSON: {}", prefix, escaped(e.what())));
  }
}

}  // namespace gelucheck
