#include "render/saturation_render.hpp"

#include <fmt/format.h>       // fmt::format, fmt::join
#include <nlohmann/json.hpp>  // nlohmann::ordered_json

#include "io/csv_writer.hpp"
#include "render/text.hpp"

namespace gelucheck {

std::string plateau_text(const Format& f, const Asymptote& a, const Plateau& p) {
  if (!p.exists) return fmt::format("never (ends at {})", to_shortest_decimal(f, p.anchor_value));
  const std::string x = value_with_bits(f.in(), p.x);  // an input (of IN in a pair IN:OUT)
  switch (a.approach) {
    case Approach::positive_tail:
      return "x >= " + x;
    case Approach::negative_tail:
      return "x <= " + x;
    case Approach::zero_positive:
      return "+0 <= x <= " + x;
    case Approach::zero_negative:
      return x + " <= x <= -0";
  }
  return x;
}

std::string interval_text(const Format& graded, uint32_t first, uint32_t last) {
  const Format& f = graded.in();  // inputs
  const uint32_t max = f.max_finite_bits(), neg_max = f.sign_mask() | max;
  if (first == last) return "x = " + to_shortest_decimal(f, first);
  if (first == neg_max) return "x <= " + to_shortest_decimal(f, last);
  if (last == max) return "x >= " + to_shortest_decimal(f, first);
  return fmt::format("x in [{}, {}]", to_shortest_decimal(f, first), to_shortest_decimal(f, last));
}

namespace {

// --- the summary line of each implementation, from the report's data -------------------------

std::string inputs_text(const Zone& z) {
  return fmt::format("{}{} input{}", z.estimated ? "~" : "", z.inputs, z.inputs == 1 ? "" : "s");
}

std::string zone_sentence(const Format& f, const Zone& z, const SaturationReport& r, double limit) {
  const std::string where = interval_text(f, z.first, z.last);
  const std::string n = inputs_text(z);
  const std::string op =
      z.operation.empty() ? "" : fmt::format("; first overflow in '{}'", z.operation);
  switch (z.kind) {
    case ZoneKind::premature_zero:
      return fmt::format(
          "returns 0 for {} where the exact value is a normal number ({}; values "
          "up to {:.3g} lost)",
          where, n, z.worst);
    case ZoneKind::underflow_zero:
      return fmt::format(
          "returns 0 for {} where the correctly rounded value is subnormal ({}; "
          "up to {:.3g})",
          where, n, z.worst);
    case ZoneKind::cancellation:
      return fmt::format("relative error above {:g}% for {} ({}; worst {:.3g}% at x = {})",
                         100 * limit, where, n, 100 * z.worst,
                         to_shortest_decimal(f.in(), z.worst_x));
    case ZoneKind::overflow_nan:
      return fmt::format("NaN for {} ({}{})", where, n, op);
    case ZoneKind::overflow_inf:
      return fmt::format("infinite for {} ({}{})", where, n, op);
    case ZoneKind::intermediate_overflow:
      return fmt::format("'{}' overflows for {} but the result stays finite ({})", z.operation,
                         where, n);
    case ZoneKind::late_saturation: {
      std::string label;
      for (size_t a = 0; a < r.asymptotes.size(); ++a)
        if (is_tail(r.asymptotes[a].approach) &&
            is_negative_side(r.asymptotes[a].approach) == z.negative)
          label = std::string(r.asymptotes[a].label);
      return fmt::format("not yet at {} for {} where the reference is ({}; up to {} ULP off)",
                         label, where, n, known_digits(z.worst, ulp_error_bound(f), 3));
    }
    case ZoneKind::zero_sign:
      return fmt::format("zero of the wrong sign for {} ({})", where, n);
    case ZoneKind::forms_differ:
      return "";
  }
  return "";
}

// Whether a zone on this side of zero already accounts for a moved tail threshold.
bool explained_by_zone(const ImplementationSaturation& s, bool negative) {
  for (const Zone& z : s.zones)
    if (z.negative == negative &&
        (z.kind == ZoneKind::premature_zero || z.kind == ZoneKind::underflow_zero ||
         z.kind == ZoneKind::late_saturation))
      return true;
  return false;
}

}  // namespace

std::string saturation_summary(const SaturationReport& r, const ImplementationSaturation& s) {
  const Format& f = *r.format;
  const double limit = r.relative_error_limit;
  if (s.implementation->is_reference) return "the correctly rounded reference (thresholds above)";
  std::vector<std::string> parts;
  constexpr ZoneKind order[] = {ZoneKind::premature_zero, ZoneKind::underflow_zero,
                                ZoneKind::cancellation,   ZoneKind::overflow_nan,
                                ZoneKind::overflow_inf,   ZoneKind::late_saturation,
                                ZoneKind::zero_sign,      ZoneKind::intermediate_overflow};
  for (ZoneKind kind : order) {
    for (const Zone& z : s.zones) {
      if (z.kind != kind) continue;
      std::string sentence = zone_sentence(f, z, r, limit);
      if (is_failure(kind)) {
        std::vector<std::string> better;
        for (const Zone::Alternative& a : z.alternatives)
          better.push_back(fmt::format("{} (max {} ULP)", a.implementation->name,
                                       known_digits(a.max_abs_ulp, ulp_error_bound(f), 3)));
        if (!better.empty())
          sentence += fmt::format(" - no failure zone there in {}", fmt::join(better, ", "));
      }
      parts.push_back(std::move(sentence));
    }
  }
  for (size_t a = 0; a < r.asymptotes.size(); ++a) {
    const Asymptote& as = r.asymptotes[a];
    const Plateau& p = s.plateaus[a];
    if (!r.reference[a].exists) continue;
    if (!p.exists) {
      parts.push_back(fmt::format("never settles at {} ({}: ends at {})", as.label,
                                  approach_name(as.approach),
                                  to_shortest_decimal(f, p.anchor_value)));
    } else if (s.distances[a] && *s.distances[a] != 0 &&
               !explained_by_zone(s, is_negative_side(as.approach))) {
      const int64_t d = *s.distances[a];
      const char* how = is_tail(as.approach) ? (d > 0 ? "later" : "earlier")
                                             : (d > 0 ? "farther from 0" : "closer to 0");
      parts.push_back(fmt::format("{} ({}) from x = {}, {} input{} {} than the reference", as.label,
                                  approach_name(as.approach), to_shortest_decimal(f.in(), p.x),
                                  std::llabs(d), std::llabs(d) == 1 ? "" : "s", how));
    }
  }
  std::vector<std::string> wrong;
  for (size_t i = 0; i < r.specials.size(); ++i)
    if (!s.specials[i].ok)
      wrong.push_back(fmt::format("f({}) = {} (expected {})", r.specials[i].name,
                                  to_shortest_decimal(f, s.specials[i].actual),
                                  to_shortest_decimal(f, r.special_expected[i])));
  if (!wrong.empty())
    parts.push_back("special inputs: " + fmt::format("{}", fmt::join(wrong, ", ")));
  if (parts.empty())
    return "matches the reference: every threshold at the same input, no zones, every special "
           "input right";
  std::string line = fmt::format("{}", fmt::join(parts, "; "));
  return line;
}

namespace {

std::string distance_text(const std::optional<int64_t>& d) {
  if (!d) return "";
  return *d == 0 ? "Δ 0" : fmt::format("Δ {:+}", *d);
}

std::string worst_text(const Format& f, const Zone& z) {
  switch (z.kind) {
    case ZoneKind::cancellation:
      return fmt::format("{:.3g}% rel", 100 * z.worst);
    case ZoneKind::premature_zero:
    case ZoneKind::underflow_zero:
      return fmt::format("{:.3g} lost", z.worst);
    case ZoneKind::late_saturation:
      return fmt::format("{} ULP", known_digits(z.worst, ulp_error_bound(f), 3));
    default:
      return "";
  }
}

bool worst_applies(ZoneKind k) {
  return k == ZoneKind::cancellation || k == ZoneKind::premature_zero ||
         k == ZoneKind::underflow_zero || k == ZoneKind::late_saturation;
}

std::string forms_sentence(const SaturationReport& r) {
  const Format& f = *r.format;
  const FormComparison& fc = *r.forms;
  if (fc.zones.empty())
    return fmt::format("{} and {} round to the same value at every input visited.",
                       name_of(r.function), name_of(fc.other));
  std::vector<std::string> parts;
  for (const Zone& z : fc.zones)
    parts.push_back(fmt::format("{}{} of the {} inputs in [{}, {}]", z.estimated ? "~" : "",
                                z.inputs, z.span, value_with_bits(f.in(), z.first),
                                value_with_bits(f.in(), z.last)));
  return fmt::format("{} and {} round to different values at {}; identically everywhere else.",
                     name_of(r.function), name_of(fc.other), fmt::join(parts, " and "));
}

// --- Markdown --------------------------------------------------------------------------------

std::string markdown(const std::vector<SaturationReport>& reports) {
  std::string out =
      "# Saturation and special values\n\n"
      "Thresholds are exact inputs of the format. A plateau is the run of inputs, from its anchor "
      "(+-max for x -> +-inf, +-0 near zero), on which the value equals the asymptote; its "
      "boundary is the first input from which the value stays put. Δ is the signed distance from "
      "the reference's boundary in inputs of the format, positive when farther from zero (a tail "
      "reached later). Zones: premature_zero (0 where the correctly rounded value is a normal "
      "number), underflow_zero (0 where it is subnormal, as flush-to-zero gives), "
      "cancellation (relative error above the limit, reference normal), overflow_nan / "
      "overflow_inf (non-finite result for a finite input), intermediate_overflow (an operation "
      "overflowed, the result stayed finite), late_saturation (not at the asymptote inside the "
      "reference's tail plateau), zero_sign (zero of the wrong sign).\n";
  for (const SaturationReport& r : reports) {
    const Format& f = *r.format;
    out += fmt::format("\n## {}, {}\n\nInputs: {}.\n\n", name_of(r.function), f.name, r.method);

    out +=
        "Reference plateaus (correctly rounded):\n\n| asymptote | approach | plateau | inputs on "
        "it |\n"
        "|---|---|---|---:|\n";
    for (size_t a = 0; a < r.asymptotes.size(); ++a)
      out += fmt::format("| {} | {} | {} | {} |\n", r.asymptotes[a].label,
                         approach_name(r.asymptotes[a].approach),
                         plateau_text(f, r.asymptotes[a], r.reference[a]), r.reference[a].inputs);
    if (r.forms) out += "\n" + forms_sentence(r) + "\n";

    out +=
        "\nPlateaus by implementation (Δ in inputs, + = farther from zero than the reference):\n\n"
        "| implementation |";
    for (const Asymptote& a : r.asymptotes)
      out += fmt::format(" {} ({}) |", a.label, approach_name(a.approach));
    out += "\n|---|";
    for (size_t a = 0; a < r.asymptotes.size(); ++a) out += "---|";
    out += "\n";
    for (const ImplementationSaturation& s : r.implementations) {
      out += fmt::format("| {} |", s.implementation->name);
      for (size_t a = 0; a < r.asymptotes.size(); ++a) {
        const std::string d = distance_text(s.distances[a]);
        out += fmt::format(" {}{} |", plateau_text(f, r.asymptotes[a], s.plateaus[a]),
                           d.empty() ? "" : ", " + d);
      }
      out += "\n";
    }

    std::string zones;
    for (const ImplementationSaturation& s : r.implementations)
      for (const Zone& z : s.zones)
        zones += fmt::format(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", s.implementation->name,
            zone_name(z.kind), value_with_bits(f.in(), z.first), value_with_bits(f.in(), z.last),
            fmt::format("{}{}", z.estimated ? "~" : "", z.inputs), z.span,
            fmt::format("{}{}", z.estimated ? "~" : "", z.runs),
            worst_applies(z.kind)
                ? worst_text(f, z) + " at " + to_shortest_decimal(f.in(), z.worst_x)
                : "",
            z.operation.empty() ? "" : "`" + z.operation + "`");
    if (zones.empty()) {
      out += "\nZones: none in any implementation.\n";
    } else {
      out += fmt::format(
          "\nZones (cancellation: relative error above {:g}%):\n\n"
          "| implementation | zone | x from | x to | inputs | span | runs | worst | first "
          "overflow |\n|---|---|---|---|---:|---:|---:|---|---|\n",
          100 * r.relative_error_limit);
      out += zones;
    }

    out +=
        "\nSpecial inputs (first row: the expected, correctly rounded value; ✗ marks a wrong "
        "one):\n\n| implementation |";
    for (const SpecialInput& si : r.specials) out += fmt::format(" f({}) |", si.name);
    out += "\n|---|";
    for (size_t i = 0; i < r.specials.size(); ++i) out += "---|";
    out += "\n| *expected* |";
    for (uint32_t e : r.special_expected) out += fmt::format(" {} |", to_shortest_decimal(f, e));
    out += "\n";
    for (const ImplementationSaturation& s : r.implementations) {
      out += fmt::format("| {} |", s.implementation->name);
      for (const SpecialResult& sr : s.specials)
        out += sr.ok ? fmt::format(" {} |", to_shortest_decimal(f, sr.actual))
                     : fmt::format(" {} ✗ {} |", to_shortest_decimal(f, sr.actual), sr.verdict);
      out += "\n";
    }

    out += "\nSummary:\n\n";
    for (const ImplementationSaturation& s : r.implementations)
      out += fmt::format("- **{}**: {}\n", s.implementation->name, saturation_summary(r, s));
  }
  return out;
}

// --- CSV -------------------------------------------------------------------------------------

struct CsvRow {
  std::string implementation, section, item, approach;
  std::string x_first, x_first_bits, x_last, x_last_bits;
  std::string inputs, span, runs, distance, worst, worst_x, worst_x_bits;
  std::string actual, actual_bits, expected, expected_bits, verdict, operation, text;
};

std::string csv(const std::vector<SaturationReport>& reports) {
  std::string out =
      "function,format,implementation,section,item,approach,x_first,x_first_bits,x_last,"
      "x_last_bits,inputs,span,runs,distance,worst,worst_x,worst_x_bits,actual,actual_bits,"
      "expected,expected_bits,verdict,operation,text\n";
  for (const SaturationReport& r : reports) {
    const Format& f = *r.format;
    auto emit = [&](const CsvRow& c) {
      const std::string fields[] = {std::string(name_of(r.function)),
                                    std::string(f.name),
                                    c.implementation,
                                    c.section,
                                    c.item,
                                    c.approach,
                                    c.x_first,
                                    c.x_first_bits,
                                    c.x_last,
                                    c.x_last_bits,
                                    c.inputs,
                                    c.span,
                                    c.runs,
                                    c.distance,
                                    c.worst,
                                    c.worst_x,
                                    c.worst_x_bits,
                                    c.actual,
                                    c.actual_bits,
                                    c.expected,
                                    c.expected_bits,
                                    c.verdict,
                                    c.operation,
                                    c.text};
      out += csv_record(fields);
    };
    auto plateau_row = [&](const std::string& impl, const Asymptote& a, const Plateau& p,
                           const std::optional<int64_t>& d) {
      CsvRow c;
      c.implementation = impl;
      c.section = "plateau";
      c.item = std::string(a.label);
      c.approach = approach_name(a.approach);
      if (p.exists) {
        c.x_first = to_shortest_decimal(f.in(), p.x);
        c.x_first_bits = to_hex_bits(f.in(), p.x);
        c.inputs = std::to_string(p.inputs);
      }
      c.actual = to_shortest_decimal(f, p.anchor_value);
      c.actual_bits = to_hex_bits(f, p.anchor_value);
      if (d) c.distance = std::to_string(*d);
      c.text = p.exists ? "" : "never settles";
      emit(c);
    };
    auto zone_row = [&](const std::string& impl, const Zone& z) {
      CsvRow c;
      c.implementation = impl;
      c.section = "zone";
      c.item = zone_name(z.kind);
      c.approach = z.negative ? "x < 0" : "x > 0";
      c.x_first = to_shortest_decimal(f.in(), z.first);
      c.x_first_bits = to_hex_bits(f.in(), z.first);
      c.x_last = to_shortest_decimal(f.in(), z.last);
      c.x_last_bits = to_hex_bits(f.in(), z.last);
      c.inputs = std::to_string(z.inputs);
      c.span = std::to_string(z.span);
      c.runs = std::to_string(z.runs);
      c.text = z.estimated ? "inputs and runs estimated from the grid" : "";
      if (worst_applies(z.kind)) {
        c.worst = fmt::format("{}", z.worst);
        c.worst_x = to_shortest_decimal(f.in(), z.worst_x);
        c.worst_x_bits = to_hex_bits(f.in(), z.worst_x);
      }
      c.operation = z.operation;
      emit(c);
    };
    for (size_t a = 0; a < r.asymptotes.size(); ++a)
      plateau_row("correctly_rounded_reference", r.asymptotes[a], r.reference[a], std::nullopt);
    if (r.forms)
      for (const Zone& z : r.forms->zones)
        zone_row(fmt::format("{} vs {}", name_of(r.function), name_of(r.forms->other)), z);
    for (const ImplementationSaturation& s : r.implementations) {
      const std::string& name = s.implementation->name;
      for (size_t a = 0; a < r.asymptotes.size(); ++a)
        plateau_row(name, r.asymptotes[a], s.plateaus[a], s.distances[a]);
      for (const Zone& z : s.zones) zone_row(name, z);
      for (size_t i = 0; i < r.specials.size(); ++i) {
        CsvRow c;
        c.implementation = name;
        c.section = "special";
        c.item = std::string(r.specials[i].name);
        c.x_first = to_shortest_decimal(f.in(), r.specials[i].x);
        c.x_first_bits = to_hex_bits(f.in(), r.specials[i].x);
        c.actual = to_shortest_decimal(f, s.specials[i].actual);
        c.actual_bits = to_hex_bits(f, s.specials[i].actual);
        c.expected = to_shortest_decimal(f, r.special_expected[i]);
        c.expected_bits = to_hex_bits(f, r.special_expected[i]);
        c.verdict = s.specials[i].verdict;
        emit(c);
      }
      CsvRow c;
      c.implementation = name;
      c.section = "summary";
      c.text = saturation_summary(r, s);
      emit(c);
    }
  }
  return out;
}

// --- JSON ------------------------------------------------------------------------------------

using Json = nlohmann::ordered_json;

Json value_json(const Format& f, uint32_t bits) {
  return {{"value", to_shortest_decimal(f, bits)}, {"bits", to_hex_bits(f, bits)}};
}

Json plateau_json(const Format& f, const Plateau& p) {
  Json j = {{"exists", p.exists}};
  if (p.exists) {
    j["boundary"] = value_json(f.in(), p.x);
    j["inputs"] = p.inputs;
  }
  j["anchor_value"] = value_json(f, p.anchor_value);
  return j;
}

Json zone_json(const Format& f, const Zone& z) {
  Json j = {{"kind", zone_name(z.kind)},
            {"side", z.negative ? "negative" : "positive"},
            {"first", value_json(f.in(), z.first)},
            {"last", value_json(f.in(), z.last)},
            {"inputs", z.inputs},
            {"span", z.span},
            {"runs", z.runs},
            {"estimated", z.estimated}};
  if (worst_applies(z.kind)) {
    j["worst"] = z.worst;
    j["worst_x"] = value_json(f.in(), z.worst_x);
  }
  if (!z.operation.empty()) j["operation"] = z.operation;
  return j;
}

std::string json(const std::vector<SaturationReport>& reports) {
  Json out = Json::array();
  for (const SaturationReport& r : reports) {
    const Format& f = *r.format;
    Json rep = {{"function", name_of(r.function)},
                {"format", f.name},
                {"exhaustive", r.exhaustive},
                {"method", r.method},
                {"grid_points", r.grid_points},
                {"evaluated", r.evaluated},
                {"relative_error_limit", r.relative_error_limit}};
    Json asym = Json::array();
    for (size_t a = 0; a < r.asymptotes.size(); ++a)
      asym.push_back({{"label", r.asymptotes[a].label},
                      {"approach", approach_name(r.asymptotes[a].approach)},
                      {"reference", plateau_json(f, r.reference[a])}});
    rep["asymptotes"] = asym;
    if (r.forms) {
      Json zones = Json::array();
      for (const Zone& z : r.forms->zones) zones.push_back(zone_json(f, z));
      rep["forms_differ"] = {{"other", name_of(r.forms->other)}, {"zones", zones}};
    }
    Json impls = Json::array();
    for (const ImplementationSaturation& s : r.implementations) {
      Json plateaus = Json::array();
      for (size_t a = 0; a < r.asymptotes.size(); ++a) {
        Json p = plateau_json(f, s.plateaus[a]);
        p["distance"] = s.distances[a] ? Json(*s.distances[a]) : Json(nullptr);
        plateaus.push_back(p);
      }
      Json zones = Json::array();
      for (const Zone& z : s.zones) zones.push_back(zone_json(f, z));
      Json specials = Json::array();
      for (size_t i = 0; i < r.specials.size(); ++i)
        specials.push_back({{"input", r.specials[i].name},
                            {"x", value_json(f.in(), r.specials[i].x)},
                            {"expected", value_json(f, r.special_expected[i])},
                            {"actual", value_json(f, s.specials[i].actual)},
                            {"ok", s.specials[i].ok},
                            {"verdict", s.specials[i].verdict}});
      impls.push_back({{"implementation", s.implementation->name},
                       {"plateaus", plateaus},
                       {"zones", zones},
                       {"specials", specials},
                       {"summary", saturation_summary(r, s)}});
    }
    rep["implementations"] = impls;
    out.push_back(rep);
  }
  return out.dump(2) + "\n";
}

}  // namespace

std::string render_saturation(const std::vector<SaturationReport>& reports, OutputKind kind) {
  switch (kind) {
    case OutputKind::markdown:
      return markdown(reports);
    case OutputKind::csv:
      return csv(reports);
    case OutputKind::json:
      return json(reports);
  }
  return {};
}

}  // namespace gelucheck
