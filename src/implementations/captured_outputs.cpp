#include "implementations/captured_outputs.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"
#include "io/input_file.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"

namespace gelucheck {
namespace {

std::string accepted_dtypes(const Format& graded) {
  const Format& f = graded.out();
  if (&f == &fp16)
    return "float16 values, uint16, int16 or void ('<V2') bit patterns, or float32/float64 "
           "values that are all fp16 values";
  if (&f == &bf16)
    return "bfloat16 bit patterns as uint16, int16 or void (torch: y.view(torch.int16).numpy(); "
           "numpy.save of an ml_dtypes bfloat16 array writes '<V2'), or float32/float64 values "
           "that are all bf16 values (torch: y.float().numpy())";
  if (f.total_bits() <= 8)
    return fmt::format(
        "uint8 or int8 bit patterns ('|u1', '|i1'{}; torch: y.view(torch.uint8).numpy()), an "
        "ml_dtypes {} array saved with numpy.save (void items '|V1' or '<V1'{}), or "
        "float16/32/64 values that are all {} values",
        f.total_bits() < 8
            ? fmt::format(", the {}-bit pattern in the low bits of each byte", f.total_bits())
            : "",
        f.total_bits() == 8   ? "float8"
        : f.total_bits() == 6 ? "float6"
                              : "float4",
        &f == &e5m2 ? ", or '<f1' for float8_e5m2" : "", f.name);
  return fmt::format(
      "float32 values, uint32, int32 or void ('<V4') bit patterns, or float64 values that are "
      "all {} values",
      f.name);
}

// The value of a float element as a double (exact: binary16/32 values are doubles).
double float_element(const NpyArray& a, uint64_t i) {
  const uint64_t raw = a.raw_element(i);
  switch (a.dtype.item_bytes) {
    case 2:
      return to_double(fp16, uint32_t(raw));
    case 4:
      return static_cast<double>(std::bit_cast<float>(uint32_t(raw)));
    default:
      return std::bit_cast<double>(raw);
  }
}

std::string describe_file_values(const NpyArray& a) {
  return fmt::format("{} {} values (shape {})", a.count(), a.dtype.name(), a.shape_text());
}

// The shard a file of one shard's outputs belongs to (pair_captured_outputs_with_shard).
std::atomic<uint64_t> shard_k{0}, shard_n{0};

// Inputs [first, first + count) of a sweep domain.
struct InputSlice {
  uint64_t first = 0, count = 0;
};

// Input bits -> output bits for the inputs `slice` of a sweep domain.
class OutputLookup {
 public:
  OutputLookup(const Format& f, const Domain& domain, InputSlice slice,
               const std::vector<uint32_t>& outputs, std::string_view what) {
    std::vector<uint32_t> inputs(slice.count);
    domain.fill(slice.first, inputs.size(), inputs.data());
    const Format& in = f.in();  // inputs; outputs are of f's layout
    auto conflict = [&](uint64_t i, uint64_t j) {
      return UsageError(fmt::format(
          "{}: inputs {} and {} of the sweep are both x = {}, but their outputs differ ({} and "
          "{}); captured outputs must be a function of the input",
          what, std::min(i, j), std::max(i, j), to_shortest_decimal(in, inputs[i]),
          to_hex_bits(f, outputs[i]), to_hex_bits(f, outputs[j])));
    };
    if (in.total_bits() <= 16) {
      constexpr uint64_t kAbsent = ~uint64_t{0};
      std::vector<uint64_t> index_of(in.pattern_count(), kAbsent);
      by_bits_.assign(in.pattern_count(), 0);
      present_.assign(in.pattern_count(), false);
      for (uint64_t i = 0; i < inputs.size(); ++i) {
        const uint32_t x = inputs[i];
        if (index_of[x] != kAbsent && outputs[index_of[x]] != outputs[i])
          throw conflict(index_of[x], i);
        index_of[x] = i;
        by_bits_[x] = outputs[i];
        present_[x] = true;
      }
    } else {
      std::vector<std::tuple<uint32_t, uint64_t>> order;  // (input, position)
      order.reserve(inputs.size());
      for (uint64_t i = 0; i < inputs.size(); ++i) order.emplace_back(inputs[i], i);
      std::sort(order.begin(), order.end());
      for (size_t k = 0; k < order.size(); ++k) {
        const auto [x, i] = order[k];
        if (k > 0 && std::get<0>(order[k - 1]) == x) {
          const uint64_t j = std::get<1>(order[k - 1]);
          if (outputs[j] != outputs[i]) throw conflict(j, i);
          continue;
        }
        sorted_.emplace_back(x, outputs[i]);
      }
    }
  }

  std::optional<uint32_t> find(uint32_t x) const {
    if (!present_.empty()) {
      if (x < present_.size() && present_[x]) return by_bits_[x];
      return std::nullopt;
    }
    const auto it =
        std::lower_bound(sorted_.begin(), sorted_.end(), std::pair<uint32_t, uint32_t>(x, 0));
    if (it == sorted_.end() || it->first != x) return std::nullopt;
    return it->second;
  }

 private:
  std::vector<uint32_t> by_bits_;  // 16-bit formats: output by input bits
  std::vector<bool> present_;
  std::vector<std::pair<uint32_t, uint32_t>> sorted_;  // wider formats: (input, output)
};

struct CapturedFile {
  std::string path, what;  // what = "file:PATH"
  std::optional<NpyArray> npy;
  std::vector<uint8_t> raw;  // when not .npy

  std::mutex mutex;
  std::map<const Format*, std::vector<uint32_t>> outputs;              // per format
  std::map<std::string, std::shared_ptr<const OutputLookup>> lookups;  // per domain

  uint64_t count_for(const Format& f) const {
    return npy ? npy->count() : raw.size() / size_t((f.total_bits() + 7) / 8);
  }
  std::string contents_for(const Format& f) const {
    if (npy) return describe_file_values(*npy);
    return fmt::format("{} bytes of raw {}-bit patterns", raw.size(), (f.total_bits() + 7) / 8 * 8);
  }

  // Caller holds the mutex.
  const std::vector<uint32_t>& outputs_for(const Format& f) {
    auto it = outputs.find(&f);
    if (it != outputs.end()) return it->second;
    std::vector<uint32_t> bits;
    if (npy) {
      bits = npy_outputs_as_bits(*npy, f, what);
    } else {
      const size_t width = size_t((f.total_bits() + 7) / 8);
      if (raw.size() % width != 0)
        throw UsageError(fmt::format(
            "{}: a raw file of {} outputs holds little-endian {}-byte bit patterns, but its "
            "{} bytes are not a multiple of {}",
            what, f.name, width, raw.size(), width));
      bits.resize(raw.size() / width);
      for (size_t i = 0; i < bits.size(); ++i) {
        uint32_t v = 0;
        for (size_t k = width; k-- > 0;) v = (v << 8) | raw[i * width + k];
        bits[i] = v & f.all_bits_mask();
      }
    }
    return outputs.emplace(&f, std::move(bits)).first->second;
  }

  std::shared_ptr<const OutputLookup> lookup_for(const Format& f, const Domain& domain) {
    std::lock_guard lock(mutex);
    const std::vector<uint32_t>& out = outputs_for(f);
    const std::string key = fmt::format("{} {}", f.name, domain.describe());
    if (auto it = lookups.find(key); it != lookups.end()) return it->second;
    InputSlice slice{0, domain.size()};
    std::string shard_text;
    if (const uint64_t n = shard_n.load(); n != 0 && out.size() != domain.size()) {
      const uint64_t k = shard_k.load();
      const auto [first, end] = shard_positions(domain, k, n);
      slice = {first, end - first};
      shard_text = fmt::format(
          " (or {} for shard {}/{}, as `gelucheck inputs --shard {}/{}` "
          "writes)",
          slice.count, k, n, k, n);
    }
    if (out.size() != slice.count)
      throw UsageError(fmt::format(
          "{}: expected {} {} outputs, one per input of the sweep ({}, in the order `gelucheck "
          "inputs` writes){}; got {}. Grade the file with the same -t/--range/--grid/--points/"
          "--seed it was captured for",
          what, domain.size(), f.name, domain.describe(), shard_text, contents_for(f)));
    auto made = std::make_shared<const OutputLookup>(f, domain, slice, out, what);
    lookups.emplace(key, made);
    return made;
  }

  // The 16-bit domains a file can be paired with when no sweep says which: see the header.
  std::optional<Domain> domain_without_sweep(const Format& f) {
    if (f.in().total_bits() > 16) return std::nullopt;
    uint64_t n;
    {
      std::lock_guard lock(mutex);
      n = outputs_for(f).size();
    }
    if (n == f.in().pattern_count()) return Domain::patterns(f);
    const Domain every_finite = Domain::exhaustive(f, -INFINITY, INFINITY);
    if (n == every_finite.size()) return every_finite;
    return std::nullopt;
  }
};

}  // namespace

void pair_captured_outputs_with_shard(uint64_t k, uint64_t n) {
  shard_k = k;
  shard_n = n;
}

std::vector<uint32_t> npy_outputs_as_bits(const NpyArray& a, const Format& f,
                                          std::string_view what) {
  const auto refuse = [&](std::string_view why) {
    return UsageError(fmt::format("{} holds {}; {} outputs must be {}{}", what,
                                  describe_file_values(a), f.name, accepted_dtypes(f), why));
  };
  size_t non_unit_dims = 0;
  for (uint64_t s : a.shape) non_unit_dims += s != 1;
  if (a.fortran_order && non_unit_dims > 1)
    throw refuse(
        " in C order (this array is Fortran-ordered, so its storage order is not the "
        "inputs' order; save numpy.ascontiguousarray(y))");
  const uint64_t n = a.count();
  std::vector<uint32_t> bits(n);
  // Bit patterns: integers of the format's width (one byte for the 8-bit and narrower formats),
  // and the void items numpy writes for ml_dtypes' types ('<V1' for the float8, float6 and
  // float4 types, '<V2' bfloat16: npy.hpp), whose bytes are the patterns.
  const int width = f.total_bits() <= 8 ? 8 : f.total_bits();
  const bool is_bits = (a.dtype.kind == 'u' || a.dtype.kind == 'i' || a.dtype.kind == 'V') &&
                       8 * a.dtype.item_bytes == width;
  // Floats that are the format itself (binary16 for fp16, binary32 for fp32, ml_dtypes'
  // float8_e5m2 saved as '<f1' for e5m2): their bits.
  const Format& layout = f.out();
  const bool is_format = a.dtype.kind == 'f' && ((a.dtype.item_bytes == 1 && &layout == &e5m2) ||
                                                 (a.dtype.item_bytes == 2 && &layout == &fp16) ||
                                                 (a.dtype.item_bytes == 4 && &layout == &fp32));
  if (is_bits || is_format) {
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t raw = a.raw_element(i);
      if (raw > f.all_bits_mask())  // a 6- or 4-bit format's byte with its high bits set
        throw UsageError(fmt::format(
            "{}: element {} is {:#x}, not a {}-bit pattern of {} (the pattern is in the low "
            "bits of each byte, as ml_dtypes stores it)",
            what, i, raw, f.total_bits(), f.name));
      bits[i] = uint32_t(raw);
    }
    return bits;
  }
  if (a.dtype.kind == 'V' || a.dtype.item_bytes == 1) throw refuse("");
  // Wider floats: accepted when every value is exactly a value of the format, so nothing is
  // rounded here (a rounding would hide the kernel's own).
  if (a.dtype.kind == 'f' && 8 * a.dtype.item_bytes > f.total_bits()) {
    for (uint64_t i = 0; i < n; ++i) {
      const double v = float_element(a, i);
      if (std::isnan(v)) {
        bits[i] = f.nan_bits();
        continue;
      }
      const std::optional<uint32_t> b = exact_bits(f, v);
      if (!b)
        throw UsageError(fmt::format(
            "{}: element {} is {} ({:a}), which is not {} {} value: the file must hold outputs "
            "already rounded to {} ({})",
            what, i, v, v, layout.name.starts_with('e') ? "an" : "a", layout.name, layout.name,
            accepted_dtypes(f)));
      bits[i] = *b;
    }
    return bits;
  }
  throw refuse("");
}

Implementation make_captured_implementation(std::string_view path_view) {
  auto file = std::make_shared<CapturedFile>();
  file->path = std::string(path_view);
  file->what = fmt::format("file:{}", escaped(path_view));
  if (file->path.empty())
    throw UsageError("file: needs a path: file:PATH, a .npy file or raw little-endian bits");
  {
    // A regular file only (a FIFO would block, /dev/zero never end): at most 2^32 outputs of 8
    // bytes, plus a header.
    const std::string text =
        read_regular_file(file->path, "captured outputs", (uint64_t{1} << 35) + (1 << 20));
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()),
                                         text.size());
    if (has_npy_magic(bytes)) {
      file->npy = parse_npy(bytes, file->what);
    } else if (file->path.size() >= 4 && file->path.ends_with(".npy")) {
      throw UsageError(
          fmt::format("{}: named .npy but not a .npy file (no \"\\x93NUMPY\" magic "
                      "string); write it with numpy.save",
                      file->what));
    } else {
      file->raw.assign(bytes.begin(), bytes.end());
    }
  }
  Implementation impl;
  impl.summary = fmt::format(
      "outputs captured in {} ({}), paired with the sweep's inputs in "
      "order",
      file->path,
      file->npy ? describe_file_values(*file->npy) : fmt::format("{} raw bytes", file->raw.size()));
  impl.used_in = "outputs of a framework or GPU run, written with numpy.save or fwrite";
  impl.captured = true;
  impl.kernel_for = [file](Function, const Format& f, const Domain* sweep) -> BatchKernel {
    std::shared_ptr<const OutputLookup> lookup;
    std::string unpaired_reason;
    if (sweep && &sweep->format() == &f) {
      lookup = file->lookup_for(f, *sweep);
    } else if (const std::optional<Domain> whole = file->domain_without_sweep(f)) {
      lookup = file->lookup_for(f, *whole);
    } else {
      // Still a kernel, so that supports() holds; it refuses to be used without a sweep.
      unpaired_reason = fmt::format(
          "{}: this command does not sweep a domain, so the file's {} outputs cannot be paired "
          "with inputs (outside a sweep a file must cover all {} bit patterns or every finite {} "
          "value); grade it with sweep, table or gate",
          file->what, file->count_for(f), f.in().pattern_count(), f.in().name);
    }
    const std::string what = file->what;
    return [lookup, unpaired_reason, what, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
      if (!lookup) throw UsageError(unpaired_reason);
      for (size_t i = 0; i < x.size(); ++i) {
        const std::optional<uint32_t> out = lookup->find(x[i]);
        if (!out)
          throw UsageError(fmt::format("{}: holds no output for input x = {} ({})", what,
                                       to_shortest_decimal(f.in(), x[i]),
                                       to_hex_bits(f.in(), x[i])));
        y[i] = *out;
      }
    };
  };
  return impl;
}

}  // namespace gelucheck
