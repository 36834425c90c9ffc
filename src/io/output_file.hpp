// Output files that appear whole or not at all, and that never replace or follow anything but a
// regular file:
//  - a new path or an existing regular file is written to a temporary file created exclusively
//    (O_CREAT | O_EXCL | O_NOFOLLOW, an unpredictable name) in the target's directory and renamed
//    over the target on commit(); a run that fails, throws or is interrupted (SIGINT/SIGTERM)
//    removes the temporary file and leaves any earlier file at the target untouched;
//  - "-" (standard output), a character or block device (/dev/null, /dev/full) and a FIFO are
//    written directly, so `-o /dev/null` discards and `-o /dev/stdout` prints;
//  - a symbolic link is replaced by nothing: it is followed to what it names (which must be one
//    of the above, and a regular file is then replaced through its real path);
//  - a directory, a socket, a read-only file (unless --force: set_replace_read_only) and a path
//    whose directory does not exist or is not writable are refused before any work, with the
//    path and the reason.
// Every write and the final flush are checked: a full disk or a closed standard output is a
// UsageError naming the path and the reason (exit status 2), never a silent loss.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gelucheck {

class OutputFile {
 public:
  // Throws UsageError when the path cannot be written (see above).
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text);  // throws UsageError on an I/O error
  void commit();  // flush, fsync, rename into place (or flush the stream); throws UsageError
  const std::string& path() const { return path_; }

 private:
  std::string path_;       // as given
  std::string target_;     // the regular file renamed over (symbolic links resolved)
  std::string temp_path_;  // empty when written directly
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
};

// Checks, without creating anything, that `path` could be opened by OutputFile (the same
// refusals); for files written only later, such as a checkpoint. Throws UsageError.
void check_output_path(const std::string& path);

// --force: read-only regular files are replaced too (the program-wide default is to refuse).
void set_replace_read_only(bool replace);

// Refuses (UsageError, before any work) two options that name the same file: `outputs` are
// (option, path) pairs; "-" is standard output, which one option at most may name.
void require_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);

// Flushes standard output and reports a failed write (a full disk, a closed descriptor) as a
// UsageError naming the reason. Called once at the end of every command.
void flush_standard_output();

// Installs SIGINT/SIGTERM handlers that delete open temporary files, then re-raise; while
// interrupts are deferred (a sweep that can checkpoint), the first signal only sets
// interrupt_requested() and the program stops cleanly; a second one ends it at once.
void install_output_cleanup_handlers();
void defer_interrupts(bool defer);
bool interrupt_requested();

}  // namespace gelucheck
