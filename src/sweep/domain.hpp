// Input domains: the ordered list of input bit patterns a sweep visits.
//
// Order (documented, and what `gelucheck inputs` writes):
//  - exhaustive: every finite value in [lo, hi] in increasing value order, -0 just before +0;
//  - patterns:   every bit pattern of the format (NaNs and infinities included) in bit order;
//  - linear:     lo + (hi - lo) i/(N-1), i = 0..N-1, each rounded to nearest, repeats removed;
//  - log:        N points evenly spaced in log|x| (both signs when the range spans 0, split in
//                proportion to each side's decades, down to the smallest subnormal), rounded to
//                nearest, in increasing order, repeats removed;
//  - random:     N draws, uniform in value over [lo, hi] then rounded to nearest;
//  - random-bits: N draws, uniform over the finite values in [lo, hi] (uniform in bit space);
//  - listed:     inputs a program chose (an analysis's own grid), in its order; not a --grid.
// Random draws are a pure function of (seed, index) (SplitMix64), so any slice of a sweep can be
// generated alone and results do not depend on threads or shards. Draws may repeat.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fp/format.hpp"

namespace gelucheck {

enum class GridKind { exhaustive, patterns, linear, log, random_values, random_bits, listed };

class Domain {
 public:
  static Domain exhaustive(const Format& f, double lo, double hi);
  static Domain patterns(const Format& f);
  static Domain grid(const Format& f, GridKind kind, double lo, double hi, uint64_t points,
                     uint64_t seed);
  static Domain listed(const Format& f, std::vector<uint32_t> inputs);

  // The graded format: the inputs are values of format().in() (a graded pair's input format,
  // format.hpp), the results are rounded to format().
  const Format& format() const { return *format_; }
  GridKind kind() const { return kind_; }
  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The bit patterns of inputs [first, first + count).
  void fill(uint64_t first, size_t count, uint32_t* out) const;
  uint32_t at(uint64_t i) const {
    uint32_t b;
    fill(i, 1, &b);
    return b;
  }
  std::string describe() const;  // e.g. "exhaustive [-8, 8]: 31745 inputs"

 private:
  const Format* format_ = &fp32;
  GridKind kind_ = GridKind::exhaustive;
  double lo_ = 0, hi_ = 0;
  uint64_t size_ = 0, seed_ = 0;
  OrdinalRange ordinals_;
  std::shared_ptr<const std::vector<uint32_t>> points_;  // linear, log and listed
};

const char* grid_name(GridKind k);
bool parse_grid(std::string_view name, GridKind& out);

}  // namespace gelucheck
