// gelucheck merge: combines partial results (shards, checkpoints) into the table one run gives.
#include <deque>
#include <optional>

#include <fmt/format.h>  // fmt::format

#include "common.hpp"
#include "io/output_file.hpp"
#include "sweep/partial_result.hpp"
#include "versioned_json.hpp"

namespace gelucheck::cli {

namespace {

// "chunks 3-5, 9" for the chunks of [0, total) not in `have`.
std::string missing_chunks(const ChunkSet& have, uint64_t total) {
  std::vector<std::string> parts;
  uint64_t next = 0;
  auto add_gap = [&](uint64_t b, uint64_t e) {
    if (b >= e) return;
    parts.push_back(e - b == 1 ? fmt::format("{}", b) : fmt::format("{}-{}", b, e - 1));
  };
  for (const auto& [b, e] : have.intervals()) {
    add_gap(next, b);
    next = e;
  }
  add_gap(next, total);
  if (parts.size() > 6) parts.resize(6), parts.back() = "...";
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

Runner add_merge(CLI::App& app) {
  struct Opts {
    std::vector<std::string> inputs;
    OutputOptions output;
    std::string partial;
    bool breakdown = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "Combines partial results written by `gelucheck table --partial` (shards of one run, or "
      "checkpoints) into the table a single run gives, bit for bit. Refuses overlapping inputs "
      "and, unless --partial, incomplete sweeps (naming the missing chunks).");
  cmd->add_option("PARTIAL", o->inputs, "Partial result files")->required();
  o->output.add_to(*cmd);
  cmd->add_flag("--breakdown", o->breakdown,
                "Markdown: add per-binade statistics and the |ULP| histogram of each row");
  cmd->add_option("--partial", o->partial,
                  "Write the merged partial result to FILE instead (incomplete sweeps allowed)")
      ->type_name("FILE");
  return [o]() {
    const OutputKind kind = o->output.output_kind();
    require_distinct_outputs(
        {{"-o", o->partial.empty() ? o->output.file : ""}, {"--partial", o->partial}});
    // Every input is read and verified, and the output checked, before anything is merged.
    if (!o->partial.empty()) check_output_path(o->partial);
    std::optional<OutputFile> out;
    if (o->partial.empty()) out.emplace(o->output.file);
    PartialResult merged;
    merged.command = command_line();
    for (const std::string& path : o->inputs) {
      PartialResult p = read_partial(path);
      try {
        for (PartialRow& row : p.rows) merged.add(std::move(row));
      } catch (const UsageError& e) {
        throw UsageError(fmt::format("merging {}: {}", in_quotes(path), e.what()));
      }
    }
    if (!o->partial.empty()) {
      write_partial(o->partial, merged);
      return 0;
    }
    std::vector<std::string> incomplete;
    for (const PartialRow& r : merged.rows)
      if (!r.complete())
        incomplete.push_back(fmt::format("{} {} {} (missing chunks {} of {})", name_of(r.function),
                                         r.format->name, escaped(r.implementation),
                                         missing_chunks(r.completed, r.chunks), r.chunks));
    if (!incomplete.empty())
      throw UsageError(fmt::format(
          "incomplete: {}; give every shard, or pass --partial FILE to merge part of a run",
          fmt::join(incomplete, "; ")));

    // The renderer only needs an implementation's name, and names like plugin:... need not
    // resolve on the machine that merges.
    std::deque<Implementation> named;
    std::vector<TableRow> rows;
    for (PartialRow& r : merged.rows) {
      named.push_back(Implementation{.name = r.implementation});
      rows.push_back({r.function, r.format, &named.back(), r.domain, std::move(r.stats),
                      r.subnormals, r.tolerance});
    }
    // Partial results do not record the reference mode (both give the same results): null.
    out->write(versioned(kind, "table", std::nullopt, render_table(rows, kind, o->breakdown)));
    out->commit();
    return 0;
  };
}

}  // namespace gelucheck::cli
