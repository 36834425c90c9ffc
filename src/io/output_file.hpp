// Output files that appear whole or not at all: written to a temporary name beside the target and
// renamed over it on commit(). A run that fails, throws or is interrupted (SIGINT/SIGTERM) removes
// its temporary files and leaves any earlier file at the target untouched.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace gelucheck {

class OutputFile {
 public:
  // "-" means standard output (written directly). Throws UsageError if the directory is not
  // writable.
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::FILE* stream() const { return stream_; }
  void write(std::string_view text);
  void commit();  // flush, fsync, rename into place; throws on I/O errors
  const std::string& path() const { return path_; }

 private:
  std::string path_, temp_path_;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
};

// Installs SIGINT/SIGTERM handlers that delete open temporary files, then re-raise; while
// interrupts are deferred (a sweep that can checkpoint), the first signal only sets
// interrupt_requested() and the program stops cleanly; a second one ends it at once.
void install_output_cleanup_handlers();
void defer_interrupts(bool defer);
bool interrupt_requested();

}  // namespace gelucheck
