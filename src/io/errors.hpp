// Errors that end a command with exit status 2: bad input, stated in one line that says what was
// wrong and what is accepted. Text that came from the user (a name, a path, a file's header) is
// shown through in_quotes(), so a message stays one line of plain text whatever it holds.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gelucheck {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `text` with control characters, bytes that are not UTF-8 and C1 controls written as escapes
// (\n, \t, \x1b, ...) and backslashes doubled; cut to `max` bytes with "..." after.
std::string escaped(std::string_view text, size_t max = 300);
// escaped(text, max) between single quotes.
std::string in_quotes(std::string_view text, size_t max = 300);
// A message as one line of text: like escaped() but backslashes are kept (the message's user
// text is escaped already), cut at `max` bytes.
std::string one_line(std::string_view text, size_t max = 4000);

}  // namespace gelucheck
