// gelucheck sweep: one CSV row per input.
#include <fmt/format.h>  // fmt::format_to, fmt::memory_buffer

#include "common.hpp"
#include "io/output_file.hpp"
#include "progress.hpp"
#include "render/text.hpp"
#include "sweep/record_filter.hpp"

namespace gelucheck::cli {

namespace {
const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::finite:
      return "finite";
    case Outcome::special:
      return "special";
    case Outcome::nonfinite:
      return "nonfinite";
    case Outcome::nan:
      return "nan";
    case Outcome::convention:
      return "convention";
    case Outcome::flushed:
      return "flushed";
  }
  return "?";
}
}  // namespace

// x, reference (correctly rounded) and value are shortest round-trip decimals in the format;
// exact, ulp_error, abs_error and rel_error carry only the digits the reference's grid leaves
// certain (sweep/metrics.hpp, remark 4; render/text.hpp); bits in hex; distance in values of
// the format; assert_close 1 or 0.
constexpr const char* kSweepCsvHeader =
    "x,x_bits,reference,reference_bits,exact,value,value_bits,ulp_error,abs_error,rel_error,"
    "outcome,distance,assert_close\n";

void append_csv_row(fmt::memory_buffer& out, const Format& f, const PointRecord& p) {
  // r is known to within e = h ulp(r); so is y - r, and (y - r)/|r| to within
  // e (1 + |rel|) / (|r| - e).
  const double e = std::ldexp(ulp_error_bound(f), p.ref.ulp_log2);
  const double r = std::fabs(p.ref.exact);
  const double rel_e = r > e ? e * (1 + std::fabs(p.rel_error)) / (r - e) : INFINITY;
  const bool defined = std::isfinite(p.ulp_error);
  fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                 to_shortest_decimal(f.in(), p.x), to_hex_bits(f.in(), p.x),
                 to_shortest_decimal(f, p.ref.correctly_rounded),
                 to_hex_bits(f, p.ref.correctly_rounded),
                 exact_text(f, p.ref.exact, p.ref.ulp_log2), to_shortest_decimal(f, p.y),
                 to_hex_bits(f, p.y), defined ? ulp_error_csv(f, p.ulp_error) : "nan",
                 defined ? known_digits(p.abs_error, e, kMachineDigits) : "nan",
                 !defined                  ? "nan"
                 : std::isinf(p.rel_error) ? fmt::format("{}", p.rel_error)
                 : std::isfinite(rel_e)    ? known_digits(p.rel_error, rel_e, kMachineDigits)
                                           : fmt::format("{:.1e}", p.rel_error),
                 outcome_name(p.outcome), p.distance, p.assert_close ? 1 : 0);
}

// Above this many inputs a CSV of every row needs --all-rows (4e9 rows would be ~500 GB).
constexpr uint64_t kMaxUnfilteredRows = 100'000'000;

Runner add_sweep(CLI::App& app) {
  struct Opts {
    OneFunctionOptions one;
    std::string implementation, output = "-", kind = "csv";
    std::vector<std::string> where;
    std::string worst;
    bool all_rows = false, no_progress = false;
    DomainOptions domain;
    EngineOptions engine;
    GradingOptions grading;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "One CSV row per input: x, reference, value, ULP/absolute/relative error.\n"
      "Columns: " +
          std::string(kSweepCsvHeader).substr(0, std::string(kSweepCsvHeader).size() - 1) +
          "\nx, reference and value read back to the same bits; exact and the errors carry only "
          "their certain digits (r is known to within 2^-11 ULP).");
  o->one.add_to(*cmd);
  cmd->add_option("-i,--implementation", o->implementation, "Implementation (see `gelucheck list`)")
      ->required();
  cmd->add_option("-o,--file", o->output, "CSV file (default: standard output)")->type_name("FILE");
  cmd->add_option("--output", o->kind, "Kind of output: csv (the only kind)")
      ->type_name("KIND")
      ->capture_default_str();
  cmd->add_option("--where", o->where,
                  "Keep rows matching EXPR (repeat: all must match): FIELD OP NUMBER with FIELD "
                  "ulp, abs_ulp, abs_error, rel_error, distance or x and OP > >= < <= == !=, e.g. "
                  "'abs_ulp>1'; or not_cr, not_faithful, nonfinite, nan, zero_sign, any_failure, "
                  "not_close (fails assert_close), flushed")
      ->type_name("EXPR");
  cmd->add_option("--worst", o->worst,
                  "Keep only the N most severe rows (NaN/non-finite, then wrong-signed zeros, "
                  "then |ULP|), most severe first")
      ->type_name("N");
  cmd->add_flag("--all-rows", o->all_rows,
                "Write every row even when the sweep has more than 10^8 inputs");
  cmd->add_flag("--no-progress", o->no_progress, "No progress line on stderr");
  o->domain.add_to(*cmd);
  o->engine.add_to(*cmd);
  o->grading.add_to(*cmd);
  return [o]() {
    if (o->kind != "csv") throw unknown_output_kind(o->kind, "csv");
    const Function fn = o->one.named_function();
    const Format& f = o->one.named_format();
    const Implementation& impl = implementation_named(o->implementation);
    if (!impl.supports(fn, f))
      throw UsageError(fmt::format("implementation '{}' does not provide {} in {}", impl.name,
                                   name_of(fn), f.name));
    const Domain domain = o->domain.build(f);
    SweepOptions options = o->engine.sweep_options();
    o->grading.apply(options);
    const uint64_t worst_count =
        o->worst.empty() ? 0
                         : parse_count(o->worst, "--worst", 1, kMaxWorstRows,
                                       "(the rows are held in memory; select fewer with --where)");
    std::vector<RecordPredicate> filters;
    for (const std::string& e : o->where) filters.push_back(parse_record_filter(f, e));
    if (domain.size() > kMaxUnfilteredRows && filters.empty() && worst_count == 0 && !o->all_rows)
      throw UsageError(fmt::format(
          "this sweep has {} inputs, a CSV of about {:.0f} GB; select rows with --where EXPR "
          "or --worst N (or pass --all-rows), or use `gelucheck table` for statistics",
          domain.size(), double(domain.size()) * 130e-9));
    OutputFile out(o->output);
    out.write(kSweepCsvHeader);
    const Implementation* impls[] = {&impl};
    WorstRecords worst(f, worst_count);
    Progress progress(domain.size(), progress_wanted(o->no_progress));
    options.on_chunk = [&](uint64_t inputs) { progress.advance(inputs); };
    run_sweep(fn, domain, impls, options, [&](size_t, std::span<const PointRecord> records) {
      fmt::memory_buffer buf;
      for (const PointRecord& p : records) {
        if (!std::all_of(filters.begin(), filters.end(),
                         [&](const RecordPredicate& keep) { return keep(p); }))
          continue;
        if (worst_count)
          worst.add(p);
        else
          append_csv_row(buf, f, p);
      }
      out.write({buf.data(), buf.size()});
    });
    progress.finish();
    if (worst_count) {
      fmt::memory_buffer buf;
      for (const PointRecord& p : worst.most_severe_first()) append_csv_row(buf, f, p);
      out.write({buf.data(), buf.size()});
    }
    out.commit();
    return 0;
  };
}

}  // namespace gelucheck::cli
