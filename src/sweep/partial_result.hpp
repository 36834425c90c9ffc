// Partial results: the exact state of unfinished or sliced sweeps, as a JSON file, so that shards
// run on different machines, or a run interrupted and resumed, merge to exactly the result of
// one uninterrupted run (counts are integers, sums exact expansions written as hex floats,
// extremes carry their tie-break ordinal; sweep.hpp, stats.hpp).
//
// File format (version 3):
//   {"gelucheck_partial": 3, "tool_version": "0.1.0", "command": "table -t fp32 ...",
//    "chunk_size": 16384,
//    "rows": [{"function", "format", "implementation", "domain", "subnormals", "rtol", "atol",
//              "inputs", "chunks", "completed": [[begin, end), ...], "stats": {...}}],
//    "digest": "sha256:..."}
// A row is one function x format x implementation over one domain, graded in one subnormal mode
// with one assert_close tolerance (metrics.hpp); "completed" lists the chunks whose inputs are
// in "stats". "digest" is the SHA-256 of the document without it,
// written compactly (nlohmann::json::dump(), keys sorted).
//
// A file is trusted only after it is verified (read_partial): the version, the tool version
// (results of another version need not merge exactly), the digest, and every invariant a
// sweep's statistics satisfy: the counts of the completed chunks, per-binade and histogram sums
// equal to the totals, shares within [0, 1], extremes at inputs of the row's domain, sums within
// what the extremes allow, chunks within the sweep. The first inconsistency is named (exit
// status 2).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>  // nlohmann::json

#include "functions/function.hpp"
#include "sweep/engine.hpp"
#include "sweep/stats.hpp"

namespace gelucheck {

struct PartialRow {
  Function function;
  const Format* format;
  std::string implementation;
  std::string domain;  // Domain::describe(): rows merge only when it is the same
  SubnormalMode subnormals = SubnormalMode::ieee;  // and so are the mode and the tolerance
  Tolerance tolerance;
  uint64_t inputs = 0;
  uint64_t chunks = 0;
  ChunkSet completed;
  ErrorStats stats;

  bool same_sweep(const PartialRow& o) const;
  bool complete() const { return completed.count() == chunks; }
};

struct PartialResult {
  std::string command;  // the command line that wrote it (for a reader; not verified)
  std::vector<PartialRow> rows;

  // Adds a row, merging it into the row of the same sweep if there is one. Throws UsageError
  // when their chunks overlap (the same inputs counted twice).
  void add(PartialRow row);
};

nlohmann::json stats_to_json(const ErrorStats& s);
ErrorStats stats_from_json(const nlohmann::json& j);  // throws on bad input

std::string partial_to_text(const PartialResult& p);
void write_partial(const std::string& path, const PartialResult& p);
// Reads and verifies a partial file; throws UsageError naming the file and the first problem.
PartialResult read_partial(const std::string& path);
// The same for the text of one; `what` names it in messages.
PartialResult parse_partial(const std::string& text, const std::string& what);

// The version partial results record (tool_version).
std::string_view tool_version();

}  // namespace gelucheck
