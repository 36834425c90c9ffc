// Outputs captured elsewhere (PyTorch, JAX, a GPU run), graded as an implementation: file:PATH.
//
// PATH holds one output per input of a sweep, in the sweep's documented order (domain.hpp),
// which is the order `gelucheck inputs` writes the inputs in. When a sweep makes the kernel,
// the file is paired with the sweep's domain (Implementation::kernel_for): output i belongs to
// input i, and the kernel looks outputs up by input bits. So the command that grades the file must
// be given the same -t/--range/--grid/--points/--seed as the `gelucheck inputs` run that wrote the
// inputs; a file whose length differs from the domain's is refused with both numbers.
//
// File contents:
//  - .npy (recognised by its magic string, whatever the file is named; npy.hpp): values of the
//    format (float16 for fp16, float32 for fp32), bit patterns of the format's width (uint16 or
//    int16 for fp16/bf16; uint32 or int32 for fp32; torch: y.view(torch.int16)), or wider floats
//    (float32, float64) whose every value is exactly a value of the format (torch: y.float() of
//    a bf16 tensor). C order, any shape (flattened), little- or big-endian.
//  - anything else: raw little-endian bit patterns, 2 bytes per value for fp16/bf16 and 4 for
//    fp32, no header (what a C or CUDA program writes with fwrite).
// NaN outputs of any payload count as NaN (and are printed as the canonical NaN, format.hpp).
// PATH must be a regular file (a FIFO or a device is refused, not read). The same input appearing
// twice in a sweep (random grids may draw it twice) must have the same output.
//
// Shards: after pair_captured_outputs_with_shard(k, n) (`table --shard K/N`), a file may also
// hold the outputs of shard K/N's inputs only, as `gelucheck inputs --shard K/N` writes them:
// the inputs of chunks shard_chunks(chunk_count(domain), k, n) (sweep/engine.hpp), in order.
//
// Outside a sweep (a command that asks for one input's value) the file can only be used when
// it covers every value of a 16-bit format: all 2^16 bit patterns in bit order (--grid
// patterns), or every finite value in increasing order (the default exhaustive domain).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "fp/format.hpp"
#include "implementations/implementations.hpp"
#include "io/npy.hpp"

namespace gelucheck {

// Makes the implementation for the argument after "file:" (a path). Reads the file; throws
// UsageError if it cannot be read or is a malformed .npy file.
Implementation make_captured_implementation(std::string_view path);

// Files of one shard's outputs are paired with shard k of n of every sweep from now on.
void pair_captured_outputs_with_shard(uint64_t k, uint64_t n);

// The outputs of a .npy array as bit patterns of format f, in storage order. Throws UsageError
// (prefixed by `what`) when the dtype cannot hold outputs of f, saying which dtypes can, or when
// a wider float is not exactly a value of f.
std::vector<uint32_t> npy_outputs_as_bits(const NpyArray& array, const Format& f,
                                          std::string_view what);

}  // namespace gelucheck
