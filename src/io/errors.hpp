// Errors that end a command with exit status 2: bad input, stated in one line that says what was
// wrong and what is accepted.
#pragma once

#include <stdexcept>
#include <string>

namespace gelucheck {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace gelucheck
