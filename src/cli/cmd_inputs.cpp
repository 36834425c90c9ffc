// gelucheck inputs: the exact inputs of a sweep, in the sweep's order, for running a framework or
// GPU kernel on them and grading its outputs with file:PATH.
#include <bit>
#include <tuple>

#include <fmt/format.h>  // fmt::print

#include "common.hpp"
#include "io/npy.hpp"
#include "io/output_file.hpp"
#include "sweep/engine.hpp"

namespace gelucheck::cli {

namespace {

enum class InputDtype { natural, bits, float32 };

// numpy has float16 and float32 but no bfloat16 nor 8-bit floats: bf16 inputs are written as
// their bit patterns (uint16), the 8-bit and narrower formats as uint8 (the pattern in the low
// bits, as ml_dtypes stores them: a.view(ml_dtypes.float8_e4m3fn) reads them back).
NpyDtype npy_dtype_for(const Format& f, InputDtype kind) {
  if (kind == InputDtype::float32) return kNpyFloat32;
  if (kind == InputDtype::natural && &f == &fp16) return kNpyFloat16;
  if (kind == InputDtype::natural && &f == &fp32) return kNpyFloat32;
  return f.total_bits() <= 8 ? kNpyUint8 : f.total_bits() <= 16 ? kNpyUint16 : kNpyUint32;
}

}  // namespace

Runner add_inputs(CLI::App& app) {
  struct Opts {
    std::string format, output, kind = "npy", dtype = "auto", shard;
    bool raw = false;
    DomainOptions domain;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "inputs",
      "Writes the exact inputs of a sweep, in the sweep's order (exhaustive: increasing value, "
      "-0 before +0), as a .npy file: run your framework or GPU kernel on them, save its outputs "
      "in the same order, and grade them with -i file:OUTPUTS.npy and the same -t/--range/--grid "
      "options.\n"
      "dtype auto: float16 for fp16, float32 for fp32, and for bf16 (numpy has no bfloat16) "
      "uint16 bit patterns; in torch: torch.from_numpy(a.view(numpy.int16)).view(torch.bfloat16). "
      "The 8-bit and narrower formats: uint8 bit patterns (torch: .view(torch.float8_e4m3fn); "
      "ml_dtypes: a.view(ml_dtypes.float8_e4m3fn)). A pair IN:OUT writes the inputs, of IN.");
  cmd->add_option("-t,--format", o->format,
                  "Format: " + format_names() + ", or IN:OUT (the inputs of IN)")
      ->required();
  cmd->add_option("-o,--file", o->output, "Output file (- for standard output)")->type_name("FILE");
  cmd->add_option("--output", o->kind,
                  "Kind of output: npy (default) or raw (little-endian bit patterns, no header)")
      ->type_name("KIND")
      ->capture_default_str();
  cmd->add_option("--dtype", o->dtype,
                  "auto (default), bits (uint8/uint16/uint32 bit patterns), float32 (values; "
                  "exact for every format)")
      ->capture_default_str();
  cmd->add_flag("--raw", o->raw,
                "The same as --output raw: little-endian bit patterns (1 byte per value for the "
                "8-bit and narrower formats, 2 for fp16/bf16, 4 for fp32), no header");
  cmd->add_option("--shard", o->shard,
                  "Only the inputs of shard K of N (from 0), the slice `table --shard K/N` "
                  "sweeps: grade its outputs with table -i file:OUTPUTS --shard K/N --partial FILE "
                  "and combine the shards with `gelucheck merge`")
      ->type_name("K/N");
  o->domain.add_to(*cmd);
  return [o]() {
    if (o->kind == "raw")
      o->raw = true;
    else if (o->kind != "npy")
      throw unknown_output_kind(o->kind, "npy, raw");
    if (o->output.empty()) throw UsageError("inputs needs -o/--file FILE (- for standard output)");
    const Format& graded = format_named(o->format);
    const Format& f = graded.in();
    InputDtype kind;
    if (o->dtype == "auto")
      kind = InputDtype::natural;
    else if (o->dtype == "bits")
      kind = InputDtype::bits;
    else if (o->dtype == "float32")
      kind = InputDtype::float32;
    else
      throw UsageError(fmt::format("unknown --dtype '{}'; valid: auto, bits, float32", o->dtype));
    if (o->raw && o->dtype != "auto")
      throw UsageError("--raw writes bit patterns; it takes no --dtype");
    const Domain domain = o->domain.build(graded);
    uint64_t first = 0, end = domain.size();
    if (!o->shard.empty()) {
      const auto [k, n] = parse_shard(o->shard);
      std::tie(first, end) = shard_positions(domain, k, n);
    }
    std::vector<uint32_t> bits(end - first);
    domain.fill(first, bits.size(), bits.data());

    const NpyDtype dtype = o->raw ? npy_dtype_for(f, InputDtype::bits) : npy_dtype_for(f, kind);
    std::vector<uint64_t> elements(bits.size());
    for (size_t i = 0; i < bits.size(); ++i) {
      // float32 of a narrower value: exact (float holds every value of every narrower format).
      elements[i] = dtype == kNpyFloat32 && &f != &fp32
                        ? std::bit_cast<uint32_t>(static_cast<float>(to_double(f, bits[i])))
                        : bits[i];
    }
    if (o->raw) {
      OutputFile out(o->output);
      std::string data;
      data.reserve(elements.size() * size_t(dtype.item_bytes));
      for (uint64_t v : elements)
        for (int k = 0; k < dtype.item_bytes; ++k) data += char((v >> (8 * k)) & 0xff);
      out.write(data);
      out.commit();
    } else {
      write_npy_1d(o->output, dtype, elements);
    }
    // The summary goes to stderr when the data itself goes to standard output.
    fmt::print(
        o->output == "-" ? stderr : stdout, "wrote {} {} inputs ({}{}) to {} as {}{}\n",
        bits.size(), f.name, domain.describe(),
        o->shard.empty() ? "" : fmt::format(", shard {}: positions [{}, {})", o->shard, first, end),
        o->output, o->raw ? "raw little-endian " : "",
        dtype.kind == 'u' ? fmt::format("{}-bit patterns", 8 * dtype.item_bytes) : dtype.name());
    return 0;
  };
}

}  // namespace gelucheck::cli
