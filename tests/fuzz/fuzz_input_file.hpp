// For fuzz targets whose reader takes a path: each input is written to one temporary file.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzz {

// The path of a file holding data (the same file for every input of a run).
inline const std::string& file_with(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string path = [&] {
    std::string p = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                    "/gelucheck_fuzz_XXXXXX" + suffix;
    const int fd = mkstemps(p.data(), int(std::string(suffix).size()));
    if (fd < 0) std::abort();
    close(fd);
    return p;
  }();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) std::abort();
  return path;
}

}  // namespace fuzz
