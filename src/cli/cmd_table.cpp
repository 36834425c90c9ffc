// gelucheck table: the ULP error table, one row per function x format x implementation; with
// --shard/--partial a mergeable slice of it, with --resume the rest of an interrupted run.
#include <sys/stat.h>

#include <fmt/format.h>  // fmt::print

#include "common.hpp"
#include "implementations/captured_outputs.hpp"
#include "io/output_file.hpp"
#include "progress.hpp"
#include "sweep/partial_result.hpp"
#include "versioned_json.hpp"

namespace gelucheck::cli {

namespace {

// Where Ctrl-C writes the checkpoint when --checkpoint is not given: beside an output file
// (whose directory is checked with it), else gelucheck-checkpoint.json in the working directory,
// which is written only if the run is interrupted.
std::string default_checkpoint_for(const std::string& output) {
  struct stat st {};
  const bool file = output != "-" && (lstat(output.c_str(), &st) != 0 || S_ISREG(st.st_mode));
  return file ? output + ".checkpoint.json" : "gelucheck-checkpoint.json";
}

// One sweep of the table: a function x format over a domain, for the implementations providing
// it (they share the inputs and the reference).
struct SweepGroup {
  Function function;
  const Format* format;
  Domain domain;
  std::vector<const Implementation*> implementations;
  ChunkSet::Interval slice;  // the chunks this run is responsible for
  ChunkSet done;             // chunks already in `earlier` (a resumed checkpoint)
  std::vector<PartialRow> earlier;
};

uint64_t inputs_in(const Domain& d, uint64_t chunk) {
  const uint64_t first = chunk * kChunkSize;
  return first >= d.size() ? 0 : std::min(kChunkSize, d.size() - first);
}

uint64_t inputs_in(const Domain& d, const ChunkSet::Interval& chunks) {
  if (chunks.first >= chunks.second) return 0;
  return (chunks.second - chunks.first - 1) * kChunkSize + inputs_in(d, chunks.second - 1);
}

uint64_t inputs_in(const Domain& d, const ChunkSet& chunks) {
  uint64_t n = 0;
  for (const ChunkSet::Interval& interval : chunks.intervals()) n += inputs_in(d, interval);
  return n;
}

// The row of one implementation of `g`, with nothing swept yet.
PartialRow empty_row(const SweepGroup& g, const Implementation& impl, const SweepOptions& options) {
  PartialRow row;
  row.function = g.function;
  row.format = g.format;
  row.implementation = impl.name;
  row.domain = g.domain.describe();
  row.subnormals = subnormals_of(impl, options);
  row.tolerance = tolerance_of(*g.format, options);
  row.inputs = g.domain.size();
  row.chunks = chunk_count(g.domain);
  return row;
}

// Takes the checkpoint's rows of `g` out of `resumed`; their completed chunks become g.done.
// A checkpoint holds all implementations of a sweep or none, over the same chunks.
void claim_resumed_rows(SweepGroup& g, PartialResult& resumed, const std::string& path,
                        const SweepOptions& options) {
  for (const Implementation* impl : g.implementations) {
    const PartialRow key = empty_row(g, *impl, options);
    auto it = std::find_if(resumed.rows.begin(), resumed.rows.end(),
                           [&](const PartialRow& r) { return r.same_sweep(key); });
    if (it == resumed.rows.end()) continue;
    g.earlier.push_back(std::move(*it));
    resumed.rows.erase(it);
  }
  if (g.earlier.empty()) return;
  if (g.earlier.size() != g.implementations.size())
    throw UsageError(fmt::format(
        "checkpoint '{}' holds some implementations of {} {} but not all; it is not from this "
        "command",
        path, name_of(g.function), g.format->name));
  g.done = g.earlier.front().completed;
  for (const PartialRow& r : g.earlier)
    if (r.completed.intervals() != g.done.intervals())
      throw UsageError(fmt::format("checkpoint '{}': the rows of {} {} cover different chunks",
                                   path, name_of(g.function), g.format->name));
  for (const auto& [b, e] : g.done.intervals())
    if (b < g.slice.first || e > g.slice.second)
      throw UsageError(
          fmt::format("checkpoint '{}' holds chunks outside this shard; resume with the --shard "
                      "it was written with",
                      path));
}

}  // namespace

Runner add_table(CLI::App& app) {
  struct Opts {
    SelectionOptions selection;
    OutputOptions output;
    std::string shard, partial, resume, checkpoint;
    bool breakdown = false, no_progress = false;
    uint64_t stop_after_chunks = 0;
    DomainOptions domain;
    EngineOptions engine;
    GradingOptions grading;
    SweepOptions sweep_options() const {
      SweepOptions options = engine.sweep_options();
      grading.apply(options);
      return options;
    }
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "table",
      "The ULP error table: per function x format x implementation, max |ULP| and where, mean "
      "|ULP|, RMS, share correctly rounded and faithful, non-finite/NaN/zero-sign counts.\n"
      "Defaults: every function, format and implementation; exhaustive over 16-bit formats, "
      "1000000 random-bits points for fp32 (--grid patterns: all 2^32 fp32 bit patterns).\n"
      "Long runs: a progress line on stderr when it is a terminal; Ctrl-C (or SIGTERM) writes a "
      "checkpoint and exits with status 130; --resume CHECKPOINT finishes the run with the "
      "same result as an uninterrupted one. Clusters: --shard K/N --partial FILE runs slice K "
      "of N; `gelucheck merge` combines the partial files into exactly the one-run table.");
  o->selection.add_to(*cmd);
  o->output.add_to(*cmd);
  cmd->add_flag("--breakdown", o->breakdown,
                "Markdown: add per-binade statistics and the |ULP| histogram of each row (JSON "
                "always has them)");
  cmd->add_option("--shard", o->shard,
                  "Run only slice K of N (0 <= K < N) of every sweep; needs --partial")
      ->type_name("K/N");
  cmd->add_option("--partial", o->partial,
                  "Write the mergeable partial result (JSON) to FILE instead of the table; "
                  "combine files with `gelucheck merge`")
      ->type_name("FILE");
  cmd->add_option("--resume", o->resume,
                  "Continue the run that left CHECKPOINT (same options otherwise)")
      ->type_name("CHECKPOINT");
  cmd->add_option("--checkpoint", o->checkpoint,
                  "Where Ctrl-C writes the checkpoint (default: beside the output, "
                  "OUTPUT.checkpoint.json; gelucheck-checkpoint.json when the output is standard "
                  "output or a device)")
      ->type_name("FILE");
  cmd->add_flag("--no-progress", o->no_progress, "No progress line on stderr");
  // For tests: behave as if Ctrl-C came after N chunks (deterministic with --threads 1).
  cmd->add_option("--stop-after-chunks", o->stop_after_chunks)->group("");
  o->domain.add_to(*cmd);
  o->engine.add_to(*cmd);
  o->grading.add_to(*cmd);
  return [o]() {
    const SweepOptions base_options = o->sweep_options();
    const auto functions = functions_or_all(o->selection.functions);
    const auto formats = o->selection.selected_formats();
    const auto impls = implementations_or_all(o->selection.implementations);
    const OutputKind kind = o->output.output_kind();
    std::optional<std::pair<uint64_t, uint64_t>> shard;
    if (!o->shard.empty()) {
      shard = parse_shard(o->shard);
      if (o->partial.empty())
        throw UsageError(
            "--shard needs --partial FILE (a shard is a slice of the table; merge "
            "the slices with `gelucheck merge`)");
      pair_captured_outputs_with_shard(shard->first, shard->second);
    }
    std::vector<Domain> domains;
    for (const Format* f : formats) domains.push_back(o->domain.build(*f));
    const std::string& output = o->partial.empty() ? o->output.file : o->partial;
    const std::string checkpoint =
        o->checkpoint.empty() ? default_checkpoint_for(output) : o->checkpoint;
    require_distinct_outputs({{o->partial.empty() ? "-o" : "--partial", output},
                              {"--checkpoint", o->checkpoint.empty() ? "" : checkpoint}});
    PartialResult resumed;
    if (!o->resume.empty()) resumed = read_partial(o->resume);
    // Fail early on unwritable paths, before hours of work. The default checkpoint is beside
    // the output (checked with it) or, for standard output, written only if interrupted.
    OutputFile out(output);
    if (!o->checkpoint.empty()) check_output_path(checkpoint);

    std::vector<SweepGroup> groups;
    for (Function fn : functions) {
      for (size_t fi = 0; fi < formats.size(); ++fi) {
        SweepGroup g{fn, formats[fi], domains[fi], {}, {}, {}, {}};
        for (const Implementation* i : impls)
          if (i->supports(fn, *g.format)) g.implementations.push_back(i);
        if (g.implementations.empty()) continue;
        const uint64_t chunks = chunk_count(g.domain);
        g.slice = shard ? shard_chunks(chunks, shard->first, shard->second)
                        : ChunkSet::Interval{0, chunks};
        claim_resumed_rows(g, resumed, o->resume, base_options);
        groups.push_back(std::move(g));
      }
    }
    if (groups.empty())
      throw UsageError(
          "no implementation given provides the functions and formats given; see "
          "`gelucheck list`");
    if (!resumed.rows.empty()) {
      const PartialRow& r = resumed.rows.front();
      throw UsageError(fmt::format(
          "checkpoint '{}' holds {} {} {} over {}, which this command does not sweep; resume "
          "with the options it was started with",
          o->resume, name_of(r.function), r.format->name, r.implementation, r.domain));
    }

    uint64_t total_inputs = 0;
    for (const SweepGroup& g : groups)
      total_inputs += inputs_in(g.domain, g.slice) - inputs_in(g.domain, g.done);
    Progress progress(total_inputs, progress_wanted(o->no_progress));
    std::atomic<bool> stop{false};
    uint64_t chunks_run = 0;
    defer_interrupts(true);

    PartialResult result;
    for (SweepGroup& g : groups) {
      SweepOptions options = base_options;
      options.first_chunk = g.slice.first;
      options.end_chunk = g.slice.second;
      options.done = &g.done;
      options.stop = &stop;
      options.on_chunk = [&](uint64_t inputs) {
        progress.advance(inputs);
        ++chunks_run;
        if (interrupt_requested() || (o->stop_after_chunks && chunks_run >= o->stop_after_chunks))
          stop = true;
      };
      progress.set_label(fmt::format("{} {}", name_of(g.function), g.format->name));
      // A sweep interrupted before it starts still carries its resumed rows into the checkpoint.
      SweepResult swept;
      if (!stop) swept = sweep_chunks(g.function, g.domain, g.implementations, options);
      for (size_t k = 0; k < g.implementations.size(); ++k) {
        PartialRow row = empty_row(g, *g.implementations[k], base_options);
        if (!swept.stats.empty()) {
          row.completed = swept.completed;
          row.stats = std::move(swept.stats[k]);
        }
        result.add(std::move(row));
      }
      for (PartialRow& earlier : g.earlier) result.add(std::move(earlier));  // merged by name
    }
    progress.finish();
    defer_interrupts(false);

    if (stop) {
      result.command = command_line();
      write_partial(checkpoint, result);
      uint64_t done = 0, all = 0;
      size_t r = 0;
      for (const SweepGroup& g : groups) {
        all += inputs_in(g.domain, g.slice);
        done += inputs_in(g.domain, result.rows[r].completed);
        r += g.implementations.size();
      }
      fmt::print(stderr,
                 "interrupted after {} of {} inputs; checkpoint written to {}\n"
                 "continue with the same command and --resume {}\n",
                 done, all, checkpoint, checkpoint);
      return 130;
    }
    if (!o->partial.empty()) {
      result.command = command_line();
      out.write(partial_to_text(result));
    } else {
      std::vector<TableRow> rows;
      size_t r = 0;
      for (const SweepGroup& g : groups)
        for (const Implementation* impl : g.implementations) {
          PartialRow& done = result.rows[r++];
          rows.push_back({g.function, g.format, impl, g.domain.describe(), std::move(done.stats),
                          done.subnormals, done.tolerance});
        }
      out.write(versioned(kind, "table", o->engine.sweep_options().reference_mode,
                          render_table(rows, kind, o->breakdown)));
    }
    out.commit();
    return 0;
  };
}

}  // namespace gelucheck::cli
